/* Rootless mode: where an unprivileged user's state lives. As root ocrun keeps /run/ocrun and
 * /run/ocrun-ledger; as any other user (euid != 0) nothing under /run is written: the state
 * root is $XDG_RUNTIME_DIR/ocrun (fallback /tmp/ocrun-$UID), the ledger beside it. */
#ifndef OCRUN_USER_DIRS_H
#define OCRUN_USER_DIRS_H
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* euid != 0: the caller cannot write the host's /run or /sys/fs/cgroup. */
bool oc_rootless(void);

/* The per-user directory for NAME ("ocrun", "ocrun-ledger"): $XDG_RUNTIME_DIR/NAME when
 * XDG_RUNTIME_DIR is an absolute path, else /tmp/NAME-$EUID. Only the path; nothing is made. */
void oc_user_dir_path(const char *name, char *buf, size_t len);

/* mkdir path 0700 (an existing one is fine) and check that it is a directory, not a symlink,
 * owned by the euid and not writable by anyone else: in /tmp another user may have made it
 * first. Returns an O_PATH fd of it (O_CLOEXEC). */
OC_MUST_CHECK int oc_user_dir_open(const char *path, struct oc_err *e);

#endif
