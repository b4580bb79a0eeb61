/* One filesystem as a detached mount fd (fsopen/fsconfig/fsmount) and attaching a mount fd
 * onto a destination fd (move_mount): what mounts.c and mount_cgroup.c both build on. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"

/* Messages read from a filesystem context look like "e tmpfs: Unknown parameter 'x'". */
void oc_fs_context_log(int fs, char *buf, size_t cap) {
  int saved = errno; /* the failure being reported: the last read ends with ENODATA */
  buf[0] = '\0';
  char line[256];
  ssize_t r;
  while ((r = read(fs, line, sizeof line - 1)) > 0) {
    while (r > 0 && line[r - 1] == '\n') r--;
    line[r] = '\0';
    snprintf(buf, cap, " (%s)", line[1] == ' ' ? line + 2 : line);
  }
  errno = saved;
}

static int fsconfig_opt(int fs, const char *opt) {
  const char *eq = strchr(opt, '=');
  if (!eq) return fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
  char key[256];
  size_t klen = (size_t)(eq - opt);
  if (klen >= sizeof key) {
    errno = EINVAL;
    return -1;
  }
  memcpy(key, opt, klen);
  key[klen] = '\0';
  return fsconfig(fs, FSCONFIG_SET_STRING, key, eq + 1, 0);
}

int oc_fs_mount_fd(const char *type, const char *source, const struct oc_mount_opts *o, const char *label,
                   uint64_t attrs, struct oc_err *e) {
  char log[300];
  _cleanup_fd_ int fs = fsopen(type, FSOPEN_CLOEXEC);
  if (fs < 0) return oc_fail_errno(e, "fsopen %s", type);
  if (source && source[0] && fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) < 0) {
    oc_fs_context_log(fs, log, sizeof log);
    return oc_fail_errno(e, "%s source \"%s\"%s", type, source, log);
  }
  for (size_t i = 0; o && i < o->n_sb_flags; i++)
    if (fsconfig(fs, FSCONFIG_SET_FLAG, o->sb_flags[i], NULL, 0) < 0) {
      oc_fs_context_log(fs, log, sizeof log);
      return oc_fail_errno(e, "%s option \"%s\"%s", type, o->sb_flags[i], log);
    }
  for (size_t i = 0; o && i < o->n_data; i++)
    if (fsconfig_opt(fs, o->data[i]) < 0) {
      oc_fs_context_log(fs, log, sizeof log);
      return oc_fail_errno(e, "%s option \"%s\"%s", type, o->data[i], log);
    }
  if (label && fsconfig(fs, FSCONFIG_SET_STRING, "context", label, 0) < 0) {
    oc_fs_context_log(fs, log, sizeof log);
    return oc_fail_errno(e, "%s mount label \"%s\"%s", type, label, log);
  }
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    oc_fs_context_log(fs, log, sizeof log);
    return oc_fail_errno(e, "create %s filesystem%s", type, log);
  }
  int mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
  if (mnt < 0) return oc_fail_errno(e, "fsmount %s", type);
  return mnt;
}

int oc_attach(int mnt_fd, int dest_fd, const char *dest, struct oc_err *e) {
  if (move_mount(mnt_fd, "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return oc_fail_errno(e, "mount on %s", dest);
  return 0;
}
