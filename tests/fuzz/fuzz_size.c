/* libFuzzer target: sizes and decimal numbers (base/parse.c oc_parse_size, oc_parse_long) from a
 * NUL-terminated copy of the input, as they come from argv and policy files. Beyond the
 * sanitizers, a size that parses is checked against strtold of its number times its unit: the
 * two may differ only by the fraction digits oc_parse_size drops (after 12) and by rounding. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long double unit_of(const char *p) {
  while (*p && (isdigit((unsigned char)*p) || *p == '.')) p++;
  if (*p == ' ') p++;
  const char *units = "kmgtp", *u = *p ? strchr(units, *p | 0x20) : NULL;
  long double mult = 1;
  for (const char *q = units; u && q <= u; q++) mult *= 1024;
  return mult;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  int64_t bytes;
  if (oc_parse_size(s, &bytes) == 0) {
    long double mult = unit_of(s), want = strtold(s, NULL) * mult;
    long double slack = 2 + mult / 1e12L + want * 1e-15L;
    if (bytes < 0 || fabsl((long double)bytes - want) > slack) {
      fprintf(stderr, "oc_parse_size(\"%s\") = %lld, want about %.0Lf\n", s, (long long)bytes, want);
      abort();
    }
  }
  long n;
  if (oc_parse_long(s, LONG_MIN, LONG_MAX, &n) == 0 && n != strtol(s, NULL, 10)) abort();
  free(s);
  return 0;
}
