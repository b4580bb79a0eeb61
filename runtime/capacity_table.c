/* `capacity` as a table: the resources (with an OVER CAPACITY marker), host pressure, the
 * containers, the arithmetic (--explain) and a legend of every column shown. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "overcommit/sizing.h"
#include "runtime/capacity.h"
#include "overcommit/ledger.h"
#include "base/user_dirs.h"

#define MIB (UINT64_C(1) << 20)

static const char *num(char *buf, size_t len, double v) { return oc_capacity_fmt(buf, len, v, false); }

static void print_explain(FILE *out, const struct oc_capview *v) {
  char a[32], b[32], c[32], d[32], f[160];
  for (int r = 0; r < OC_RES_COUNT; r++) {
    const struct oc_capacity *x = &v->cap[r];
    oc_capacity_formula(x, f, sizeof f);
    fprintf(out, "%s:\n  capacity    %s = (total − reserved) × ratio × (1 − HA) = %s\n", x->name,
            num(a, sizeof a, x->capacity), f);
    fprintf(out, "  allocated   %s = sum over %zu containers%s\n", num(a, sizeof a, x->allocated), v->l.n,
            r == OC_RES_MEMORY_MB ? " (limits rounded up to MB; unbounded ones count 0)" : "");
    fprintf(out, "  free        %s = %s − %s\n", num(a, sizeof a, x->free), num(b, sizeof b, x->capacity),
            num(c, sizeof c, x->allocated));
    fprintf(out, "  largest fit %s = min(free %s, total − reserved %s), not below 0\n",
            num(a, sizeof a, x->largest_fit), num(b, sizeof b, x->free), num(d, sizeof d, x->total - x->reserved));
  }
  fprintf(out, "effective overcommit %s = allocated %s vCPUs / %s physical CPUs\n",
          num(a, sizeof a, v->cap[OC_RES_VCPU].allocated / v->host.cpus),
          num(b, sizeof b, v->cap[OC_RES_VCPU].allocated), num(c, sizeof c, v->host.cpus));
  fprintf(out, "admission: refused when allocated + requested > capacity, or requested > total − reserved\n");
  for (size_t i = 0; i < v->l.n; i++) {
    const struct oc_ledger_entry *en = &v->l.v[i];
    fprintf(out, "%s %s: %s vCPUs, from %s\n", i ? "        " : "vCPUs of", en->id,
            num(a, sizeof a, en->size.vcpus), oc_vcpu_source_name(oc_size_vcpu_source(&en->size)));
  }
}

/* Why allocations can stand above capacity under this policy. */
static const char *over_reason(enum oc_policy_mode m) {
  switch (m) {
    case OC_POLICY_WARN: return "mode warn admitted containers past capacity, with a warning";
    case OC_POLICY_OFF: return "mode off admits every container";
    default: return "counted-only containers (Kubernetes, opt-out) or an earlier policy let them in";
  }
}

static void print_resources(FILE *out, const struct oc_capview *v) {
  char s[9][32];
  fprintf(out, "%-10s %8s %9s %6s %6s %9s %10s %9s %12s\n", "RESOURCE", "TOTAL", "RESERVED", "RATIO", "HA",
          "CAPACITY", "ALLOCATED", "FREE", "LARGEST_FIT");
  for (int r = 0; r < OC_RES_COUNT; r++) {
    const struct oc_capacity *x = &v->cap[r];
    snprintf(s[4], sizeof s[4], "%s%%", num(s[8], sizeof s[8], x->ha * 100));
    fprintf(out, "%-10s %8s %9s %6s %6s %9s %10s %9s %12s%s\n", x->name, num(s[0], 32, x->total),
            num(s[1], 32, x->reserved), oc_capacity_fmt(s[2], 32, x->ratio, true), s[4],
            num(s[3], 32, x->capacity), num(s[5], 32, x->allocated), num(s[6], 32, x->free),
            num(s[7], 32, x->largest_fit), oc_capview_over(x) ? "  OVER CAPACITY" : "");
  }
  for (int r = 0; r < OC_RES_COUNT; r++) {
    const struct oc_capacity *x = &v->cap[r];
    if (!oc_capview_over(x)) continue;
    fprintf(out, "OVER CAPACITY: %s allocated %s > capacity %s, over by %s (%s)\n", x->name,
            num(s[0], 32, x->allocated), num(s[1], 32, x->capacity), num(s[2], 32, x->allocated - x->capacity),
            over_reason(v->pol.mode));
  }
}

/* "cpu some 10s: 2.3 %; memory some 10s: 0.0 %, full 10s: 0.0 %; ..." */
static void print_pressure(FILE *out, const struct oc_capview *v) {
  bool any = false;
  for (int i = 0; i < OC_PSI_COUNT; i++) {
    const struct oc_psi *p = &v->psi[i];
    if (!p->some.set) continue;
    fprintf(out, "%s%s some 10s: %.1f %%", any ? "; " : "pressure (host): ", oc_psi_names[i], p->some.avg10);
    /* The host-wide cpu "full" line is defined as 0: leave it out. */
    if (i != OC_PSI_CPU && p->full.set) fprintf(out, ", full 10s: %.1f %%", p->full.avg10);
    any = true;
  }
  fputs(any ? "\n" : "pressure (host): not available (no /proc/pressure: kernel without PSI, or booted with psi=0)\n",
        out);
}

static void flags_text(char *buf, size_t len, const struct oc_ledger_entry *en) {
  unsigned f = en->size.flags;
  snprintf(buf, len, "%s%s%s%s%s", (f & OC_SIZE_UNBOUNDED) ? "unbounded," : "",
           (f & OC_SIZE_NO_CGROUP) ? "no-cgroup," : "", (f & OC_SIZE_ORCHESTRATED) ? "orchestrated," : "",
           (f & OC_SIZE_OPT_OUT) ? "opt-out," : "", en->pid == 0 ? "creating," : "");
  size_t n = strlen(buf);
  if (n) buf[n - 1] = '\0';
  else snprintf(buf, len, "-");
}

static void print_containers(FILE *out, const struct oc_capview *v) {
  int w = 2;
  for (size_t i = 0; i < v->l.n; i++)
    if ((int)strlen(v->l.v[i].id) > w) w = (int)strlen(v->l.v[i].id);
  fprintf(out, "\n%-*s %6s %10s %7s %6s %9s %9s %9s %7s %8s %s\n", w, "ID", "VCPUS", "MEMORY_MB", "WEIGHT", "CPU%",
          "MEM_MB", "OOM_KILLS", "THROTTLED", "CPU_PSI", "PID", "FLAGS");
  for (size_t i = 0; i < v->l.n; i++) {
    const struct oc_ledger_entry *en = &v->l.v[i];
    const struct oc_capview_live *lv = &v->live[i];
    char vc[32], lim[32] = "-", wt[32] = "-", cpu[32] = "-", mem[32] = "-", oom[32] = "-", thr[32] = "-",
                 psi[32] = "-", flags[64];
    if (en->size.memory_bytes > 0) snprintf(lim, sizeof lim, "%" PRId64, oc_ledger_charged_mb(&en->size));
    if (lv->weight) snprintf(wt, sizeof wt, "%" PRIu64, lv->weight_value);
    if (lv->rate) snprintf(cpu, sizeof cpu, "%.1f", lv->cpu_percent);
    if (lv->mem) snprintf(mem, sizeof mem, "%.1f", (double)lv->mem_bytes / (double)MIB);
    if (lv->oom) snprintf(oom, sizeof oom, "%" PRIu64, lv->oom_kills);
    if (lv->thr) snprintf(thr, sizeof thr, "%" PRIu64, lv->nr_throttled);
    if (lv->psi[OC_PSI_CPU].some.set) snprintf(psi, sizeof psi, "%.1f", lv->psi[OC_PSI_CPU].some.avg10);
    flags_text(flags, sizeof flags, en);
    fprintf(out, "%-*s %6s %10s %7s %6s %9s %9s %9s %7s %8d %s\n", w, en->id, num(vc, sizeof vc, en->size.vcpus),
            lim, wt, cpu, mem, oom, thr, psi, (int)en->pid, flags);
  }
}

static void print_legend(FILE *out, const struct oc_capview *v) {
  bool v1 = strcmp(v->weight_file, "cpu.shares") == 0;
  fputs("\nlegend:\n"
        "  TOTAL        the host: online CPUs, MemTotal in MB\n"
        "  RESERVED     kept for the host itself (reserved_host_cpus, reserved_host_memory_mb)\n"
        "  RATIO        allocation ratio: how many times the rest may be handed out (1.0 = no overcommit)\n"
        "  HA           share of capacity kept free to restart a failed host's containers\n"
        "  CAPACITY     (TOTAL − RESERVED) × RATIO × (1 − HA): what containers may be given\n"
        "  ALLOCATED    sum of the sizes of the admitted containers\n"
        "  FREE         CAPACITY − ALLOCATED (below 0 when over capacity)\n"
        "  LARGEST_FIT  the largest single container that would be admitted now\n"
        "  OVER CAPACITY  ALLOCATED > CAPACITY: warn mode or counted-only containers let allocations past it\n"
        "  pressure     PSI from /proc/pressure: % of the last 10 s in which some task (some) or every\n"
        "               non-idle task (full) waited for the CPU, memory or I/O\n",
        out);
  if (v->l.n == 0) return;
  double win = v->window_s > 0 ? v->window_s : 0;
  fprintf(out,
          "  VCPUS        the container's size in vCPUs, charged to VCPU\n"
          "  MEMORY_MB    its memory limit, charged to MEMORY_MB (- = no limit, charged nothing)\n"
          "  WEIGHT       its %s (cgroup %s; %s per vCPU, the default): CPU time is split among\n"
          "               sibling cgroups in proportion to it, only while they compete\n",
          v->weight_file, v1 ? "v1" : "v2", v1 ? "1024" : "100");
  static const char *const since[] = {
      [OC_WINDOW_WAIT] = "two looks of this call",
      [OC_WINDOW_PREVIOUS_CALL] = "since the previous capacity call",
      [OC_WINDOW_FRAME] = "since the previous frame",
  };
  if (win > 0 && v->window_from != OC_WINDOW_NONE)
    fprintf(out,
            "  CPU%%         CPU used over the last %.1f s (%s),\n"
            "               in %% of one CPU (100 = one CPU kept busy)\n",
            win, since[v->window_from]);
  else
    fputs("  CPU%         CPU used between two samples, in % of one CPU (100 = one CPU kept busy)\n", out);
  fputs("  MEM_MB       memory in use now (the cgroup's usage, page cache included)\n"
        "  OOM_KILLS    processes the kernel's OOM killer killed inside the memory limit\n"
        "  THROTTLED    CPU periods in which a CPU cap (cpu.max, cfs quota) held it back\n"
        "  CPU_PSI      cpu some 10s of its own cgroup: % of the last 10 s in which one of its tasks\n"
        "               waited for a CPU (needs the cgroup v2 hierarchy)\n"
        "  PID          its init process on the host (0 while it is being created)\n"
        "  FLAGS        unbounded: no memory limit, charged nothing; no-cgroup: rootless without a\n"
        "               delegated cgroup, nothing enforced; orchestrated: admitted by\n"
        "               Kubernetes, counted, never refused; opt-out: exempt from the policy by\n"
        "               annotation; creating: admitted, init not started yet; -: none\n",
        out);
}

void oc_capview_table(FILE *out, const struct oc_capview *v, bool explain, bool legend) {
  char a[32], b[32];
  fprintf(out, "policy: %s (mode %s%s%s)\n", v->pol.source, oc_policy_mode_name(v->pol.mode),
          v->pol.preset ? ", preset " : "", v->pol.preset ? v->pol.preset : "");
  if (oc_rootless())
    fprintf(out, "view: per-user (uid %u): only this user's containers, ledger %s; the host's ledger is root's\n",
            (unsigned)geteuid(), oc_ledger_dir());
  print_resources(out, v);
  fprintf(out, "effective overcommit: %.2f vCPU per physical CPU (%s vCPUs on %s CPUs)\n",
          v->cap[OC_RES_VCPU].allocated / v->host.cpus, num(a, sizeof a, v->cap[OC_RES_VCPU].allocated),
          num(b, sizeof b, v->host.cpus));
  fprintf(out, "containers: %zu (%zu unbounded, %zu orchestrated, %zu opted out)", v->l.n, v->unbounded,
          v->orchestrated, v->opt_out);
  if (v->stale) fprintf(out, "; %zu stale entries, released when an admission needs their room", v->stale);
  fputc('\n', out);
  print_pressure(out, v);
  if (explain) print_explain(out, v);
  if (v->l.n) print_containers(out, v);
  if (legend) print_legend(out, v);
}
