/* Conversions between OCI values and cgroup file values. No libm: the binary links without -lm. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroups/cg_internal.h"

#define LN2 0.693147180559945309417232121458176568L
#define LN10 2.302585092994045684017999114724302670L

/* ln(x) for x > 0: x = m * 2^k with m in [1, 2), ln(m) = 2 atanh((m-1)/(m+1)). */
static long double ln_l(long double x) {
  int k = 0;
  while (x >= 2) {
    x /= 2;
    k++;
  }
  while (x < 1) {
    x *= 2;
    k--;
  }
  long double t = (x - 1) / (x + 1), t2 = t * t, term = t, sum = 0;
  for (int i = 1; i < 200; i += 2) {
    sum += term / i;
    term *= t2;
  }
  return 2 * sum + k * LN2;
}

/* e^y: y = n ln2 + r with |r| <= ln2/2, Taylor series for e^r. */
static long double exp_l(long double y) {
  long double q = y / LN2;
  long n = (long)(q < 0 ? q - 0.5L : q + 0.5L);
  long double r = y - n * LN2, term = 1, sum = 1;
  for (int i = 1; i < 40; i++) {
    term *= r / i;
    sum += term;
  }
  for (; n > 0; n--) sum *= 2;
  for (; n < 0; n++) sum /= 2;
  return sum;
}

uint64_t oc_cg_shares_to_weight(uint64_t shares) {
  if (shares == 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  long double l = ln_l((long double)shares) / LN2;
  /* 10^((l^2 + 125 l) / 612 - 7/34), written over one denominator so that 1024 gives exactly 2 */
  long double v = exp_l((l * l + 125 * l - 126) / 612 * LN10);
  uint64_t w = (uint64_t)v;
  if ((long double)w < v - 1e-9L) w++; /* ceil, ignoring rounding noise at exact integers */
  return w < 1 ? 1 : w > 10000 ? 10000 : w;
}

uint64_t oc_cg_blkio_to_io_weight(uint64_t w) {
  if (w == 0) return 0;
  if (w < 10) w = 10;
  if (w > 1000) w = 1000;
  return 1 + (w - 10) * 9999 / 990;
}

int oc_cg_swap_v2(int64_t swap, int64_t limit, int64_t *out, struct oc_err *e) {
  if (swap == 0) {
    /* unset; an unlimited memory limit takes swap with it, as on v1 */
    *out = limit == -1 ? -1 : -2;
    return 0;
  }
  if (swap == -1) {
    *out = -1;
    return 0;
  }
  if (swap < 0) return oc_fail(e, EINVAL, "memory.swap: invalid value %" PRId64, swap);
  if (limit == 0 || limit == -1)
    return oc_fail(e, EINVAL, "memory.swap: %" PRId64 " cannot be set without a memory limit", swap);
  if (limit < 0) return oc_fail(e, EINVAL, "memory.limit: invalid value %" PRId64, limit);
  if (swap < limit)
    return oc_fail(e, EINVAL,
                   "memory.swap (%" PRId64 ") must be >= memory.limit (%" PRId64 "): it counts memory+swap",
                   swap, limit);
  *out = swap - limit;
  return 0;
}

int oc_cg_unified_key_check(const char *key, struct oc_err *e) {
  static const char *const reserved[] = {"cgroup.procs", "cgroup.threads", "cgroup.kill",
                                         "cgroup.subtree_control", "cgroup.type"};
  if (!*key || strchr(key, '/') || strstr(key, "..") || key[0] == '.')
    return oc_fail(e, EINVAL, "linux.resources.unified: invalid key \"%s\": must name a file of the cgroup",
                   key);
  if (!strchr(key, '.'))
    return oc_fail(e, EINVAL, "linux.resources.unified: invalid key \"%s\": expected <controller>.<file>", key);
  for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
    if (strcmp(key, reserved[i]) == 0)
      return oc_fail(e, EPERM, "linux.resources.unified: \"%s\" is managed by the runtime", key);
  return 0;
}

int oc_cg_pagesize_check(const char *ps, struct oc_err *e) {
  size_t n = ps ? strlen(ps) : 0, digits = ps ? strspn(ps, "0123456789") : 0;
  if (n < 3 || digits == 0 || digits != n - 2 || ps[n - 1] != 'B' || !strchr("KMG", ps[n - 2]))
    return oc_fail(e, EINVAL, "hugepageLimits: invalid pageSize \"%s\" (expected like \"2MB\")",
                   ps ? ps : "");
  return 0;
}

void oc_cg_fmt_limit(char *buf, size_t len, int64_t v) {
  if (v < 0)
    snprintf(buf, len, "max");
  else
    snprintf(buf, len, "%" PRId64, v);
}
