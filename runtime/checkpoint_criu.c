/* Running criu for checkpoint and restore: its argument vector, the options both directions
 * share, the image/work directories, and one error line taken from criu's own log. */
#define _GNU_SOURCE
#include "runtime/checkpoint_criu.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/log.h"

const bool oc_checkpoint_built = true;

void oc_criu_arg(struct oc_criu_argv *a, const char *fmt, ...) {
  if (a->oom) return;
  if (a->n + 2 > a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 32;
    char **v = realloc(a->v, cap * sizeof *v);
    if (!v) {
      a->oom = true;
      return;
    }
    a->v = v;
    a->cap = cap;
  }
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&a->v[a->n], fmt, ap);
  va_end(ap);
  if (r < 0) {
    a->oom = true;
    return;
  }
  a->v[++a->n] = NULL;
}

void oc_criu_argv_free(struct oc_criu_argv *a) {
  for (size_t i = 0; i < a->n; i++) free(a->v[i]);
  free(a->v);
  *a = (struct oc_criu_argv){0};
}

int oc_criu_check_opts(const struct oc_criu_opts *o, bool restore, struct oc_err *e) {
  /* Lazy pages need a page server or `criu lazy-pages` running beside the restore: not built. */
  if (o->lazy_pages) return oc_fail(e, ENOTSUP, "--lazy-pages is not supported by ocrun");
  const char *m = o->manage_cgroups_mode;
  if (m && strcmp(m, "soft") != 0 && strcmp(m, "full") != 0 && strcmp(m, "strict") != 0 &&
      strcmp(m, "ignore") != 0)
    return oc_fail(e, EINVAL, "invalid --manage-cgroups-mode \"%s\": must be soft, full, strict or ignore", m);
  if (o->empty_ns && strcmp(o->empty_ns, "network") != 0)
    return oc_fail(e, EINVAL, "invalid --empty-ns \"%s\": only network is supported", o->empty_ns);
  if (restore && (o->leave_running || o->pre_dump || o->parent_path))
    return oc_fail(e, EINVAL, "restore does not take --leave-running, --pre-dump or --parent-path");
  return 0;
}

/* An absolute path for p (relative: to the cwd); the directory need not exist yet. */
OC_MUST_CHECK static int absolute(const char *p, char *out, size_t len, const char *flag, struct oc_err *e) {
  if (!*p) return oc_fail(e, EINVAL, "%s must not be empty", flag);
  char cwd[PATH_MAX] = "";
  if (p[0] != '/' && !getcwd(cwd, sizeof cwd)) return oc_fail_errno(e, "getcwd");
  int n = snprintf(out, len, "%s%s%s", cwd, cwd[0] ? "/" : "", p);
  if (n < 0 || (size_t)n >= len) return oc_fail(e, ENAMETOOLONG, "%s path too long: %s", flag, p);
  return 0;
}

/* mkdir one level (the parent must exist, as for runc); *made when this call made it. */
OC_MUST_CHECK static int make_dir(const char *path, const char *flag, bool *made, struct oc_err *e) {
  if (mkdir(path, 0700) == 0) {
    *made = true;
    return 0;
  }
  struct stat st;
  if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
  if (errno == EEXIST) errno = ENOTDIR;
  return oc_fail_errno(e, "%s %s", flag, path);
}

int oc_criu_dirs_prepare(const struct oc_criu_opts *o, bool dump, struct oc_criu_dirs *d, struct oc_err *e) {
  *d = (struct oc_criu_dirs){0};
  if (absolute(o->image_path ? o->image_path : "checkpoint", d->images, sizeof d->images, "--image-path", e) < 0)
    return -1;
  if (absolute(o->work_path ? o->work_path : d->images, d->work, sizeof d->work, "--work-path", e) < 0) return -1;
  struct stat st;
  if (dump) {
    if (make_dir(d->images, "--image-path", &d->made_images, e) < 0) return -1;
  } else if (stat(d->images, &st) < 0 || !S_ISDIR(st.st_mode)) {
    return oc_fail_errno(e, "--image-path %s", d->images);
  }
  if (strcmp(d->work, d->images) != 0 && make_dir(d->work, "--work-path", &d->made_work, e) < 0) {
    oc_criu_dirs_undo(d);
    return -1;
  }
  return 0;
}

void oc_criu_dirs_undo(const struct oc_criu_dirs *d) {
  struct oc_err e;
  if (d->made_work && oc_remove_tree(d->work, &e) < 0) oc_log_warn("cleanup: %s", e.msg);
  if (d->made_images && oc_remove_tree(d->images, &e) < 0) oc_log_warn("cleanup: %s", e.msg);
}

void oc_criu_common_args(struct oc_criu_argv *a, const char *criu, const char *action, const char *images,
                         const char *work, const char *root, const struct oc_criu_opts *o) {
  oc_criu_arg(a, "%s", criu);
  oc_criu_arg(a, "%s", action);
  oc_criu_arg(a, "--images-dir=%s", images);
  oc_criu_arg(a, "--work-dir=%s", work);
  oc_criu_arg(a, "--log-file=%s.log", action);
  oc_criu_arg(a, "-v4");
  oc_criu_arg(a, "--root=%s", root);
  oc_criu_arg(a, "--manage-cgroups=%s", o->manage_cgroups_mode ? o->manage_cgroups_mode : "soft");
  /* The network namespace is locked during the dump through nftables (libnftables, which
   * Debian's criu links), not CRIU's default of running iptables-restore, which needs the
   * iptables binaries and their xtables modules on the host. */
  oc_criu_arg(a, "--network-lock=nftables");
  if (o->tcp_established) oc_criu_arg(a, "--tcp-established");
  if (o->ext_unix_sk) oc_criu_arg(a, "--ext-unix-sk");
  if (o->shell_job) oc_criu_arg(a, "--shell-job");
  if (o->file_locks) oc_criu_arg(a, "--file-locks");
  if (o->empty_ns) oc_criu_arg(a, "--empty-ns=net");
}

bool oc_criu_mount_is_external(const struct oc_mount *m) {
  if (!m->type || strcmp(m->type, "bind") == 0) return true;
  for (size_t i = 0; i < m->options.n; i++)
    if (strcmp(m->options.v[i], "bind") == 0 || strcmp(m->options.v[i], "rbind") == 0) return true;
  return false;
}

/* Whether an "Error ..." line of criu's log says nothing of the cause: criu's closing verdict
 * ("Dumping FAILED.") and the exit status of a helper it ran (the probes of modules and of
 * iptables fail harmlessly on most hosts, early in every log). */
static bool error_is_noise(const char *s) {
  size_t n = strlen(s);
  return strstr(s, "): exited, status=") || (n >= 7 && strcmp(s + n - 7, "FAILED.") == 0);
}

/* The last three "Error" lines of criu's log that are not noise (the cause comes just before
 * criu gives up; the first errors are often probes), else its last line; without the
 * timestamps. */
static void log_error_line(const char *path, char *out, size_t len) {
  _cleanup_file_ FILE *f = fopen(path, "re");
  if (!f) {
    snprintf(out, len, "no log %.500s", path);
    return;
  }
  enum { KEEP = 3 };
  char line[512], last[512] = "", errors[KEEP][512];
  size_t n_errors = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    const char *s = line;
    if (s[0] == '(' && strchr(s, ')')) s = strchr(s, ')') + 1; /* "(00.001234) " */
    while (*s == ' ') s++;
    if (!*s) continue;
    if (strncmp(s, "Error", 5) != 0) {
      snprintf(last, sizeof last, "%s", s);
    } else if (!error_is_noise(s)) {
      snprintf(errors[n_errors % KEEP], sizeof errors[0], "%s", s);
      n_errors++;
    }
  }
  if (!n_errors) {
    snprintf(out, len, "%s", last[0] ? last : "empty log");
    return;
  }
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = n_errors > KEEP ? n_errors - KEEP : 0; i < n_errors; i++) {
    int w = snprintf(out + used, len - used, "%s%s", used ? " / " : "", errors[i % KEEP]);
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
}

/* The child: stdio, the caller's setup, exec. Any failure goes back as text on err_fd. */
static void __attribute__((noreturn))
child_exec(struct oc_criu_argv *a, int err_fd, bool keep_stdio, oc_criu_child_fn child, void *ctx) {
  struct oc_err e = {0};
  if (!keep_stdio) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0) {
      oc_fail_errno(&e, "/dev/null for criu's stdio");
      goto fail;
    }
  }
  if (child && child(ctx, &e) < 0) goto fail;
  execvp(a->v[0], a->v);
  oc_fail_errno(&e, "cannot execute %s (is criu installed? apt-get install criu)", a->v[0]);
fail:
  if (oc_write_all(err_fd, e.msg, strlen(e.msg)) < 0) _exit(126);
  _exit(127);
}

int oc_criu_run(struct oc_criu_argv *a, const char *work, const char *action, bool keep_stdio,
                oc_criu_child_fn child, void *ctx, struct oc_err *e) {
  if (a->oom || !a->v) return oc_fail(e, ENOMEM, "criu %s: out of memory", action);
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return oc_fail_errno(e, "pipe");
  _cleanup_fd_ int rd = p[0];
  oc_log_debug("running %s %s (log %s/%s.log)", a->v[0], action, work, action);
  pid_t pid = fork();
  if (pid < 0) {
    close(p[1]);
    return oc_fail_errno(e, "fork for criu");
  }
  if (pid == 0) {
    close(rd);
    child_exec(a, p[1], keep_stdio, child, ctx);
  }
  close(p[1]);
  char msg[sizeof e->msg];
  ssize_t n, got = 0;
  while (got < (ssize_t)sizeof msg - 1 && (n = read(rd, msg + got, sizeof msg - 1 - got)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    got += n;
  }
  msg[got] = '\0';
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return oc_fail_errno(e, "wait for criu");
  if (got > 0) return oc_fail(e, ENOEXEC, "criu %s: %s", action, msg);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  char log[PATH_MAX + 16], line[1100];
  snprintf(log, sizeof log, "%s/%s.log", work, action);
  log_error_line(log, line, sizeof line);
  if (WIFSIGNALED(status))
    return oc_fail(e, ECANCELED, "criu %s killed by signal %d: %s", action, WTERMSIG(status), line);
  return oc_fail(e, ECANCELED, "criu %s failed (exit status %d): %s", action, WEXITSTATUS(status), line);
}
