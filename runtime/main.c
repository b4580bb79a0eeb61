/* ocrun: global flags, then one command. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <yajl/yajl_version.h>

#include "runtime/args.h"
#include "runtime/commands.h"
#include "base/log.h"
#include "base/user_dirs.h"
#include "runtime/exe_protect.h"
#include "runtime/state.h"
#include "overcommit/ledger.h"


/* enters: the command puts a process of ours into the container (create's and run's init and
 * the hooks it forks, exec's process), so it runs from a protected copy of the binary
 * (runtime/exe_protect.h). The others stay on the host side of every namespace: start only talks
 * to the init over start.sock and runs poststart hooks on the host, delete its poststop hooks. */
struct oc_command { const char *name; oc_cmd_fn fn; const char *summary; bool enters; };

static const struct oc_command commands[] = {
    {"create", cmd_create, "create a container", true},
    {"start", cmd_start, "execute the user process of a created container", false},
    {"run", cmd_run, "create and start a container", true},
    {"state", cmd_state, "output the state of a container", false},
    {"kill", cmd_kill, "send a signal to the container's init process", false},
    {"delete", cmd_delete, "delete a container and everything it holds", false},
    {"list", cmd_list, "list the containers under --root", false},
    {"spec", cmd_spec, "write a default config.json", false},
    {"features", cmd_features, "show what this build of ocrun supports", false},
    {"exec", cmd_exec, "run a new process inside a container", true},
    {"ps", cmd_ps, "list the processes of a container", false},
    {"pause", cmd_pause, "freeze every process of a container", false},
    {"resume", cmd_resume, "thaw a paused container", false},
    {"update", cmd_update, "change the resource limits of a container", false},
    {"events", cmd_events, "show resource statistics and OOM events", false},
    {"capacity", cmd_capacity, "show the node's capacity, admitted containers and their use", false},
    {"checkpoint", cmd_checkpoint, "checkpoint a running container with CRIU", false},
    {"restore", cmd_restore, "restore a container from a CRIU checkpoint", false},
    {NULL, NULL, NULL, false},
};

static void print_version(void) {
  const struct scmp_version *sv = seccomp_version();
  /* runc's shape (podman shows it as-is), with the C libraries in place of the Go version. */
  printf("ocrun version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\nlibcap: %d.%d\nyajl: %d.%d.%d\n",
         OCRUN_VERSION, OCRUN_COMMIT, OC_SPEC_VERSION, sv->major, sv->minor, sv->micro, LIBCAP_MAJOR,
         LIBCAP_MINOR, YAJL_MAJOR, YAJL_MINOR, YAJL_MICRO);
}

static void print_help(const struct oc_opt *opts) {
  printf("Usage: ocrun [global options] COMMAND [options] [arguments]\n\n"
         "ocrun is an OCI container runtime with VM-style, overcommit-aware resource isolation.\n\n"
         "Commands:\n");
  for (const struct oc_command *c = commands; c->name; c++) printf("  %-10s %s\n", c->name, c->summary);
  printf("\nGlobal options (COMMAND --help for a command's own):\n");
  oc_print_opts(opts);
}

/* Rootless: the default --root is the user's own, made 0700 and checked to be theirs (spec and
 * features read no state and make nothing). */
static int user_root(struct oc_globals *g, char *buf, size_t len, const char *cmd, struct oc_err *e) {
  oc_user_dir_path("ocrun", buf, len);
  g->root = buf;
  if (strcmp(cmd, "spec") == 0 || strcmp(cmd, "features") == 0) return 0;
  int fd = oc_user_dir_open(buf, e);
  if (fd < 0) return oc_wrap(e, -1, "--root");
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  struct oc_globals g = {.root = NULL};
  char user_root_buf[4096];
  const char *log_format = NULL;
  bool version = false, help = false;
  const struct oc_opt opts[] = {
      {"root", 0, &g.root, NULL, "DIR", "directory for the containers' state (default /run/ocrun; as non-root $XDG_RUNTIME_DIR/ocrun, else /tmp/ocrun-$UID)"},
      {"log", 0, &g.log_path, NULL, "FILE", "also write records to FILE (errors still go to stderr)"},
      {"log-format", 0, &log_format, NULL, "FORMAT", "format of the --log records: text or json"},
      {"debug", 0, NULL, &g.debug, NULL, "trace each phase with its elapsed time in ms"},
      {"systemd-cgroup", 0, NULL, &g.systemd_cgroup, NULL, "cgroupsPath is in systemd's slice:prefix:name form"},
      {"policy", 0, &g.policy, NULL, "FILE", "overcommit policy (default $OCRUN_POLICY, /etc/ocrun/policy.json)"},
      {"version", 'v', NULL, &version, NULL, "print the version"},
      {"criu", 0, &g.criu, NULL, "PATH", "criu binary for checkpoint and restore (default: criu on PATH)"},
      {"rootless", 0, &(const char *){NULL}, NULL, "VALUE", "accepted for runc compatibility; ignored"},
      OC_OPT_END,
  };
  struct oc_err e = {0};
  int first = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (log_format && strcmp(log_format, "json") == 0) g.log_json = true;
  oc_ledger_set_lookup(oc_state_lookup);
  oc_log_init(&(struct oc_log_settings){.path = g.log_path, .json = g.log_json, .debug = g.debug});
  if (first < 0) return oc_log_fail(&e);
  if (log_format && strcmp(log_format, "json") != 0 && strcmp(log_format, "text") != 0) {
    oc_log_error("invalid log format \"%s\": must be text or json", log_format);
    return 1;
  }
  if (version) {
    print_version();
    return 0;
  }
  if (first >= argc) {
    print_help(opts);
    return help ? 0 : 1;
  }
  for (const struct oc_command *c = commands; c->name; c++)
    if (strcmp(c->name, argv[first]) == 0) {
      if (!g.root && !oc_rootless()) g.root = "/run/ocrun";
      if (!g.root && user_root(&g, user_root_buf, sizeof user_root_buf, c->name, &e) < 0) return oc_log_fail(&e);
      if (c->enters && oc_exe_protect(argv, &e) < 0) return oc_log_fail(&e);
      g.command_summary = c->summary;
      return c->fn(&g, argc - first, argv + first);
    }
  if (strcmp(argv[first], "help") == 0) {
    print_help(opts);
    return 0;
  }
  oc_log_error("unknown command \"%s\"; see ocrun --help", argv[first]);
  return 1;
}
