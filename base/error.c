#define OCRUN_ERROR_C /* the definitions, not the analyzer's model in error.h */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"

/* Every message is escaped as it is made (base/escape.h), so e->msg is one line whatever the ids,
 * paths, config values or peer messages formatted into it, wherever it goes next (the log, the
 * sync socket, another oc_wrap). */

static int fail_ret(int errnum) { return errnum > 0 ? -errnum : -1; }

int oc_fail(struct oc_err *e, int errnum, const char *fmt, ...) {
  char raw[2 * sizeof e->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(raw, sizeof raw, fmt, ap);
  va_end(ap);
  oc_escape_text(e->msg, sizeof e->msg, raw);
  e->errnum = errnum;
  return fail_ret(errnum);
}

int oc_fail_errno(struct oc_err *e, const char *fmt, ...) {
  int saved = errno;
  char raw[2 * sizeof e->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(raw, sizeof raw, fmt, ap);
  va_end(ap);
  /* Room is kept for the reason: a long path must not push it out. */
  const char *reason = strerror(saved);
  size_t keep = strlen(reason) + 2;
  size_t n = oc_escape_text(e->msg, keep < sizeof e->msg / 2 ? sizeof e->msg - keep : sizeof e->msg / 2, raw);
  snprintf(e->msg + n, sizeof e->msg - n, ": %s", reason);
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
  old[sizeof old - 1] = '\0';
  /* Prefix (at most half the message), ": ", then as much of the old message as fits. */
  size_t n = oc_escape_text(e->msg, sizeof prefix, prefix);
  memcpy(e->msg + n, ": ", 3);
  oc_escape_text(e->msg + n + 2, sizeof e->msg - n - 2, old);
  return ret;
}
