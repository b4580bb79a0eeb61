#include <stdio.h>
#include <stdlib.h>

#include "oci/features.h"
#include "runtime/args.h"
#include "runtime/log.h"

int cmd_features(struct oc_globals *g, int argc, char **argv) {
  (void)g;
  struct oc_err e = {0};
  bool help = false;
  const struct oc_opt opts[] = {{NULL, 0, NULL, NULL}};
  if (oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e) < 0) return oc_log_fail(&e);
  if (help) return printf("Usage: ocrun features\n"), 0;
  char *json = oc_features_json();
  if (!json) return 1;
  printf("%s\n", json);
  free(json);
  return 0;
}
