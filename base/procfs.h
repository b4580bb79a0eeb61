/* Reads and writes of /proc files through a verified procfs handle: the file is opened beneath
 * /proc without crossing mounts or following magic links, and must itself be on procfs
 * (a fake /proc or a bind mount over /proc/self/attr/... is refused). */
#ifndef OCRUN_PROCFS_H
#define OCRUN_PROCFS_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

/* Open /proc/<subpath> ("self/oom_score_adj") with flags (O_CLOEXEC is added); returns the fd. */
OC_MUST_CHECK int oc_procfs_open(const char *subpath, int flags, struct oc_err *e);
/* Write data to /proc/<subpath> in one write(2) (procfs files want the whole value at once). */
OC_MUST_CHECK int oc_procfs_write(const char *subpath, const char *data, struct oc_err *e);
/* Read up to size-1 bytes of /proc/<subpath> into buf, NUL-terminated; returns the length. */
OC_MUST_CHECK ssize_t oc_procfs_read(const char *subpath, char *buf, size_t size, struct oc_err *e);
/* Start time of a pid (/proc/<pid>/stat field 22, guards against pid reuse); 0 if gone or a zombie. */
unsigned long long oc_proc_start_time(pid_t pid);
/* Whether pid is still the process that had start_time (both known: a 0 is "not running"). */
bool oc_proc_alive(pid_t pid, unsigned long long start_time);

#endif
