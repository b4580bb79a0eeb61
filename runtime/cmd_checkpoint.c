/* `checkpoint [flags] ID`: runc's flags, CRIU underneath (runtime/checkpoint.c). */
#include <stdio.h>

#include "base/log.h"
#include "runtime/args.h"
#include "runtime/checkpoint.h"
#include "runtime/commands.h"

int cmd_checkpoint(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  struct oc_criu_opts o = {0};
  bool help = false;
  const struct oc_opt opts[] = {
      {"image-path", 0, &o.image_path, NULL},
      {"work-path", 0, &o.work_path, NULL},
      {"parent-path", 0, &o.parent_path, NULL},
      {"leave-running", 0, NULL, &o.leave_running},
      {"tcp-established", 0, NULL, &o.tcp_established},
      {"ext-unix-sk", 0, NULL, &o.ext_unix_sk},
      {"shell-job", 0, NULL, &o.shell_job},
      {"lazy-pages", 0, NULL, &o.lazy_pages},
      {"file-locks", 0, NULL, &o.file_locks},
      {"pre-dump", 0, NULL, &o.pre_dump},
      {"manage-cgroups-mode", 0, &o.manage_cgroups_mode, NULL},
      {"empty-ns", 0, &o.empty_ns, NULL},
      {NULL, 0, NULL, NULL},
  };
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help)
    return printf("Usage: ocrun checkpoint [--image-path DIR] [--work-path DIR] [--parent-path DIR]\n"
                  "       [--leave-running] [--tcp-established] [--ext-unix-sk] [--shell-job] [--file-locks]\n"
                  "       [--pre-dump] [--manage-cgroups-mode soft|full|strict|ignore] [--empty-ns network] ID\n"),
           0;
  return oc_container_checkpoint(g, argv[i], &o, &e) < 0 ? oc_log_fail(&e) : 0;
}
