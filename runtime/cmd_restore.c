/* `restore [flags] ID`: create's path (state dir, admission, cgroup) with CRIU in place of the
 * clone (runtime/checkpoint_restore.c); in the foreground it waits and deletes, as `run` does
 * (and relays a terminal container's pty without --console-socket). */
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "runtime/args.h"
#include "runtime/checkpoint.h"
#include "runtime/commands.h"
#include "runtime/container.h"
#include "runtime/tty_proxy.h"
#include "runtime/wait.h"

int cmd_restore(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  struct oc_criu_opts co = {0};
  struct oc_create_opts o = {.internal_console_fd = -1, .restore = &co};
  bool help = false, detach = false, no_subreaper = false;
  const struct oc_opt opts[] = {
      OC_CRIU_OPTS(&co),
      {"bundle", 'b', &o.bundle, NULL, "DIR", "the bundle to restore from (default the current directory)"},
      {"detach", 'd', NULL, &detach, NULL, "return once restored; else wait, exit with its status and delete it"},
      {"pid-file", 0, &o.pid_file, NULL, "FILE", "write the restored init's pid to FILE"},
      {"console-socket", 0, &o.console_socket, NULL, "SOCK",
       "send the master of a terminal container's new pty to this unix socket"},
      {"no-pivot", 0, NULL, &o.no_pivot, NULL, "accepted for runc compatibility"},
      {"no-subreaper", 0, NULL, &no_subreaper, NULL, "accepted for runc compatibility (the restored init is ocrun's child)"},
      OC_OPT_END,
  };
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  o.id = argv[i];
  /* In the foreground without --console-socket, a terminal container's new pty comes here and
   * is relayed to this process's stdio, as `run` does. */
  int tty_sock[2] = {-1, -1};
  if (!detach && !o.console_socket) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tty_sock) < 0) {
      oc_log_error("socketpair: %m");
      return 1;
    }
    o.internal_console_fd = tty_sock[1];
  }
  _cleanup_fd_ int relay = tty_sock[0];
  pid_t pid = 0;
  int r = oc_container_create(g, &o, &pid, &e);
  if (tty_sock[1] >= 0) close(tty_sock[1]);
  if (r < 0) return oc_log_fail(&e);
  if (detach) return 0;
  struct pollfd pf = {.fd = relay, .events = POLLIN};
  if (relay >= 0 && poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN) && oc_tty_proxy_run(relay, pid, &e) < 0)
    oc_log_warn("%s", e.msg);
  int code = oc_wait_forwarding_signals(pid);
  if (oc_container_delete(g, o.id, true, &e) < 0) oc_log_warn("%s", e.msg);
  return code;
}
