/* The record of a container's mounts in the host's mount namespace (see host_mounts.h). The id
 * of the mount the rootfs is on is written before the bind is made, so a create killed at any
 * point leaves a record that a later delete can act on. */
#define _GNU_SOURCE
#include "runtime/host_mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/parse.h"
#include "namespaces/rootfs.h"

#define RECORD "host-mount"

int oc_host_mounts_make(const char *state_dir, const char *rootfs, struct oc_err *e) {
  int under;
  if (oc_rootfs_mount_id(rootfs, &under, e) < 0) return -1;
  char text[32];
  int n = snprintf(text, sizeof text, "%d", under);
  if (oc_write_file_atomic(state_dir, RECORD, text, (size_t)n, 0600, e) < 0) return -1;
  return oc_rootfs_bind_in_host(rootfs, e);
}

int oc_host_mounts_remove(const char *state_dir, const char *rootfs, struct oc_err *e) {
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/" RECORD, state_dir) >= (int)sizeof path)
    return oc_fail(e, ENAMETOOLONG, "state dir %s: path too long", state_dir);
  _cleanup_free_ char *text = NULL;
  size_t len;
  int r = oc_read_fileat(AT_FDCWD, path, &text, &len, 64, e);
  if (r == -ENOENT) return 0;
  if (r < 0) return r;
  long under;
  if (oc_parse_long(text, 1, INT_MAX, &under) < 0) return oc_fail(e, EINVAL, "%s: not a mount id", path);
  return oc_rootfs_unbind_in_host(rootfs, (int)under, e);
}
