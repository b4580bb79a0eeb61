/* The ledger's directory and files (used by ledger.c only): in oc_ledger_dir(), ledger.lock
 * (flock), one file per admitted container in entries/ (its JSON object), and totals.json, the
 * sum of their charges, so an admission or a release reads and writes O(1) files whatever the
 * number of containers. Every change writes in an order that can only leave totals.json too high
 * (never too low) if it is cut short; a reconcile in ledger.c sums it anew from the entries. A
 * ledger.json of an older ocrun is moved into entries/ on first use. */
#ifndef OCRUN_LEDGER_STORE_H
#define OCRUN_LEDGER_STORE_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "overcommit/ledger.h"

struct oc_ledger_sums {
  double vcpus;
  int64_t memory_mb;
};

struct oc_lstore {
  int lock_fd, dfd, edfd, tfd; /* the lock, the ledger dir, entries/, totals.json */
  int staged_fd;                /* an entry's unnamed file, or -1 */
  ssize_t totals_size;          /* as read */
  struct oc_ledger_sums sums;
};

/* Lock (exclusive to change anything), migrate an old ledger.json, read the totals (summed from
 * the entries when totals.json is missing or unreadable). */
OC_MUST_CHECK int oc_lstore_open(struct oc_lstore *s, bool exclusive, struct oc_err *e);
/* The same, exclusive, with en's file written before the lock is taken; oc_lstore_put_staged
 * puts it in place (an entry the store does not hold yet). */
OC_MUST_CHECK int oc_lstore_open_staged(struct oc_lstore *s, const struct oc_ledger_entry *en, struct oc_err *e);
OC_MUST_CHECK int oc_lstore_put_staged(struct oc_lstore *s, const struct oc_ledger_entry *en, struct oc_err *e);
void oc_lstore_close(struct oc_lstore *s);
/* The entry of (id, root): 1 found (*out filled, free with oc_ledger_entry_release), 0 none. */
OC_MUST_CHECK int oc_lstore_get(struct oc_lstore *s, const char *id, const char *root,
                                struct oc_ledger_entry *out, struct oc_err *e);
/* Create or replace an entry's file (atomically). The totals are the caller's. */
OC_MUST_CHECK int oc_lstore_put(struct oc_lstore *s, const struct oc_ledger_entry *en, struct oc_err *e);
/* Remove an entry's file (none is not an error). */
OC_MUST_CHECK int oc_lstore_del(struct oc_lstore *s, const char *id, const char *root, struct oc_err *e);
/* Every entry (for reconcile and capacity). */
OC_MUST_CHECK int oc_lstore_load_all(struct oc_lstore *s, struct oc_ledger *l, struct oc_err *e);
/* Write s->sums to totals.json (atomically). */
OC_MUST_CHECK int oc_lstore_write_sums(struct oc_lstore *s, struct oc_err *e);

void oc_ledger_sums_add(struct oc_ledger_sums *t, const struct oc_size *s, int sign);

#endif
