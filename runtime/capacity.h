/* What `ocrun capacity` shows: one sample of the node (policy, host totals, the ledger's
 * arithmetic, each admitted container's cgroup, pressure), CPU rates between two samples, and
 * the two renderings (table with its legend, JSON). */
#ifndef OCRUN_CAPACITY_H
#define OCRUN_CAPACITY_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/psi.h"
#include "overcommit/ledger.h"
#include "overcommit/policy.h"

/* One container's cgroup, as read at sampled_ns. */
struct oc_capview_live {
  bool cpu, mem, oom, thr, weight, rate;
  uint64_t cpu_ns, mem_bytes, oom_kills, nr_throttled;
  uint64_t weight_value;   /* in the host's unit (oc_capview.weight_file) */
  int64_t sampled_ns;      /* CLOCK_MONOTONIC */
  double cpu_percent;      /* when rate: CPU used since the previous sample, % of one CPU */
  struct oc_psi psi[OC_PSI_COUNT];
};

/* What the CPU rates of a view are measured over. */
enum oc_capview_window {
  OC_WINDOW_NONE,          /* no rates */
  OC_WINDOW_WAIT,          /* two looks of this call, a short wait apart */
  OC_WINDOW_PREVIOUS_CALL, /* since the look a previous `capacity` call kept (capacity_look.c) */
  OC_WINDOW_FRAME,         /* since the previous frame of --watch */
};

struct oc_capview {
  struct oc_policy pol;
  struct oc_host host;
  struct oc_ledger l;
  size_t stale;
  struct oc_capacity cap[OC_RES_COUNT];
  struct oc_capview_live *live; /* one per ledger entry */
  size_t unbounded, orchestrated, opt_out;
  struct oc_psi psi[OC_PSI_COUNT]; /* host-wide (/proc/pressure) */
  const char *cgroup_mode;         /* "unified", "hybrid", "legacy" */
  const char *weight_file;         /* "cpu.shares" or "cpu.weight" */
  int64_t sampled_ns;              /* CLOCK_MONOTONIC, when the sample began */
  int64_t time;                    /* unix seconds of the sample */
  double window_s;                 /* seconds the CPU rates cover, 0 when there are none */
  enum oc_capview_window window_from;
};
/* "wait", "previous call", "previous frame"; NULL for none. */
const char *oc_capview_window_name(enum oc_capview_window w);

/* The look the previous `capacity` call kept (capacity_look.c), loaded once: it gives this
 * call's CPU rates, and it names the inits that ran then. */
struct oc_capview_look;
/* 0, or -1 with e saying why there is none to use (missing, garbled, another boot). */
OC_MUST_CHECK int oc_capview_look_load(struct oc_capview_look **out, struct oc_err *e);
void oc_capview_look_free(struct oc_capview_look *look);
/* The init the look saw for container id of root: true with *pid and *start_time. */
bool oc_capview_look_init(const struct oc_capview_look *look, const char *id, const char *root, pid_t *pid,
                          unsigned long long *start_time);

/* Load the policy (path, else $OCRUN_POLICY, else the default file), the host and the ledger,
 * and read every container's cgroup and the host's pressure. A container's memory and io
 * pressure only with all_pressure (the table shows its cpu pressure alone). A container whose
 * init look (may be NULL) saw and which still runs is live without its state dir being read. */
OC_MUST_CHECK int oc_capview_sample(const char *policy_path, bool all_pressure, const struct oc_capview_look *look,
                                    struct oc_capview *v, struct oc_err *e);
/* CPU rates of cur over the time since prev, for each container present in both (same id, root
 * and init pid, counter not gone back). */
void oc_capview_rates(struct oc_capview *cur, const struct oc_capview *prev);
/* Read the CPU counters of v's containers again (after a wait) and set their rates over the
 * time since v was sampled: the second look of a single `capacity`, which needs nothing else. */
void oc_capview_cpu_again(struct oc_capview *v);
/* CPU rates of v since look, when that look is usable (every container with a counter in it,
 * min_age_ns to max_age_ns old); 0, or -1 with e saying why not (v's rates are then untouched). */
OC_MUST_CHECK int oc_capview_rates_from_look(struct oc_capview *v, const struct oc_capview_look *look,
                                             int64_t min_age_ns, int64_t max_age_ns, struct oc_err *e);
/* Keep v's latest CPU readings for the next call (atomically replaced). */
OC_MUST_CHECK int oc_capview_look_save(const struct oc_capview *v, struct oc_err *e);
/* Whether some container of v has a CPU counter (a second sample can give it a rate). */
bool oc_capview_has_cpu(const struct oc_capview *v);
void oc_capview_free(struct oc_capview *v);

/* allocated > capacity: warn mode (or counted-only containers) let allocations pass capacity. */
bool oc_capview_over(const struct oc_capacity *c);
/* Monotonic clock in ns. */
int64_t oc_capview_now_ns(void);

/* The table: policy, resources (OVER CAPACITY marked), pressure, containers; then the
 * arithmetic with explain, and the legend of every column shown with legend. */
void oc_capview_table(FILE *out, const struct oc_capview *v, bool explain, bool legend);
/* One JSON document (pretty: indented, else one line). 0, or -1 when yajl fails. */
int oc_capview_json(FILE *out, const struct oc_capview *v, bool pretty);

#endif
