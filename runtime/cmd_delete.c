/* `delete [--force] ID`. */
#include <stdio.h>

#include "base/log.h"
#include "runtime/args.h"
#include "runtime/commands.h"
#include "runtime/container.h"

int cmd_delete(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false, force = false;
  const struct oc_opt opts[] = {
      {"force", 'f', NULL, &force, NULL, "kill the container first if it is still running"}, OC_OPT_END};
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  return oc_container_delete(g, argv[i], force, &e) < 0 ? oc_log_fail(&e) : 0;
}
