/* Shared by the root-only C checks of the cgroup drivers (cg_*.c): one "ok"/"FAIL" line per check,
 * the cgroup name /ocrun-test/<kind>-<tag> (tag: $OCRUN_TEST_TAG from tests/run-integration.sh, else
 * the pid), and a cleanup that runs on every exit, also on SIGTERM/SIGINT/SIGALRM: it SIGKILLs the
 * children the check started (by pid), reaps them and removes the cgroup dirs it named (deepest
 * first), then undoes the host settings it registered. Everything it does is async-signal-safe. */
#ifndef OCRUN_CG_ROOT_TEST_H
#define OCRUN_CG_ROOT_TEST_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                         \
  do {                                           \
    if (cond) {                                  \
      printf("ok   ");                           \
    } else {                                     \
      printf("FAIL ");                           \
      failures++;                                \
    }                                            \
    printf(__VA_ARGS__);                         \
    printf("\n");                                \
    fflush(stdout);                              \
  } while (0)

#define RT_MAX 16
static volatile pid_t rt_kids[RT_MAX];
static char rt_dirs[RT_MAX * 2][256];  /* removed in reverse order: register parents first */
static volatile int rt_n_dirs;
static struct {
  char file[256], value[32];
} rt_writes[RT_MAX];  /* written at cleanup: host settings to put back */
static volatile int rt_n_writes;
static pid_t rt_owner;  /* children inherit the handlers: only the check itself cleans up */

/* path = "/ocrun-test/<kind>-<tag>" */
static inline void rt_cgroup_name(char *path, size_t cap, const char *kind) {
  const char *tag = getenv("OCRUN_TEST_TAG");
  if (tag && *tag)
    snprintf(path, cap, "/ocrun-test/%s-%s", kind, tag);
  else
    snprintf(path, cap, "/ocrun-test/%s-%d", kind, (int)getpid());
}

/* A child to SIGKILL and reap at cleanup (its slot is cleared once the check reaped it). */
static inline void rt_track(pid_t p) {
  for (int i = 0; p > 0 && i < RT_MAX; i++)
    if (rt_kids[i] <= 0) {
      rt_kids[i] = p;
      return;
    }
}
static inline void rt_untrack(pid_t p) {
  for (int i = 0; i < RT_MAX; i++)
    if (rt_kids[i] == p) rt_kids[i] = 0;
}
/* waitpid that also forgets the child */
static inline pid_t rt_wait(pid_t p, int *st) {
  pid_t r = waitpid(p, st, 0);
  if (r == p) rt_untrack(p);
  return r;
}

/* A directory (or file) to remove at cleanup (a no-op once the check removed it). */
static inline void rt_dir(const char *d) {
  if (rt_n_dirs < RT_MAX * 2) snprintf(rt_dirs[rt_n_dirs++], sizeof rt_dirs[0], "%s", d);
}
/* Every hierarchy's /sys/fs/cgroup/<h><path> on this host. */
static inline void rt_dir_everywhere(const char *path) {
  static const char *const h[] = {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
                                  "blkio", "pids", "systemd", "unified", "net_cls", "hugetlb"};
  for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
    char d[256];
    snprintf(d, sizeof d, "/sys/fs/cgroup/%s%s", h[i], path);
    rt_dir(d);
  }
}
/* Write value to file at cleanup (e.g. "-hugetlb" to a cgroup.subtree_control). */
static inline void rt_write_at_exit(const char *file, const char *value) {
  if (rt_n_writes >= RT_MAX) return;
  snprintf(rt_writes[rt_n_writes].file, sizeof rt_writes[0].file, "%s", file);
  snprintf(rt_writes[rt_n_writes].value, sizeof rt_writes[0].value, "%s", value);
  rt_n_writes++;
}

static inline void rt_cleanup(void) {
  if (getpid() != rt_owner) return;
  for (int i = 0; i < RT_MAX; i++) {
    pid_t p = rt_kids[i];
    if (p <= 0) continue;
    kill(p, SIGKILL);
    waitpid(p, NULL, 0);
    rt_kids[i] = 0;
  }
  /* reaped tasks no longer pin a cgroup; a parent other tests still use stays (EBUSY) */
  for (int i = rt_n_dirs - 1; i >= 0; i--)
    if (rmdir(rt_dirs[i]) < 0 && errno == ENOTDIR) unlink(rt_dirs[i]);
  rt_n_dirs = 0;
  for (int i = rt_n_writes - 1; i >= 0; i--) {
    int fd = open(rt_writes[i].file, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      if (write(fd, rt_writes[i].value, strlen(rt_writes[i].value)) < 0) { /* best effort */ }
      close(fd);
    }
  }
  rt_n_writes = 0;
}

static inline void rt_on_signal(int sig) {
  if (getpid() != rt_owner) _exit(128 + sig);
  static const char msg[] = "FAIL stopped by a signal: cleaning up\n";
  if (write(STDOUT_FILENO, msg, sizeof msg - 1) < 0) { /* nothing to do */ }
  rt_cleanup();
  _exit(128 + sig);
}

/* Call first in main: cleanup at exit and on SIGTERM, SIGINT and SIGALRM (after secs seconds). */
static inline void rt_init(unsigned secs) {
  rt_owner = getpid();
  atexit(rt_cleanup);
  struct sigaction sa = {.sa_handler = rt_on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGALRM, &sa, NULL);
  alarm(secs);
}

#endif
