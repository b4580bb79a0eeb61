/* __attribute__((cleanup)) helpers: fds and memory are released when they leave scope. */
#ifndef OCRUN_CLEANUP_H
#define OCRUN_CLEANUP_H
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

static inline void oc_closep(int *fd) {
  if (*fd >= 0) close(*fd);
}
static inline void oc_freep(void *p) { free(*(void **)p); }
static inline void oc_fclosep(FILE **f) {
  if (*f) fclose(*f);
}
static inline void oc_closedirp(DIR **d) {
  if (*d) closedir(*d);
}
#define _cleanup_fd_ __attribute__((cleanup(oc_closep)))
#define _cleanup_free_ __attribute__((cleanup(oc_freep)))
#define _cleanup_file_ __attribute__((cleanup(oc_fclosep)))
#define _cleanup_dir_ __attribute__((cleanup(oc_closedirp)))

/* A child process that must not outlive the scope unless handed out (oc_steal_pid): killed and
 * reaped. */
static inline void oc_reap_childp(pid_t *pid) {
  if (*pid <= 0) return;
  int saved = errno;
  kill(*pid, SIGKILL);
  while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR) {}
  errno = saved;
}
#define _cleanup_child_ __attribute__((cleanup(oc_reap_childp)))
static inline pid_t oc_steal_pid(pid_t *pid) {
  pid_t r = *pid;
  *pid = -1;
  return r;
}

/* Hand ownership out of a cleanup variable. */
static inline int oc_steal_fd(int *fd) {
  int r = *fd;
  *fd = -1;
  return r;
}
#define OC_STEAL_PTR(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })

#endif
