/* checkpoint: `criu dump` (or pre-dump) of a running container's process tree, described to
 * CRIU as it was made: its rootfs, its bind mounts as external mounts keyed by destination, a
 * joined network namespace as external, a terminal container's pty (and /dev/console) as
 * external. The init's stdio is recorded in descriptors.json, the pty's criu key in ocrun-tty,
 * so a restore can hand its own pipes and a new pty in their place. Without --leave-running the container is then
 * deleted; a failed dump leaves it running and removes the directories it made. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "oci/json_gen.h"
#include "runtime/checkpoint.h"
#include "runtime/checkpoint_criu.h"
#include "runtime/container.h"
#include "runtime/state.h"

/* ["<fd 0>", "<fd 1>", "<fd 2>"] of the init as /proc shows them ("pipe:[123]", "/dev/null"). */
OC_MUST_CHECK static int save_descriptors(const char *images, pid_t pid, struct oc_err *e) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return oc_fail(e, ENOMEM, "descriptors.json: out of memory");
  yajl_gen_array_open(g);
  for (int fd = 0; fd < 3; fd++) {
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0'; /* a closed fd is recorded as "" */
    OC_GEN_STR(g, target);
  }
  yajl_gen_array_close(g);
  _cleanup_free_ char *json = oc_json_gen_take(g);
  if (!json) return oc_fail(e, ENOMEM, "descriptors.json: out of memory");
  return oc_write_file_atomic(images, "descriptors.json", json, strlen(json), 0600, e);
}

/* A terminal container's pty, as criu names an external tty: "tty[rdev:dev]" (hex) of the pts
 * slave on the init's fd 0, 1 or 2; "" when none of them is one (criu then judges). */
static void terminal_key(pid_t pid, char *key, size_t len) {
  key[0] = '\0';
  for (int fd = 0; fd < 3; fd++) {
    char link[64];
    struct stat st;
    snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, fd);
    /* The pts majors: UNIX98_PTY_SLAVE_MAJOR (136) and the 7 after it. */
    if (stat(link, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) < 144) {
      snprintf(key, len, "tty[%llx:%llx]", (unsigned long long)st.st_rdev, (unsigned long long)st.st_dev);
      return;
    }
  }
}

OC_MUST_CHECK static int dump_args(struct oc_criu_argv *a, const struct oc_globals *g, const struct oc_state *s,
                                   const struct oc_config *c, const struct oc_criu_dirs *d,
                                   const struct oc_criu_opts *o, const char *tty, struct oc_err *e) {
  oc_criu_common_args(a, g->criu ? g->criu : "criu", o->pre_dump ? "pre-dump" : "dump", d->images, d->work,
                      s->rootfs, o);
  /* The pty's master is outside the container (with whoever got it through the console
   * socket): the slave is external, and so is /dev/console, a bind mount of that slave. The
   * restore hands a new pty in for both. */
  if (tty[0]) {
    oc_criu_arg(a, "--external=%s", tty);
    oc_criu_arg(a, "--external=mnt[%s]:%s", OC_CRIU_CONSOLE, OC_CRIU_CONSOLE);
  }
  oc_criu_arg(a, "--tree=%d", (int)s->pid);
  if (o->leave_running && !o->pre_dump) oc_criu_arg(a, "--leave-running");
  if (o->pre_dump || o->parent_path) oc_criu_arg(a, "--track-mem");
  if (o->parent_path) oc_criu_arg(a, "--prev-images-dir=%s", o->parent_path);
  for (size_t i = 0; i < c->n_mounts; i++) {
    const struct oc_mount *m = &c->mounts[i];
    if (oc_criu_mount_is_external(m)) oc_criu_arg(a, "--external=mnt[%s]:%s", m->destination, m->destination);
  }
  const struct oc_namespace *net = oc_config_ns(c, OC_NS_NET);
  if (net && net->path && !o->empty_ns) {
    struct stat st;
    if (stat(net->path, &st) < 0) return oc_fail_errno(e, "linux.namespaces: network namespace %s", net->path);
    oc_criu_arg(a, "--external=net[%llu]:extRootNetNS", (unsigned long long)st.st_ino);
  }
  return 0;
}

int oc_container_checkpoint(const struct oc_globals *g, const char *id, const struct oc_criu_opts *o,
                            struct oc_err *e) {
  if (oc_criu_check_opts(o, false, e) < 0) return -1;
  _cleanup_state_ struct oc_state *s = NULL;
  if (oc_state_load(g->root, id, &s, e) < 0) return -1;
  enum oc_status st = oc_state_status(g->root, s);
  if (st != OC_RUNNING)
    return oc_fail(e, EINVAL, "checkpoint %s: container is %s, not running", id, oc_status_name(st));
  _cleanup_config_ struct oc_config *c = NULL;
  if (oc_state_config(g->root, id, &c, e) < 0) return -1;
  char tty[64] = "";
  if (c->process.terminal) terminal_key(s->pid, tty, sizeof tty);
  struct oc_criu_dirs d;
  if (oc_criu_dirs_prepare(o, true, &d, e) < 0) return -1;
  struct oc_criu_argv a = {0};
  int r = dump_args(&a, g, s, c, &d, o, tty, e);
  /* Recorded before the dump: afterwards the init is gone. */
  bool saved = false, saved_tty = false;
  if (r == 0 && !o->pre_dump) saved = (r = save_descriptors(d.images, s->pid, e)) == 0;
  if (r == 0 && !o->pre_dump && tty[0])
    saved_tty = (r = oc_write_file_atomic(d.images, OC_CRIU_TTY_FILE, tty, strlen(tty), 0600, e)) == 0;
  if (r == 0) r = oc_criu_run(&a, d.work, o->pre_dump ? "pre-dump" : "dump", false, NULL, NULL, e);
  oc_criu_argv_free(&a);
  if (r < 0) {
    char path[sizeof d.images + 32];
    snprintf(path, sizeof path, "%s/descriptors.json", d.images);
    if (saved && !d.made_images && unlink(path) < 0) oc_log_warn("cleanup: unlink %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/%s", d.images, OC_CRIU_TTY_FILE);
    if (saved_tty && !d.made_images && unlink(path) < 0) oc_log_warn("cleanup: unlink %s: %s", path, strerror(errno));
    oc_criu_dirs_undo(&d);
    return oc_wrap(e, -1, "checkpoint %s", id);
  }
  if (o->leave_running || o->pre_dump) return 0;
  /* CRIU killed the tree: what is left is a stopped container's cgroup, ledger entry and state dir. */
  return oc_container_delete(g, id, true, e) < 0 ? oc_wrap(e, -1, "checkpoint %s: remove the container", id) : 0;
}
