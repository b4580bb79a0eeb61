/* `exec [flags] ID [COMMAND ARGS...]`: flags are merged over the container's own process. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/parse.h"
#include "runtime/args.h"
#include "runtime/exec.h"
#include "base/fsutil.h"
#include "base/cleanup.h"
#include "base/log.h"
#include "runtime/commands.h"
#include "runtime/process_setup.h"
#include "runtime/state.h"

struct repeated { struct oc_strv env, caps, gids; };

/* Only the arrays are ours: the strings are argv's. */
static void repeated_release(struct repeated *r) {
  free(r->env.v);
  free(r->caps.v);
  free(r->gids.v);
}

static void push(struct oc_strv *v, const char *s) {
  char **nv = realloc(v->v, (v->n + 2) * sizeof *nv);
  if (!nv) return;
  v->v = nv;
  v->v[v->n++] = (char *)s;
  v->v[v->n] = NULL;
}

static void on_value(const char *name, const char *value, void *ctx) {
  struct repeated *r = ctx;
  if (strcmp(name, "env") == 0) push(&r->env, value);
  else if (strcmp(name, "cap") == 0) push(&r->caps, value);
  else if (strcmp(name, "additional-gids") == 0) push(&r->gids, value);
}

/* KEY=VALUE replaces an existing KEY, else is appended. */
static void set_env(struct oc_strv *env, const char *kv) {
  size_t klen = strcspn(kv, "=");
  for (size_t i = 0; i < env->n; i++)
    if (strncmp(env->v[i], kv, klen) == 0 && env->v[i][klen] == '=') {
      env->v[i] = (char *)kv;
      return;
    }
  push(env, kv);
}

/* A uid or gid: decimal digits only (no sign: "-0" is not root), below (uid_t)-1. */
static bool parse_id(const char *s, long *out) { return s[0] >= '0' && s[0] <= '9' && oc_parse_long(s, 0, 4294967294L, out) == 0; }

OC_MUST_CHECK static int parse_user(const char *spec, struct oc_user *u, struct oc_err *e) {
  long uid, gid;
  char buf[64];
  /* Refused when it does not fit: cut short, "1000:0…01000" would read as gid 0. */
  bool fits = snprintf(buf, sizeof buf, "%s", spec) < (int)sizeof buf;
  char *colon = strchr(buf, ':');
  if (colon) *colon = '\0';
  if (!fits || !parse_id(buf, &uid) || (colon && !parse_id(colon + 1, &gid)))
    return oc_fail(e, EINVAL, "invalid --user \"%s\": expected UID[:GID] as numbers", spec);
  u->uid = (uint32_t)uid;
  if (colon) u->gid = (uint32_t)gid;
  return 0;
}

OC_MUST_CHECK static int apply_flags(struct oc_process *p, const struct repeated *r, const char *cwd, const char *user,
                       bool tty, bool nnp, struct oc_err *e) {
  if (cwd) p->cwd = (char *)cwd;
  if (tty) p->terminal = true;
  if (nnp) p->no_new_privileges = true;
  if (user && parse_user(user, &p->user, e) < 0) return -1;
  if (r->gids.n) {
    p->user.additional_gids = calloc(r->gids.n, sizeof(uint32_t));
    p->user.n_additional_gids = r->gids.n;
    for (size_t i = 0; i < r->gids.n; i++) {
      long gid;
      if (!p->user.additional_gids || oc_parse_long(r->gids.v[i], 0, 4294967294L, &gid) < 0)
        return oc_fail(e, EINVAL, "invalid --additional-gids \"%s\"", r->gids.v[i]);
      p->user.additional_gids[i] = (uint32_t)gid;
    }
  }
  if (r->env.n) {
    struct oc_strv env = {0};
    for (size_t i = 0; i < p->env.n; i++) push(&env, p->env.v[i]);
    for (size_t i = 0; i < r->env.n; i++) set_env(&env, r->env.v[i]);
    p->env = env;
  }
  for (size_t i = 0; i < r->caps.n; i++) {
    int cap = oc_cap_from_name(r->caps.v[i]);
    if (cap < 0) return oc_fail(e, EINVAL, "unknown capability \"%s\"", r->caps.v[i]);
    /* Never the inheritable set (CVE-2022-29162). */
    uint64_t bit = 1ULL << cap;
    p->caps.set = true;
    p->caps.bounding |= bit;
    p->caps.effective |= bit;
    p->caps.permitted |= bit;
  }
  return 0;
}

/* A relayed pty starts with the size of our terminal, before the process can ask for it; later
 * changes follow through SIGWINCH (tty_proxy.c). */
static void relay_size(struct oc_process *p) {
  struct winsize ws;
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0) return;
  p->console_height.set = p->console_width.set = true;
  p->console_height.v = ws.ws_row;
  p->console_width.v = ws.ws_col;
}

int cmd_exec(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  const char *process_file = NULL, *pid_file = NULL, *console = NULL, *cwd = NULL, *user = NULL,
             *preserve = NULL, *ignored = NULL;
  bool help = false, detach = false, tty = false, nnp = false, ignore_paused = false;
  __attribute__((cleanup(repeated_release))) struct repeated rep = {0};
  const struct oc_opt opts[] = {
      {"process", 'p', &process_file, NULL, "FILE", "run the process.json in FILE instead of COMMAND"},
      {"detach", 'd', NULL, &detach, NULL, "return once the process runs, without waiting for it"},
      {"pid-file", 0, &pid_file, NULL, "FILE", "write the process' pid to FILE"},
      {"console-socket", 0, &console, NULL, "SOCK", "with --tty: send the pty master to this unix socket"},
      {"tty", 't', NULL, &tty, NULL, "give the process a pty (relayed to this terminal without --console-socket)"},
      {"cwd", 0, &cwd, NULL, "DIR", "working directory in the container"},
      {"env", 'e', &ignored, NULL, "KEY=VALUE", "set an environment variable (repeatable)"},
      {"user", 'u', &user, NULL, "UID[:GID]", "run as this user and group (numbers)"},
      {"additional-gids", 'g', &ignored, NULL, "GID", "an additional group (repeatable)"},
      {"cap", 'c', &ignored, NULL, "CAP", "add a capability, e.g. CAP_NET_ADMIN (repeatable)"},
      {"no-new-privs", 0, NULL, &nnp, NULL, "set no_new_privileges for the process"},
      {"preserve-fds", 0, &preserve, NULL, "N", "pass N more fds (from fd 3) into the process"},
      {"ignore-paused", 0, NULL, &ignore_paused, NULL, "exec even if the container is paused"},
      {"apparmor", 0, &ignored, NULL, "PROFILE", "accepted for runc compatibility; ignored"},
      {"process-label", 0, &ignored, NULL, "LABEL", "accepted for runc compatibility; ignored"},
      {"cgroup", 0, &ignored, NULL, "PATH", "accepted for runc compatibility; ignored"},
      OC_OPT_END,
  };
  int i = oc_parse_opts(argc, argv, opts, &help, on_value, &rep, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID [COMMAND [ARGS...]]", opts), 0;
  if (i >= argc) {
    oc_log_error("exec: container id required");
    return 1;
  }
  const char *id = argv[i];
  long preserve_fds = 0;
  if (preserve && oc_parse_long(preserve, 0, 1 << 20, &preserve_fds) < 0) {
    oc_log_error("invalid --preserve-fds value \"%s\"", preserve);
    return 1;
  }
  if (oc_close_inherited_fds((int)preserve_fds, &e) < 0) return oc_log_fail(&e);
  _cleanup_config_ struct oc_config *c = NULL;
  if (oc_state_config(g->root, id, &c, &e) < 0) {
    /* A missing container says so, rather than naming its config.json. */
    _cleanup_state_ struct oc_state *s = NULL;
    if (oc_state_load(g->root, id, &s, &e) < 0) return oc_log_fail(&e);
    return oc_log_fail(&e);
  }
  __attribute__((cleanup(oc_process_release))) struct oc_process from_file = {0};
  struct oc_process *p = &c->process;
  if (process_file) {
    _cleanup_free_ char *text = NULL;
    size_t len;
    if (oc_read_fileat(AT_FDCWD, process_file, &text, &len, 4 << 20, &e) < 0 ||
        oc_process_parse(text, len, &from_file, &e) < 0)
      return oc_log_fail(&e);
    p = &from_file;
  } else {
    p->terminal = false;
    if (i + 1 >= argc) {
      oc_log_error("exec: command required (or --process FILE)");
      return 1;
    }
  }
  /* Flags and argv are borrowed into p: restore the parsed struct before it is freed. */
  struct oc_process saved = *p;
  if (!process_file) {
    p->args.v = argv + i + 1;
    p->args.n = (size_t)(argc - i - 1);
  }
  int r = apply_flags(p, &rep, cwd, user, tty, nnp, &e);
  bool relay = p->terminal && !console && !detach;
  if (relay) relay_size(p);
  struct oc_exec_opts o = {.id = id, .process = p, .pid_file = pid_file, .console_socket = console,
                           .detach = detach, .ignore_paused = ignore_paused, .relay_tty = relay,
                           .preserve_fds = (int)preserve_fds};
  int code = 0;
  if (r == 0) r = oc_container_exec(g, &o, c, &code, &e);
  if (p->env.v != saved.env.v) free(p->env.v);
  if (p->user.additional_gids != saved.user.additional_gids) free(p->user.additional_gids);
  *p = saved;
  return r < 0 ? oc_log_fail(&e) : code;
}
