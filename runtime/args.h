/* Command-line flags in runc's style: --name value, --name=value, -n value, -n; flags stop at the
 * first positional argument (or "--"). */
#ifndef OCRUN_ARGS_H
#define OCRUN_ARGS_H
#include <stdbool.h>

#include "base/error.h"

struct oc_opt {
  const char *name;    /* long name without dashes */
  char short_name;     /* 0 if none */
  const char **value;  /* for flags taking a value; NULL for booleans */
  bool *flag;          /* for booleans */
};

/* Parses argv[1..]; on success returns the index of the first positional argument.
 * "--help"/"-h" sets *help if help != NULL. Repeated value flags call on_repeat if given
 * (for --env, --cap), else the last one wins. */
typedef void (*oc_opt_repeat_fn)(const char *name, const char *value, void *ctx);
OC_MUST_CHECK int oc_parse_opts(int argc, char **argv, const struct oc_opt *opts, bool *help,
                  oc_opt_repeat_fn on_value, void *ctx, struct oc_err *e);
/* oc_parse_opts, then between min_pos and max_pos positional arguments (the container id
 * first); returns the index of the first one. */
OC_MUST_CHECK int oc_parse_ids(int argc, char **argv, const struct oc_opt *opts, int min_pos, int max_pos,
                               bool *help, struct oc_err *e);

#endif
