/* `ps [--format table|json] ID [ps args...]`: the processes in the container's cgroup.
 * json: an array of host pids. table: `ps -ef` (or the given ps arguments) filtered to the rows
 * whose PID column is in the cgroup, like runc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/args.h"
#include "base/cleanup.h"
#include "base/pidns_procs.h"
#include "base/procfs.h"
#include "base/log.h"
#include "runtime/commands.h"
#include "runtime/state.h"

OC_MUST_CHECK static int container_pids(struct oc_globals *g, const char *id, pid_t **pids, size_t *n,
                          struct oc_err *e) {
  struct oc_state *s = NULL;
  if (oc_state_load(g->root, id, &s, e) < 0) return -1;
  struct oc_cgroup *cg = NULL;
  int r = 0;
  *pids = NULL;
  *n = 0;
  if (s->cgroup_path) {
    r = oc_cg_open(s->cgroup_path, &cg, e);
    if (r == -ENOENT) r = 0; /* stopped and cleaned up: no processes */
    else if (r == 0) r = oc_cg_pids(cg, pids, n, e);
  } else if (oc_proc_alive(s->pid, s->start_time)) {
    r = oc_pidns_procs(s->pid, pids, n, e); /* rootless without a cgroup */
  }
  oc_cg_free(cg);
  oc_state_free(s);
  return r;
}

/* Run ps with args, its stdout into a malloc'd string. */
OC_MUST_CHECK static int run_ps(char **args, char **out, struct oc_err *e) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return oc_fail_errno(e, "pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
  pid_t pid;
  int r = posix_spawnp(&pid, "ps", &fa, NULL, args, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  if (r != 0) {
    close(p[0]);
    errno = r;
    return oc_fail_errno(e, "run ps");
  }
  size_t cap = 65536, len = 0;
  char *buf = malloc(cap);
  for (ssize_t k; buf;) {
    if (cap - len < 4096) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    k = read(p[0], buf + len, cap - len - 1);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    len += (size_t)k;
  }
  close(p[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  if (!buf) return oc_fail(e, ENOMEM, "ps output: out of memory");
  buf[len] = '\0';
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    free(buf);
    return oc_fail(e, EIO, "ps failed (status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  }
  *out = buf;
  return 0;
}

static bool has_pid(const pid_t *pids, size_t n, long v) {
  for (size_t i = 0; i < n; i++)
    if (pids[i] == v) return true;
  return false;
}

OC_MUST_CHECK static int print_table(const pid_t *pids, size_t n, char **ps_args, int n_args, struct oc_err *e) {
  char *args[256] = {"ps", "-ef", NULL};
  if (n_args > 0) {
    if (n_args > 250) return oc_fail(e, E2BIG, "ps: too many arguments");
    for (int i = 0; i < n_args; i++) args[1 + i] = ps_args[i];
    args[1 + n_args] = NULL;
  }
  _cleanup_free_ char *out = NULL;
  if (run_ps(args, &out, e) < 0) return -1;
  char *save = NULL, *line = strtok_r(out, "\n", &save);
  if (!line) return oc_fail(e, EIO, "ps: no output");
  /* the column holding PID, counted in whitespace-separated fields of the header */
  int col = -1, idx = 0;
  for (const char *p = line; *p;) {
    p += strspn(p, " \t");
    size_t len = strcspn(p, " \t");
    if (!len) break;
    if (len == 3 && strncmp(p, "PID", 3) == 0) col = idx;
    idx++;
    p += len;
  }
  if (col < 0) return oc_fail(e, EINVAL, "couldn't find PID field in ps output");
  printf("%s\n", line);
  while ((line = strtok_r(NULL, "\n", &save))) {
    const char *p = line;
    for (int f = 0; f < col && *p; f++) {
      p += strspn(p, " \t");
      p += strcspn(p, " \t");
    }
    p += strspn(p, " \t");
    char *end;
    long v = strtol(p, &end, 10);
    if (end != p && has_pid(pids, n, v)) printf("%s\n", line);
  }
  return 0;
}

int cmd_ps(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false;
  const char *format = "table";
  const struct oc_opt opts[] = {
      {"format", 'f', &format, NULL, "FORMAT", "table (default, ps -ef) or json (the pids)"}, OC_OPT_END};
  int i = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID [ps options]", opts), 0;
  if (i >= argc) {
    oc_log_error("ps: container id required");
    return 1;
  }
  bool json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "table") != 0) {
    oc_log_error("invalid format option \"%s\": expected table or json", format);
    return 1;
  }
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (container_pids(g, argv[i], &pids, &n, &e) < 0) return oc_log_fail(&e);
  if (json) {
    fputc('[', stdout);
    for (size_t k = 0; k < n; k++) printf("%s%d", k ? "," : "", (int)pids[k]);
    fputs("]\n", stdout);
    return 0;
  }
  if (print_table(pids, n, argv + i + 1, argc - i - 1, &e) < 0) return oc_log_fail(&e);
  return 0;
}
