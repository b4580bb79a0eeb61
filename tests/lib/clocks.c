/* clocks: prints "MONOTONIC BOOTTIME" in whole seconds (clock_gettime), for tests of time
 * namespace offsets; built static so that it runs in the busybox rootfs. */
#include <stdio.h>
#include <time.h>

int main(void) {
  struct timespec m, b;
  if (clock_gettime(CLOCK_MONOTONIC, &m) < 0 || clock_gettime(CLOCK_BOOTTIME, &b) < 0) {
    perror("clock_gettime");
    return 1;
  }
  printf("%lld %lld\n", (long long)m.tv_sec, (long long)b.tv_sec);
  return 0;
}
