/* libFuzzer target: OCI mount options (namespaces/mount_options.c oc_mount_opts_parse). The first
 * byte picks the mount type (bind, none, tmpfs, proc), the rest is the options list, one per
 * line; propagation words go through oc_propagation_parse as well. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci/config.h"
#include "namespaces/rootfs_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char *types[] = {"bind", NULL, "tmpfs", "proc"};
  if (size < 1) return 0;
  char *buf = malloc(size);
  if (!buf) return 0;
  memcpy(buf, data + 1, size - 1);
  buf[size - 1] = '\0';
  size_t n = 1;
  for (size_t i = 0; i + 1 < size; i++)
    if (buf[i] == '\n') n++;
  char **opts = calloc(n + 1, sizeof *opts);
  if (!opts) {
    free(buf);
    return 0;
  }
  n = 0;
  for (char *p = buf, *nl; p; p = nl ? nl + 1 : NULL) {
    nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    opts[n++] = p;
    unsigned long flags;
    (void)oc_propagation_parse(p, &flags);
  }
  struct oc_mount m = {.destination = "/mnt", .type = types[data[0] % 4], .source = "/src",
                       .options = {.v = opts, .n = n}};
  struct oc_mount_opts o;
  struct oc_err e;
  if (oc_mount_opts_parse(&m, 0, &o, &e) == 0) oc_mount_opts_release(&o);
  free(opts);
  free(buf);
  return 0;
}
