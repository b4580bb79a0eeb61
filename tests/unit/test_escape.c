/* Unit tests for base/escape.c and its two users: the error formatter (base/error.c: every
 * struct oc_err message is one line) and the log emitter (base/log.c: every record on stderr and
 * in --log, text or JSON, is one line; JSON records are well-formed UTF-8). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/escape.h"
#include "base/log.h"

static void expect_escape(const char *in, const char *want) {
  char out[256];
  size_t n = oc_escape_text(out, sizeof out, in);
  if (strcmp(out, want) != 0) fail_msg("escape of \"%s\": got \"%s\", want \"%s\"", in, out, want);
  assert_int_equal(n, strlen(want));
}

static void test_controls(void **state) {
  (void)state;
  expect_escape("", "");
  expect_escape("plain id-1_2.3 /path:with=\"quotes\" and \\backslash", "plain id-1_2.3 /path:with=\"quotes\" and \\backslash");
  expect_escape("a\nb", "a\\nb");
  expect_escape("\r\t", "\\r\\t");
  expect_escape("\x01\x1b[31m\x1f\x7f", "\\x01\\x1b[31m\\x1f\\x7f");
  expect_escape("\v\f\b\a", "\\x0b\\x0c\\x08\\x07");
}

static void test_utf8(void **state) {
  (void)state;
  /* Valid non-ASCII text is kept: 2, 3 and 4 byte forms, the first and last of each range. */
  expect_escape("café €uro 日本 😀", "café €uro 日本 😀");
  expect_escape("\xc2\xa0\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
                "\xc2\xa0\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
  /* C1 controls (CSI is U+009B, NEL U+0085) and the Unicode line and paragraph separators. */
  expect_escape("a\xc2\x9b" "2Jb", "a\\xc2\\x9b2Jb");
  expect_escape("\xc2\x85\xc2\x80\xc2\x9f", "\\xc2\\x85\\xc2\\x80\\xc2\\x9f");
  expect_escape("x\xe2\x80\xa8y\xe2\x80\xa9z", "x\\xe2\\x80\\xa8y\\xe2\\x80\\xa9z");
  /* Not UTF-8: stray continuation bytes, bytes that never occur, overlong forms, surrogates,
   * code points above U+10FFFF, sequences cut short (also at the end of the string). */
  expect_escape("\xff\xfe\x80\xbf", "\\xff\\xfe\\x80\\xbf");
  expect_escape("\xc0\xaf\xc1\xbf", "\\xc0\\xaf\\xc1\\xbf");
  expect_escape("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
  expect_escape("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");
  expect_escape("\xed\xa0\x80", "\\xed\\xa0\\x80");
  expect_escape("\xf4\x90\x80\x80\xf5\x80", "\\xf4\\x90\\x80\\x80\\xf5\\x80");
  expect_escape("\xe2\x82x", "\\xe2\\x82x");
  expect_escape("ok\xe2\x82", "ok\\xe2\\x82");
  expect_escape("\xf0\x9f\x98", "\\xf0\\x9f\\x98");
  expect_escape("\xc3\n", "\\xc3\\n");
}

static void test_truncation(void **state) {
  (void)state;
  char out[8];
  /* Whole escapes and whole characters only. */
  assert_int_equal(oc_escape_text(out, sizeof out, "abcdefghij"), 7);
  assert_string_equal(out, "abcdefg");
  assert_int_equal(oc_escape_text(out, sizeof out, "abcd\x1b"), 4);
  assert_string_equal(out, "abcd");
  assert_int_equal(oc_escape_text(out, sizeof out, "abcde\n"), 7);
  assert_string_equal(out, "abcde\\n");
  assert_int_equal(oc_escape_text(out, sizeof out, "abcdef\n"), 6);
  assert_string_equal(out, "abcdef");
  assert_int_equal(oc_escape_text(out, sizeof out, "abcde\xe2\x82\xac"), 5);
  assert_string_equal(out, "abcde");
  assert_int_equal(oc_escape_text(out, sizeof out, "abcd€"), 7);
  assert_string_equal(out, "abcd€");
  assert_int_equal(oc_escape_text(out, 1, "abc"), 0);
  assert_string_equal(out, "");
  out[0] = 'x';
  assert_int_equal(oc_escape_text(out, 0, "abc"), 0);
  assert_int_equal(out[0], 'x');
}

/* The result is well-formed UTF-8 without a control character, and escaping it again changes
 * nothing: for random bytes, biased to the interesting ones. */
static void test_random_input(void **state) {
  (void)state;
  assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
  static const unsigned char pool[] = {'a', '\\', 'x', '\n', 0x1b, 0x7f, 0x80, 0x85, 0x9b, 0xa0,
                                       0xa8, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0,
                                       0xf4, 0xf5, 0xff, 0x01, ' ', 0x9f};
  uint32_t seed = 12345;
  for (int round = 0; round < 20000; round++) {
    unsigned char in[40];
    size_t len = 0;
    for (; len < sizeof in - 1; len++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      if (r % 37 == 0) break;
      in[len] = (r & 1) ? pool[(r >> 1) % sizeof pool] : (unsigned char)(r >> 3);
      if (!in[len]) in[len] = 'z';
    }
    in[len] = '\0';
    char out[200], again[200];
    size_t n = oc_escape_text(out, sizeof out, (const char *)in);
    assert_int_equal(n, strlen(out));
    assert_true(n < sizeof out);
    mbstate_t mb = {0};
    for (size_t i = 0; i < n;) {
      wchar_t wc;
      size_t k = mbrtowc(&wc, out + i, n - i, &mb);
      if (k == (size_t)-1 || k == (size_t)-2 || k == 0) fail_msg("not UTF-8 at %zu: %s", i, out);
      if (wc < 0x20 || (wc >= 0x7f && wc < 0xa0) || wc == 0x2028 || wc == 0x2029)
        fail_msg("control U+%04X left in %s", (unsigned)wc, out);
      i += k;
    }
    oc_escape_text(again, sizeof again, out);
    assert_string_equal(again, out);
  }
}

static void test_errors_are_one_line(void **state) {
  (void)state;
  struct oc_err e = {0};
  assert_int_equal(oc_fail(&e, 22, "invalid container id format: %s", "a\nb\x1b[2J"), -22);
  assert_string_equal(e.msg, "invalid container id format: a\\nb\\x1b[2J");
  assert_int_equal(e.errnum, 22);
  errno = 2;
  assert_int_equal(oc_fail_errno(&e, "open %s", "/x\ny"), -2);
  assert_string_equal(e.msg, "open /x\\ny: No such file or directory");
  assert_int_equal(oc_wrap(&e, -7, "hook %s", "p\rq"), -7);
  assert_string_equal(e.msg, "hook p\\rq: open /x\\ny: No such file or directory");
  /* A peer's message taken with "%s" (as the sync protocol does) is escaped too. */
  assert_int_equal(oc_fail(&e, 0, "%s", "exec: \"x\ny\"\xff"), -1);
  assert_string_equal(e.msg, "exec: \"x\\ny\"\\xff");
}

static void test_error_truncation(void **state) {
  (void)state;
  struct oc_err e = {0};
  char big[3000];
  memset(big, '\n', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  oc_fail(&e, 1, "%s", big);
  assert_true(strlen(e.msg) < sizeof e.msg);
  assert_null(strchr(e.msg, '\n'));
  assert_int_equal(strlen(e.msg) % 2, 0); /* whole "\n" escapes only */
  /* oc_fail_errno keeps the reason however long the path. */
  errno = 13;
  oc_fail_errno(&e, "open %s", big);
  size_t n = strlen(e.msg);
  const char *tail = ": Permission denied";
  assert_true(n > strlen(tail));
  assert_string_equal(e.msg + n - strlen(tail), tail);
  assert_null(strchr(e.msg, '\n'));
  /* oc_wrap with a long prefix keeps both parts, and the old message stays escaped. */
  oc_fail(&e, 1, "old\x01");
  oc_wrap(&e, -1, "%s", big);
  assert_true(strlen(e.msg) < sizeof e.msg);
  assert_non_null(strstr(e.msg, ": old\\x01"));
  assert_null(strchr(e.msg, '\n'));
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  static char buf[65536];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

/* The emitter: oc_log_* called with raw input (as main.c does for argv) writes one line to
 * stderr and one record to the log; JSON records keep quotes and backslashes well-formed. */
static void test_log_records(void **state) {
  (void)state;
  char dir[] = "/tmp/ocrun-test-escape-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char log_path[128], err_path[128];
  snprintf(log_path, sizeof log_path, "%s/log.json", dir);
  snprintf(err_path, sizeof err_path, "%s/stderr", dir);
  int saved_stderr = dup(STDERR_FILENO);
  int errfd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  assert_true(saved_stderr >= 0 && errfd >= 0);
  assert_int_equal(dup2(errfd, STDERR_FILENO), STDERR_FILENO);

  struct oc_log_settings s = {.path = log_path, .json = true, .debug = true};
  oc_log_init(&s);
  oc_log_error("unknown command \"%s\"", "x\"}\n{\"level\":\"error\",\"msg\":\"fake\xff\\");
  oc_log_warn("warn %s", "\x1b]0;title\x07");
  oc_log_debug("debug %s", "a\nb");
  struct oc_err e = {0};
  oc_fail(&e, 1, "id %s", "a\nb");
  assert_int_equal(oc_log_fail(&e), 1);

  assert_int_equal(dup2(saved_stderr, STDERR_FILENO), STDERR_FILENO);
  close(saved_stderr);
  close(errfd);

  const char *log = slurp(log_path);
  assert_int_equal(count_lines(log), 4);
  assert_non_null(strstr(log, "{\"level\":\"error\",\"msg\":\"unknown command \\\"x\\\"}\\\\n{\\\"level\\\":"
                              "\\\"error\\\",\\\"msg\\\":\\\"fake\\\\xff\\\\\\\"\",\"time\":\""));
  assert_non_null(strstr(log, "{\"level\":\"warning\",\"msg\":\"warn \\\\x1b]0;title\\\\x07\","));
  assert_non_null(strstr(log, "{\"level\":\"debug\",\"msg\":\"debug a\\\\nb\","));
  assert_non_null(strstr(log, "{\"level\":\"error\",\"msg\":\"id a\\\\nb\","));
  const char *err = slurp(err_path);
  /* Errors and warnings (marked as such) reach stderr; debug lines only the log. */
  assert_string_equal(err,
                      "ocrun: unknown command \"x\"}\\n{\"level\":\"error\",\"msg\":\"fake\\xff\\\"\n"
                      "ocrun: warning: warn \\x1b]0;title\\x07\n"
                      "ocrun: id a\\nb\n");
  unlink(log_path);
  unlink(err_path);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_controls),
      cmocka_unit_test(test_utf8),
      cmocka_unit_test(test_truncation),
      cmocka_unit_test(test_random_input),
      cmocka_unit_test(test_errors_are_one_line),
      cmocka_unit_test(test_error_truncation),
      cmocka_unit_test(test_log_records),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
