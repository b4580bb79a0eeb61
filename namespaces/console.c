/* process.terminal: a pty from the container's own devpts. The caller has already made the process
 * a session leader without a controlling terminal (setsid), so TIOCSCTTY can take the peer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "namespaces/console.h"
#include "base/unix_socket.h"
#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The master of a new pty of the devpts mounted at /dev/pts (checked: devpts, ptmx node 5:2). */
OC_MUST_CHECK static int open_ptmx(int root_fd, struct oc_err *e) {
  _cleanup_fd_ int fd = oc_open_in_root(root_fd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_NOFOLLOW, e);
  if (fd < 0) return oc_wrap(e, fd, "terminal");
  struct statfs sfs;
  struct stat st;
  if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0) return oc_fail_errno(e, "terminal: stat /dev/pts/ptmx");
  if (sfs.f_type != DEVPTS_SUPER_MAGIC || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
    return oc_fail(e, EPERM, "terminal: /dev/pts/ptmx in the container is not a devpts ptmx");
  int unlock = 0;
  if (ioctl(fd, TIOCSPTLCK, &unlock) < 0) return oc_fail_errno(e, "terminal: unlockpt");
  return oc_steal_fd(&fd);
}

/* Bind the peer itself (not its /dev/pts/N path, CVE-2025-52565) over /dev/console. */
OC_MUST_CHECK static int bind_console(int root_fd, int peer, struct oc_err *e) {
  _cleanup_fd_ int dest = oc_open_in_root(root_fd, "/dev/console", O_PATH | O_NOFOLLOW, e);
  if (dest == -ENOENT) {
    _cleanup_fd_ int dev = oc_open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY, e);
    if (dev < 0) return oc_wrap(e, -1, "terminal");
    int fd = openat(dev, "console", O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0 && errno != EEXIST) return oc_fail_errno(e, "terminal: create /dev/console");
    if (fd >= 0) close(fd);
    dest = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (dest < 0) return oc_fail_errno(e, "terminal: open /dev/console");
  }
  if (dest < 0) return oc_wrap(e, -1, "terminal");
  struct stat st;
  if (fstat(dest, &st) < 0) return oc_fail_errno(e, "terminal: stat /dev/console");
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
    return oc_fail(e, EPERM, "terminal: /dev/console in the container is neither a file nor a device");
  _cleanup_fd_ int tree = open_tree(peer, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0) return oc_fail_errno(e, "terminal: bind the pty");
  return oc_attach(tree, dest, "/dev/console", e);
}

OC_MUST_CHECK static int console_setup(int socket_fd, const struct oc_process *p, bool mount_console, struct oc_err *e) {
  _cleanup_fd_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return oc_fail_errno(e, "open /");
  _cleanup_fd_ int master = open_ptmx(root, e);
  if (master < 0) return -1;
  _cleanup_fd_ int peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0) return oc_fail_errno(e, "terminal: open the pty peer");
  if (p->console_height.set || p->console_width.set) {
    struct winsize ws = {.ws_row = (unsigned short)p->console_height.v, .ws_col = (unsigned short)p->console_width.v};
    if (ioctl(master, TIOCSWINSZ, &ws) < 0) return oc_fail_errno(e, "terminal: set consoleSize");
  }
  if (mount_console && bind_console(root, peer, e) < 0) return -1;
  if (ioctl(peer, TIOCSCTTY, 0) < 0) return oc_fail_errno(e, "terminal: make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(peer, fd) < 0) return oc_fail_errno(e, "terminal: dup the pty to fd %d", fd);
  return oc_send_fd(socket_fd, master, "/dev/ptmx", e);
}

int oc_console_setup(int socket_fd, const struct oc_process *p, struct oc_err *e) {
  return console_setup(socket_fd, p, true, e);
}

int oc_console_setup_exec(int socket_fd, const struct oc_process *p, struct oc_err *e) {
  return console_setup(socket_fd, p, false, e);
}
