/* linux.seccomp with libseccomp: compiled in the runtime (so a bad profile fails before anything
 * exists), loaded by the container process as the last step before execve. */
#ifndef OCRUN_SECCOMP_H
#define OCRUN_SECCOMP_H
#include "oci/config.h"
#include "base/error.h"

struct oc_seccomp_filter;
/* Compiled seccomp programs under --root; '+' keeps the name out of the container id space. */
#define OC_SECCOMP_CACHE_DIR "seccomp+cache"
/* Validate and build the filter (actions, arches, flags, arg comparisons, defaultErrnoRet). */
OC_MUST_CHECK int oc_seccomp_compile(const struct oc_seccomp *s, struct oc_seccomp_filter **out, struct oc_err *e);
/* Same, reusing the program compiled earlier for an identical profile from the cache of --root
 * (<root>/OC_SECCOMP_CACHE_DIR, created 0700 if missing; a profile compiles in ~14 ms, a cache
 * hit in well under 1 ms). root NULL: no cache. */
OC_MUST_CHECK int oc_seccomp_compile_cached(const struct oc_seccomp *s, const char *root,
                              struct oc_seccomp_filter **out, struct oc_err *e);
/* Load it. With SCMP_ACT_NOTIFY rules, *notify_fd receives the listener fd (else -1). */
OC_MUST_CHECK int oc_seccomp_load(struct oc_seccomp_filter *f, int *notify_fd, struct oc_err *e);
bool oc_seccomp_uses_notify(const struct oc_seccomp_filter *f);
/* Send the listener fd and the container state (seccomp state JSON, as runc) to listenerPath. */
OC_MUST_CHECK int oc_seccomp_send_listener(const struct oc_seccomp *s, int notify_fd, const char *state_json,
                             pid_t pid, struct oc_err *e);
/* Container side (init and exec), before execve: with a notify filter, set no_new_privs if
 * asked, load *f now and send its listener fd over sync_fd (OC_SYNC_SECCOMP_FD + the fd);
 * *f becomes NULL. Without one, nothing. */
OC_MUST_CHECK int oc_seccomp_listener_handover(struct oc_seccomp_filter **f, bool no_new_privs, int sync_fd,
                                 struct oc_err *e);
/* Runtime side: receive that fd from sync_fd and send it on to s->listener_path. */
OC_MUST_CHECK int oc_seccomp_listener_forward(const struct oc_seccomp *s, int sync_fd, const char *state_json,
                                pid_t pid, struct oc_err *e);
void oc_seccomp_free(struct oc_seccomp_filter *f);
static inline void oc_seccomp_freep(struct oc_seccomp_filter **f) {
  if (*f) oc_seccomp_free(*f);
}
#define _cleanup_seccomp_ __attribute__((cleanup(oc_seccomp_freep)))
/* The architectures libseccomp is asked for (runtime-spec names), NULL-terminated. */
extern const char *const oc_seccomp_arch_names[];
/* For `features` (supportedFlags): the running kernel accepts this SECCOMP_FILTER_FLAG_* name. */
bool oc_seccomp_flag_supported(const char *name);

#endif
