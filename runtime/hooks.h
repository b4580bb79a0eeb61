/* OCI hooks: each one runs with the container state JSON on stdin, its args, env and timeout. */
#ifndef OCRUN_HOOKS_H
#define OCRUN_HOOKS_H
#include "oci/config.h"
#include "base/error.h"

/* Run every hook of one kind in order; the first failure stops and is returned. */
OC_MUST_CHECK int oc_hooks_run(const struct oc_config *c, enum oc_hook_kind kind, const char *state_json,
                 struct oc_err *e);
static inline bool oc_hooks_any(const struct oc_config *c, enum oc_hook_kind kind) {
  return c->hooks[kind].n > 0;
}
/* The kinds c has hooks of, bit 1 << kind (state.json records them). */
static inline unsigned oc_hooks_kinds(const struct oc_config *c) {
  unsigned m = 0;
  for (int k = 0; k < OC_HOOK_COUNT; k++)
    if (c->hooks[k].n) m |= 1u << k;
  return m;
}

#endif
