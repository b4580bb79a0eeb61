/* Command-line flags in runc's style: --name value, --name=value, -n value, -n; flags stop at the
 * first positional argument (or "--"). */
#ifndef OCRUN_ARGS_H
#define OCRUN_ARGS_H
#include <stdbool.h>

#include "base/error.h"

/* A command's table of these is the one source of its flags: the parser reads it, --help prints
 * it (oc_print_help), and the completion script and the man page check read that --help. */
struct oc_opt {
  const char *name;    /* long name without dashes */
  char short_name;     /* 0 if none */
  const char **value;  /* for flags taking a value; NULL for booleans */
  bool *flag;          /* for booleans */
  const char *arg;     /* the value's name in --help (FILE, N, ...); NULL for booleans */
  const char *help;    /* one line for --help */
};
#define OC_OPT_END {NULL, 0, NULL, NULL, NULL, NULL}

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

/* `ocrun CMD --help`: "Usage: ocrun CMD [options] ARGS", the summary, one line per flag. */
void oc_print_help(const char *cmd, const char *summary, const char *args, const struct oc_opt *opts);
/* The flag lines alone (also for the global flags in `ocrun --help`). */
void oc_print_opts(const struct oc_opt *opts);

#endif
