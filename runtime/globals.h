/* Global CLI options shared by every command, and the command entry points. */
#ifndef OCRUN_GLOBALS_H
#define OCRUN_GLOBALS_H
#include <stdbool.h>

struct oc_globals {
  const char *root;        /* --root, default /run/ocrun */
  const char *log_path;    /* --log */
  bool log_json;           /* --log-format json */
  bool debug;              /* --debug */
  bool systemd_cgroup;     /* --systemd-cgroup */
  const char *policy;      /* --policy FILE (else $OCRUN_POLICY, else /etc/ocrun/policy.json) */
};

/* Every command: parses its own flags from argv (argv[0] is the command name), returns the exit code. */
typedef int (*oc_cmd_fn)(struct oc_globals *g, int argc, char **argv);
#define OC_COMMANDS(X)                                                                    \
  X(create) X(start) X(run) X(state) X(kill) X(delete) X(list) X(spec) X(features) X(exec) \
  X(ps) X(pause) X(resume) X(update) X(events) X(capacity)
#define OC_DECLARE_CMD(name) int cmd_##name(struct oc_globals *g, int argc, char **argv);
OC_COMMANDS(OC_DECLARE_CMD)
#undef OC_DECLARE_CMD

#endif
