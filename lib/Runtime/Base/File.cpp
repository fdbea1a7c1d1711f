//===- File.cpp - Reading and writing the files users name ----------------===//

#include "weft/Runtime/Base/File.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weft::runtime {
namespace {

Status ioError(const std::string &path, const char *doing) {
  return Status(errno == ENOENT ? StatusCode::NotFound
                                : StatusCode::InvalidArgument,
                path + ": cannot " + doing + ": " + std::strerror(errno));
}

/// Writes all of `bytes` to `fd`.
bool writeAll(int fd, std::string_view bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = EIO;
      return false;
    }
    written += size_t(n);
  }
  return true;
}

/// Writes a device or FIFO where it is: nothing to replace, only to check.
Status writeInPlace(const std::string &path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ioError(path, "open for writing");
  bool ok = writeAll(fd, bytes);
  int savedErrno = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    savedErrno = errno;
  }
  errno = savedErrno;
  return ok ? Status::ok() : ioError(path, "write");
}

/// Creates a file next to `target` that no one else has opened, with the
/// mode a new file gets (the umask applies), or `mode` if given.
int createTemporary(const std::string &target, std::optional<mode_t> mode,
                    std::string &name) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    name = target + ".tmp-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter++);
    int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                    mode.value_or(0666));
    if (fd >= 0) {
      if (mode)
        ::fchmod(fd, *mode);
      return fd;
    }
    if (errno != EEXIST)
      return -1;
  }
  return -1;
}

} // namespace

StatusOr<InputFile> InputFile::open(const std::string &path,
                                    std::string_view what) {
  std::string reading = "read " + std::string(what);
  // Non-blocking, so that a FIFO with no writer does not hang the open.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return ioError(path, reading.c_str());
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status status = ioError(path, reading.c_str());
    ::close(fd);
    return status;
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status(StatusCode::InvalidArgument,
                  path + ": is a directory, not " + std::string(what));
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0)
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::optional<uint64_t> size;
  if (S_ISREG(st.st_mode))
    size = uint64_t(st.st_size);
  return InputFile(fd, path, size);
}

InputFile::InputFile(InputFile &&other) noexcept
    : fd(other.fd), path(std::move(other.path)), size(other.size) {
  other.fd = -1;
}

InputFile &InputFile::operator=(InputFile &&other) noexcept {
  if (this != &other) {
    if (fd >= 0)
      ::close(fd);
    fd = other.fd;
    path = std::move(other.path);
    size = other.size;
    other.fd = -1;
  }
  return *this;
}

InputFile::~InputFile() {
  if (fd >= 0)
    ::close(fd);
}

StatusOr<size_t> InputFile::read(void *data, size_t count) {
  size_t done = 0;
  auto *bytes = static_cast<char *>(data);
  while (done < count) {
    size_t chunk = std::min<size_t>(count - done, size_t(1) << 30);
    ssize_t n = ::read(fd, bytes + done, chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return ioError(path, "read");
    if (n == 0)
      break;
    done += size_t(n);
  }
  return done;
}

Status InputFile::readExactly(void *data, size_t count, std::string_view what) {
  StatusOr<size_t> got = read(data, count);
  if (!got)
    return got.getStatus();
  if (*got != count)
    return Status(StatusCode::DataLoss,
                  path + ": the file ends before " + std::string(what) +
                      " does (" + std::to_string(count) + " bytes needed, " +
                      std::to_string(*got) + " left)");
  return Status::ok();
}

StatusOr<std::string> InputFile::readRest(uint64_t limit,
                                          std::string_view what) {
  auto tooLarge = [&](const std::string &detail) {
    return Status(StatusCode::InvalidArgument,
                  path + ": " + std::string(what) + " is larger than the " +
                      std::to_string(limit) + " bytes accepted" + detail);
  };
  if (size && *size > limit)
    return tooLarge(" (" + std::to_string(*size) + " bytes)");
  std::string text;
  char buffer[65536];
  while (true) {
    StatusOr<size_t> got = read(buffer, sizeof(buffer));
    if (!got)
      return got.getStatus();
    if (*got == 0)
      return text;
    if (text.size() + *got > limit)
      return tooLarge("");
    text.append(buffer, *got);
  }
}

StatusOr<std::string> readFile(const std::string &path, uint64_t limit,
                               std::string_view what) {
  StatusOr<InputFile> file = InputFile::open(path, what);
  if (!file)
    return file.getStatus();
  return file->readRest(limit, what);
}

Status writeFile(const std::string &path, std::string_view bytes) {
  if (path == "-") {
    std::fflush(stdout);
    if (!writeAll(STDOUT_FILENO, bytes))
      return ioError("<stdout>", "write");
    return Status::ok();
  }
  if (path.empty())
    return Status(StatusCode::InvalidArgument, "an output path is empty");
  // A symbolic link stays: the file it leads to is what gets written.
  std::string target = path;
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char *resolved = ::realpath(path.c_str(), nullptr);
    if (!resolved)
      return Status(StatusCode::InvalidArgument,
                    path + ": is a symbolic link that leads nowhere (" +
                        std::strerror(errno) + ")");
    target = resolved;
    std::free(resolved);
  }
  std::optional<mode_t> mode;
  if (::stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return Status(StatusCode::InvalidArgument,
                    path + ": is a directory, not a file");
    if (!S_ISREG(st.st_mode))
      return writeInPlace(path, bytes);
    mode = st.st_mode & 07777;
  }
  std::string temporary;
  int fd = createTemporary(target, mode, temporary);
  if (fd < 0)
    return Status(StatusCode::InvalidArgument,
                  path + ": cannot create a temporary file beside it: " +
                      std::strerror(errno));
  bool ok = writeAll(fd, bytes) && ::fsync(fd) == 0;
  int savedErrno = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    savedErrno = errno;
  }
  if (ok && std::rename(temporary.c_str(), target.c_str()) != 0) {
    ok = false;
    savedErrno = errno;
  }
  if (!ok) {
    ::unlink(temporary.c_str());
    errno = savedErrno;
    return ioError(path, "write");
  }
  return Status::ok();
}

} // namespace weft::runtime
