/* `start ID`. */
#include <stdio.h>

#include "base/log.h"
#include "runtime/args.h"
#include "runtime/commands.h"
#include "runtime/container.h"

int cmd_start(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false;
  const struct oc_opt opts[] = {OC_OPT_END};
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  return oc_container_start(g, argv[i], &e) < 0 ? oc_log_fail(&e) : 0;
}
