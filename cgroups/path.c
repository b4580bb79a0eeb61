/* cgroupsPath -> the cgroup's path below the hierarchy root.
 *
 * Absolute paths stay; relative ones go under the cgroup ocrun runs in (the name=systemd line of
 * /proc/self/cgroup on legacy/hybrid hosts, else the first line), on unified hosts under the parent
 * of its "0::" cgroup; no path gives /ocrun/<id>. With --systemd-cgroup, "slice:prefix:name" becomes
 * /<expanded slice>/<prefix>-<name>.scope the way systemd nests slices ("a-b.slice" lives in
 * "a.slice/a-b.slice"). ocrun does not talk to systemd: it creates those directories itself, so no
 * transient unit exists and systemd properties (Delegate=, device policy, OOM policy) are not set. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

#define CG_PATH_MAX 4000

/* Append path components of src to buf (which holds "/..."), dropping "" and ".", refusing "..". */
OC_MUST_CHECK static int append_clean(char *buf, size_t len, const char *src, struct oc_err *e) {
  const char *p = src;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    size_t n = strcspn(p, "/");
    if (n == 1 && p[0] == '.') {
      p += n;
      continue;
    }
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return oc_fail(e, EINVAL, "cgroupsPath \"%s\": \"..\" is not allowed", src);
    size_t used = strlen(buf);
    if (used + n + 2 > len) return oc_fail(e, ENAMETOOLONG, "cgroupsPath \"%s\": too long", src);
    if (used == 0 || buf[used - 1] != '/') buf[used++] = '/';
    memcpy(buf + used, p, n);
    buf[used + n] = '\0';
    p += n;
  }
  return 0;
}

/* The cgroup this process is in, as the hierarchy relevant for relative paths sees it. */
OC_MUST_CHECK static int own_cgroup(char *buf, size_t len, struct oc_err *e) {
  const char *file = oc_cg_self_cgroup_file();
  _cleanup_file_ FILE *f = fopen(file, "re");
  if (!f) return oc_fail_errno(e, "open %s", file);
  _cleanup_free_ char *line = NULL, *first = NULL, *named = NULL, *unified = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    line[strcspn(line, "\n")] = '\0';
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) continue;
    *c2 = '\0';
    const char *ctls = c1 + 1, *path = c2 + 1;
    char **slot = NULL;
    if (*ctls == '\0' && strncmp(line, "0:", 2) == 0)
      slot = &unified;
    else if (strcmp(ctls, "name=systemd") == 0)
      slot = &named;
    else if (!first)
      slot = &first;
    if (slot && !*slot && !(*slot = strdup(path))) return oc_fail(e, ENOMEM, "out of memory");
  }
  const char *pick = oc_cg_mode() == OC_CG_UNIFIED ? unified
                     : named                        ? named
                     : first                        ? first
                                                    : unified;
  if (!pick) return oc_fail(e, ENOENT, "%s: no cgroup line for this process", file);
  buf[0] = '\0';
  if (append_clean(buf, len, pick, e) < 0) return -1;
  /* On v2 a cgroup holding processes (ours) cannot enable controllers for children: use its
   * parent, as runc does; the container then sits beside ocrun's own cgroup. */
  if (oc_cg_mode() == OC_CG_UNIFIED) {
    char *slash = strrchr(buf, '/');
    if (slash) *slash = '\0';
  }
  return 0;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "". */
OC_MUST_CHECK static int expand_slice(const char *slice, char *buf, size_t len, struct oc_err *e) {
  size_t n = strlen(slice);
  const size_t suf = strlen(".slice");
  if (n <= suf || strcmp(slice + n - suf, ".slice") != 0 || strchr(slice, '/'))
    return oc_fail(e, EINVAL, "cgroupsPath: invalid slice name \"%s\"", slice);
  buf[0] = '\0';
  if (strcmp(slice, "-.slice") == 0) return 0;
  size_t stem = n - suf;
  if (slice[0] == '-' || slice[stem - 1] == '-' || strstr(slice, "--"))
    return oc_fail(e, EINVAL, "cgroupsPath: invalid slice name \"%s\"", slice);
  for (size_t i = 0; i <= stem; i++) {
    if (i < stem && slice[i] != '-') continue;
    size_t used = strlen(buf);
    if (used + i + suf + 2 > len) return oc_fail(e, ENAMETOOLONG, "cgroupsPath: slice name too long");
    snprintf(buf + used, len - used, "/%.*s.slice", (int)i, slice);
  }
  return 0;
}

OC_MUST_CHECK static int resolve_systemd(const char *spec, const char *id, char *buf, size_t len,
                           struct oc_err *e) {
  char slice[256], prefix[256], name[256];
  if (!spec || !*spec) {
    snprintf(slice, sizeof slice, "system.slice");
    snprintf(prefix, sizeof prefix, "ocrun");
    snprintf(name, sizeof name, "%s", id);
  } else {
    const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || strchr(c2 + 1, ':') || (size_t)(c1 - spec) >= sizeof slice ||
        (size_t)(c2 - c1 - 1) >= sizeof prefix || strlen(c2 + 1) >= sizeof name)
      return oc_fail(e, EINVAL,
                     "cgroupsPath \"%s\": expected \"slice:prefix:name\" with --systemd-cgroup", spec);
    snprintf(slice, sizeof slice, "%.*s", (int)(c1 - spec), spec);
    snprintf(prefix, sizeof prefix, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
    snprintf(name, sizeof name, "%s", c2 + 1);
    if (!*slice) snprintf(slice, sizeof slice, "system.slice");
  }
  if (!*name || strchr(name, '/') || strchr(prefix, '/') || strcmp(name, "..") == 0)
    return oc_fail(e, EINVAL, "cgroupsPath \"%s\": invalid unit name", spec ? spec : "");
  if (expand_slice(slice, buf, len, e) < 0) return -1;
  char unit[600];
  size_t nl = strlen(name);
  if (nl > 6 && strcmp(name + nl - 6, ".slice") == 0)
    snprintf(unit, sizeof unit, "%s", name); /* a slice of its own, no scope */
  else if (*prefix)
    snprintf(unit, sizeof unit, "%s-%s.scope", prefix, name);
  else
    snprintf(unit, sizeof unit, "%s.scope", name);
  return append_clean(buf, len, unit, e);
}

int oc_cg_resolve_path(const char *cgroups_path, const char *id, bool systemd, char **out,
                       struct oc_err *e) {
  char buf[CG_PATH_MAX] = "";
  int r;
  if (systemd) {
    r = resolve_systemd(cgroups_path, id, buf, sizeof buf, e);
  } else if (!cgroups_path || !*cgroups_path) {
    r = append_clean(buf, sizeof buf, "ocrun", e);
    if (r == 0) r = append_clean(buf, sizeof buf, id, e);
  } else if (cgroups_path[0] == '/') {
    r = append_clean(buf, sizeof buf, cgroups_path, e);
  } else {
    r = own_cgroup(buf, sizeof buf, e);
    if (r == 0) r = append_clean(buf, sizeof buf, cgroups_path, e);
  }
  if (r < 0) return r;
  if (buf[0] == '\0' || strcmp(buf, "/") == 0)
    return oc_fail(e, EINVAL, "cgroupsPath \"%s\": the root cgroup cannot hold a container",
                   cgroups_path ? cgroups_path : "");
  *out = strdup(buf);
  if (!*out) return oc_fail(e, ENOMEM, "out of memory");
  return 0;
}
