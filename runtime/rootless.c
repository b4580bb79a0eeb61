/* Rootless create: which cgroup the container gets (runtime/rootless.h). */
#include "runtime/rootless.h"

#include <stdlib.h>

#include "cgroups/cgroup.h"
#include "base/log.h"

int oc_rootless_cgroup(const struct oc_config *c, bool systemd, char **cg_path, char *why, size_t why_len,
                       struct oc_err *e) {
  bool relocate = systemd || !c->cgroups_path || !c->cgroups_path[0];
  char *use = NULL;
  if (oc_cg_rootless_path(*cg_path, relocate, &use, why, why_len, e) < 0) return -1;
  if (use)
    oc_log_debug("rootless: cgroup %s (delegated to this user)", use);
  else
    oc_log_debug("rootless: the container runs without a cgroup: %s", why);
  free(*cg_path);
  *cg_path = use;
  return 0;
}
