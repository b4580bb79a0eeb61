/* libFuzzer target: the resources JSON of `update --resources` (oc_resources_parse). */
#include <stddef.h>
#include <stdint.h>

#include "oci/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct oc_resources r;
  struct oc_err e;
  if (oc_resources_parse((const char *)data, size, &r, &e) == 0) oc_resources_release(&r);
  return 0;
}
