#include "base/parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int oc_parse_long(const char *s, long min, long max, long *out) {
  /* strtol alone would also take leading white space and a '+' (" 9", "+9"). */
  if (!s) return -1;
  const char *digits = s[0] == '-' ? s + 1 : s;
  if (*digits < '0' || *digits > '9') return -1;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

static int range_bound(const char **s, long max, long *out) {
  if (**s < '0' || **s > '9') return -1;
  char *end;
  errno = 0;
  long v = strtol(*s, &end, 10);
  if (errno || v > max) return -1;
  *s = end;
  *out = v;
  return 0;
}

int oc_parse_range_list(const char *s, long max, int (*each)(long lo, long hi, void *ctx), void *ctx) {
  if (!s || !*s) return -1;
  for (;;) {
    long lo, hi;
    if (range_bound(&s, max, &lo) < 0) return -1;
    hi = lo;
    if (*s == '-' && (s++, range_bound(&s, max, &hi) < 0 || hi < lo)) return -1;
    if (each(lo, hi, ctx) < 0) return -1;
    if (*s == '\0') return 0;
    if (*s++ != ',') return -1;
  }
}

/* Integer arithmetic throughout, so "1.5g" is exactly 1.5 GiB. */
int oc_parse_size(const char *s, int64_t *out) {
  const char *p = s;
  uint64_t whole = 0, frac = 0, frac_div = 1;
  if (!p || *p < '0' || *p > '9') return -1;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (whole > (UINT64_MAX - 9) / 10) return -1;
    whole = whole * 10 + (uint64_t)(*p - '0');
  }
  if (*p == '.') {
    p++;
    if (*p < '0' || *p > '9') return -1;
    for (; *p >= '0' && *p <= '9'; p++)
      if (frac_div < 1000000000000ull) {
        frac = frac * 10 + (uint64_t)(*p - '0');
        frac_div *= 10;
      }
  }
  if (*p == ' ') p++;
  uint64_t mult = 1;
  const char *units = "kmgtp";
  const char *u = *p ? strchr(units, *p | 0x20) : NULL;
  if (u) {
    for (const char *q = units; q <= u; q++) mult *= 1024;
    p++;
    if (*p == 'i' || *p == 'I') p++;
  }
  if (*p == 'b' || *p == 'B') p++;
  if (*p) return -1;
  if (whole > (uint64_t)INT64_MAX / mult) return -1;
  /* frac < 10^12 times a unit up to 2^50 needs more than 64 bits */
  uint64_t v = whole * mult + (uint64_t)((unsigned __int128)frac * mult / frac_div);
  if (v > (uint64_t)INT64_MAX) return -1;
  *out = (int64_t)v;
  return 0;
}
