/* Helpers shared by the unit tests (see helpers.h). */
#define _GNU_SOURCE
#include "tests/unit/helpers.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(p);
}

int rm_rf(const char *path) {
  if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0) return 0;
  return errno == ENOENT && access(path, F_OK) < 0 ? 0 : -1;
}

int find_fixture(const char *name, char *buf, size_t cap) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return -1;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) {
    errno = ENOENT;
    return -1;
  }
  *slash = '\0';
  if ((size_t)snprintf(buf, cap, "%s/fixtures/%s", exe, name) >= cap) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return access(buf, R_OK);
}

bool skip_under_valgrind(const char *why) {
  const char *v = getenv("OCRUN_TEST_VALGRIND");
  if (!v || strcmp(v, "1") != 0) return false;
  printf("skipped under valgrind: %s\n", why);
  return true;
}
