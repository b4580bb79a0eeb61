/* A container's state dir: <root>/<id>/ holding state.json (ours) and config.json (copy of the bundle's). */
#ifndef OCRUN_STATE_H
#define OCRUN_STATE_H
#include <stdbool.h>
#include <sys/types.h>

#include "oci/config.h"
#include "runtime/error.h"

/* Compiled seccomp programs under --root; '+' keeps the name out of the container id space. */
#define OC_SECCOMP_CACHE_DIR "seccomp+cache"

struct oc_state {
  char *id;
  pid_t pid;                      /* init pid on the host, 0 if never started */
  unsigned long long start_time;  /* /proc/<pid>/stat field 22, guards against pid reuse */
  char *bundle;                   /* absolute */
  char *rootfs;                   /* absolute */
  char *created;                  /* RFC 3339 */
  char *cgroup_path;              /* resolved, absolute within the hierarchy */
  char *owner;
  char *oci_version;
  bool systemd_cgroup;
  struct oc_kvv annotations;
};

enum oc_status { OC_CREATING, OC_CREATED, OC_RUNNING, OC_PAUSED, OC_STOPPED };
const char *oc_status_name(enum oc_status s);

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
/* OCI state JSON (ociVersion, id, status, pid, bundle, annotations) into a malloc'd string. */
char *oc_state_json(const struct oc_state *s, enum oc_status st);
/* Start time of a pid from /proc/<pid>/stat, 0 if gone. */
unsigned long long oc_proc_start_time(pid_t pid);
/* Validate a container id: [A-Za-z0-9_.-]+, not "." or "..". */
int oc_id_validate(const char *id, struct oc_err *e);

#endif
