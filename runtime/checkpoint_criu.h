/* The pieces checkpoint.c and checkpoint_restore.c share: a criu argument vector, what both
 * directions tell CRIU about the container, and running criu with its log read back on failure. */
#ifndef OCRUN_CHECKPOINT_CRIU_H
#define OCRUN_CHECKPOINT_CRIU_H
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "oci/config.h"
#include "runtime/checkpoint.h"

/* A terminal container: the images' file with criu's key of the pty (tty[rdev:dev]), and the
 * mount point of the console bind mount (both external, see checkpoint.c). */
#define OC_CRIU_TTY_FILE "ocrun-tty"
#define OC_CRIU_CONSOLE "/dev/console"

struct oc_criu_argv {
  char **v; /* NULL-terminated once built */
  size_t n, cap;
  bool oom;
};
/* Append one formatted argument; an allocation failure is remembered (oom) and reported by
 * oc_criu_run. */
void oc_criu_arg(struct oc_criu_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void oc_criu_argv_free(struct oc_criu_argv *a);

/* Refuse what ocrun does not support and values CRIU would not take, naming the flag. */
OC_MUST_CHECK int oc_criu_check_opts(const struct oc_criu_opts *o, bool restore, struct oc_err *e);

/* The image and work directories, absolute (defaults: ./checkpoint, work = images). A dump
 * makes them (0700) when missing; a restore needs the images and makes only the work dir. */
struct oc_criu_dirs {
  char images[4096], work[4096];
  bool made_images, made_work;
};
OC_MUST_CHECK int oc_criu_dirs_prepare(const struct oc_criu_opts *o, bool dump, struct oc_criu_dirs *d,
                                       struct oc_err *e);
/* Remove what oc_criu_dirs_prepare made (after a failure). */
void oc_criu_dirs_undo(const struct oc_criu_dirs *d);
/* criu ACTION --images-dir --work-dir --log-file ACTION.log -v4 --root ROOT --manage-cgroups=MODE
 * and the boolean flags. */
void oc_criu_common_args(struct oc_criu_argv *a, const char *criu, const char *action, const char *images,
                         const char *work, const char *root, const struct oc_criu_opts *o);
/* A config mount that CRIU must treat as external: a bind mount (its source is outside the
 * container's mount namespace). */
bool oc_criu_mount_is_external(const struct oc_mount *m);

/* Run in the child before criu is executed (restore: mount namespace, cgroup, fds); returns
 * < 0 with *e filled to abort. */
typedef int (*oc_criu_child_fn)(void *ctx, struct oc_err *e);
/* Run criu with argv; stdin is /dev/null unless keep_stdio. A criu that cannot be executed or
 * fails gives one line naming criu, its exit status and the last errors of
 * WORK/ACTION.log. */
OC_MUST_CHECK int oc_criu_run(struct oc_criu_argv *a, const char *work, const char *action, bool keep_stdio,
                              oc_criu_child_fn child, void *ctx, struct oc_err *e);

#endif
