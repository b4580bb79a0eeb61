/* The global options (--root, --log, ...) that every command and the lifecycle below it read. */
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
  const char *command_summary; /* main's one line for the command being run, for its --help */
  const char *criu;        /* --criu PATH (checkpoint, restore; default criu on PATH) */
};


#endif
