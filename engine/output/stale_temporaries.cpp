// Why both tests: a PID alone is not proof. On a shared folder another machine's writer has a PID that
// may not exist here; HDF5 (1.10) holds an exclusive flock on a file while it is open for writing, and
// on NFS flock is carried by the server, so a file that cannot be locked belongs to a live writer
// somewhere. A file passes only when its PID is gone here AND the lock can be taken.
#include "output/stale_temporaries.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace courtyard {

namespace {

// The PID of ".NAME.tmp-PID", or -1 when the name is not of that form.
long temporary_pid(const std::string& name) {
  if (name.size() < 7 || name[0] != '.') return -1;
  const size_t tag = name.rfind(".tmp-");
  if (tag == std::string::npos || tag == 0 || tag + 5 >= name.size()) return -1;
  long pid = 0;
  for (size_t i = tag + 5; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || pid > 100'000'000) return -1;
    pid = pid * 10 + (name[i] - '0');
  }
  return pid > 0 ? pid : -1;
}

bool process_gone(long pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

// Whether nobody holds the file locked (HDF5's writer does while it writes).
bool unlocked(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);  // releases the lock
  return free;
}

}  // namespace

std::vector<std::string> remove_stale_temporaries(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> removed;
  std::error_code ec;
  const fs::path folder = dir.empty() ? fs::path(".") : fs::path(dir);
  fs::directory_iterator it(folder, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const long pid = temporary_pid(name);
    if (pid < 0 || pid == static_cast<long>(::getpid())) continue;
    std::error_code ec2;
    if (!it->is_regular_file(ec2) || !process_gone(pid) || !unlocked(it->path().string())) continue;
    if (fs::remove(it->path(), ec2)) removed.push_back(name);
  }
  return removed;
}

}  // namespace courtyard
