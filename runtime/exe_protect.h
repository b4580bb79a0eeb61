/* Defence against CVE-2019-5736: a process of ours that enters a container (the init of create
 * and run, the process of exec, the hooks the init forks) must not run from the host's ocrun
 * binary, or a process of the container could open its /proc/<pid>/exe (or exec a
 * `#!/proc/self/exe` script through it) and write to that binary. So those commands, before they
 * do anything, move to a copy that nothing can open for writing:
 *   1. the binary itself on a private, detached, read-only mount (open_tree(OPEN_TREE_CLONE) +
 *      mount_setattr(MOUNT_ATTR_RDONLY)); once the tree's fd is closed the mount belongs to no
 *      namespace, so no one can remount, clone or move it. No copy: the page cache is shared.
 *      Without an exec when possible: the program's segments are mapped again from that mount
 *      (the writable one as an anonymous copy) and PR_SET_MM_MAP makes it /proc/self/exe, so no
 *      mapping and no exe link is left on the host's file. Otherwise execveat from the mount.
 *   2. where a mount is not allowed (no CAP_SYS_ADMIN, kernel before 5.12), an exec of a memfd
 *      copy sealed against writes, growth, shrinking and unsealing.
 * OCRUN_PROTECT_EXE=memfd picks 2 (tests); no value turns the protection off. */
#ifndef OCRUN_EXE_PROTECT_H
#define OCRUN_EXE_PROTECT_H
#include "base/error.h"

/* Returns 0 when this process runs from a protected copy (it did already, or it switched in
 * place); otherwise re-executes it from one with the same argv, environment and inherited fds,
 * returning only on failure. */
OC_MUST_CHECK int oc_exe_protect(char **argv, struct oc_err *e);

#endif
