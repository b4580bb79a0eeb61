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
      OC_CRIU_OPTS(&o),
      {"parent-path", 0, &o.parent_path, NULL, "DIR", "images of an earlier --pre-dump, relative to the image path"},
      {"leave-running", 0, NULL, &o.leave_running, NULL, "keep the container running after the dump"},
      {"pre-dump", 0, NULL, &o.pre_dump, NULL, "copy memory only, for a later dump with --parent-path; keeps running"},
      OC_OPT_END,
  };
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  return oc_container_checkpoint(g, argv[i], &o, &e) < 0 ? oc_log_fail(&e) : 0;
}
