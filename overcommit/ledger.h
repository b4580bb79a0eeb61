/* The host-wide admission ledger: one for every --root, in $OCRUN_LEDGER_DIR or
 * /run/ocrun-ledger (ledger.lock, entries/ with one file per container, totals.json: see
 * ledger_store.h); as non-root a per-user one beside the user's --root ($XDG_RUNTIME_DIR/ocrun-ledger,
 * else /tmp/ocrun-ledger-$UID: base/user_dirs.h). Every change is lock (flock) → decide against
 * the totals → write atomically (temp + rename) → unlock; reconcile with the live containers only
 * when a request does not fit (stale entries only ever count too much). */
#ifndef OCRUN_LEDGER_H
#define OCRUN_LEDGER_H
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "overcommit/policy.h"
#include "overcommit/sizing.h"
#include "base/error.h"

#define OC_LEDGER_DEFAULT_DIR "/run/ocrun-ledger"
/* errnum of a refusal (e->msg starts with "refused: "), so callers can tell it from an error. */
#define OC_REFUSED_ERRNO ENOSPC
/* Exit status of `create --dry-run` when the container would be refused (1 stays "error"). */
#define OC_EXIT_WOULD_BE_REFUSED 2

struct oc_ledger_entry {
  char *id, *root, *cgroup_path;
  struct oc_size size;
  pid_t pid;                       /* container init, 0 while being created */
  unsigned long long start_time;   /* of pid (/proc/<pid>/stat field 22) */
  pid_t creator_pid;               /* the ocrun process that admitted it */
  unsigned long long creator_start_time;
  int64_t created;                 /* unix seconds */
};

struct oc_ledger {
  struct oc_ledger_entry *v;
  size_t n;
};

/* Result of an admission. */
struct oc_admit_result {
  bool refused;        /* not admitted: text says why (also in e->msg) */
  bool warned;         /* admitted; text holds the warning to log */
  char text[768];
  struct oc_size old;  /* admit_update: the size before, for oc_ledger_set_size on failure */
  struct oc_size size; /* the size now recorded */
};

/* One resource's arithmetic: capacity = (total − reserved) × ratio × (1 − ha). */
struct oc_capacity {
  const char *name;  /* "VCPU", "MEMORY_MB" */
  double total, reserved, ratio, ha, capacity, allocated, free, largest_fit;
};
enum { OC_RES_VCPU, OC_RES_MEMORY_MB, OC_RES_COUNT };

const char *oc_ledger_dir(void);

/* Reconcile asks the layer that owns container state whether a container still exists:
 * 1 = its state dir exists (and, when pid is not NULL, *pid / *start_time hold its init, 0 if
 * not started or if its creation was abandoned: never finished, creator gone), 0 = gone (with
 * pid NULL: also abandoned), < 0 = cannot tell (the entry is kept). An entry is live while its
 * creator runs, else while that init does: so a create killed at any point frees its capacity
 * at the next reconcile. The runtime registers oc_state_lookup; without a lookup every entry
 * whose creator has exited is kept. */
typedef int (*oc_ledger_lookup_fn)(const char *root, const char *id, pid_t *pid,
                                   unsigned long long *start_time);
void oc_ledger_set_lookup(oc_ledger_lookup_fn fn);

/* Admit a new container (before its cgroup is created). 0: admitted (res->warned: log res->text).
 * < 0: res->refused with e->msg = the refusal text, or another error (I/O, duplicate id). */
OC_MUST_CHECK int oc_ledger_admit(const struct oc_policy *p, const struct oc_admission_request *req,
                    struct oc_admit_result *res, struct oc_err *e);
/* Same decision, nothing written (create --dry-run). */
OC_MUST_CHECK int oc_ledger_check(const struct oc_policy *p, const struct oc_admission_request *req,
                    struct oc_admit_result *res, struct oc_err *e);
/* After clone: the container's init pid and its start time. */
OC_MUST_CHECK int oc_ledger_set_pid(const char *id, const char *root, pid_t pid, unsigned long long start_time,
                      struct oc_err *e);
/* On delete and on every failure after admission. A missing entry is not an error. */
OC_MUST_CHECK int oc_ledger_release(const char *id, const char *root, struct oc_err *e);
/* update: size the update (oc_policy_apply_update, which may add weight/swap to upd) and admit
 * only the increase. Return values as oc_ledger_admit; a container not in the ledger is admitted
 * with a warning. */
OC_MUST_CHECK int oc_ledger_admit_update(const struct oc_policy *p, const char *id, const char *root,
                           struct oc_resources *upd, struct oc_admit_result *res, struct oc_err *e);
/* Put a size back (the cgroup update failed after admit_update: pass res->old). */
OC_MUST_CHECK int oc_ledger_set_size(const char *id, const char *root, const struct oc_size *s, struct oc_err *e);

/* Read-only view (capacity): reconciled in memory; *stale (may be NULL) counts the entries of
 * containers that are gone, which an admission releases when it needs their room. */
OC_MUST_CHECK int oc_ledger_snapshot(struct oc_ledger *out, size_t *stale, struct oc_err *e);
/* Every entry as it is, unchecked: for a reader that checks them itself (capacity, in parallel). */
OC_MUST_CHECK int oc_ledger_entries(struct oc_ledger *out, struct oc_err *e);
/* Whether the container behind en is still there; en->pid and start_time are filled from its
 * state dir when the ledger has none. Several threads may check different entries at once. */
bool oc_ledger_entry_live(struct oc_ledger_entry *en);
void oc_ledger_free(struct oc_ledger *l);
/* Free one entry's strings (and zero it). */
void oc_ledger_entry_release(struct oc_ledger_entry *en);

/* The arithmetic for both resources over the entries of l. */
void oc_capacity_compute(const struct oc_policy *p, const struct oc_host *h, const struct oc_ledger *l,
                         struct oc_capacity cap[OC_RES_COUNT]);
/* Memory charged for an entry, in MB (0 when unbounded). */
int64_t oc_ledger_charged_mb(const struct oc_size *s);
/* A number as the refusal text shows it: integers without decimals, others with up to 3;
 * ratios always with one ("1.0"). Returns buf. */
const char *oc_capacity_fmt(char *buf, size_t len, double v, bool ratio);
/* "(23552 − 512) × 1.0 × (1 − 0)" for one resource. */
void oc_capacity_formula(const struct oc_capacity *c, char *buf, size_t len);

#endif
