/* The OCI state of a container (runtime-spec "State"): what `state` prints, hooks read on
 * stdin and the seccomp listener receives. runtime/state.c keeps it in the state dir. */
#ifndef OCRUN_OCI_STATE_JSON_H
#define OCRUN_OCI_STATE_JSON_H
#include <stdbool.h>
#include <sys/types.h>

#include "oci/config.h"

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
  /* The hook kinds the config has (bit 1 << enum oc_hook_kind), so start and delete read the
   * config copy only for hooks it has; hooks_known is false for a state.json that does not say
   * (an older ocrun's): then they read it. */
  unsigned hooks;
  bool hooks_known;
  /* Creation not finished: create records the container before it makes anything else and
   * clears this once the init waits for start. creator_pid/creator_start_time name the ocrun
   * process doing it (0: unknown, a state dir without state.json). */
  bool creating;
  pid_t creator_pid;
  unsigned long long creator_start_time;
};

enum oc_status { OC_CREATING, OC_CREATED, OC_RUNNING, OC_PAUSED, OC_STOPPED };
const char *oc_status_name(enum oc_status s);
/* OCI state JSON (ociVersion, id, status, pid, bundle, annotations) into a malloc'd string. */
char *oc_state_json(const struct oc_state *s, enum oc_status st);

#endif
