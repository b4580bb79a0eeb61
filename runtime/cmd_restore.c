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
      {"image-path", 0, &co.image_path, NULL},
      {"work-path", 0, &co.work_path, NULL},
      {"tcp-established", 0, NULL, &co.tcp_established},
      {"ext-unix-sk", 0, NULL, &co.ext_unix_sk},
      {"shell-job", 0, NULL, &co.shell_job},
      {"file-locks", 0, NULL, &co.file_locks},
      {"manage-cgroups-mode", 0, &co.manage_cgroups_mode, NULL},
      {"empty-ns", 0, &co.empty_ns, NULL},
      {"lazy-pages", 0, NULL, &co.lazy_pages},
      {"bundle", 'b', &o.bundle, NULL},
      {"detach", 'd', NULL, &detach},
      {"pid-file", 0, &o.pid_file, NULL},
      {"console-socket", 0, &o.console_socket, NULL},
      {"no-pivot", 0, NULL, &o.no_pivot},
      {"no-subreaper", 0, NULL, &no_subreaper}, /* the restored init is our child anyway */
      {NULL, 0, NULL, NULL},
  };
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help)
    return printf("Usage: ocrun restore [--image-path DIR] [--work-path DIR] [--bundle DIR] [--detach]\n"
                  "       [--pid-file FILE] [--console-socket SOCK] [--no-pivot] [--no-subreaper]\n"
                  "       [--tcp-established] [--ext-unix-sk] [--shell-job] [--file-locks]\n"
                  "       [--manage-cgroups-mode soft|full|strict|ignore] [--empty-ns network] ID\n"),
           0;
  o.id = argv[i];
  pid_t pid = 0;
  if (oc_container_create(g, &o, &pid, &e) < 0) return oc_log_fail(&e);
  if (detach) return 0;
  int code = oc_wait_forwarding_signals(pid);
  if (oc_container_delete(g, o.id, true, &e) < 0) oc_log_warn("%s", e.msg);
  return code;
}
