/* libFuzzer target: the process JSON of `exec --process` (oc_process_parse). */
#include <stddef.h>
#include <stdint.h>

#include "oci/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct oc_process p;
  struct oc_err e;
  if (oc_process_parse((const char *)data, size, &p, &e) == 0) oc_process_release(&p);
  return 0;
}
