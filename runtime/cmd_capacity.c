/* `ocrun capacity`: the node as a cloud operator sees it — capacity per resource, what the
 * ledger has admitted, live use of each container's cgroup, pressure. Once, or redrawn every N
 * seconds like top (--watch). Sampling: runtime/capacity_sample.c; output: capacity_table.c,
 * capacity_json.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "overcommit/policy.h"
#include "runtime/args.h"
#include "runtime/capacity.h"
#include "runtime/commands.h"

/* CPU% is a rate: a single run takes it since the look the previous run kept, when that is at
 * least CPU_WINDOW_NS and at most LOOK_MAX_AGE_NS old (like top's previous sample); otherwise
 * it looks twice, CPU_WINDOW_NS apart. */
#define CPU_WINDOW_NS INT64_C(200000000)
#define LOOK_MAX_AGE_NS INT64_C(60000000000)
#define WATCH_DEFAULT "2"
#define WATCH_MIN 0.1
#define WATCH_MAX 86400.0

/* --watch takes an optional value: give a bare --watch (not followed by a number) the default,
 * so the flag parser sees --watch N. Values of the other flags are copied untouched. */
static char **watch_default(int argc, char **argv, int *out_argc) {
  char **v = calloc((size_t)argc * 2 + 1, sizeof *v);
  if (!v) return NULL;
  int n = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    v[n++] = argv[i];
    if (i == 0) continue;
    if (strcmp(a, "--") == 0 || a[0] != '-') { /* flags end here */
      while (++i < argc) v[n++] = argv[i];
      break;
    }
    if ((strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0 || strcmp(a, "--policy") == 0) && i + 1 < argc) {
      v[n++] = argv[++i];
      continue;
    }
    if (strcmp(a, "--watch") == 0 || strcmp(a, "-w") == 0) {
      char *end = NULL;
      if (i + 1 < argc) (void)strtod(argv[i + 1], &end);
      if (!end || end == argv[i + 1] || *end) v[n++] = (char *)WATCH_DEFAULT;
    }
  }
  *out_argc = n;
  return v;
}

struct opts {
  const char *policy;
  bool json, explain, legend;
};

/* Render one view into a buffer (so a redraw is one write). NULL when out of memory. */
static char *render(const struct opts *o, const struct oc_capview *v, const char *header, bool pretty,
                    size_t *len) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  if (!f) return NULL;
  if (header) fputs(header, f);
  int r = o->json ? oc_capview_json(f, v, pretty) : (oc_capview_table(f, v, o->explain, o->legend), 0);
  if (fclose(f) != 0 || r < 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static int once(const struct opts *o) {
  struct oc_err e = {0};
  struct oc_capview a;
  struct oc_capview_look *look = NULL;
  struct oc_err le = {0};
  if (oc_capview_look_load(&look, &le) < 0) look = NULL;
  if (oc_capview_sample(o->policy, o->json, look, &a, &e) < 0) {
    oc_capview_look_free(look);
    return oc_log_fail(&e);
  }
  struct oc_capview *v = &a;
  if (oc_capview_has_cpu(&a)) {
    if (!look || oc_capview_rates_from_look(&a, look, CPU_WINDOW_NS, LOOK_MAX_AGE_NS, &le) < 0) {
      oc_log_debug("capacity: CPU%% over a %d ms wait, no previous look to use: %s",
                   (int)(CPU_WINDOW_NS / 1000000), le.msg);
      struct timespec ts = {0, CPU_WINDOW_NS};
      while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
      oc_capview_cpu_again(&a);
    }
    /* Only a cache: without it the next call waits, nothing else changes. */
    if (oc_capview_look_save(&a, &e) < 0)
      oc_log_debug("capacity: look not kept for the next call: %s", e.msg);
  }
  oc_capview_look_free(look);
  size_t len = 0;
  _cleanup_free_ char *out = render(o, v, NULL, true, &len);
  oc_capview_free(v);
  if (!out) {
    oc_log_error("capacity: %s output failed", o->json ? "JSON" : "table");
    return 1;
  }
  fwrite(out, 1, len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}

/* Wait until deadline (CLOCK_MONOTONIC ns) for one of the blocked signals of set: its number,
 * or 0 at the deadline. */
static int wait_signal(const sigset_t *set, int64_t deadline) {
  for (;;) {
    int64_t left = deadline - oc_capview_now_ns();
    if (left <= 0) return 0;
    struct timespec ts = {(time_t)(left / 1000000000), (long)(left % 1000000000)};
    int s = sigtimedwait(set, NULL, &ts);
    if (s > 0) return s;
    if (errno == EAGAIN) return 0;
  }
}

/* Screen control for a terminal: the alternate screen (what was there comes back at the end),
 * cursor hidden; each frame starts from the top-left corner of a cleared screen. */
#define TERM_ENTER "\033[?1049h\033[?25l"
#define TERM_LEAVE "\033[?25h\033[?1049l"
#define TERM_FRAME "\033[H\033[2J"

static int watch(const struct opts *o, double interval) {
  struct oc_err e = {0};
  bool failed = false, tty = !o->json && isatty(STDOUT_FILENO);
  /* SIGINT, SIGTERM and SIGHUP end the watch, SIGWINCH redraws; all are taken synchronously
   * (sigtimedwait) so the terminal is always put back and the exit status is 0. Blocked, they
   * are delivered even when the shell started us with SIGINT ignored (a background job). */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGWINCH);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
    oc_log_error("capacity --watch: sigprocmask: %s", strerror(errno));
    return 1;
  }
  struct oc_capview prev, cur;
  if (oc_capview_sample(o->policy, o->json, NULL, &prev, &e) < 0) return oc_log_fail(&e);
  if (tty) fputs(TERM_ENTER, stdout);
  int sig = oc_capview_has_cpu(&prev) ? wait_signal(&set, oc_capview_now_ns() + CPU_WINDOW_NS) : 0;
  while (sig == 0 || sig == SIGWINCH) {
    if (oc_capview_sample(o->policy, o->json, NULL, &cur, &e) < 0) {
      failed = true;
      break;
    }
    oc_capview_rates(&cur, &prev);
    oc_capview_free(&prev);
    prev = cur;
    char header[160] = "";
    if (!o->json) {
      char clock[16] = "";
      struct tm tm;
      time_t now = time(NULL);
      if (localtime_r(&now, &tm)) strftime(clock, sizeof clock, "%H:%M:%S", &tm);
      snprintf(header, sizeof header, "%socrun capacity: every %g s, %s (Ctrl-C quits)\n\n", tty ? TERM_FRAME : "",
               interval, clock);
    }
    size_t len = 0;
    _cleanup_free_ char *frame = render(o, &cur, header, false, &len);
    if (!frame || fwrite(frame, 1, len, stdout) != len || (!tty && !o->json && fputc('\n', stdout) == EOF) ||
        fflush(stdout) != 0) {
      oc_fail(&e, errno ? errno : EIO, "capacity --watch: writing to stdout failed");
      failed = true;
      break;
    }
    int64_t deadline = oc_capview_now_ns() + (int64_t)(interval * 1e9);
    sig = wait_signal(&set, deadline);
  }
  oc_capview_free(&prev);
  if (tty) {
    fputs(TERM_LEAVE, stdout);
    fflush(stdout);
  }
  /* The quitting signal was taken by sigtimedwait; any other stays blocked until exit. */
  return failed ? oc_log_fail(&e) : 0;
}

int cmd_capacity(struct oc_globals *g, int argc, char **argv) {
  /* The ledger is host-wide: it covers every --root. */
  struct oc_err e = {0};
  bool help = false, dump = false, no_legend = false;
  struct opts o = {.legend = true};
  const char *format = "table", *watch_s = NULL, *policy_path = NULL;
  const struct oc_opt opts[] = {
      {"format", 'f', &format, NULL, "FORMAT", "table (default) or json"},
      {"watch", 'w', &watch_s, NULL, "[N]",
       "redraw every N seconds (default " WATCH_DEFAULT ", from 0.1) until Ctrl-C; json: one document a line"},
      {"no-legend", 0, NULL, &no_legend, NULL, "leave out the legend under the table"},
      {"explain", 0, NULL, &o.explain, NULL, "show the arithmetic behind each number"},
      {"policy-dump", 0, NULL, &dump, NULL, "print the effective policy as JSON and exit"},
      {"policy", 0, &policy_path, NULL, "FILE", "policy file (default $OCRUN_POLICY, else /etc/ocrun/policy.json)"},
      OC_OPT_END};
  int n = 0;
  _cleanup_free_ char **args = watch_default(argc, argv, &n);
  if (!args) {
    oc_log_error("capacity: out of memory");
    return 1;
  }
  int first = oc_parse_opts(n, args, opts, &help, NULL, NULL, &e);
  if (first < 0) return oc_log_fail(&e);
  if (help) {
    oc_print_help(argv[0], g->command_summary, "", opts);
    printf("\nThe node's capacity per resource (VCPU, MEMORY_MB), what is admitted, and each container's\n"
           "size and live use. CPU%% is CPU time used over a window, in %% of one CPU: since the previous\n"
           "capacity call when that was 0.2 to 60 s ago and saw the same containers (its readings are\n"
           "kept in the ledger dir), else over a 0.2 s wait; with --watch, since the previous frame.\n");
    return 0;
  }
  if (first < n) {
    oc_log_error("capacity: unexpected argument \"%s\"", args[first]);
    return 1;
  }
  o.json = strcmp(format, "json") == 0;
  o.legend = !no_legend;
  o.policy = policy_path ? policy_path : g->policy;
  if (!o.json && strcmp(format, "table") != 0) {
    oc_log_error("invalid format option \"%s\": must be table or json", format);
    return 1;
  }
  double interval = 0;
  if (watch_s) {
    char *end = NULL;
    interval = strtod(watch_s, &end);
    if (end == watch_s || *end || !isfinite(interval) || interval < WATCH_MIN || interval > WATCH_MAX) {
      oc_log_error("invalid --watch interval \"%s\": expected seconds from %g to %g", watch_s, WATCH_MIN,
                   WATCH_MAX);
      return 1;
    }
  }
  if (dump) {
    struct oc_policy pol;
    if (oc_policy_load(o.policy, &pol, &e) < 0) return oc_log_fail(&e);
    _cleanup_free_ char *pj = oc_policy_json(&pol, &e);
    if (!pj) return oc_log_fail(&e);
    printf("%s\n", pj);
    return 0;
  }
  return watch_s ? watch(&o, interval) : once(&o);
}
