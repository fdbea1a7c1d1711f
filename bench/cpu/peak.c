/* Peak float32 FLOP/s of this CPU: independent AVX-512 (or AVX2) FMA chains
 * on every thread, enough of them to cover the FMA latency of two pipes.
 * Usage: peak THREADS; prints "gflops=<x>". */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 16
#define ITERATIONS 20000000L

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define SUM(v) _mm512_reduce_add_ps(v)
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
static float SUM(__m256 v) {
  float f[8];
  _mm256_storeu_ps(f, v);
  return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}
#endif

static void *spin(void *out) {
  vec acc[CHAINS];
  vec a = SET1(0.999999f), b = SET1(1e-7f);
  for (int i = 0; i < CHAINS; ++i)
    acc[i] = SET1((float)i);
  for (long n = 0; n < ITERATIONS; ++n)
    for (int i = 0; i < CHAINS; ++i)
      acc[i] = FMA(acc[i], a, b);
  vec total = acc[0];
  for (int i = 1; i < CHAINS; ++i)
    total = ADD(total, acc[i]);
  *(float *)out = SUM(total);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  pthread_t ids[256];
  float sink[256];
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int t = 0; t < threads; ++t)
    pthread_create(&ids[t], NULL, spin, &sink[t]);
  for (int t = 0; t < threads; ++t)
    pthread_join(ids[t], NULL);
  clock_gettime(CLOCK_MONOTONIC, &end);
  double seconds =
      (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) * 1e-9;
  double flops = 2.0 * LANES * CHAINS * (double)ITERATIONS * threads;
  printf("gflops=%.1f (%g)\n", flops / seconds * 1e-9, sink[0]);
  return 0;
}
