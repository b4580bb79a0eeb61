/* Rootless create (euid != 0): the container's cgroup is one delegated to the user, or none. */
#ifndef OCRUN_ROOTLESS_H
#define OCRUN_ROOTLESS_H
#include <stdbool.h>
#include <stddef.h>

#include "oci/config.h"
#include "base/error.h"

/* Replace the resolved *cg_path by the delegated one, or by NULL when the user has no cgroup
 * (why says why; logged once under --debug). Never fails for want of a delegation. */
OC_MUST_CHECK int oc_rootless_cgroup(const struct oc_config *c, bool systemd, char **cg_path, char *why,
                                     size_t why_len, struct oc_err *e);

#endif
