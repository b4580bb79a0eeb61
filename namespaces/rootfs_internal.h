/* Helpers shared by the rootfs files of namespaces/ (not an interface for other folders). */
#ifndef OCRUN_ROOTFS_INTERNAL_H
#define OCRUN_ROOTFS_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/config.h"
#include "base/error.h"

/* ---- path_in_root.c: every path under a root resolved by fd ---- */

/* Lexically clean an absolute path ("/a/./b/../c//" -> "/a/c"); ".." never climbs above "/". */
OC_MUST_CHECK int oc_path_clean(const char *in, char *out, size_t cap, struct oc_err *e);
/* openat2(root_fd, path, flags | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS).
 * Returns the fd, or -errno with e filled (the message names path). */
OC_MUST_CHECK int oc_open_in_root(int root_fd, const char *path, int flags, struct oc_err *e);
/* O_PATH fd of path inside root_fd, creating the missing components one by one (mkdirat, or for the
 * last one an empty file when file is true, with openat O_EXCL|O_NOFOLLOW). path must be clean. */
OC_MUST_CHECK int oc_mkpath_in_root(int root_fd, const char *path, bool file, struct oc_err *e);

/* ---- mount_options.c: OCI mount options ---- */

#define OC_MAX_PROPAGATION 4
struct oc_mount_opts {
  bool bind, rec;                /* "bind" / "rbind" */
  bool rw_asked;                 /* an explicit "rw" */
  bool idmap, ridmap;            /* idmapped mount requested (by option or by mappings) */
  uint64_t attr_set, attr_clr;   /* MOUNT_ATTR_* for the top mount */
  uint64_t rattr_set, rattr_clr; /* MOUNT_ATTR_* for the whole tree (rro, rnosuid, ...) */
  unsigned long prop[OC_MAX_PROPAGATION]; /* MS_SHARED... (| MS_REC), applied in order */
  size_t n_prop;
  const char *sb_flags[8];       /* superblock flags for fresh filesystems ("sync", "dirsync", ...) */
  size_t n_sb_flags;
  const char **data;             /* filesystem data options ("mode=755", "newinstance", ...) */
  size_t n_data;
};
/* Parse m->options; idx names the mount in errors ("mounts[3]: ..."). Unknown words go to data:
 * a filesystem gets them (the kernel judges them); a bind mount has no use for them and the
 * kernel ignores data on a bind, so they are ignored (as runc, which passes them to mount(2)).
 * On success release *o with oc_mount_opts_release; on failure *o is zeroed and holds nothing. */
OC_MUST_CHECK int oc_mount_opts_parse(const struct oc_mount *m, size_t idx, struct oc_mount_opts *o, struct oc_err *e);
void oc_mount_opts_release(struct oc_mount_opts *o);
/* A bind mount: type "bind", no type, or a bind/rbind option. */
bool oc_mount_is_bind(const struct oc_mount *m, const struct oc_mount_opts *o);
/* "rslave" -> MS_SLAVE | MS_REC; false if unknown. */
bool oc_propagation_parse(const char *name, unsigned long *flags);
/* mount_setattr() form of a propagation flag set: propagation field and AT_RECURSIVE. */
OC_MUST_CHECK int oc_apply_propagation(int mnt_fd, unsigned long flags, const char *what, struct oc_err *e);

/* ---- mount_idmap.c ---- */

/* A user namespace fd whose maps are uid/gid (containerID hostID size, as in config.json),
 * created from the caller's user namespace. */
OC_MUST_CHECK int oc_userns_fd_from_maps(const struct oc_id_maps *uid, const struct oc_id_maps *gid, struct oc_err *e);
/* The user namespace an idmapped mount uses: its own mappings, else the container's. */
OC_MUST_CHECK int oc_idmap_userns_fd(const struct oc_config *c, const struct oc_mount *m, struct oc_err *e);
/* A detached clone of a bind mount's source with its idmap applied (when asked). */
OC_MUST_CHECK int oc_bind_source_tree(const struct oc_config *c, const struct oc_mount *m, const struct oc_mount_opts *o,
                        struct oc_err *e);
/* The tree opened in the runtime for mounts[idx] by oc_rootfs_open_sources, or -1 (ownership moves
 * to the caller). */
int oc_take_source_tree(size_t idx);

/* ---- mount_fd.c: detached mounts (fsopen/fsmount) and move_mount ---- */

/* Make a fresh filesystem of type with the mount's source and data; returns the detached mount fd. */
OC_MUST_CHECK int oc_fs_mount_fd(const char *type, const char *source, const struct oc_mount_opts *o, const char *label,
                   uint64_t attrs, struct oc_err *e);
/* Attach a detached mount onto the O_PATH fd dest. */
OC_MUST_CHECK int oc_attach(int mnt_fd, int dest_fd, const char *dest, struct oc_err *e);
/* The last message the kernel left in a filesystem context, as " (msg)", or "". */
void oc_fs_context_log(int fs, char *buf, size_t cap);

/* ---- mounts.c (config mounts), mount_cgroup.c (type cgroup) ---- */

/* Every config mount in order. A read-only /dev is mounted writable first (devices are created in
 * it later): its mount fd is returned in *dev_ro_fd for the caller to make read-only. */
OC_MUST_CHECK int oc_mounts_apply(const struct oc_config *c, int root_fd, int *dev_ro_fd, struct oc_err *e);
OC_MUST_CHECK int oc_mount_cgroup(const struct oc_config *c, const struct oc_mount *m, const struct oc_mount_opts *o,
                    int root_fd, const char *dest, struct oc_err *e);
/* Mount points inside /proc that are allowed (lxcfs-style file binds). */
bool oc_proc_dest_allowed(const char *clean_dest);

/* ---- mountinfo.c ---- */

struct oc_mountinfo {
  int id, parent;
  char *root, *mountpoint, *optional, *fstype, *source, *super_opts;
};
struct oc_mountinfo_table {
  char *buf;
  struct oc_mountinfo *v;
  size_t n;
};
OC_MUST_CHECK int oc_mountinfo_read(struct oc_mountinfo_table *t, struct oc_err *e);
void oc_mountinfo_free(struct oc_mountinfo_table *t);

/* ---- dev_nodes.c ---- */

/* /dev is set up by us unless the config bind-mounts /dev itself. */
bool oc_rootfs_needs_dev(const struct oc_config *c);
OC_MUST_CHECK int oc_devices_setup(const struct oc_config *c, int root_fd, struct oc_err *e);

/* ---- masked_paths.c ---- */

OC_MUST_CHECK int oc_readonly_paths_apply(const struct oc_config *c, int root_fd, struct oc_err *e);
OC_MUST_CHECK int oc_masked_paths_apply(const struct oc_config *c, int root_fd, struct oc_err *e);

/* ---- sysctl.c ---- */

/* Each key must belong to a namespace the container has of its own (net.* needs a network
 * namespace, ...), or the write would change the host. */
OC_MUST_CHECK int oc_sysctl_validate(const struct oc_config *c, struct oc_err *e);

#endif
