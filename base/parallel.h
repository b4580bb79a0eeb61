/* Work over many independent items (a node's containers, the ledger's entries) split among a few
 * threads: what each item costs is mostly the kernel's (opening and reading small files), which
 * runs on as many CPUs as there are threads. */
#ifndef OCRUN_PARALLEL_H
#define OCRUN_PARALLEL_H
#include <stddef.h>

/* fn(ctx, from, to) over [0, n) in slices: one thread per online CPU (at most 4), each with at
 * least min_per_thread items; the calling thread takes the first slice, and any slice whose
 * thread could not start. Returns when every slice is done. fn must be safe to run in several
 * threads at once on different items. */
void oc_parallel_for(size_t n, size_t min_per_thread, void (*fn)(void *ctx, size_t from, size_t to), void *ctx);

#endif
