/* `events [--stats] [--interval 5s] ID`: --stats prints one stats record; otherwise a stats record
 * every interval and an {"type":"oom","id":..} record as each OOM happens, one JSON object per
 * line, until the container is gone. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroups/cgroup.h"
#include "cgroups/events.h"
#include "runtime/args.h"
#include "base/log.h"
#include "runtime/commands.h"
#include "runtime/state.h"

/* Go-style durations: "5s", "500ms", "1m30s", "1.5s", "250us", "100ns"; > 0. */
static int parse_duration_ms(const char *s, long long *out) {
  static const struct { const char *unit; double ms; } units[] = {
    {"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"ms", 1}, {"s", 1e3}, {"m", 6e4}, {"h", 3.6e6}};
  double total = 0;
  const char *p = s;
  if (!*p) return -1;
  while (*p) {
    char *end;
    double v = strtod(p, &end);
    if (end == p || v < 0) return -1;
    p = end;
    size_t best = 0, best_len = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
      size_t l = strlen(units[i].unit);
      if (strncmp(p, units[i].unit, l) == 0 && l > best_len) {
        best = i;
        best_len = l;
      }
    }
    if (!best_len) return -1;
    total += v * units[best].ms;
    p += best_len;
  }
  if (total <= 0 || total > 1e12) return -1;
  *out = total < 1 ? 1 : (long long)total;
  return 0;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

OC_MUST_CHECK static int print_stats(const struct oc_cgroup *cg, const char *id, struct oc_err *e) {
  char *json = NULL;
  if (oc_cg_stats_json(cg, id, &json, e) < 0) return -1;
  printf("%s\n", json);
  fflush(stdout);
  free(json);
  return 0;
}

static bool container_gone(struct oc_globals *g, const struct oc_state *s) {
  return oc_state_status(g->root, s) == OC_STOPPED;
}

OC_MUST_CHECK static int stream(struct oc_globals *g, const struct oc_state *s, const struct oc_cgroup *cg,
                  long long interval, struct oc_err *e) {
  struct oc_cg_oom_watch *w = NULL;
  struct oc_err we;
  if (oc_cg_oom_watch_open(cg, &w, &we) < 0) oc_log_warn("no OOM events: %s", we.msg);
  long long next = now_ms() + interval;
  int r = 0;
  for (;;) {
    long long left = next - now_ms();
    if (left <= 0) {
      if (container_gone(g, s)) break;
      if (print_stats(cg, s->id, e) < 0) {
        r = container_gone(g, s) ? 0 : -1;
        break;
      }
      next += interval;
      continue;
    }
    /* wake up at least once a second to notice that the container is gone */
    struct pollfd pfd = {.fd = -1};
    if (w) pfd.fd = oc_cg_oom_watch_fd(w, &pfd.events);
    int n = poll(&pfd, 1, (int)(left < 1000 ? left : 1000));
    if (n < 0 && errno != EINTR) {
      r = oc_fail_errno(e, "poll");
      break;
    }
    if (n > 0 && w) {
      bool gone = false;
      int ooms = oc_cg_oom_watch_read(w, &gone, e);
      if (ooms < 0) {
        r = -1;
        break;
      }
      for (int k = 0; k < ooms; k++) printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", s->id);
      fflush(stdout);
      if (gone) break;
    }
    if (container_gone(g, s)) break;
  }
  oc_cg_oom_watch_free(w);
  return r;
}

int cmd_events(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false, stats = false;
  const char *interval_s = "5s";
  const struct oc_opt opts[] = {
      {"stats", 0, NULL, &stats, NULL, "print the statistics once and exit"},
      {"interval", 0, &interval_s, NULL, "DURATION", "time between statistics records (default 5s)"},
      OC_OPT_END};
  int i = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  if (argc - i != 1) {
    oc_log_error("events: %s", argc - i < 1 ? "container id required" : "exactly one container id expected");
    return 1;
  }
  long long interval;
  if (parse_duration_ms(interval_s, &interval) < 0) {
    oc_log_error("invalid --interval \"%s\": expected a positive duration like 5s or 500ms", interval_s);
    return 1;
  }
  struct oc_state *s = NULL;
  if (oc_state_load(g->root, argv[i], &s, &e) < 0) return oc_log_fail(&e);
  int r = 0;
  if (container_gone(g, s))
    r = oc_fail(&e, ESRCH, "container %s is not running", s->id);
  else if (!s->cgroup_path)
    r = oc_fail(&e, ENOENT, "container %s has no cgroup", s->id);
  struct oc_cgroup *cg = NULL;
  if (r == 0) r = oc_cg_open(s->cgroup_path, &cg, &e);
  if (r == 0) r = stats ? print_stats(cg, s->id, &e) : stream(g, s, cg, interval, &e);
  oc_cg_free(cg);
  oc_state_free(s);
  return r < 0 ? oc_log_fail(&e) : 0;
}
