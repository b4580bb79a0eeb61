/* checkpoint and restore through CRIU's documented command line (`criu dump` / `criu restore`).
 * The runtime describes the container to CRIU: its rootfs (--root), its bind mounts (external
 * mounts keyed by destination), a joined network namespace (external, inherited on restore), its
 * cgroup (--manage-cgroups, --cgroup-root for a restore into a new id), its stdio pipes and a
 * terminal container's pty (external; the restore gives it a new pty, see checkpoint_restore.c). */
#ifndef OCRUN_CHECKPOINT_H
#define OCRUN_CHECKPOINT_H
#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "cgroups/cgroup.h"
#include "oci/config.h"
#include "runtime/globals.h"

/* runc's checkpoint/restore flags (NULL/false: not given). */
struct oc_criu_opts {
  const char *image_path;          /* default ./checkpoint */
  const char *work_path;           /* default: the image path */
  const char *parent_path;         /* checkpoint: images of a previous pre-dump */
  const char *manage_cgroups_mode; /* soft (default), full, strict, ignore */
  const char *empty_ns;            /* only "network" */
  bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks, pre_dump, lazy_pages;
};

/* The flags checkpoint and restore share (entries of a struct oc_opt table, runtime/args.h);
 * each command adds its own. */
#define OC_CRIU_OPTS(co)                                                                                          \
  {"image-path", 0, &(co)->image_path, NULL, "DIR", "the checkpoint's image directory (default ./checkpoint)"},  \
  {"work-path", 0, &(co)->work_path, NULL, "DIR", "where criu writes its log (default: the image path)"},        \
  {"tcp-established", 0, NULL, &(co)->tcp_established, NULL, "checkpoint and restore established TCP connections"}, \
  {"ext-unix-sk", 0, NULL, &(co)->ext_unix_sk, NULL, "allow unix sockets connected outside the container"},    \
  {"shell-job", 0, NULL, &(co)->shell_job, NULL, "allow a process attached to a shell's session and terminal"}, \
  {"file-locks", 0, NULL, &(co)->file_locks, NULL, "checkpoint and restore file locks"},                        \
  {"manage-cgroups-mode", 0, &(co)->manage_cgroups_mode, NULL, "MODE",                                         \
   "criu's cgroup mode: soft (default), full, strict or ignore"},                                                \
  {"empty-ns", 0, &(co)->empty_ns, NULL, "NS", "a namespace criu leaves empty (network only)"},                 \
  {"lazy-pages", 0, NULL, &(co)->lazy_pages, NULL, "lazy migration of memory (refused: not supported)"}

/* Whether this build has checkpoint/restore (features reports it). */
extern const bool oc_checkpoint_built;

/* Dump a running container into o->image_path. Unless --leave-running or --pre-dump, the
 * container is then gone (deleted as `delete --force` would). A failure leaves it running. */
OC_MUST_CHECK int oc_container_checkpoint(const struct oc_globals *g, const char *id, const struct oc_criu_opts *o,
                                          struct oc_err *e);

/* What create hands to the restore in place of cloning an init. */
struct oc_restore_target {
  const struct oc_config *c;
  const char *bundle, *rootfs, *state_dir, *cgroup_path;
  const struct oc_cgroup *cg;
  const int *ns_fds; /* OC_NS_COUNT entries, -1 when not joined */
  int console_fd;    /* process.terminal: the console socket the new pty's master goes to */
};
/* Restore the images into the container's cgroup; *pid: the restored init, a child of this
 * process. */
OC_MUST_CHECK int oc_criu_restore(const struct oc_globals *g, const struct oc_criu_opts *o,
                                  const struct oc_restore_target *t, pid_t *pid, struct oc_err *e);

#endif
