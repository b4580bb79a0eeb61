/* The container's filesystem view, built inside its new mount namespace by the init process.
 * Every path under the rootfs is resolved by fd (openat2 RESOLVE_IN_ROOT), never by string. */
#ifndef OCRUN_ROOTFS_H
#define OCRUN_ROOTFS_H
#include <stdbool.h>

#include "oci/config.h"
#include "base/error.h"

/* Reject what cannot work before anything is created (unknown mount type, bad option, relative
 * destination, bad propagation, missing rootfs). rootfs is the absolute rootfs path. */
OC_MUST_CHECK int oc_rootfs_validate(const struct oc_config *c, const char *rootfs, struct oc_err *e);
/* Before pivot_root: rootfs propagation, bind the rootfs onto itself, every config mount,
 * default devices, /dev symlinks, /dev/pts/ptmx, linux.devices. */
OC_MUST_CHECK int oc_rootfs_prepare(const struct oc_config *c, const char *rootfs, struct oc_err *e);
/* pivot_root into rootfs (or MS_MOVE + chroot when no_pivot), detach the old root, chdir("/"). */
OC_MUST_CHECK int oc_rootfs_pivot(const char *rootfs, bool no_pivot, struct oc_err *e);
/* After pivot_root: maskedPaths (over a verified /dev/null), readonlyPaths, root.readonly. */
OC_MUST_CHECK int oc_rootfs_finalize(const struct oc_config *c, struct oc_err *e);
/* Write linux.sysctl through the container's /proc/sys (verified procfs). */
OC_MUST_CHECK int oc_sysctl_apply(const struct oc_config *c, struct oc_err *e);
/* In the runtime, before cloning the init: open the bind mount sources as detached trees when the
 * init could not (a user namespace: host paths it may not reach, host filesystems it may not
 * idmap). The clone inherits them and oc_rootfs_prepare uses them; call oc_rootfs_close_sources()
 * in the runtime once the init is cloned (and on error). */
OC_MUST_CHECK int oc_rootfs_open_sources(const struct oc_config *c, struct oc_err *e);
void oc_rootfs_close_sources(void);

/* Without a mount namespace of the container's own (namespaces/rootfs_host_ns.c): the runtime
 * records the id of the mount the rootfs is on (oc_rootfs_mount_id), binds the rootfs privately
 * onto itself in the host's namespace before the init exists, and at delete detaches that bind
 * (found as the mount on rootfs whose parent is under_id), taking every mount made below it. The
 * init then skips the propagation steps and chroots instead of pivot_root. */
OC_MUST_CHECK int oc_rootfs_mount_id(const char *rootfs, int *id, struct oc_err *e);
OC_MUST_CHECK int oc_rootfs_bind_in_host(const char *rootfs, struct oc_err *e);
OC_MUST_CHECK int oc_rootfs_unbind_in_host(const char *rootfs, int under_id, struct oc_err *e);
OC_MUST_CHECK int oc_rootfs_chroot(const char *rootfs, struct oc_err *e);

/* For `features`: the i-th mount option ocrun understands, NULL past the end. */
const char *oc_mount_option_name(size_t i);

#endif
