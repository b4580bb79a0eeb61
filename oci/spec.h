/* `ocrun spec`: the default config.json, like `runc spec`. */
#ifndef OCRUN_OCI_SPEC_H
#define OCRUN_OCI_SPEC_H
#include <stdbool.h>

#include "base/error.h"

/* Pretty-printed default config.json (malloc'd, NUL-terminated). rootless: user namespace
 * mapping the caller's euid/egid to 0, no network namespace, /sys bound, no cgroup resources. */
OC_MUST_CHECK char *oc_spec_default_json(bool rootless, struct oc_err *e);

#endif
