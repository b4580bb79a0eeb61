#include <stdio.h>
#include <stdlib.h>

#include "namespaces/rootfs.h"
#include "oci/features.h"
#include "runtime/seccomp.h"
#include "runtime/args.h"
#include "base/log.h"
#include "runtime/checkpoint.h"
#include "runtime/commands.h"

int cmd_features(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false;
  const struct oc_opt opts[] = {OC_OPT_END};
  if (oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e) < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "", opts), 0;
  const struct oc_features_probe probe = {.mount_option_name = oc_mount_option_name,
                                         .seccomp_flag_supported = oc_seccomp_flag_supported,
                                         .seccomp_arch_names = oc_seccomp_arch_names,
                                         .checkpoint = oc_checkpoint_built};
  char *json = oc_features_json(&probe);
  if (!json) return 1;
  printf("%s\n", json);
  free(json);
  return 0;
}
