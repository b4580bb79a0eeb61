/* Errors and debug lines: to stderr as text, and to --log as text or JSON records
 * {"level":"error","msg":"...","time":"..."} (containerd's shim reads the last error record). */
#ifndef OCRUN_LOG_H
#define OCRUN_LOG_H
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* Where records go: filled by the CLI from --log, --log-format and --debug. */
struct oc_log_settings {
  const char *path; /* NULL: stderr only */
  bool json;
  bool debug;
};

void oc_log_init(const struct oc_log_settings *s);
void oc_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void oc_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void oc_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --debug: one record per phase (config, admission, cgroup, clone, namespaces, mounts, hooks,
 * pivot_root, seccomp, exec, ...) with the ms since the command started: text "ocrun: debug:
 * 12.345 ms cgroup (pid N): msg" on stderr, or in the --log file, where json adds "phase",
 * "elapsed_ms" and "pid". The init and the exec process are clones of the command: same origin,
 * same log. Without --debug it returns at once (no clock read). phase: a literal name. */
void oc_log_phase(const char *phase, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Close the log's own fds (a caller about to close every inherited fd); they reopen at the next record. */
void oc_log_close_fds(void);
/* The log's open fds (at most max of them) into v; returns how many. */
int oc_log_fds(int *v, int max);
/* The time now as RFC 3339 UTC with nanoseconds ("2026-12-02T11:00:00.123456789Z"), formatted
 * by hand: glibc's strftime calls tzset, which reads /etc/localtime on every start. */
void oc_utc_now(char *buf, size_t len);
/* Log e->msg as an error and return exit code 1. */
int oc_log_fail(const struct oc_err *e);

#endif
