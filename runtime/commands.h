/* The CLI's commands: one cmd_NAME per command, in runtime/cmd_*.c, dispatched by main.c. */
#ifndef OCRUN_COMMANDS_H
#define OCRUN_COMMANDS_H
#include "runtime/globals.h"

/* Every command: parses its own flags from argv (argv[0] is the command name), returns the exit code. */
typedef int (*oc_cmd_fn)(struct oc_globals *g, int argc, char **argv);
#define OC_COMMANDS(X)                                                                    \
  X(create) X(start) X(run) X(state) X(kill) X(delete) X(list) X(spec) X(features) X(exec) \
  X(ps) X(pause) X(resume) X(update) X(events) X(capacity) X(checkpoint) X(restore)
#define OC_DECLARE_CMD(name) int cmd_##name(struct oc_globals *g, int argc, char **argv);
OC_COMMANDS(OC_DECLARE_CMD)
#undef OC_DECLARE_CMD

#endif
