/* Messages between the runtime and a container process it cloned (a SOCK_SEQPACKET pair; each
 * message is a header {type, value} and an optional payload).
 *
 * create (runtime: create.c run_init; container: init.c oc_init_run)
 *   runtime                                   init
 *   clone3 (into the unified cgroup)          joins its v1 cgroups ("0" to tasks)
 *   write id maps, the unified cgroup if
 *   clone3 could not
 *   GO (payload: "creating" state JSON NUL
 *       "created" state JSON)             →   join/unshare namespaces, mounts, rootfs
 *                                         ←   HOOKS            (only with prestart or
 *   run prestart + createRuntime hooks                          createRuntime hooks)
 *   HOOKS_DONE                            →   createContainer hooks, pivot_root, process{}
 *                                         ←   SECCOMP_FD + fd  (only with SCMP_ACT_NOTIFY)
 *   forward the fd to listenerPath
 *                                         ←   READY
 *   write the pid file, state.json (no longer "creating")
 *   DONE                                  →   init waits on start.sock
 *   exit
 *   EOF instead of DONE (create was killed): the init exits, nobody will start it.
 *   Any step of the init may answer ERROR (errnum in value, message as payload) instead;
 *   EOF means it died. `start` later talks to the init over start.sock, not this pair.
 *
 * exec (runtime: exec.c run_exec; process: exec.c exec_process)
 *   runtime                                   process
 *   setns CLONE_NEWPID (for its children),
 *   clone3 (into the unified cgroup)      →   setns into the other namespaces
 *     (rootless: a helper joins them all, clones the process with CLONE_PARENT and sends
 *      PID: value pid, payload "1" if CLONE_INTO_CGROUP placed it, else "0"; then exits)
 *   the unified cgroup if clone3 could not    joins its v1 cgroups ("0" to tasks)
 *   GO                                    →   setsid, console, process{}
 *                                         ←   SECCOMP_FD + fd  (only with SCMP_ACT_NOTIFY)
 *   forward the fd to listenerPath
 *                                         ←   EOF: execve succeeded (the fd is CLOEXEC), or
 *                                              ERROR: why it failed
 */
#ifndef OCRUN_SYNC_H
#define OCRUN_SYNC_H
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum oc_sync_type {
  OC_SYNC_GO = 1,      /* runtime → child: ids mapped, unified cgroup joined; payload: state JSON */
  OC_SYNC_HOOKS,       /* child → runtime: mounts done, run prestart + createRuntime hooks */
  OC_SYNC_HOOKS_DONE,  /* runtime → child */
  OC_SYNC_SECCOMP_FD,  /* child → runtime: seccomp listener fd follows (SCM_RIGHTS) */
  OC_SYNC_READY,       /* child → runtime: waiting for start */
  OC_SYNC_PID,         /* exec helper → runtime: pid of the process in the container */
  OC_SYNC_ERROR,       /* either way: payload is the error message, errnum in the header */
  OC_SYNC_DONE,        /* runtime → init: create recorded the container; wait for start */
};

OC_MUST_CHECK int oc_sync_send(int fd, enum oc_sync_type type, int32_t value, const void *data, size_t len);
OC_MUST_CHECK int oc_sync_send_error(int fd, const struct oc_err *err);
/* Send e as an ERROR and _exit(code): the last act of a failed container process. */
__attribute__((noreturn)) void oc_sync_report_exit(int fd, const struct oc_err *e, int code);
/* Receive a message of the expected type into buf (NUL-terminated, may be NULL). An ERROR
 * message fills e with the peer's text; EOF says the peer died. *value gets the header value. */
OC_MUST_CHECK int oc_sync_expect(int fd, enum oc_sync_type want, int32_t *value, char *buf, size_t cap,
                   struct oc_err *e);

#endif
