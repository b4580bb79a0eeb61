/* One error convention for all of ocrun: the failing call fills a struct oc_err
 * (errno + a message naming the object) and returns a negative int. */
#ifndef OCRUN_ERROR_H
#define OCRUN_ERROR_H
#include <errno.h>
#include <stdbool.h>

/* On every function that takes a struct oc_err *: its result says whether *e was filled, so a
 * caller cannot drop it by accident ((void) does not silence it; handle or log the error).
 * oc_fail, oc_fail_errno and oc_wrap are the exception: they fill *e, and their result is only
 * a convenience for `return oc_fail(...)`. */
#define OC_MUST_CHECK __attribute__((warn_unused_result))

struct oc_err {
  int errnum;      /* errno of the failure, 0 if not a syscall error */
  char msg[1024];  /* one line, names the object (path, cgroup file, config key) */
};

/* Fill *e with a formatted message and errnum; returns -1 (or -errnum if errnum > 0). The message
 * is escaped as it is made (base/escape.h: control characters, bytes that are not UTF-8), so ids,
 * paths and config values can be formatted in as they are and it stays one line. */
int oc_fail(struct oc_err *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, taking errno; the message gets ": strerror(errno)" appended. */
int oc_fail_errno(struct oc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix an existing message with context ("ctx: old msg", escaped the same way), keep errnum;
 * returns the same value. */
int oc_wrap(struct oc_err *e, int ret, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* For clang's static analyzer only (make lint): it cannot see error.c from the other files, so
 * it would take "oc_fail() returned 0" as possible and report out-parameters left unset on error
 * paths. Tell it what error.c guarantees: oc_fail* return < 0, oc_wrap returns its ret. */
#if defined(__clang_analyzer__) && !defined(OCRUN_ERROR_C)
#define oc_fail(...) OC_ANALYZER_NEGATIVE(oc_fail(__VA_ARGS__))
#define oc_fail_errno(...) OC_ANALYZER_NEGATIVE(oc_fail_errno(__VA_ARGS__))
#define OC_ANALYZER_NEGATIVE(call)                \
  ({                                              \
    int oc_fail_r_ = (call);                      \
    if (oc_fail_r_ >= 0) __builtin_unreachable(); \
    oc_fail_r_;                                   \
  })
#define oc_wrap(e, ret, ...)                                                        \
  ({                                                                                \
    int oc_wrap_r_ = (ret);                                                         \
    if (oc_wrap(e, oc_wrap_r_, __VA_ARGS__) != oc_wrap_r_) __builtin_unreachable(); \
    oc_wrap_r_;                                                                     \
  })
#endif

#endif
