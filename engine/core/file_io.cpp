#include "core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace courtyard {

std::string read_whole_file(const std::string& path, const std::string& what) {
  const std::string name = what.empty() ? path : what + " " + path;
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw IoError("cannot read " + name + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw IoError("cannot read " + name + ": is a folder");
  }
  // read(2) until it returns 0 (the end); a negative return is an error, never the end
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd);
    throw IoError("cannot read " + name + ": " + std::strerror(err) + " (after " + std::to_string(out.size()) +
                  " bytes)");
  }
  ::close(fd);
  return out;
}

}  // namespace courtyard
