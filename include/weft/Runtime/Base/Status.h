//===- Status.h - Errors as values for the runtime ------------ -*- C++ -*-===//
//
// The runtime reports every failure as a Status carrying a message a user
// can act on; nothing in it throws or asserts on bad input. StatusOr<T>
// holds a value or the reason there is none.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_BASE_STATUS_H
#define WEFT_RUNTIME_BASE_STATUS_H

#include <optional>
#include <string>
#include <utility>

namespace weft::runtime {

/// Broad classes of failure, for callers that react differently to them.
enum class StatusCode {
  Ok,
  InvalidArgument,   ///< the caller passed something wrong (inputs, options)
  DataLoss,          ///< a file is truncated or corrupt
  Unsupported,       ///< valid, but not something this runtime can do
  NotFound,          ///< a file or device that is not there
  Internal,          ///< a bug in Weft
  Unavailable,       ///< a device that failed or went away during a run
  ResourceExhausted, ///< out of (device) memory; smaller work may still fit
};

/// Success, or a code and a message.
class [[nodiscard]] Status {
public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code(code), message(std::move(message)) {}

  static Status ok() { return Status(); }
  bool isOk() const { return code == StatusCode::Ok; }
  explicit operator bool() const { return isOk(); }
  StatusCode getCode() const { return code; }
  const std::string &getMessage() const { return message; }

private:
  StatusCode code = StatusCode::Ok;
  std::string message;
};

/// A value, or the Status explaining why there is none.
template <typename T> class [[nodiscard]] StatusOr {
public:
  StatusOr(T value) : value(std::move(value)) {}
  StatusOr(Status status) : status(std::move(status)) {}

  bool isOk() const { return value.has_value(); }
  explicit operator bool() const { return isOk(); }
  const Status &getStatus() const { return status; }
  T &operator*() { return *value; }
  const T &operator*() const { return *value; }
  T *operator->() { return &*value; }
  const T *operator->() const { return &*value; }

private:
  std::optional<T> value;
  Status status;
};

} // namespace weft::runtime

/// Returns the Status of `expr` from the enclosing function if it failed.
#define WEFT_RETURN_IF_ERROR(expr)                                             \
  do {                                                                         \
    ::weft::runtime::Status weftStatus = (expr);                               \
    if (!weftStatus.isOk())                                                    \
      return weftStatus;                                                       \
  } while (false)

#endif // WEFT_RUNTIME_BASE_STATUS_H
