/* `restore [flags] ID`: create's path (state dir, admission, cgroup) with CRIU in place of the
 * clone (runtime/checkpoint_restore.c); in the foreground it waits and deletes, as `run` does. */
#include <stdio.h>

#include "base/log.h"
#include "runtime/args.h"
#include "runtime/checkpoint.h"
#include "runtime/commands.h"
#include "runtime/container.h"
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
      {"console-socket", 0, &o.console_socket, NULL, "SOCK", "accepted; a container with a terminal is refused for now"},
      {"no-pivot", 0, NULL, &o.no_pivot, NULL, "accepted for runc compatibility"},
      {"no-subreaper", 0, NULL, &no_subreaper, NULL, "accepted for runc compatibility (the restored init is ocrun's child)"},
      OC_OPT_END,
  };
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  o.id = argv[i];
  pid_t pid = 0;
  if (oc_container_create(g, &o, &pid, &e) < 0) return oc_log_fail(&e);
  if (detach) return 0;
  int code = oc_wait_forwarding_signals(pid);
  if (oc_container_delete(g, o.id, true, &e) < 0) oc_log_warn("%s", e.msg);
  return code;
}
