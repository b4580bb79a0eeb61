/* v1 devices controller: deny everything, then replay the rules in order. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

static void rule_text(const struct oc_device_rule *d, char *buf, size_t len) {
  char maj[24] = "*", min[24] = "*";
  if (d->major.set) snprintf(maj, sizeof maj, "%" PRId64, d->major.v);
  if (d->minor.set) snprintf(min, sizeof min, "%" PRId64, d->minor.v);
  if (d->type == 'a')
    snprintf(buf, len, "a");  /* the kernel takes 'a' as "every device, every access" */
  else
    snprintf(buf, len, "%c %s:%s %s", d->type, maj, min, d->access[0] ? d->access : "rwm");
}

int oc_cg_devices_v1(const struct oc_cg_dir *d, const struct oc_device_rule *rules, size_t n,
                     struct oc_err *e) {
  _cleanup_fd_ int deny = oc_cgf_open_w(d, "devices.deny", e);
  if (deny < 0) return oc_wrap(e, deny, "linux.resources.devices");
  _cleanup_fd_ int allow = oc_cgf_open_w(d, "devices.allow", e);
  if (allow < 0) return oc_wrap(e, allow, "linux.resources.devices");
  if (oc_cgf_write_fd(deny, d, "devices.deny", "a", e) < 0) return oc_wrap(e, -1, "linux.resources.devices");
  for (size_t i = 0; i < n; i++) {
    char buf[96];
    rule_text(&rules[i], buf, sizeof buf);
    bool al = rules[i].allow;
    if (i == 0 && !al && rules[i].type == 'a') continue; /* already denied */
    if (oc_cgf_write_fd(al ? allow : deny, d, al ? "devices.allow" : "devices.deny", buf, e) < 0)
      return oc_wrap(e, -1, "linux.resources.devices");
  }
  return 0;
}
