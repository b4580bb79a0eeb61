#define _GNU_SOURCE
#include "base/parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 4

struct slice {
  void (*fn)(void *ctx, size_t from, size_t to);
  void *ctx;
  size_t from, to;
};

static void *run_slice(void *arg) {
  struct slice *s = arg;
  s->fn(s->ctx, s->from, s->to);
  return NULL;
}

void oc_parallel_for(size_t n, size_t min_per_thread, void (*fn)(void *ctx, size_t from, size_t to), void *ctx) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t k = min_per_thread ? n / min_per_thread : n;
  if (cpus > 0 && k > (size_t)cpus) k = (size_t)cpus;
  if (k > MAX_THREADS) k = MAX_THREADS;
  if (k < 1) k = 1;
  struct slice s[MAX_THREADS];
  pthread_t t[MAX_THREADS];
  bool started[MAX_THREADS] = {false};
  for (size_t j = 0; j < k; j++) s[j] = (struct slice){fn, ctx, n * j / k, n * (j + 1) / k};
  for (size_t j = 1; j < k; j++) started[j] = pthread_create(&t[j], NULL, run_slice, &s[j]) == 0;
  run_slice(&s[0]);
  for (size_t j = 1; j < k; j++) {
    if (!started[j]) run_slice(&s[j]); /* no thread: done here */
    else if (pthread_join(t[j], NULL) != 0) abort(); /* a thread started and not joinable: cannot be */
  }
}
