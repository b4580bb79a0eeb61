/* Defence against CVE-2019-5736: a process of ours that enters a container (the init of create
 * and run, the process of exec, the hooks the init forks) must not run from the host's ocrun
 * binary, or a process of the container could open its /proc/<pid>/exe (or exec a
 * `#!/proc/self/exe` script through it) and write to that binary. So those commands re-execute
 * ocrun, before they do anything, from a copy that nothing can open for writing:
 *   1. the binary itself on a private, detached, read-only mount (open_tree(OPEN_TREE_CLONE) +
 *      mount_setattr(MOUNT_ATTR_RDONLY), then execveat): no copy, the page cache is shared; once
 *      the tree's fd is closed by the exec, the mount belongs to no namespace, so no one can
 *      remount, clone or move it;
 *   2. where that is not allowed (no CAP_SYS_ADMIN, kernel before 5.12), a memfd copy sealed
 *      against writes, growth, shrinking and unsealing.
 * OCRUN_PROTECT_EXE=memfd picks 2 (tests); no value turns the protection off. */
#ifndef OCRUN_SEALED_EXE_H
#define OCRUN_SEALED_EXE_H
#include "base/error.h"

/* Returns 0 when this process already runs from a protected copy; otherwise re-executes it from
 * one with the same argv, environment and inherited fds (returns only on failure). */
OC_MUST_CHECK int oc_exe_protect(char **argv, struct oc_err *e);

#endif
