/*===- weft_runtime.h - The runtime's C API -------------------------------===*
 *
 * Load a compiled model (.weft) and run it from C or any language with a C
 * FFI. Every function that can fail returns a weft_status; on failure
 * weft_last_error() gives the message (per thread) naming what was wrong, as
 * in "input 'x': expected shape [1,3,224,224] f32, got [1,3,60] f32".
 *
 *   weft_session *session;
 *   if (weft_session_create("model.weft", &session) != WEFT_OK)
 *     fprintf(stderr, "%s\n", weft_last_error());
 *   weft_tensor in = {WEFT_F32, 4, shape, pixels};
 *   weft_tensor out = {WEFT_F32, 2, out_shape, scores};
 *   weft_session_run(session, &in, 1, &out, 1);
 *   weft_session_destroy(session);
 *
 * Inputs and outputs are caller-owned, C-ordered buffers in the order the
 * model lists them (weft_session_input_info); outputs are written in place.
 * One session may run on several threads at once.
 *
 *===----------------------------------------------------------------------===*/

#ifndef WEFT_RUNTIME_WEFT_RUNTIME_H
#define WEFT_RUNTIME_WEFT_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a call did. */
typedef enum weft_status {
  WEFT_OK = 0,
  WEFT_INVALID_ARGUMENT = 1,  /**< wrong inputs, options or pointers */
  WEFT_DATA_LOSS = 2,         /**< a truncated or corrupt artifact */
  WEFT_UNSUPPORTED = 3,       /**< valid, but not something this runtime does */
  WEFT_NOT_FOUND = 4,         /**< a missing file or device */
  WEFT_INTERNAL = 5,          /**< a bug in Weft */
  WEFT_UNAVAILABLE = 6,       /**< a device that failed during a run */
  WEFT_RESOURCE_EXHAUSTED = 7 /**< out of (device) memory */
} weft_status;

/** Element types. */
typedef enum weft_dtype {
  WEFT_F32 = 0,
  WEFT_F64 = 1,
  WEFT_F16 = 2,
  WEFT_I64 = 3,
  WEFT_I32 = 4,
  WEFT_I16 = 5,
  WEFT_I8 = 6,
  WEFT_U64 = 7,
  WEFT_U32 = 8,
  WEFT_U16 = 9,
  WEFT_U8 = 10,
  WEFT_BOOL = 11,
  WEFT_BF16 = 12
} weft_dtype;

/** A loaded model. */
typedef struct weft_session weft_session;

/** A graph input or output as the model declares it; the strings and the
 *  shape belong to the session. */
typedef struct weft_tensor_info {
  const char *name;
  weft_dtype dtype;
  size_t rank;
  const int64_t *shape;
} weft_tensor_info;

/** A caller-owned tensor: element type, shape, C-ordered data. */
typedef struct weft_tensor {
  weft_dtype dtype;
  size_t rank;
  const int64_t *shape;
  void *data;
} weft_tensor;

/** Opens, verifies and loads the artifact at `path`. */
weft_status weft_session_create(const char *path, weft_session **session);
/** Frees a session (null is fine). */
void weft_session_destroy(weft_session *session);

size_t weft_session_input_count(const weft_session *session);
size_t weft_session_output_count(const weft_session *session);
weft_status weft_session_input_info(const weft_session *session, size_t index,
                                    weft_tensor_info *info);
weft_status weft_session_output_info(const weft_session *session, size_t index,
                                     weft_tensor_info *info);

/** Runs the model: `inputs` and `outputs` in the model's order, each checked
 *  against its declaration before anything runs. */
weft_status weft_session_run(const weft_session *session,
                             const weft_tensor *inputs, size_t num_inputs,
                             weft_tensor *outputs, size_t num_outputs);

/** Devices and a scheduler that runs a dynamic-batch model's samples as
 *  tasks across them (see docs/scheduling.md). */
typedef struct weft_scheduler weft_scheduler;

typedef enum weft_schedule_mode {
  WEFT_SCHEDULE_STATIC = 0, /**< the plan's device and order */
  WEFT_SCHEDULE_DYNAMIC = 1 /**< earliest expected finish, measured times */
} weft_schedule_mode;

/** Makes the devices `specs` name ("cpu:0", "cpu:1:cores=any", ...) and a
 *  scheduler over them. `faults`, if not null, gives per device a fault plan
 *  for tests ("slow=3", "fail-after=5") or null for none. */
weft_status weft_scheduler_create(const char *const *specs, size_t count,
                                  const char *const *faults,
                                  weft_scheduler **scheduler);
/** Frees a scheduler (null is fine); no run may be using it. */
void weft_scheduler_destroy(weft_scheduler *scheduler);

/** weft_session_run, with a batch's samples as tasks on `scheduler`'s
 *  devices. A scheduler runs one batch at a time; sessions may share it. */
weft_status weft_session_run_scheduled(const weft_session *session,
                                       weft_scheduler *scheduler,
                                       weft_schedule_mode mode,
                                       const weft_tensor *inputs,
                                       size_t num_inputs, weft_tensor *outputs,
                                       size_t num_outputs);

/** The message of this thread's last failed call ("" if none). */
const char *weft_last_error(void);
/** "f32", "i64", "bool", ... */
const char *weft_dtype_name(weft_dtype dtype);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_RUNTIME_WEFT_RUNTIME_H */
