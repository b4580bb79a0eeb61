/* A container's state dir: <root>/<id>/ holding state.json (ours) and config.json (copy of the bundle's). */
#ifndef OCRUN_STATE_H
#define OCRUN_STATE_H
#include <stdbool.h>
#include <sys/types.h>

#include "oci/state_json.h"
#include "base/error.h"

/* Compiled seccomp programs under --root; '+' keeps the name out of the container id space. */
#define OC_SECCOMP_CACHE_DIR "seccomp+cache"


/* "<root>/<id>" into buf. */
int oc_state_dir(const char *root, const char *id, char *buf, size_t len, struct oc_err *e);
/* Load; missing dir -> error "container does not exist" with errnum ENOENT. */
int oc_state_load(const char *root, const char *id, struct oc_state **out, struct oc_err *e);
int oc_state_save(const char *root, const struct oc_state *s, struct oc_err *e);
void oc_state_free(struct oc_state *s);
/* Derive the status from the pid (+ start time), the start socket and the cgroup freezer. */
enum oc_status oc_state_status(const char *root, const struct oc_state *s);
/* The config.json copy kept in the state dir. */
int oc_state_config(const char *root, const char *id, struct oc_config **out, struct oc_err *e);
/* Validate a container id: [A-Za-z0-9_.-]+, not "." or "..". */
int oc_id_validate(const char *id, struct oc_err *e);
/* The ledger's view of a container (oc_ledger_lookup_fn): 1 its state dir has state.json (with
 * pid: its init pid and start time), 0 gone, -1 cannot tell. */
int oc_state_lookup(const char *root, const char *id, pid_t *pid, unsigned long long *start_time);

#endif
