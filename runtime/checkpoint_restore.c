/* restore: `criu restore` of a checkpoint into the container create has just prepared (state
 * dir, ledger entry, cgroup with its limits). criu runs in a private mount namespace, where the
 * rootfs is bound onto <state dir>/criu-root (CRIU wants its --root to be a mount point), and
 * inside the container's cgroup, with --cgroup-root naming it, so a restore into a new id lands
 * in the new cgroup. The restored init becomes a child of this process (--restore-sibling).
 * A terminal container gets a new pty of this process's devpts (the checkpointed one's master
 * stayed with whoever had it): its slave replaces the old one (--inherit-fd, criu restores
 * the controlling terminal, termios and size on it) and is bound on /dev/console; its master
 * goes to the console socket, as create sends one. The container's own /dev/pts is restored
 * as it was, so the new slave is not in it (runc's criu RPC lets criu open the new pty there,
 * the criu command line has no such option). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/unix_socket.h"
#include "runtime/checkpoint.h"
#include "runtime/checkpoint_criu.h"

/* A terminal container's new pty (-1: none). */
struct new_tty {
  int master, slave;
  char key[64], path[32]; /* criu's key of the checkpointed pty; the new slave's path */
};

struct restore_child {
  const struct oc_restore_target *t;
  const char *criu_root;
  int tty_slave;
};

/* The key the checkpoint recorded (checkpoint.c), and a new pty from /dev/ptmx. */
OC_MUST_CHECK static int open_new_tty(const char *images, struct new_tty *n, struct oc_err *e) {
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/%s", images, OC_CRIU_TTY_FILE);
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  int r = oc_read_fileat(AT_FDCWD, path, &text, &len, 64, e);
  if (r == -ENOENT)
    return oc_fail(e, ENOENT, "restore: the container has a terminal but the checkpoint has no %s "
                              "(made by another runtime or before ocrun supported terminals)", path);
  if (r < 0) return r;
  text[strcspn(text, "\n")] = '\0';
  len = strlen(text);
  if (strncmp(text, "tty[", 4) != 0 || len < 6 || text[len - 1] != ']' || len >= sizeof n->key ||
      strspn(text + 4, "0123456789abcdef:") != len - 5)
    return oc_fail(e, EINVAL, "restore: %s is not a criu tty key", path);
  memcpy(n->key, text, len + 1);
  n->master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (n->master < 0) return oc_fail_errno(e, "restore: open /dev/ptmx for the new terminal");
  int unlock = 0;
  unsigned index = 0;
  if (ioctl(n->master, TIOCSPTLCK, &unlock) < 0 || ioctl(n->master, TIOCGPTN, &index) < 0)
    return oc_fail_errno(e, "restore: unlock the new pty");
  n->slave = ioctl(n->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (n->slave < 0) return oc_fail_errno(e, "restore: open the new pty's slave");
  snprintf(n->path, sizeof n->path, "/dev/pts/%u", index);
  return 0;
}

/* In criu's child: a private mount namespace with the rootfs bound onto criu-root, the
 * container's cgroup, the joined network namespace inherited. */
static int child_setup(void *ctx, struct oc_err *e) {
  const struct restore_child *x = ctx;
  if (unshare(CLONE_NEWNS) < 0) return oc_fail_errno(e, "restore: unshare the mount namespace for criu");
  /* Slave, not private: where the checkpointed root was a slave of a shared host mount, criu
   * copies that sharing from criu-root (MOVE_MOUNT_SET_GROUP), which fails on a private mount. */
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) return oc_fail_errno(e, "restore: make / rslave");
  if (mount(x->t->rootfs, x->criu_root, NULL, MS_BIND | MS_REC, NULL) < 0)
    return oc_fail_errno(e, "restore: bind %s onto %s", x->t->rootfs, x->criu_root);
  if (oc_cg_enter(x->t->cg, getpid(), false, e) < 0) return oc_wrap(e, -1, "restore: move criu into the cgroup");
  int net = x->t->ns_fds[OC_NS_NET];
  if (net >= 0 && fcntl(net, F_SETFD, 0) < 0) return oc_fail_errno(e, "restore: pass the network namespace to criu");
  if (x->tty_slave >= 0 && fcntl(x->tty_slave, F_SETFD, 0) < 0) return oc_fail_errno(e, "restore: pass the pty to criu");
  return 0;
}

/* --inherit-fd for each stdio fd of the checkpointed init that was a pipe: this process's own
 * fd of the same number takes its place (how containerd and podman hand a restore new pipes). */
OC_MUST_CHECK static int inherit_stdio(struct oc_criu_argv *a, const char *images, struct oc_err *e) {
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/descriptors.json", images);
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  int r = oc_read_fileat(AT_FDCWD, path, &text, &len, 1 << 16, e);
  if (r == -ENOENT) return 0; /* not made by ocrun or runc: nothing to map */
  if (r < 0) return r;
  char err[128];
  yajl_val tree = yajl_tree_parse(text, err, sizeof err);
  if (!tree || !YAJL_IS_ARRAY(tree)) {
    yajl_tree_free(tree);
    return oc_fail(e, EINVAL, "%s: not a JSON array of strings", path);
  }
  for (size_t i = 0; i < tree->u.array.len && i < 3; i++) {
    const char *s = YAJL_IS_STRING(tree->u.array.values[i]) ? tree->u.array.values[i]->u.string : NULL;
    if (s && strncmp(s, "pipe:[", 6) == 0) oc_criu_arg(a, "--inherit-fd=fd[%zu]:%s", i, s);
  }
  yajl_tree_free(tree);
  return 0;
}

OC_MUST_CHECK static int restore_args(struct oc_criu_argv *a, const struct oc_globals *g, const struct oc_criu_opts *o,
                                      const struct oc_restore_target *t, const struct oc_criu_dirs *d,
                                      const char *criu_root, const char *pid_file, const struct new_tty *tty,
                                      struct oc_err *e) {
  oc_criu_common_args(a, g->criu ? g->criu : "criu", "restore", d->images, d->work, criu_root, o);
  oc_criu_arg(a, "--restore-detached");
  oc_criu_arg(a, "--restore-sibling");
  oc_criu_arg(a, "--pidfile=%s", pid_file);
  oc_criu_arg(a, "--cgroup-root=%s", t->cgroup_path);
  for (size_t i = 0; i < t->c->n_mounts; i++) {
    const struct oc_mount *m = &t->c->mounts[i];
    if (!oc_criu_mount_is_external(m)) continue;
    const char *src = m->source ? m->source : m->destination;
    oc_criu_arg(a, "--external=mnt[%s]:%s%s%s", m->destination, src[0] == '/' ? "" : t->bundle,
                src[0] == '/' ? "" : "/", src);
  }
  if (t->ns_fds[OC_NS_NET] >= 0 && !o->empty_ns)
    oc_criu_arg(a, "--inherit-fd=fd[%d]:extRootNetNS", t->ns_fds[OC_NS_NET]);
  if (tty->slave >= 0) {
    oc_criu_arg(a, "--inherit-fd=fd[%d]:%s", tty->slave, tty->key);
    oc_criu_arg(a, "--external=mnt[%s]:%s", OC_CRIU_CONSOLE, tty->path);
  }
  return inherit_stdio(a, d->images, e);
}

OC_MUST_CHECK static int read_pid(const char *path, pid_t *pid, struct oc_err *e) {
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  if (oc_read_fileat(AT_FDCWD, path, &text, &len, 64, e) < 0) return oc_wrap(e, -1, "restore: criu's pid file");
  text[strcspn(text, "\n")] = '\0';
  long v = 0;
  if (oc_parse_long(text, 1, INT_MAX, &v) < 0) return oc_fail(e, EINVAL, "restore: criu's pid file %s: \"%s\"", path, text);
  *pid = (pid_t)v;
  /* --restore-sibling: the init must be our child, alive. */
  if (waitpid(*pid, NULL, WNOHANG) != 0)
    return oc_fail(e, ESRCH, "restore: the restored init (pid %d) is not running as a child of ocrun", (int)*pid);
  return 0;
}

int oc_criu_restore(const struct oc_globals *g, const struct oc_criu_opts *o, const struct oc_restore_target *t,
                    pid_t *pid, struct oc_err *e) {
  if (oc_criu_check_opts(o, true, e) < 0) return -1;
  struct oc_criu_dirs d;
  if (oc_criu_dirs_prepare(o, false, &d, e) < 0) return -1;
  struct new_tty tty = {.master = -1, .slave = -1};
  if (t->c->process.terminal && open_new_tty(d.images, &tty, e) < 0) {
    if (tty.master >= 0) close(tty.master);
    oc_criu_dirs_undo(&d);
    return -1;
  }
  _cleanup_fd_ int tty_master = tty.master, tty_slave = tty.slave;
  char criu_root[PATH_MAX], pid_file[PATH_MAX];
  snprintf(criu_root, sizeof criu_root, "%s/criu-root", t->state_dir);
  snprintf(pid_file, sizeof pid_file, "%s/restore.pid", t->state_dir);
  if (mkdir(criu_root, 0700) < 0) {
    oc_criu_dirs_undo(&d);
    return oc_fail_errno(e, "restore: mkdir %s", criu_root);
  }
  struct oc_criu_argv a = {0};
  struct restore_child x = {.t = t, .criu_root = criu_root, .tty_slave = tty_slave};
  int r = restore_args(&a, g, o, t, &d, criu_root, pid_file, &tty, e);
  if (r == 0) r = oc_criu_run(&a, d.work, "restore", true, child_setup, &x, e);
  oc_criu_argv_free(&a);
  if (r == 0) r = read_pid(pid_file, pid, e);
  if (r == 0 && tty_master >= 0 && oc_send_fd(t->console_fd, tty_master, "/dev/ptmx", e) < 0)
    r = oc_wrap(e, -1, "restore: send the new pty to the console socket");
  if (rmdir(criu_root) < 0) oc_log_warn("restore: rmdir %s: %s", criu_root, strerror(errno));
  if (unlink(pid_file) < 0 && errno != ENOENT) oc_log_warn("restore: unlink %s: %s", pid_file, strerror(errno));
  if (r < 0) oc_criu_dirs_undo(&d);
  return r;
}
