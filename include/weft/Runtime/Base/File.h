//===- File.h - Reading and writing the files users name -------*- C++ -*-===//
//
// Every file a Weft tool reads or writes on a user's behalf goes through
// here, so that the rules of docs/security.md hold in one place:
//  - a directory is refused by name; a FIFO or a device is read with a limit
//    (never "read all, then check"), and opening a FIFO never blocks;
//  - a regular file is replaced through a temporary file in its own folder,
//    renamed once complete and flushed to disk, so a failed write leaves the
//    old file intact and no half-written one;
//  - a symbolic link is never replaced: the file it leads to is; a device or
//    a FIFO (/dev/null, /dev/stdout) is written in place;
//  - every failed write, flush or close is an error naming the file.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_BASE_FILE_H
#define WEFT_RUNTIME_BASE_FILE_H

#include "weft/Runtime/Base/Status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weft::runtime {

/// A file opened for reading, read in order.
class InputFile {
public:
  /// Opens `path`, which holds `what` (for messages, which start with
  /// `path: `); refuses a directory.
  static StatusOr<InputFile> open(const std::string &path,
                                  std::string_view what = "a file");

  InputFile(InputFile &&other) noexcept;
  InputFile &operator=(InputFile &&other) noexcept;
  InputFile(const InputFile &) = delete;
  InputFile &operator=(const InputFile &) = delete;
  ~InputFile();

  /// The size of a regular file; none for a FIFO or a device.
  std::optional<uint64_t> getSize() const { return size; }
  const std::string &getPath() const { return path; }

  /// Reads at most `count` bytes into `data`; returns how many were read
  /// (fewer only at the end of the file).
  StatusOr<size_t> read(void *data, size_t count);
  /// Reads exactly `count` bytes, or fails saying the file ends before
  /// `what` does.
  Status readExactly(void *data, size_t count, std::string_view what);
  /// Reads the rest of the file, failing once it passes `limit` bytes.
  StatusOr<std::string> readRest(uint64_t limit, std::string_view what);

private:
  InputFile(int fd, std::string path, std::optional<uint64_t> size)
      : fd(fd), path(std::move(path)), size(size) {}
  int fd = -1;
  std::string path;
  std::optional<uint64_t> size;
};

/// Reads the whole file at `path` (what it holds is `what`, for messages),
/// refusing it once it passes `limit` bytes.
StatusOr<std::string> readFile(const std::string &path, uint64_t limit,
                               std::string_view what);

/// Writes `bytes` to `path` by the rules above ("-" is standard output).
Status writeFile(const std::string &path, std::string_view bytes);

} // namespace weft::runtime

#endif // WEFT_RUNTIME_BASE_FILE_H
