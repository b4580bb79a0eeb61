/* `create` and `run` (create + start + wait + delete). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/parse.h"
#include "runtime/args.h"
#include "runtime/container.h"
#include "base/log.h"
#include "overcommit/ledger.h"
#include "runtime/commands.h"
#include "runtime/process_setup.h"
#include "runtime/tty_proxy.h"
#include "runtime/wait.h"

struct create_cli {
  struct oc_create_opts o;
  const char *preserve;
  bool detach, keep, help;
};

/* The flags create and run share; then each adds its own. */
#define CREATE_OPTS(cli)                                                                                    \
  {"bundle", 'b', &(cli)->o.bundle, NULL, "DIR", "path to the bundle (default: the current directory)"},   \
  {"pid-file", 0, &(cli)->o.pid_file, NULL, "FILE", "write the init's pid to FILE"},                        \
  {"console-socket", 0, &(cli)->o.console_socket, NULL, "SOCK",                                             \
   "send the pty master of a process.terminal container to this unix socket"},                              \
  {"no-pivot", 0, NULL, &(cli)->o.no_pivot, NULL, "move the rootfs over / instead of pivot_root"},  \
  {"no-new-keyring", 0, NULL, &(cli)->o.no_new_keyring, NULL, "keep the caller's session keyring"},         \
  {"preserve-fds", 0, &(cli)->preserve, NULL, "N", "pass N more fds (from fd 3) into the container"},       \
  {"no-subreaper", 0, NULL, &no_subreaper, NULL, "accepted for runc compatibility; ignored"},              \
  {"vcpus", 0, &(cli)->o.vcpus, NULL, "N", "size the container as N vCPUs (cpu weight, ledger)"},           \
  {"memory", 0, &(cli)->o.memory, NULL, "SIZE", "memory limit, e.g. 512m or 2g (memory.max, ledger)"},      \
  {"cpu-cap", 0, NULL, &(cli)->o.cpu_cap, NULL, "also cap CPU at --vcpus CPUs (a quota, not only a weight)"}

/* --help is printed here, where the tables are. */
OC_MUST_CHECK static int parse(const struct oc_globals *g, int argc, char **argv, struct create_cli *cli, bool is_run,
                               struct oc_err *e) {
  bool no_subreaper = false;
  const struct oc_opt create_opts[] = {
      CREATE_OPTS(cli),
      {"dry-run", 0, NULL, &cli->o.dry_run, NULL, "only say whether the policy admits it (exit 2: refused)"},
      OC_OPT_END,
  };
  const struct oc_opt run_opts[] = {
      CREATE_OPTS(cli),
      {"detach", 'd', NULL, &cli->detach, NULL, "return after start instead of waiting for the container"},
      {"keep", 0, NULL, &cli->keep, NULL, "do not delete the container when it exits"},
      OC_OPT_END,
  };
  const struct oc_opt *opts = is_run ? run_opts : create_opts;
  int i = oc_parse_opts(argc, argv, opts, &cli->help, NULL, NULL, e);
  if (i >= 0 && cli->help) oc_print_help(argv[0], g->command_summary, "ID", opts);
  if (i < 0 || cli->help) return i;
  long n = 0;
  if (cli->preserve && oc_parse_long(cli->preserve, 0, 1 << 20, &n) < 0)
    return oc_fail(e, EINVAL, "invalid --preserve-fds value \"%s\"", cli->preserve);
  cli->o.preserve_fds = (int)n;
  if (oc_close_inherited_fds(cli->o.preserve_fds, e) < 0) return -1;
  if (i >= argc) return oc_fail(e, EINVAL, "%s: container id required", argv[0]);
  if (i + 1 < argc) return oc_fail(e, EINVAL, "%s: unexpected argument \"%s\"", argv[0], argv[i + 1]);
  cli->o.id = argv[i];
  return i;
}

int cmd_create(struct oc_globals *g, int argc, char **argv) {
  struct create_cli cli = {.o.internal_console_fd = -1};
  struct oc_err e = {0};
  if (parse(g, argc, argv, &cli, false, &e) < 0) return oc_log_fail(&e);
  if (cli.help) return 0;
  pid_t pid = 0;
  if (oc_container_create(g, &cli.o, &pid, &e) < 0) {
    /* --dry-run printed "would be refused: ..." on stdout: a verdict, not an error. */
    if (cli.o.dry_run && e.errnum == OC_REFUSED_ERRNO) return OC_EXIT_WOULD_BE_REFUSED;
    return oc_log_fail(&e);
  }
  return 0;
}

int cmd_run(struct oc_globals *g, int argc, char **argv) {
  struct create_cli cli = {.o.internal_console_fd = -1};
  struct oc_err e = {0};
  if (parse(g, argc, argv, &cli, true, &e) < 0) return oc_log_fail(&e);
  if (cli.help) return 0;
  int tty_sock[2] = {-1, -1};
  if (!cli.detach && !cli.o.console_socket) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tty_sock) < 0) {
      oc_log_error("socketpair: %m");
      return 1;
    }
    cli.o.internal_console_fd = tty_sock[1];
  }
  pid_t pid;
  int r = oc_container_create(g, &cli.o, &pid, &e);
  if (tty_sock[1] >= 0) close(tty_sock[1]);
  if (r < 0) return oc_log_fail(&e);
  /* With a terminal, the init sent the pty master before it reported ready. */
  struct pollfd pf = {.fd = tty_sock[0], .events = POLLIN};
  bool proxy = tty_sock[0] >= 0 && poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN);
  if (oc_container_start(g, cli.o.id, &e) < 0) {
    struct oc_err de;
    oc_log_error("%s", e.msg);
    if (!cli.keep && oc_container_delete(g, cli.o.id, true, &de) < 0) oc_log_warn("cleanup: %s", de.msg);
    return 1;
  }
  if (cli.detach) return 0;
  if (proxy && oc_tty_proxy_run(tty_sock[0], pid, &e) < 0) oc_log_warn("%s", e.msg);
  if (tty_sock[0] >= 0) close(tty_sock[0]);
  int code = oc_wait_forwarding_signals(pid);
  oc_log_phase("exited", "the container's process exited (status %d)", code);
  if (!cli.keep && oc_container_delete(g, cli.o.id, true, &e) < 0) oc_log_warn("%s", e.msg);
  else if (!cli.keep) oc_log_phase("deleted", "container deleted");
  return code;
}
