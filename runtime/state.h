/* A container's state dir: <root>/<id>/ holding state.json (ours) and config.json (copy of the bundle's). */
#ifndef OCRUN_STATE_H
#define OCRUN_STATE_H
#include <stdbool.h>
#include <sys/types.h>

#include "oci/state_json.h"
#include "base/error.h"

struct oc_cgroup;



/* "<root>/<id>" into buf. */
OC_MUST_CHECK int oc_state_dir(const char *root, const char *id, char *buf, size_t len, struct oc_err *e);
/* Load; missing dir -> error "container does not exist" with errnum ENOENT. A dir without
 * state.json loads as an unfinished creation with only its id (creating, creator unknown). */
OC_MUST_CHECK int oc_state_load(const char *root, const char *id, struct oc_state **out, struct oc_err *e);
/* The body of oc_state_load: state.json's NUL-terminated text for container id. */
OC_MUST_CHECK int oc_state_parse(const char *id, const char *text, struct oc_state **out, struct oc_err *e);
OC_MUST_CHECK int oc_state_save(const char *root, const struct oc_state *s, struct oc_err *e);
void oc_state_free(struct oc_state *s);
static inline void oc_state_freep(struct oc_state **s) {
  if (*s) oc_state_free(*s);
}
#define _cleanup_state_ __attribute__((cleanup(oc_state_freep)))
/* A pidfd for the container's init, checked against its recorded start time (opened first, so
 * the check proves the pidfd is our init and not a reused pid). ESRCH "container not running"
 * when it is gone. */
OC_MUST_CHECK int oc_state_open_init(const struct oc_state *s, struct oc_err *e);
/* Is the ocrun process that is creating s (s->creating) still at work? */
bool oc_state_creator_alive(const struct oc_state *s);
/* A pidfd for that process, checked like oc_state_open_init; ESRCH when it is gone. */
OC_MUST_CHECK int oc_state_open_creator(const struct oc_state *s, struct oc_err *e);
/* Derive the status: an unfinished creation is creating while its creator lives, else stopped;
 * then from the pid (+ start time), the start socket and the cgroup freezer. */
enum oc_status oc_state_status(const char *root, const struct oc_state *s);
/* The same with the container's cgroup already open (NULL: it could not be, not paused). */
enum oc_status oc_state_status_in(const char *root, const struct oc_state *s, const struct oc_cgroup *cg);
/* Whether the config may have hooks of kind k: false only when state.json says it has none,
 * and a caller needs not read the config copy for them. */
static inline bool oc_state_may_have_hooks(const struct oc_state *s, enum oc_hook_kind k) {
  return !s->hooks_known || (s->hooks & (1u << k));
}
/* The config.json copy kept in the state dir. */
OC_MUST_CHECK int oc_state_config(const char *root, const char *id, struct oc_config **out, struct oc_err *e);
/* That copy when it has hooks of kind k (read only when state.json does not say it has none);
 * NULL when it has none or cannot be read (hooks are then not run, as before). */
struct oc_config *oc_state_config_with_hooks(const char *root, const struct oc_state *s, enum oc_hook_kind k);
/* Validate a container id: [A-Za-z0-9_.-]+, not "." or "..". */
OC_MUST_CHECK int oc_id_validate(const char *id, struct oc_err *e);
/* --pid-file: the pid without a newline (containerd parses it strictly), written atomically. */
OC_MUST_CHECK int oc_write_pid_file(const char *path, pid_t pid, struct oc_err *e);
/* The ledger's view of a container (oc_ledger_lookup_fn): 1 its state dir exists (with pid: its
 * init pid and start time, 0 when its creation was abandoned: unfinished, creator gone), 0 gone
 * (without pid: also when abandoned), -1 cannot tell. */
int oc_state_lookup(const char *root, const char *id, pid_t *pid, unsigned long long *start_time);

#endif
