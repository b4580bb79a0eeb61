/* A container without a mount namespace of its own makes its mounts in the caller's namespace:
 * create records where they hang (the file host-mount in the state dir) before making them, and
 * delete removes them all, so the host's mount table is as it was (runc leaves them behind). */
#ifndef OCRUN_HOST_MOUNTS_H
#define OCRUN_HOST_MOUNTS_H
#include "base/error.h"

/* Record, then bind the rootfs onto itself (namespaces/rootfs_host_ns.c). */
OC_MUST_CHECK int oc_host_mounts_make(const char *state_dir, const char *rootfs, struct oc_err *e);
/* Remove what oc_host_mounts_make recorded (nothing when the state dir has no record). */
OC_MUST_CHECK int oc_host_mounts_remove(const char *state_dir, const char *rootfs, struct oc_err *e);

#endif
