#include "base/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/escape.h"

static struct {
  int fd;     /* --log file, -1 if none or not opened yet */
  int err_fd; /* with --debug: our stderr, kept apart from fd 2, which a container's pty replaces */
  const char *path;
  bool json, debug;
  struct timespec t0; /* with --debug: the origin of the phases' elapsed times */
} log_cfg = {.fd = -1, .err_fd = -1};

void oc_log_init(const struct oc_log_settings *s) {
  log_cfg.json = s->json;
  log_cfg.debug = s->debug;
  log_cfg.path = s->path;
  /* CLOCK_REALTIME: the one clock a time namespace the init joins does not shift. */
  if (s->debug && clock_gettime(CLOCK_REALTIME, &log_cfg.t0) < 0) log_cfg.t0 = (struct timespec){0};
}

void oc_log_close_fds(void) {
  if (log_cfg.fd >= 0) close(log_cfg.fd);
  if (log_cfg.err_fd >= 0) close(log_cfg.err_fd);
  log_cfg.fd = log_cfg.err_fd = -1;
}

int oc_log_fds(int *v, int max) {
  int n = 0;
  if (log_cfg.fd >= 0 && n < max) v[n++] = log_cfg.fd;
  if (log_cfg.err_fd >= 0 && n < max) v[n++] = log_cfg.err_fd;
  return n;
}

/* Opened at the first record, so create and exec can close inherited fds before it exists. */
static int log_fd(void) {
  if (log_cfg.fd < 0 && log_cfg.path) {
    log_cfg.fd = open(log_cfg.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (log_cfg.fd < 0) {
      char path[1024];
      oc_escape_text(path, sizeof path, log_cfg.path);
      fprintf(stderr, "ocrun: open log file %s: %m\n", path);
    }
    if (log_cfg.fd < 0) log_cfg.path = NULL;
  }
  return log_cfg.fd;
}

static size_t json_escape(char *dst, size_t cap, const char *s) {
  size_t n = 0;
  for (; *s && n + 7 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      dst[n++] = '\\';
      dst[n++] = (char)c;
    } else if (c < 0x20) {
      n += (size_t)snprintf(dst + n, cap - n, "\\u%04x", c);
    } else {
      dst[n++] = (char)c;
    }
  }
  dst[n] = '\0';
  return n;
}

static int err_fd(void) {
  if (log_cfg.debug && log_cfg.err_fd < 0) log_cfg.err_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  return log_cfg.err_fd >= 0 ? log_cfg.err_fd : STDERR_FILENO;
}

/* A phase record's fields; phase NULL for the others. */
struct phase { const char *name; double ms; };

/* Every record is one line of text: the message is escaped here (base/escape.h) whatever it was
 * formatted from (argv, a peer's message, an oc_err, which is escaped already: escaping twice
 * changes nothing), so no input can fake a record or a line, in the log or on stderr. */
static void emit(const char *level, const struct phase *ph, const char *fmt, va_list ap) {
  char raw[2048], msg[2048], line[4600], fields[160] = "", prefix[160] = "";
  vsnprintf(raw, sizeof raw, fmt, ap);
  oc_escape_text(msg, sizeof msg, raw);
  int n;
  log_fd();
  if (ph) {
    snprintf(fields, sizeof fields, ",\"phase\":\"%s\",\"elapsed_ms\":%.3f,\"pid\":%d", ph->name, ph->ms, (int)getpid());
    snprintf(prefix, sizeof prefix, "%9.3f ms %s (pid %d): ", ph->ms, ph->name, (int)getpid());
  }
  if (log_cfg.fd >= 0 && log_cfg.json) {
    char esc[4200], ts[64];
    oc_utc_now(ts, sizeof ts);
    json_escape(esc, sizeof esc, msg);
    n = snprintf(line, sizeof line, "{\"level\":\"%s\",\"msg\":\"%s\"%s,\"time\":\"%s\"}\n", level, esc,
                 fields, ts);
    if (n > 0 && write(log_cfg.fd, line, (size_t)n) < 0) { /* nothing better to do */ }
  } else if (log_cfg.fd >= 0) {
    n = snprintf(line, sizeof line, "%s: %s%s\n", level, prefix, msg);
    if (n > 0 && write(log_cfg.fd, line, (size_t)n) < 0) { /* ignored */ }
  }
  /* Errors and warnings always reach stderr too (podman without runtime_supports_json reads
   * them there); debug lines go to the log file when there is one. */
  bool is_debug = strcmp(level, "debug") == 0;
  if (!is_debug || log_cfg.fd < 0) {
    const char *tag = strcmp(level, "warning") == 0 ? "warning: " : is_debug ? "debug: " : "";
    n = snprintf(line, sizeof line, "ocrun: %s%s%s\n", tag, prefix, msg);
    if (n > 0 && write(err_fd(), line, (size_t)n) < 0) { /* nowhere left to report */ }
  }
}

void oc_log_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit("error", NULL, fmt, ap);
  va_end(ap);
}

void oc_log_warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit("warning", NULL, fmt, ap);
  va_end(ap);
}

void oc_log_debug(const char *fmt, ...) {
  if (!log_cfg.debug) return;
  va_list ap;
  va_start(ap, fmt);
  emit("debug", NULL, fmt, ap);
  va_end(ap);
}

void oc_log_phase(const char *phase, const char *fmt, ...) {
  if (!log_cfg.debug) return; /* no clock read, nothing formatted */
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME, &now) < 0) now = log_cfg.t0;
  struct phase ph = {phase, (double)(now.tv_sec - log_cfg.t0.tv_sec) * 1e3 +
                                (double)(now.tv_nsec - log_cfg.t0.tv_nsec) / 1e6};
  va_list ap;
  va_start(ap, fmt);
  emit("debug", &ph, fmt, ap);
  va_end(ap);
}

int oc_log_fail(const struct oc_err *e) {
  oc_log_error("%s", e->msg);
  return 1;
}

void oc_utc_now(char *buf, size_t len) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
           tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}
