/* Defence against CVE-2019-5736: before code of a container runs next to an ocrun process (hooks
 * inside the container), re-execute ocrun from a sealed memfd copy of itself, so /proc/<pid>/exe
 * of that process can never be opened for writing onto the host binary. */
#ifndef OCRUN_SEALED_EXE_H
#define OCRUN_SEALED_EXE_H
#include "base/error.h"

/* Remember argv for the re-exec (called from main). */
void oc_sealed_exe_set_argv(char **argv);
/* Returns 0 at once when already running from the sealed copy; otherwise execs it (returns only
 * on failure). */
OC_MUST_CHECK int oc_reexec_sealed(struct oc_err *e);

#endif
