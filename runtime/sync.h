/* Messages between the runtime and a container process it cloned (SOCK_SEQPACKET pair). */
#ifndef OCRUN_SYNC_H
#define OCRUN_SYNC_H
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum oc_sync_type {
  OC_SYNC_GO = 1,      /* runtime → child: ids mapped, cgroup joined; payload: state JSON */
  OC_SYNC_HOOKS,       /* child → runtime: mounts done, run prestart + createRuntime hooks */
  OC_SYNC_HOOKS_DONE,  /* runtime → child */
  OC_SYNC_SECCOMP_FD,  /* child → runtime: seccomp listener fd follows (SCM_RIGHTS) */
  OC_SYNC_READY,       /* child → runtime: waiting for start */
  OC_SYNC_PID,         /* exec helper → runtime: pid of the process in the container */
  OC_SYNC_ERROR,       /* either way: payload is the error message, errnum in the header */
};

int oc_sync_send(int fd, enum oc_sync_type type, int32_t value, const void *data, size_t len);
int oc_sync_send_error(int fd, const struct oc_err *err);
/* Receive a message of the expected type into buf (NUL-terminated, may be NULL). An ERROR
 * message fills e with the peer's text; EOF says the peer died. *value gets the header value. */
int oc_sync_expect(int fd, enum oc_sync_type want, int32_t *value, char *buf, size_t cap,
                   struct oc_err *e);

#endif
