#define OCRUN_ERROR_C /* the definitions, not the analyzer's model in error.h */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail_ret(int errnum) { return errnum > 0 ? -errnum : -1; }

int oc_fail(struct oc_err *e, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  e->errnum = errnum;
  return fail_ret(errnum);
}

int oc_fail_errno(struct oc_err *e, const char *fmt, ...) {
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < sizeof e->msg)
    snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s", strerror(saved));
  e->errnum = saved;
  return fail_ret(saved);
}

int oc_wrap(struct oc_err *e, int ret, const char *fmt, ...) {
  char prefix[512], old[sizeof e->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, e->msg, sizeof old);
  size_t n = strlen(prefix);
  memcpy(e->msg, prefix, n);
  /* Prefix, ": ", then as much of the old message as fits. */
  if (n + 2 < sizeof e->msg) {
    memcpy(e->msg + n, ": ", 2);
    size_t room = sizeof e->msg - n - 3, olen = strlen(old);
    memcpy(e->msg + n + 2, old, olen < room ? olen : room);
    e->msg[n + 2 + (olen < room ? olen : room)] = '\0';
  } else {
    e->msg[n] = '\0';
  }
  return ret;
}
