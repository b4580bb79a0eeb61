/* hugepageLimits: every page size asked for must be one the host's hugetlb controller has (a
 * hugetlb.<size>.<suffix> file in the cgroup), checked before any limit is written. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

/* "hugetlb.2MB.max" with suffix ".max" -> "2MB" (rsvd files and other suffixes do not count). */
static bool size_of_file(const char *name, const char *suffix, char *out, size_t len) {
  size_t n = strlen(name), sl = strlen(suffix);
  if (n <= 8 + sl || strncmp(name, "hugetlb.", 8) != 0 || strcmp(name + n - sl, suffix) != 0) return false;
  size_t sz = n - 8 - sl;
  if (memchr(name + 8, '.', sz) || sz >= len) return false;
  memcpy(out, name + 8, sz);
  out[sz] = '\0';
  return true;
}

/* The sizes the dir offers, ", "-separated, into buf ("" when none). */
OC_MUST_CHECK static int list_sizes(const struct oc_cg_dir *d, const char *suffix, char *buf, size_t len,
                                    struct oc_err *e) {
  buf[0] = '\0';
  int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "open %s", d->dirpath);
  _cleanup_dir_ DIR *dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return oc_fail_errno(e, "read %s", d->dirpath);
  }
  struct dirent *de;
  while ((de = readdir(dir))) {
    char sz[32];
    if (!size_of_file(de->d_name, suffix, sz, sizeof sz)) continue;
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", used ? ", " : "", sz);
  }
  return 0;
}

int oc_cg_hugetlb_check_sizes(const struct oc_cg_dir *d, const char *suffix, const struct oc_resources *r,
                              struct oc_err *e) {
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    const char *ps = r->hugepage_limits[i].page_size;
    if (oc_cg_pagesize_check(ps, e) < 0) return -1;
    char file[64];
    snprintf(file, sizeof file, "hugetlb.%s%s", ps, suffix);
    if (oc_cgf_exists(d, file)) continue;
    char have[256];
    if (list_sizes(d, suffix, have, sizeof have, e) < 0) return -1;
    return oc_fail(e, ENOENT,
                   "linux.resources.hugepageLimits: page size %s does not exist on this host (%s%s)", ps,
                   have[0] ? "hugetlb has " : "hugetlb offers no page size", have);
  }
  return 0;
}
