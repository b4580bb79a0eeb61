/* Unit tests for base/parse.c's oc_parse_size (docker's RAMInBytes grammar), including the inputs
 * the fuzzer (tests/fuzz/fuzz_size.c) found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/parse.h"

static void expect_size(const char *s, int64_t want) {
  int64_t v = -1;
  if (oc_parse_size(s, &v) != 0) fail_msg("\"%s\" did not parse", s);
  if (v != want) fail_msg("\"%s\" parsed as %lld, want %lld", s, (long long)v, (long long)want);
}

static void test_units_and_fractions(void **state) {
  (void)state;
  expect_size("512", 512);
  expect_size("64k", 64 * 1024);
  expect_size("1.5g", 3LL << 29);
  expect_size("2GiB", 2LL << 30);
  expect_size("100 MB", 100LL << 20);
  expect_size("0.5", 0);
  expect_size("9223372036854775807", INT64_MAX);
}

/* Found by fuzz_size: (fraction × unit) overflowed 64 bits for a long fraction and a big unit,
 * so "97.03275880792233721t" came out 36 GB short and "1.999999999999p" as about 1p. */
static void test_long_fraction_with_big_unit(void **state) {
  (void)state;
  /* 97 T + 0.032758807922 T (12 fraction digits are kept), rounded down */
  expect_size("97.03275880792233721t", 97LL * (1LL << 40) + 36018690222LL);
  expect_size("1.999999999999p", (1LL << 50) + 1125899906841498LL);
}

static void test_refuses_the_rest(void **state) {
  (void)state;
  static const char *const bad[] = {"", "k", "-1", "1.", ".5", "1x", "1kk", "1  k",
                                    "9223372036854775808", "8192p", " 1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t v = 42;
    if (oc_parse_size(bad[i], &v) == 0) fail_msg("\"%s\" parsed as %lld", bad[i], (long long)v);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_units_and_fractions),
      cmocka_unit_test(test_long_fraction_with_big_unit),
      cmocka_unit_test(test_refuses_the_rest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
