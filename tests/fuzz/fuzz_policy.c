/* libFuzzer target: a policy file (overcommit/policy.c oc_policy_parse), and the dump of what it
 * parsed to (`capacity --policy-dump`). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "overcommit/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct oc_policy p;
  struct oc_err e;
  if (oc_policy_parse((const char *)data, size, "fuzz", &p, &e) < 0) return 0;
  free(oc_policy_json(&p, &e));
  return 0;
}
