/* Unit tests for runtime/signals.c (the SIGNAL of `kill`) and base/parse.c's oc_parse_long, whose
 * grammar it uses: exactly a decimal number in range or a signal name, nothing else. */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "base/parse.h"
#include "runtime/signals.h"

static void test_parse_long_accepts_decimals(void **state) {
  (void)state;
  long v = -1;
  assert_int_equal(oc_parse_long("0", 0, 10, &v), 0);
  assert_int_equal(v, 0);
  assert_int_equal(oc_parse_long("10", 0, 10, &v), 0);
  assert_int_equal(v, 10);
  assert_int_equal(oc_parse_long("007", 0, 10, &v), 0);
  assert_int_equal(v, 7);
  assert_int_equal(oc_parse_long("-5", -10, 10, &v), 0);
  assert_int_equal(v, -5);
  assert_int_equal(oc_parse_long("9223372036854775807", 0, LONG_MAX, &v), 0);
  assert_true(v == LONG_MAX);
}

static void test_parse_long_refuses_the_rest(void **state) {
  (void)state;
  static const char *const bad[] = {
      "", " 9", "9 ", "\t9", "\n9", "9\n", "+9", "-", "+", "--9", "-+9", "+-9", " -9", "9x",
      "x9", "0x10", "1e3", "1.0", "1,0", "١", "9223372036854775808", "-9223372036854775809",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    long v = 42;
    if (oc_parse_long(bad[i], LONG_MIN, LONG_MAX, &v) == 0) fail_msg("\"%s\" parsed as %ld", bad[i], v);
    assert_int_equal(v, 42); /* *out untouched */
  }
  long v = 42;
  assert_int_equal(oc_parse_long(NULL, 0, 10, &v), -1);
  assert_int_equal(oc_parse_long("11", 0, 10, &v), -1);
  assert_int_equal(oc_parse_long("-1", 0, 10, &v), -1);
  assert_int_equal(oc_parse_long("-0", 0, 10, &v), 0); /* digits after a '-': it is 0 */
  assert_int_equal(v, 0);
}

static void test_signal_numbers(void **state) {
  (void)state;
  assert_int_equal(oc_signal_parse("9"), SIGKILL);
  assert_int_equal(oc_signal_parse("15"), SIGTERM);
  assert_int_equal(oc_signal_parse("1"), 1);
  assert_int_equal(oc_signal_parse("09"), 9);
  /* runc takes 0 (kill(2)'s "is it there?"), so do we. */
  assert_int_equal(oc_signal_parse("0"), 0);
  assert_int_equal(oc_signal_parse("00"), 0);
  char top[16];
  snprintf(top, sizeof top, "%d", SIGRTMAX);
  assert_int_equal(oc_signal_parse(top), SIGRTMAX);
  snprintf(top, sizeof top, "%d", SIGRTMAX + 1);
  assert_int_equal(oc_signal_parse(top), -1);
}

static void test_signal_names(void **state) {
  (void)state;
  assert_int_equal(oc_signal_parse("KILL"), SIGKILL);
  assert_int_equal(oc_signal_parse("SIGKILL"), SIGKILL);
  assert_int_equal(oc_signal_parse("kill"), SIGKILL);
  assert_int_equal(oc_signal_parse("sigkill"), SIGKILL);
  assert_int_equal(oc_signal_parse("SigTerm"), SIGTERM);
  assert_int_equal(oc_signal_parse("HUP"), SIGHUP);
  assert_int_equal(oc_signal_parse("SIGWINCH"), SIGWINCH);
  assert_int_equal(oc_signal_parse("USR1"), SIGUSR1);
  assert_int_equal(oc_signal_parse("SIGSYS"), SIGSYS);
  assert_int_equal(oc_signal_parse("RTMIN"), SIGRTMIN);
  assert_int_equal(oc_signal_parse("SIGRTMIN+3"), SIGRTMIN + 3);
  assert_int_equal(oc_signal_parse("RTMAX"), SIGRTMAX);
  assert_int_equal(oc_signal_parse("rtmax-2"), SIGRTMAX - 2);
  assert_int_equal(oc_signal_parse("RTMIN+0"), SIGRTMIN);
}

static void test_signal_refused(void **state) {
  (void)state;
  static const char *const bad[] = {
      "", " 9", "9 ", "+9", "-9", "-0", "65", "99999", "9x", "x9", "0x9", "9.0", "\n9",
      "SIGFOO", "FOO", "SIG", "SIGSIGKILL", " KILL", "KILL ", "SIG KILL", "SIG-KILL", "KILL\n",
      "KILLX", "K", "RTMIN+", "RTMIN+ 1", "RTMIN++1", "RTMIN+-1", "RTMIN-1", "RTMAX+1",
      "RTMAX-+1", "RTMAX- 1", "RTMIN+31", "RTMAX-31", "RTMIN+1x", "RTMINX",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (oc_signal_parse(bad[i]) != -1) fail_msg("\"%s\" parsed as %d", bad[i], oc_signal_parse(bad[i]));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_long_accepts_decimals),
      cmocka_unit_test(test_parse_long_refuses_the_rest),
      cmocka_unit_test(test_signal_numbers),
      cmocka_unit_test(test_signal_names),
      cmocka_unit_test(test_signal_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
