/* `pause` and `resume`: freeze or thaw every process of a container through its cgroup. */
#include <errno.h>
#include <stdio.h>

#include "cgroups/cgroup.h"
#include "runtime/args.h"
#include "base/log.h"
#include "runtime/commands.h"
#include "runtime/state.h"

static int freeze_cmd(struct oc_globals *g, int argc, char **argv, bool frozen) {
  struct oc_err e = {0};
  bool help = false;
  const struct oc_opt opts[] = {OC_OPT_END};
  int i = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  if (argc - i != 1) {
    oc_log_error("%s: %s", argv[0], argc - i < 1 ? "container id required" : "exactly one container id expected");
    return 1;
  }
  struct oc_state *s = NULL;
  if (oc_state_load(g->root, argv[i], &s, &e) < 0) return oc_log_fail(&e);
  enum oc_status st = oc_state_status(g->root, s);
  int r = 0;
  if (frozen && st != OC_RUNNING && st != OC_CREATED)
    r = oc_fail(&e, EINVAL, "container not running");
  else if (!frozen && st != OC_PAUSED)
    r = oc_fail(&e, EINVAL, "container not paused");
  else if (!s->cgroup_path)
    r = oc_fail(&e, ENOENT, "container %s has no cgroup", s->id);
  struct oc_cgroup *cg = NULL;
  if (r == 0) r = oc_cg_open(s->cgroup_path, &cg, &e);
  if (r == 0) r = oc_cg_freeze(cg, frozen, &e);
  oc_cg_free(cg);
  oc_state_free(s);
  return r < 0 ? oc_log_fail(&e) : 0;
}

int cmd_pause(struct oc_globals *g, int argc, char **argv) { return freeze_cmd(g, argc, argv, true); }

int cmd_resume(struct oc_globals *g, int argc, char **argv) { return freeze_cmd(g, argc, argv, false); }
