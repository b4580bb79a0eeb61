#define _GNU_SOURCE
#include "cgroups/live.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cgroups/cg_internal.h"

static bool cpu_is_v1(void) {
  const struct oc_cg_layout *l;
  struct oc_err e;
  if (oc_cg_layout(&l, &e) < 0) return oc_cg_mode() != OC_CG_UNIFIED;
  for (size_t i = 0; i < l->n_v1; i++)
    if (l->v1[i].mask & OC_CTL_CPU) return true;
  return false;
}

const char *oc_cg_weight_file(void) { return cpu_is_v1() ? "cpu.shares" : "cpu.weight"; }

bool oc_cg_cpu_weight(const struct oc_cgroup *cg, uint64_t *out) {
  struct oc_err e;
  const struct oc_cg_dir *d = cpu_is_v1() ? oc_cg_v1_dir(cg, OC_CTL_CPU) : oc_cg_v2_dir(cg);
  return d && oc_cgf_read_u64(d, oc_cg_weight_file(), out, &e) == 0;
}

bool oc_cg_pressure(const struct oc_cgroup *cg, int res, struct oc_psi *out) {
  *out = (struct oc_psi){0};
  const struct oc_cg_dir *d = oc_cg_v2_dir(cg);
  if (!d || res < 0 || res >= OC_PSI_COUNT) return false;
  char file[32];
  snprintf(file, sizeof file, "%s.pressure", oc_psi_names[res]);
  _cleanup_free_ char *text = NULL;
  struct oc_err e;
  if (oc_cgf_read(d, file, &text, &e) < 0) return false;
  return oc_psi_parse(text, out);
}

/* ---- capacity's direct reads ---- */

/* The hierarchy root holding ctl (0: the unified one), opened once; -1 when there is none. */
static int root_fd(unsigned ctl) {
  static int fds[33];
  static bool done[33];
  int slot = ctl ? __builtin_ctz(ctl) + 1 : 0;
  if (done[slot]) return fds[slot];
  done[slot] = true;
  fds[slot] = -1;
  const struct oc_cg_layout *l;
  struct oc_err e;
  if (oc_cg_layout(&l, &e) < 0) return -1;
  const char *mount = NULL;
  if (!ctl) mount = l->unified.mount;
  for (size_t i = 0; ctl && i < l->n_v1; i++)
    if (l->v1[i].mask & ctl) mount = l->v1[i].mount;
  if (mount) fds[slot] = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fds[slot];
}

/* path/file below the root of ctl's hierarchy into buf (NUL-terminated); false if unreadable. */
static bool read_at(unsigned ctl, const char *path, const char *file, char *buf, size_t len) {
  int root = root_fd(ctl);
  char rel[4200];
  if (root < 0 || snprintf(rel, sizeof rel, "%s/%s", path + 1, file) >= (int)sizeof rel) return false;
  int fd = openat(root, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = read(fd, buf, len - 1);
  close(fd);
  if (n < 0) return false;
  buf[n] = '\0';
  return true;
}

static bool read_u64_at(unsigned ctl, const char *path, const char *file, uint64_t *out) {
  char buf[64], *end;
  if (!read_at(ctl, path, file, buf, sizeof buf)) return false;
  unsigned long long v = strtoull(buf, &end, 10);
  if (end == buf) return false;
  *out = v;
  return true;
}

static bool kv_at(unsigned ctl, const char *path, const char *file, const char *key, uint64_t *out) {
  char buf[4096];
  return read_at(ctl, path, file, buf, sizeof buf) && oc_cg_kv_get(buf, key, out);
}

/* The v1 hierarchy of ctl, or 0 (the unified one) when ctl is not on v1. */
static unsigned where(unsigned ctl) {
  const struct oc_cg_layout *l;
  struct oc_err e;
  if (oc_cg_layout(&l, &e) < 0) return 0;
  for (size_t i = 0; i < l->n_v1; i++)
    if (l->v1[i].mask & ctl) return ctl;
  return 0;
}

void oc_cg_live_prepare(void) {
  (void)root_fd(0);
  for (unsigned ctl = 1; ctl; ctl <<= 1)
    if (where(ctl)) (void)root_fd(ctl);
}

bool oc_cg_live_cpu(const char *path, uint64_t *cpu_ns) {
  if (!oc_cg_path_valid(path)) return false;
  if (where(OC_CTL_CPUACCT)) return read_u64_at(OC_CTL_CPUACCT, path, "cpuacct.usage", cpu_ns);
  uint64_t us;
  if (!kv_at(0, path, "cpu.stat", "usage_usec", &us)) return false;
  *cpu_ns = us * 1000;
  return true;
}

void oc_cg_live_read(const char *path, bool all_psi, struct oc_cg_live *out) {
  *out = (struct oc_cg_live){0};
  if (!oc_cg_path_valid(path)) return;
  unsigned cpu = where(OC_CTL_CPU), mem = where(OC_CTL_MEMORY);
  char buf[4096];
  uint64_t us = 0;
  if (!where(OC_CTL_CPUACCT) && !cpu) { /* one cpu.stat has both (cgroup v2) */
    bool got = read_at(0, path, "cpu.stat", buf, sizeof buf);
    out->cpu = got && oc_cg_kv_get(buf, "usage_usec", &us);
    out->cpu_ns = us * 1000;
    out->thr = got && oc_cg_kv_get(buf, "nr_throttled", &out->nr_throttled);
  } else {
    out->cpu = oc_cg_live_cpu(path, &out->cpu_ns);
    out->thr = kv_at(cpu, path, "cpu.stat", "nr_throttled", &out->nr_throttled);
  }
  out->weight = read_u64_at(cpu, path, cpu ? "cpu.shares" : "cpu.weight", &out->weight_value);
  out->mem = read_u64_at(mem, path, mem ? "memory.usage_in_bytes" : "memory.current", &out->mem_bytes);
  out->oom = kv_at(mem, path, mem ? "memory.oom_control" : "memory.events", "oom_kill", &out->oom_kills);
  for (int i = 0; i < (all_psi ? OC_PSI_COUNT : OC_PSI_CPU + 1); i++) {
    char file[32];
    snprintf(file, sizeof file, "%s.pressure", oc_psi_names[i]);
    if (read_at(0, path, file, buf, 512)) (void)oc_psi_parse(buf, &out->psi[i]);
  }
}
