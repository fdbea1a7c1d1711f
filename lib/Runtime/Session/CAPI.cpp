//===- CAPI.cpp - The runtime's C API over Session ------------------------===//

#include "weft/Runtime/Device/FaultInjection.h"
#include "weft/Runtime/Session/Session.h"
#include "weft/Runtime/weft_runtime.h"

#include <cstring>
#include <map>
#include <string>
#include <type_traits>

using namespace weft::runtime;

struct weft_session {
  std::unique_ptr<Session> session;
};

struct weft_scheduler {
  std::unique_ptr<Scheduler> scheduler;
};

namespace {

// The C enum mirrors DType; a new element type must be added to both.
static_assert(int(DType::F32) == WEFT_F32 && int(DType::F16) == WEFT_F16 &&
                  int(DType::I8) == WEFT_I8 && int(DType::U64) == WEFT_U64 &&
                  int(DType::U8) == WEFT_U8 && int(DType::Bool) == WEFT_BOOL &&
                  int(DType::BF16) == WEFT_BF16,
              "weft_dtype and DType disagree");

thread_local std::string lastError;

weft_status fail(const Status &status) {
  lastError = status.getMessage();
  switch (status.getCode()) {
  case StatusCode::Ok:
    return WEFT_OK;
  case StatusCode::InvalidArgument:
    return WEFT_INVALID_ARGUMENT;
  case StatusCode::DataLoss:
    return WEFT_DATA_LOSS;
  case StatusCode::Unsupported:
    return WEFT_UNSUPPORTED;
  case StatusCode::NotFound:
    return WEFT_NOT_FOUND;
  case StatusCode::Internal:
    return WEFT_INTERNAL;
  case StatusCode::Unavailable:
    return WEFT_UNAVAILABLE;
  case StatusCode::ResourceExhausted:
    return WEFT_RESOURCE_EXHAUSTED;
  }
  return WEFT_INTERNAL;
}

weft_status invalid(const std::string &message) {
  return fail(Status(StatusCode::InvalidArgument, message));
}

/// The element type's number as the caller stored it: read as raw bits, since
/// a C caller may store any int in the enum (out of range is undefined in
/// C++).
int rawDType(const weft_dtype &dtype) {
  std::underlying_type_t<weft_dtype> raw;
  std::memcpy(&raw, &dtype, sizeof(raw));
  return int(raw);
}

bool isKnownDType(int dtype) { return dtype >= WEFT_F32 && dtype <= WEFT_BF16; }

weft_status describeSpec(const std::vector<TensorSpec> &specs, size_t index,
                         weft_tensor_info *info, const char *role) {
  if (!info)
    return invalid(std::string("no weft_tensor_info to fill for ") + role);
  if (index >= specs.size())
    return invalid(std::string(role) + " #" + std::to_string(index) +
                   " does not exist (the model has " +
                   std::to_string(specs.size()) + ")");
  const TensorSpec &spec = specs[index];
  *info = {spec.name.c_str(), weft_dtype(spec.dtype), spec.shape.size(),
           spec.shape.data()};
  return WEFT_OK;
}

/// Views over the caller's tensors, or an error naming the bad one.
weft_status toViews(const weft_tensor *tensors, size_t count, const char *role,
                    std::vector<TensorView> &views) {
  if (count > 0 && !tensors)
    return invalid(std::string("no ") + role + "s given (null pointer)");
  for (size_t i = 0; i < count; ++i) {
    const weft_tensor &t = tensors[i];
    if (!isKnownDType(rawDType(t.dtype)))
      return invalid(std::string(role) + " #" + std::to_string(i) +
                     " has an unknown element type " +
                     std::to_string(rawDType(t.dtype)));
    if (t.rank > 0 && !t.shape)
      return invalid(std::string(role) + " #" + std::to_string(i) +
                     " has no shape (null pointer)");
    views.push_back({DType(t.dtype), t.shape, t.rank, t.data});
  }
  return WEFT_OK;
}

} // namespace

extern "C" {

weft_status weft_session_create(const char *path, weft_session **session) {
  if (!path || !session)
    return invalid("weft_session_create needs a path and a place for the "
                   "session");
  *session = nullptr;
  auto loaded = Session::create(path);
  if (!loaded)
    return fail(loaded.getStatus());
  *session = new weft_session{std::move(*loaded)};
  return WEFT_OK;
}

void weft_session_destroy(weft_session *session) { delete session; }

size_t weft_session_input_count(const weft_session *session) {
  return session ? session->session->getInputs().size() : 0;
}

size_t weft_session_output_count(const weft_session *session) {
  return session ? session->session->getOutputs().size() : 0;
}

weft_status weft_session_input_info(const weft_session *session, size_t index,
                                    weft_tensor_info *info) {
  if (!session)
    return invalid("no session (null pointer)");
  return describeSpec(session->session->getInputs(), index, info, "input");
}

weft_status weft_session_output_info(const weft_session *session, size_t index,
                                     weft_tensor_info *info) {
  if (!session)
    return invalid("no session (null pointer)");
  return describeSpec(session->session->getOutputs(), index, info, "output");
}

weft_status weft_session_run(const weft_session *session,
                             const weft_tensor *inputs, size_t num_inputs,
                             weft_tensor *outputs, size_t num_outputs) {
  if (!session)
    return invalid("no session (null pointer)");
  std::vector<TensorView> inputViews, outputViews;
  if (weft_status s = toViews(inputs, num_inputs, "input", inputViews))
    return s;
  if (weft_status s = toViews(outputs, num_outputs, "output", outputViews))
    return s;
  Status status = session->session->run(inputViews, outputViews);
  return status ? WEFT_OK : fail(status);
}

weft_status weft_scheduler_create(const char *const *specs, size_t count,
                                  const char *const *faults,
                                  weft_scheduler **scheduler) {
  if (!scheduler || (count > 0 && !specs))
    return invalid("weft_scheduler_create needs device specs and a place "
                   "for the scheduler");
  *scheduler = nullptr;
  if (count == 0)
    return invalid("a scheduler needs at least one device");
  std::vector<std::string> names;
  std::map<std::string, std::string> plans;
  for (size_t i = 0; i < count; ++i) {
    if (!specs[i])
      return invalid("device #" + std::to_string(i) + " has no spec");
    names.push_back(specs[i]);
    // The fault plan goes with the device's name, "<kind>:<index>".
    std::string name = names.back();
    size_t second = name.find(':', name.find(':') + 1);
    if (faults && faults[i])
      plans[name.substr(0, second)] = faults[i];
  }
  auto devices = createDevices(names, plans);
  if (!devices)
    return fail(devices.getStatus());
  *scheduler =
      new weft_scheduler{std::make_unique<Scheduler>(std::move(*devices))};
  return WEFT_OK;
}

void weft_scheduler_destroy(weft_scheduler *scheduler) { delete scheduler; }

weft_status weft_session_run_scheduled(const weft_session *session,
                                       weft_scheduler *scheduler,
                                       weft_schedule_mode mode,
                                       const weft_tensor *inputs,
                                       size_t num_inputs, weft_tensor *outputs,
                                       size_t num_outputs) {
  if (!session || !scheduler)
    return invalid("no session or no scheduler (null pointer)");
  int rawMode;
  std::memcpy(&rawMode, &mode, sizeof(rawMode));
  if (rawMode != WEFT_SCHEDULE_STATIC && rawMode != WEFT_SCHEDULE_DYNAMIC)
    return invalid("unknown schedule mode " + std::to_string(rawMode));
  std::vector<TensorView> inputViews, outputViews;
  if (weft_status s = toViews(inputs, num_inputs, "input", inputViews))
    return s;
  if (weft_status s = toViews(outputs, num_outputs, "output", outputViews))
    return s;
  RunOptions options;
  options.scheduler = scheduler->scheduler.get();
  options.mode = rawMode == WEFT_SCHEDULE_STATIC ? ScheduleMode::Static
                                                 : ScheduleMode::Dynamic;
  Status status = session->session->run(inputViews, outputViews, options);
  return status ? WEFT_OK : fail(status);
}

const char *weft_last_error(void) { return lastError.c_str(); }

const char *weft_dtype_name(weft_dtype dtype) {
  int raw = rawDType(dtype);
  return isKnownDType(raw) ? getDTypeName(DType(raw)) : "?";
}

} // extern "C"
