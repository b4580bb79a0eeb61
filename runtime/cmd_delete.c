/* `delete [--force] ID`. */
#include <stdio.h>

#include "base/log.h"
#include "runtime/args.h"
#include "runtime/commands.h"
#include "runtime/container.h"

int cmd_delete(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false, force = false;
  const struct oc_opt opts[] = {{"force", 'f', NULL, &force}, {NULL, 0, NULL, NULL}};
  int i = oc_parse_ids(argc, argv, opts, 1, 1, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return printf("Usage: ocrun delete [--force] ID\n"), 0;
  return oc_container_delete(g, argv[i], force, &e) < 0 ? oc_log_fail(&e) : 0;
}
