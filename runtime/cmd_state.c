/* `state ID`: the OCI state JSON of one container. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/args.h"
#include "base/log.h"
#include "runtime/commands.h"
#include "runtime/state.h"

int cmd_state(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false;
  const struct oc_opt opts[] = {OC_OPT_END};
  int i = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  if (i >= argc) {
    oc_log_error("state: container id required");
    return 1;
  }
  struct oc_state *s = NULL;
  if (oc_state_load(g->root, argv[i], &s, &e) < 0) return oc_log_fail(&e);
  char *json = oc_state_json(s, oc_state_status(g->root, s));
  oc_state_free(s);
  if (!json) return 1;
  printf("%s\n", json);
  free(json);
  return 0;
}
