/* The device rules a container's cgroup enforces: its config's, then the defaults every
 * container gets (like runc): mknod of anything, and null, zero, full, random, urandom, tty,
 * ptmx and the pts devices. Later rules win. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"

#define ANY {false, 0}
#define NUM(x) {true, x}
static const struct oc_device_rule defaults[] = {
  {true, 'c', ANY, ANY, "m"},           {true, 'b', ANY, ANY, "m"},
  {true, 'c', NUM(1), NUM(3), "rwm"},   {true, 'c', NUM(1), NUM(8), "rwm"},
  {true, 'c', NUM(1), NUM(7), "rwm"},   {true, 'c', NUM(5), NUM(0), "rwm"},
  {true, 'c', NUM(1), NUM(5), "rwm"},   {true, 'c', NUM(1), NUM(9), "rwm"},
  {true, 'c', NUM(136), ANY, "rwm"},    {true, 'c', NUM(5), NUM(2), "rwm"},
};

unsigned oc_cg_dev_access_bits(const char *access) {
  unsigned bits = 0;
  for (const char *p = access; *p; p++)
    bits |= *p == 'r' ? BPF_DEVCG_ACC_READ : *p == 'w' ? BPF_DEVCG_ACC_WRITE : *p == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return bits ? bits : (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD);
}

int oc_cg_device_rules(const struct oc_resources *r, struct oc_device_rule **out, size_t *n,
                       struct oc_err *e) {
  size_t mine = r ? r->n_devices : 0, nd = sizeof defaults / sizeof defaults[0];
  struct oc_device_rule *v = calloc(mine + nd, sizeof *v);
  if (!v) return oc_fail(e, ENOMEM, "out of memory");
  for (size_t i = 0; i < mine; i++) {
    struct oc_device_rule d = r->devices[i];
    if (d.type == 0) d.type = 'a';
    if (d.type != 'a' && d.type != 'c' && d.type != 'b') {
      free(v);
      return oc_fail(e, EINVAL, "linux.resources.devices[%zu]: invalid type '%c'", i, d.type);
    }
    if (d.access[strspn(d.access, "rwm")] != '\0') {
      free(v);
      return oc_fail(e, EINVAL, "linux.resources.devices[%zu]: invalid access \"%s\"", i, d.access);
    }
    if (d.major.set && d.major.v < 0) d.major.set = false; /* -1 is a wildcard too */
    if (d.minor.set && d.minor.v < 0) d.minor.set = false;
    if ((d.major.set && d.major.v > 0xfffffff) || (d.minor.set && d.minor.v > 0xfffffff)) {
      free(v);
      return oc_fail(e, EINVAL, "linux.resources.devices[%zu]: major/minor out of range", i);
    }
    if (!d.access[0]) memcpy(d.access, "rwm", 4);
    v[i] = d;
  }
  memcpy(v + mine, defaults, sizeof defaults);
  *out = v;
  *n = mine + nd;
  return 0;
}
