/* probe: the lab's own small workloads, one static binary run alike in a container and in a VM.
 *   probe stamp START_NS OUT   copy stdin to OUT; on the first byte print the ms elapsed since
 *                              START_NS (CLOCK_REALTIME ns): start-up latency up to first output
 *   probe lat SECONDS          latency-sensitive victim: sleep 1 ms, SECONDS long; print how late
 *                              each wake-up was: "lat n=N p50_us=X p99_us=Y max_us=Z"
 *   probe alloc MB             touch MB MiB in 4 MiB steps, printing "alloc MIB MS" per step (ms
 *                              since start); killed at a memory limit before it ends
 *   probe hold MB              touch MB MiB, print "LAB-HELD", keep it until killed
 *   probe now                  CLOCK_MONOTONIC in ms (for a shell around "alloc")
 * Exit 0; 2 on bad arguments; 1 on a failed system call (message on stderr). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double ms_since(clockid_t clk, double start_ms) {
  struct timespec t;
  if (clock_gettime(clk, &t)) return -1;
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6 - start_ms;
}

static long arg_num(const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) {
    fprintf(stderr, "probe: not a number in %ld..%ld: \"%s\"\n", lo, hi, s);
    exit(2);
  }
  return v;
}

static int stamp(const char *start_ns, const char *out) {
  char *end;
  errno = 0;
  double start = strtod(start_ns, &end);
  if (errno || *end || start <= 0) {
    fprintf(stderr, "probe: stamp: bad START_NS \"%s\"\n", start_ns);
    return 2;
  }
  int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    fprintf(stderr, "probe: stamp: open %s: %s\n", out, strerror(errno));
    return 1;
  }
  char buf[65536];
  int first = 1;
  for (;;) {
    ssize_t n = read(0, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fprintf(stderr, "probe: stamp: read: %s\n", strerror(errno));
      close(fd);
      return 1;
    }
    if (n == 0) break;
    if (first) {
      printf("%.1f\n", ms_since(CLOCK_REALTIME, start / 1e6));
      if (fflush(stdout)) return 1;
      first = 0;
    }
    if (write(fd, buf, (size_t)n) != n) {
      fprintf(stderr, "probe: stamp: write %s: %s\n", out, strerror(errno));
      close(fd);
      return 1;
    }
  }
  return close(fd) ? 1 : 0;
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

static int lat(long seconds) {
  size_t cap = (size_t)seconds * 1000 + 16, n = 0;
  long *late = malloc(cap * sizeof(long));
  if (!late) {
    fprintf(stderr, "probe: lat: out of memory\n");
    return 1;
  }
  double t0 = ms_since(CLOCK_MONOTONIC, 0);
  struct timespec one_ms = {0, 1000000};
  while (n < cap && ms_since(CLOCK_MONOTONIC, t0) < (double)seconds * 1e3) {
    double a = ms_since(CLOCK_MONOTONIC, 0);
    if (clock_nanosleep(CLOCK_MONOTONIC, 0, &one_ms, NULL)) continue;
    late[n++] = (long)((ms_since(CLOCK_MONOTONIC, a) - 1.0) * 1000.0);
  }
  if (!n) {
    free(late);
    fprintf(stderr, "probe: lat: no sample\n");
    return 1;
  }
  qsort(late, n, sizeof(long), cmp_long);
  /* Nearest-rank percentiles, the same rule as stats.awk's pct(). */
  size_t r50 = (n * 50 + 99) / 100, r99 = (n * 99 + 99) / 100;
  printf("lat n=%zu p50_us=%ld p99_us=%ld max_us=%ld\n", n, late[r50 - 1], late[r99 - 1], late[n - 1]);
  free(late);
  return 0;
}

static int alloc(long mb, int quiet) {
  const size_t step = 4UL << 20;
  double t0 = ms_since(CLOCK_MONOTONIC, 0);
  if (!quiet) printf("alloc 0 0\n");
  if (fflush(stdout)) return 1;
  for (long done = 0; done < mb; done += 4) {
    char *p = mmap(NULL, step, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      fprintf(stderr, "probe: alloc: mmap: %s\n", strerror(errno));
      return 1;
    }
    for (size_t i = 0; i < step; i += 4096) p[i] = (char)(i + 1);
    if (!quiet) printf("alloc %ld %.0f\n", done + 4, ms_since(CLOCK_MONOTONIC, t0));
    if (fflush(stdout)) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "stamp")) return stamp(argv[2], argv[3]);
  if (argc == 3 && !strcmp(argv[1], "lat")) return lat(arg_num(argv[2], 1, 3600));
  if (argc == 3 && !strcmp(argv[1], "alloc")) return alloc(arg_num(argv[2], 1, 1 << 20), 0);
  if (argc == 3 && !strcmp(argv[1], "hold")) {
    if (alloc(arg_num(argv[2], 1, 1 << 20), 1)) return 1;
    printf("LAB-HELD\n");
    if (fflush(stdout)) return 1;
    for (;;) pause();
  }
  if (argc == 2 && !strcmp(argv[1], "now")) {
    printf("%.0f\n", ms_since(CLOCK_MONOTONIC, 0));
    return 0;
  }
  fprintf(stderr, "usage: probe stamp START_NS OUT | lat SECONDS | alloc MB | hold MB | now\n");
  return 2;
}
