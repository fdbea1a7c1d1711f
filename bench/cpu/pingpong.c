/* How far apart two threads of this machine are: one flag bounced between
 * them 200000 times; prints "round_trip_ns=<x>", the mean of one round trip.
 * On this 2-vCPU machine it is 70-180 ns most of the time and 400-800 ns in
 * some periods of minutes, in which 2-thread runs of Weft's loops slow down
 * up to 1.4x: the bench prints it next to each 2-thread row. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#define BOUNCES 200000

static _Atomic int flag;

static void *answer(void *unused) {
  (void)unused;
  for (int i = 0; i < BOUNCES; ++i) {
    while (atomic_load_explicit(&flag, memory_order_acquire) != 1)
      ;
    atomic_store_explicit(&flag, 0, memory_order_release);
  }
  return NULL;
}

int main(void) {
  pthread_t other;
  if (pthread_create(&other, NULL, answer, NULL) != 0)
    return 1;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 0; i < BOUNCES; ++i) {
    atomic_store_explicit(&flag, 1, memory_order_release);
    while (atomic_load_explicit(&flag, memory_order_acquire) != 0)
      ;
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  pthread_join(other, NULL);
  double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
  printf("round_trip_ns=%.0f\n", ns / BOUNCES);
  return 0;
}
