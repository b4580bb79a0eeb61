/* libFuzzer target: the resources JSON of `update --resources` (oc_resources_parse), then what
 * the overcommit policy computes from it (overcommit/sizing.c: vCPUs, memory, weight, and the
 * weight written into the resources for a v1 or a unified host). */
#include <stddef.h>
#include <stdint.h>

#include "oci/config.h"
#include "overcommit/sizing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct oc_resources r;
  struct oc_err e;
  if (oc_resources_parse((const char *)data, size, &r, &e) < 0) return 0;
  enum oc_vcpu_source src;
  double vcpus = oc_sizing_vcpus(&r, 1.0, &src);
  (void)oc_sizing_memory(&r);
  (void)oc_sizing_weight(vcpus);
  if (r.cpu.cpus) (void)oc_sizing_cpuset_count(r.cpu.cpus);
  uint64_t weight;
  if (oc_sizing_apply_weight(&r, vcpus, size % 2, &weight, &e) < 0) weight = 0;
  (void)weight;
  oc_resources_release(&r);
  return 0;
}
