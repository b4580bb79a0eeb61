/* libFuzzer target: a whole config.json through oci/ (oc_config_parse), then the mount options of
 * every mount as create validates them (namespaces/mount_options.c). */
#include <stddef.h>
#include <stdint.h>

#include "oci/config.h"
#include "namespaces/rootfs_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct oc_config *c = NULL;
  struct oc_err e;
  if (oc_config_parse((const char *)data, size, &c, &e) < 0) return 0;
  for (size_t i = 0; i < c->n_mounts; i++) {
    struct oc_mount_opts o;
    if (oc_mount_opts_parse(&c->mounts[i], i, &o, &e) == 0) oc_mount_opts_release(&o);
  }
  oc_config_free(c);
  return 0;
}
