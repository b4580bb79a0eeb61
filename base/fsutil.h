/* Small file helpers for host-side files (state dir, /proc, pid files). Never used for paths
 * inside a container rootfs: those go through namespaces/ (openat2 RESOLVE_IN_ROOT). */
#ifndef OCRUN_FSUTIL_H
#define OCRUN_FSUTIL_H
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

/* Read a whole file (at most max bytes, NUL-terminated). Returns -errno. */
OC_MUST_CHECK int oc_read_fileat(int dirfd, const char *path, char **out, size_t *len, size_t max, struct oc_err *e);
/* Write buf to an existing file (cgroup and /proc files): one write, no O_CREAT. */
OC_MUST_CHECK int oc_write_fileat(int dirfd, const char *path, const char *buf, size_t len, struct oc_err *e);
/* Create or replace dir/name atomically (temp file + rename). */
OC_MUST_CHECK int oc_write_file_atomic(const char *dir, const char *name, const void *buf, size_t len, mode_t mode,
                         struct oc_err *e);
/* Write a file at an arbitrary path atomically (pid files). */
OC_MUST_CHECK int oc_write_path_atomic(const char *path, const void *buf, size_t len, mode_t mode, struct oc_err *e);
OC_MUST_CHECK /* write(2) until all of buf is written (EINTR and short writes retried). 0, or -1 with errno. */
__attribute__((warn_unused_result)) int oc_write_all(int fd, const void *buf, size_t len);
OC_MUST_CHECK int oc_mkdir_p(const char *path, mode_t mode, struct oc_err *e);
/* Remove a directory tree (the state dir) without following symlinks. */
OC_MUST_CHECK int oc_remove_tree(const char *path, struct oc_err *e);

#endif
