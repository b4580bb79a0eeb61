/* Unit tests for the lexical path cleaning of namespaces/path_in_root.c (oc_path_clean), which
 * every mount destination and device path goes through before it is resolved by fd. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "namespaces/rootfs_internal.h"

static void clean_is(const char *in, const char *want) {
  char out[256];
  struct oc_err e = {0};
  if (oc_path_clean(in, out, sizeof out, &e) < 0) fail_msg("%s: %s", in, e.msg);
  if (strcmp(out, want) != 0) fail_msg("%s -> \"%s\", want \"%s\"", in, out, want);
}

static void test_clean(void **state) {
  (void)state;
  clean_is("/", "/");
  clean_is("///", "/");
  clean_is("/a", "/a");
  clean_is("//a//b/", "/a/b");
  clean_is("/a/./b/../c", "/a/c");
  clean_is("/a/b/c/../../d", "/a/d");
  clean_is("/a/..", "/");
  clean_is("/./.", "/");
  /* ".." never climbs above the root */
  clean_is("/..", "/");
  clean_is("/../../etc/passwd", "/etc/passwd");
  clean_is("/a/../../../b", "/b");
  /* only "." and ".." are special */
  clean_is("/...", "/...");
  clean_is("/.hidden/..x/x..", "/.hidden/..x/x..");
  clean_is("/dev/pts/ptmx", "/dev/pts/ptmx");
}

static void test_errors(void **state) {
  (void)state;
  char out[8];
  struct oc_err e = {0};
  assert_true(oc_path_clean("dev/null", out, sizeof out, &e) < 0);
  assert_int_equal(e.errnum, EINVAL);
  assert_string_equal(e.msg, "path \"dev/null\" is not absolute");
  assert_true(oc_path_clean("", out, sizeof out, &e) < 0);
  assert_string_equal(e.msg, "path \"\" is not absolute");
  assert_true(oc_path_clean(NULL, out, sizeof out, &e) < 0);
  assert_int_equal(e.errnum, EINVAL);
  /* the result and its NUL must fit: "/abcdef" takes 8 bytes */
  assert_int_equal(oc_path_clean("/abcdef", out, sizeof out, &e), 0);
  assert_string_equal(out, "/abcdef");
  assert_true(oc_path_clean("/abcdefg", out, sizeof out, &e) < 0);
  assert_int_equal(e.errnum, ENAMETOOLONG);
  assert_string_equal(e.msg, "path too long: /abcdefg");
  /* what is cleaned away does not count */
  assert_int_equal(oc_path_clean("/x/../abcdef/./", out, sizeof out, &e), 0);
  assert_string_equal(out, "/abcdef");
  assert_true(oc_path_clean("/", out, 1, &e) < 0);
  assert_int_equal(oc_path_clean("/", out, 2, &e), 0);
  assert_string_equal(out, "/");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clean),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
