#include "sweep/util.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "sweep/sweep.h"

namespace courtyard::sweep {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string temporary_name(const std::string& path) {
  static std::atomic<int> counter{0};
  const std::filesystem::path p(path);
  const std::string name = "." + p.filename().string() + ".tmp-" + host_name() + "-" + std::to_string(::getpid()) +
                           "-" + std::to_string(counter.fetch_add(1));
  return (p.parent_path() / name).string();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw OutputCreateError("cannot create " + path + ": " + std::strerror(errno));
  out << text;
  out.close();
  if (!out) throw OutputCreateError("cannot write " + path);
}

bool mpi_launched() {
  auto above_one = [](const char* name) {
    const char* v = std::getenv(name);
    return v && std::atoi(v) > 1;
  };
  return above_one("OMPI_COMM_WORLD_SIZE") || above_one("PMI_SIZE") ||
         (std::getenv("PMIX_RANK") && above_one("SLURM_STEP_NUM_TASKS"));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace courtyard::sweep
