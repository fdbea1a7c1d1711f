/*===- affine_model.c - Host code standing in for a compiled model --------===*
 *
 * Built as a shared object and packed into an artifact by the runtime tests,
 * so that sessions are tested without the compiler. It follows the compiled
 * ABI: weft_main(args) with one memref descriptor per input, output and the
 * arena. The model: y = FACTOR * x + 1 over x: [2,3] f32, through the arena
 * (FACTOR is 2 unless the build says otherwise).
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>

#ifndef FACTOR
#define FACTOR 2
#endif

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} memref_2d_f32;

typedef struct {
  uint8_t *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref_1d_i8;

void weft_main(void **args) {
  memref_2d_f32 *x = (memref_2d_f32 *)args[0];
  memref_2d_f32 *y = (memref_2d_f32 *)args[1];
  memref_1d_i8 *arena = (memref_1d_i8 *)args[2];
  float *twice = (float *)arena->aligned;
  for (int i = 0; i < 6; ++i)
    twice[i] = FACTOR * x->aligned[x->offset + i];
  for (int i = 0; i < 6; ++i)
    y->aligned[y->offset + i] = twice[i] + 1;
}

/* The arena weft_main needs, as the compiler declares it. */
const int64_t weft_main_arena_bytes = 6 * sizeof(float);
