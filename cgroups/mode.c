/* Which cgroup layout the host has (unified, legacy, hybrid) and where each hierarchy is mounted.
 * Detected once per process. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

#define CG_ROOT "/sys/fs/cgroup"

static struct {
  char *root;  /* test root, NULL = real host */
  bool fake;   /* the test root is not a cgroup2 mount: no BPF attach there */
  enum oc_cg_mode mode;
  char *self_cgroup;
} hook;

static struct oc_cg_layout layout;
static bool layout_done, mode_done;
static enum oc_cg_mode cached_mode;

static const struct { const char *name; unsigned bit; } ctl_names[] = {
  {"cpu", OC_CTL_CPU},         {"cpuacct", OC_CTL_CPUACCT}, {"cpuset", OC_CTL_CPUSET},
  {"memory", OC_CTL_MEMORY},   {"devices", OC_CTL_DEVICES}, {"freezer", OC_CTL_FREEZER},
  {"blkio", OC_CTL_IO},        {"io", OC_CTL_IO},           {"pids", OC_CTL_PIDS},
  {"hugetlb", OC_CTL_HUGETLB}, {"net_cls", OC_CTL_NET_CLS}, {"net_prio", OC_CTL_NET_PRIO},
  {"rdma", OC_CTL_RDMA},       {"perf_event", OC_CTL_PERF_EVENT}, {"misc", OC_CTL_MISC},
};

unsigned oc_ctl_from_name(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof ctl_names / sizeof ctl_names[0]; i++)
    if (strlen(ctl_names[i].name) == len && memcmp(ctl_names[i].name, name, len) == 0)
      return ctl_names[i].bit;
  return 0;
}

const char *oc_ctl_v2_name(unsigned bit) {
  for (size_t i = 0; i < sizeof ctl_names / sizeof ctl_names[0]; i++)
    if (ctl_names[i].bit == bit && strcmp(ctl_names[i].name, "blkio") != 0) return ctl_names[i].name;
  return NULL;
}

static void layout_clear(void) {
  free(layout.unified.name);
  free(layout.unified.mount);
  for (size_t i = 0; i < layout.n_v1; i++) {
    free(layout.v1[i].name);
    free(layout.v1[i].mount);
  }
  free(layout.v1);
  memset(&layout, 0, sizeof layout);
  layout_done = false;
  mode_done = false;
}

static bool is_fs(const char *path, long magic);

void oc_cg_set_root_for_tests(const char *root, enum oc_cg_mode mode) {
  layout_clear();
  free(hook.root);
  hook.root = root ? strdup(root) : NULL;
  hook.fake = root && !is_fs(root, CGROUP2_SUPER_MAGIC);
  hook.mode = mode;
}

void oc_cg_set_self_cgroup_for_tests(const char *self_cgroup_file) {
  free(hook.self_cgroup);
  hook.self_cgroup = self_cgroup_file ? strdup(self_cgroup_file) : NULL;
}

const char *oc_cg_self_cgroup_file(void) {
  return hook.self_cgroup ? hook.self_cgroup : "/proc/self/cgroup";
}

static bool is_fs(const char *path, long magic) {
  struct statfs sf;
  return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}

enum oc_cg_mode oc_cg_mode(void) {
  if (hook.root) return hook.mode;
  if (!mode_done) {
    if (is_fs(CG_ROOT, CGROUP2_SUPER_MAGIC))
      cached_mode = OC_CG_UNIFIED;
    else if (is_fs(CG_ROOT "/unified", CGROUP2_SUPER_MAGIC))
      cached_mode = OC_CG_HYBRID;
    else
      cached_mode = OC_CG_LEGACY;
    mode_done = true;
  }
  return cached_mode;
}

/* Controllers named in a v1 mount's super options ("rw,cpu,cpuacct" or "rw,name=systemd,xattr").
 * Returns the canonical name ("cpu,cpuacct", "name=systemd") or NULL if it names none. */
static char *v1_name_from_opts(const char *opts, unsigned *mask) {
  char buf[512] = "";
  size_t used = 0;
  *mask = 0;
  const char *p = opts;
  while (*p) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    unsigned bit = oc_ctl_from_name(p, len);
    bool named = len > 5 && strncmp(p, "name=", 5) == 0;
    if ((bit || named) && used + len + 2 < sizeof buf) {
      if (used) buf[used++] = ',';
      memcpy(buf + used, p, len);
      used += len;
      buf[used] = '\0';
      *mask |= bit;
    }
    p += len;
    if (*p == ',') p++;
  }
  return used ? strdup(buf) : NULL;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s) {
  char *w = s;
  for (char *r = s; *r;) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
        r[3] <= '7') {
      *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 4;
    } else {
      *w++ = *r++;
    }
  }
  *w = '\0';
}

OC_MUST_CHECK static int add_v1(const char *name, unsigned mask, const char *mount, struct oc_err *e) {
  for (size_t i = 0; i < layout.n_v1; i++)
    if (strcmp(layout.v1[i].name, name) == 0) return 0; /* bind mount of the same hierarchy */
  struct oc_cg_hier *v = realloc(layout.v1, (layout.n_v1 + 1) * sizeof *v);
  if (!v) return oc_fail(e, ENOMEM, "cgroup layout: out of memory");
  layout.v1 = v;
  v[layout.n_v1] = (struct oc_cg_hier){.name = strdup(name), .mount = strdup(mount), .mask = mask};
  if (!v[layout.n_v1].name || !v[layout.n_v1].mount) return oc_fail(e, ENOMEM, "cgroup layout: out of memory");
  layout.n_v1++;
  return 0;
}

OC_MUST_CHECK static int scan_mountinfo(struct oc_err *e) {
  _cleanup_file_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f) return oc_fail_errno(e, "open /proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SOURCE SUPEROPTS */
    char *sep = strstr(line, " - ");
    if (!sep) continue;
    *sep = '\0';
    char *fstype = sep + 3, *source = strchr(fstype, ' ');
    if (!source) continue;
    *source++ = '\0';
    if (strcmp(fstype, "cgroup") != 0) continue;
    char *superopts = strchr(source, ' ');
    if (!superopts) continue;
    superopts++;
    superopts[strcspn(superopts, "\n")] = '\0';
    char *save = NULL, *tok = strtok_r(line, " ", &save);
    for (int i = 0; tok && i < 4; i++) tok = strtok_r(NULL, " ", &save);
    if (!tok) continue;
    unescape_octal(tok);
    unsigned mask;
    _cleanup_free_ char *name = v1_name_from_opts(superopts, &mask);
    if (name && add_v1(name, mask, tok, e) < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int scan_test_root(struct oc_err *e) {
  _cleanup_dir_ DIR *d = opendir(hook.root);
  if (!d) return oc_fail_errno(e, "open test cgroup root %s", hook.root);
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.' || de->d_type != DT_DIR || strcmp(de->d_name, "unified") == 0) continue;
    char mount[4096];
    snprintf(mount, sizeof mount, "%s/%s", hook.root, de->d_name);
    unsigned mask;
    _cleanup_free_ char *name = v1_name_from_opts(de->d_name, &mask);
    if (name && add_v1(name, mask, mount, e) < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int set_unified(const char *mount, struct oc_err *e) {
  layout.unified.name = strdup("unified");
  layout.unified.mount = strdup(mount);
  if (!layout.unified.name || !layout.unified.mount) return oc_fail(e, ENOMEM, "cgroup layout: out of memory");
  /* the controllers of the root; parents are checked again when enabling */
  char path[4200];
  snprintf(path, sizeof path, "%s/cgroup.controllers", mount);
  _cleanup_file_ FILE *f = fopen(path, "re");
  char buf[512];
  if (f && fgets(buf, sizeof buf, f)) {
    char *save = NULL;
    for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
      layout.unified.mask |= oc_ctl_from_name(t, strlen(t));
  }
  return 0;
}

int oc_cg_layout(const struct oc_cg_layout **out, struct oc_err *e) {
  if (!layout_done) {
    layout.mode = oc_cg_mode();
    const char *root = hook.root ? hook.root : CG_ROOT;
    char uni[4096];
    snprintf(uni, sizeof uni, "%s/unified", root);
    int r = 0;
    if (layout.mode == OC_CG_UNIFIED) r = set_unified(root, e);
    if (layout.mode == OC_CG_HYBRID) r = set_unified(uni, e);
    if (r == 0 && layout.mode != OC_CG_UNIFIED) r = hook.root ? scan_test_root(e) : scan_mountinfo(e);
    if (r == 0 && layout.mode == OC_CG_LEGACY && layout.n_v1 == 0)
      r = oc_fail(e, ENOENT, "no cgroup hierarchy is mounted (looked at /proc/self/mountinfo)");
    if (r < 0) {
      layout_clear();
      return r;
    }
    layout_done = true;
  }
  *out = &layout;
  return 0;
}

bool oc_cg_testing(void) { return hook.root && hook.fake; }
