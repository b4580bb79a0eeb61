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
      {"image-path", 0, &o.image_path, NULL, "DIR", "where the images go (default ./checkpoint)"},
      {"work-path", 0, &o.work_path, NULL, "DIR", "where criu's dump.log goes (default the image path)"},
      {"parent-path", 0, &o.parent_path, NULL, "DIR", "images of an earlier --pre-dump, relative to the image path"},
      {"leave-running", 0, NULL, &o.leave_running, NULL, "keep the container running after the dump"},
      {"tcp-established", 0, NULL, &o.tcp_established, NULL, "dump established TCP connections"},
      {"ext-unix-sk", 0, NULL, &o.ext_unix_sk, NULL, "allow unix sockets connected outside the container"},
      {"shell-job", 0, NULL, &o.shell_job, NULL, "allow a process attached to a shell's session and terminal"},
      {"lazy-pages", 0, NULL, &o.lazy_pages, NULL, "lazy migration of memory (refused: not supported)"},
      {"file-locks", 0, NULL, &o.file_locks, NULL, "dump file locks"},
      {"pre-dump", 0, NULL, &o.pre_dump, NULL, "copy memory only, for a later dump with --parent-path; keeps running"},
      {"manage-cgroups-mode", 0, &o.manage_cgroups_mode, NULL, "MODE", "criu's cgroup mode: soft (default), full, strict or ignore"},
      {"empty-ns", 0, &o.empty_ns, NULL, "NS", "a namespace criu leaves empty (network only)"},
      OC_OPT_END,
  };
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  return oc_container_checkpoint(g, argv[i], &o, &e) < 0 ? oc_log_fail(&e) : 0;
}
