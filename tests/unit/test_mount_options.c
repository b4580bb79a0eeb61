/* Unit tests for namespaces/mount_options.c: OCI mount options -> struct oc_mount_opts (per-mount
 * and recursive attributes, atime modes, propagation, superblock flags, filesystem data, bind and
 * idmap requests), the errors, and that a failed parse leaves nothing allocated (*o zeroed).
 * No mounts are made. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "namespaces/rootfs.h"
#include "namespaces/rootfs_internal.h"

/* A mount of type (NULL: none) on /dest with the NULL-terminated options. */
static struct oc_mount mnt(const char *type, char **options) {
  struct oc_mount m = {0};
  m.destination = "/dest";
  m.type = (char *)type;
  m.source = "src";
  m.options.v = options;
  while (options && options[m.options.n]) m.options.n++;
  return m;
}

/* Parse options for a tmpfs (or type) mount that must succeed. */
static struct oc_mount_opts parse_ok(const char *type, char **options) {
  struct oc_mount m = mnt(type, options);
  struct oc_mount_opts o;
  struct oc_err e = {0};
  if (oc_mount_opts_parse(&m, 0, &o, &e) < 0) fail_msg("unexpected error: %s", e.msg);
  return o;
}

/* Parse that must fail with a message containing want; *o must come back zeroed. */
static void parse_fails(const char *type, char **options, size_t idx, const char *want) {
  struct oc_mount m = mnt(type, options);
  struct oc_mount_opts o, zero;
  memset(&o, 0xa5, sizeof o); /* garbage in: the parse must not rely on it */
  memset(&zero, 0, sizeof zero);
  struct oc_err e = {0};
  assert_true(oc_mount_opts_parse(&m, idx, &o, &e) < 0);
  if (!strstr(e.msg, want)) fail_msg("error \"%s\" lacks \"%s\"", e.msg, want);
  assert_int_equal(e.errnum, EINVAL);
  assert_memory_equal(&o, &zero, sizeof o);
}

static void test_no_options(void **state) {
  (void)state;
  struct oc_mount_opts o = parse_ok("tmpfs", NULL), zero;
  memset(&zero, 0, sizeof zero);
  assert_memory_equal(&o, &zero, sizeof o);
  oc_mount_opts_release(&o);
}

static void test_flags(void **state) {
  (void)state;
  char *opts[] = {"ro", "nosuid", "nodev", "noexec", "nodiratime", "nosymfollow", NULL};
  struct oc_mount_opts o = parse_ok("tmpfs", opts);
  assert_int_equal(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                   MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW);
  assert_int_equal(o.attr_clr, 0);
  assert_false(o.rw_asked);
  assert_int_equal(o.rattr_set | o.rattr_clr, 0);
  assert_int_equal(o.n_data, 0);
  assert_int_equal(o.n_prop, 0);
  assert_false(o.bind);
  oc_mount_opts_release(&o);
}

static void test_clear_flags(void **state) {
  (void)state;
  char *opts[] = {"rw", "suid", "dev", "exec", "diratime", "symfollow", NULL};
  struct oc_mount_opts o = parse_ok("tmpfs", opts);
  assert_int_equal(o.attr_set, 0);
  assert_int_equal(o.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                   MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW);
  assert_true(o.rw_asked);
  oc_mount_opts_release(&o);

  /* the later of a pair wins, in both directions */
  char *ro_rw[] = {"ro", "nosuid", "rw", "suid", NULL};
  o = parse_ok("tmpfs", ro_rw);
  assert_int_equal(o.attr_set, 0);
  assert_int_equal(o.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
  assert_true(o.rw_asked);
  oc_mount_opts_release(&o);
  char *rw_ro[] = {"rw", "exec", "ro", "noexec", NULL};
  o = parse_ok("tmpfs", rw_ro);
  assert_int_equal(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC);
  assert_int_equal(o.attr_clr, 0);
  assert_false(o.rw_asked); /* an explicit "rw" that a later "ro" overrode */
  oc_mount_opts_release(&o);
}

static void test_atime(void **state) {
  (void)state;
  static const struct {
    const char *opt;
    uint64_t mode;
  } cases[] = {
      {"noatime", MOUNT_ATTR_NOATIME},     {"atime", MOUNT_ATTR_RELATIME},
      {"relatime", MOUNT_ATTR_RELATIME},   {"strictatime", MOUNT_ATTR_STRICTATIME},
      {"nostrictatime", MOUNT_ATTR_RELATIME},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *opts[] = {"nodev", (char *)cases[i].opt, NULL};
    struct oc_mount_opts o = parse_ok("tmpfs", opts);
    /* the atime field is replaced as a whole: cleared, then the new mode set */
    assert_int_equal(o.attr_clr, MOUNT_ATTR__ATIME);
    assert_int_equal(o.attr_set, MOUNT_ATTR_NODEV | cases[i].mode);
    oc_mount_opts_release(&o);
  }
  /* norelatime keeps whatever came before; the last mode wins */
  char *keep[] = {"norelatime", NULL};
  struct oc_mount_opts o = parse_ok("tmpfs", keep);
  assert_int_equal(o.attr_set | o.attr_clr, 0);
  oc_mount_opts_release(&o);
  char *last[] = {"noatime", "norelatime", "strictatime", NULL};
  o = parse_ok("tmpfs", last);
  assert_int_equal(o.attr_set, MOUNT_ATTR_STRICTATIME);
  assert_int_equal(o.attr_clr, MOUNT_ATTR__ATIME);
  oc_mount_opts_release(&o);
}

static void test_recursive(void **state) {
  (void)state;
  char *opts[] = {"rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow", "rnoatime", NULL};
  struct oc_mount_opts o = parse_ok(NULL, opts);
  assert_int_equal(o.rattr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                    MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW |
                                    MOUNT_ATTR_NOATIME);
  assert_int_equal(o.rattr_clr, MOUNT_ATTR__ATIME);
  assert_int_equal(o.attr_set | o.attr_clr, 0); /* the top mount's own attributes untouched */
  assert_false(o.rw_asked);
  oc_mount_opts_release(&o);

  char *clear[] = {"rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow", "rstrictatime", NULL};
  o = parse_ok(NULL, clear);
  assert_int_equal(o.rattr_set, MOUNT_ATTR_STRICTATIME);
  assert_int_equal(o.rattr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                                    MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR__ATIME);
  assert_false(o.rw_asked); /* "rrw" is not "rw" */
  oc_mount_opts_release(&o);

  char *keep[] = {"ratime", "rnorelatime", NULL};
  o = parse_ok(NULL, keep);
  assert_int_equal(o.rattr_set, MOUNT_ATTR_RELATIME);
  assert_int_equal(o.rattr_clr, MOUNT_ATTR__ATIME);
  oc_mount_opts_release(&o);
  char *rel[] = {"rrelatime", NULL};
  o = parse_ok(NULL, rel);
  assert_int_equal(o.rattr_set, MOUNT_ATTR_RELATIME);
  oc_mount_opts_release(&o);
  char *nostrict[] = {"rnostrictatime", NULL};
  o = parse_ok(NULL, nostrict);
  assert_int_equal(o.rattr_set, MOUNT_ATTR_RELATIME);
  oc_mount_opts_release(&o);
}

static void test_propagation(void **state) {
  (void)state;
  char *opts[] = {"rprivate", "shared", "rslave", "unbindable", NULL};
  struct oc_mount_opts o = parse_ok(NULL, opts);
  assert_int_equal(o.n_prop, 4);
  assert_int_equal(o.prop[0], MS_PRIVATE | MS_REC); /* in the given order */
  assert_int_equal(o.prop[1], MS_SHARED);
  assert_int_equal(o.prop[2], MS_SLAVE | MS_REC);
  assert_int_equal(o.prop[3], MS_UNBINDABLE);
  assert_int_equal(o.n_data, 0);
  oc_mount_opts_release(&o);

  static const struct {
    const char *name;
    unsigned long flags;
  } all[] = {
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    unsigned long f = 0;
    assert_true(oc_propagation_parse(all[i].name, &f));
    assert_int_equal(f, all[i].flags);
  }
  unsigned long f = 12345;
  assert_false(oc_propagation_parse("rshared2", &f));
  assert_false(oc_propagation_parse("", &f));
  assert_int_equal(f, 12345);
}

static void test_data_options(void **state) {
  (void)state;
  char *opts[] = {"nosuid", "mode=755", "size=65536k", "newinstance", "ptmxmode=0666", "noexec", NULL};
  struct oc_mount_opts o = parse_ok("devpts", opts);
  assert_int_equal(o.n_data, 4); /* in order, attributes taken out */
  assert_string_equal(o.data[0], "mode=755");
  assert_string_equal(o.data[1], "size=65536k");
  assert_string_equal(o.data[2], "newinstance");
  assert_string_equal(o.data[3], "ptmxmode=0666");
  assert_ptr_equal(o.data[0], opts[1]); /* pointers into the config, not copies */
  assert_int_equal(o.attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
  oc_mount_opts_release(&o);
  assert_null(o.data);
  assert_int_equal(o.n_data, 0);
  oc_mount_opts_release(&o); /* twice is harmless */
}

static void test_superblock_and_ignored(void **state) {
  (void)state;
  char *opts[] = {"sync", "defaults", "dirsync", "remount", "silent", "loud", "iversion", "noiversion",
                  "lazytime", "tmpcopyup", "mand", NULL};
  struct oc_mount_opts o = parse_ok("tmpfs", opts);
  assert_int_equal(o.n_sb_flags, 4);
  assert_string_equal(o.sb_flags[0], "sync");
  assert_string_equal(o.sb_flags[1], "dirsync");
  assert_string_equal(o.sb_flags[2], "lazytime");
  assert_string_equal(o.sb_flags[3], "mand");
  /* defaults, remount, silent, loud, [no]iversion and tmpcopyup have no effect */
  assert_int_equal(o.n_data, 0);
  assert_int_equal(o.attr_set | o.attr_clr | o.rattr_set | o.rattr_clr, 0);
  oc_mount_opts_release(&o);

  char *eight[] = {"sync", "async", "dirsync", "mand", "nomand", "lazytime", "nolazytime", "sync", NULL};
  o = parse_ok("tmpfs", eight);
  assert_int_equal(o.n_sb_flags, 8);
  oc_mount_opts_release(&o);
}

static void test_bind(void **state) {
  (void)state;
  struct oc_mount m = mnt("bind", NULL);
  struct oc_mount_opts o = parse_ok("bind", NULL);
  assert_false(o.bind); /* the type says it, not an option */
  assert_true(oc_mount_is_bind(&m, &o));
  m = mnt(NULL, NULL);
  assert_true(oc_mount_is_bind(&m, &o));
  m = mnt("", NULL);
  assert_true(oc_mount_is_bind(&m, &o));
  m = mnt("tmpfs", NULL);
  assert_false(oc_mount_is_bind(&m, &o));
  oc_mount_opts_release(&o);

  char *bind[] = {"bind", "ro", NULL};
  o = parse_ok("none", bind);
  assert_true(o.bind);
  assert_false(o.rec);
  m = mnt("none", bind);
  assert_true(oc_mount_is_bind(&m, &o));
  oc_mount_opts_release(&o);
  char *rbind[] = {"rbind", NULL};
  o = parse_ok("none", rbind);
  assert_true(o.bind);
  assert_true(o.rec);
  oc_mount_opts_release(&o);
}

static void test_unknown_options(void **state) {
  (void)state;
  /* a filesystem gets unknown words as data: the kernel judges them */
  char *fs[] = {"nosuid", "frobnicate", "x-systemd.automount", NULL};
  struct oc_mount_opts o = parse_ok("tmpfs", fs);
  assert_int_equal(o.n_data, 2);
  assert_string_equal(o.data[0], "frobnicate");
  assert_string_equal(o.data[1], "x-systemd.automount");
  oc_mount_opts_release(&o);
  /* option names are case-sensitive: "RO" is not "ro" */
  char *upper[] = {"RO", NULL};
  o = parse_ok("tmpfs", upper);
  assert_int_equal(o.attr_set, 0);
  assert_int_equal(o.n_data, 1);
  oc_mount_opts_release(&o);
  /* a bind mount keeps them as data too, as runc does (the kernel ignores data on a bind); the
   * flags it knows still count */
  char *bind[] = {"rbind", "frobnicate", "mode=755", "ro", NULL};
  const char *types[] = {"bind", NULL};
  for (size_t t = 0; t < 2; t++) {
    o = parse_ok(types[t], bind);
    assert_true(o.bind && o.rec);
    assert_int_equal(o.attr_set, MOUNT_ATTR_RDONLY);
    assert_int_equal(o.n_data, 2);
    assert_string_equal(o.data[0], "frobnicate");
    assert_string_equal(o.data[1], "mode=755");
    oc_mount_opts_release(&o);
  }
  char *bind_opt[] = {"bind", "size=1m", NULL};
  o = parse_ok("tmpfs", bind_opt);
  assert_true(o.bind);
  assert_false(o.rec);
  assert_int_equal(o.n_data, 1);
  assert_string_equal(o.data[0], "size=1m");
  oc_mount_opts_release(&o);
  /* empty words and words starting with '=' are never valid */
  char *empty[] = {"nosuid", "", NULL};
  parse_fails("tmpfs", empty, 2, "mounts[2]: invalid mount option \"\" for /dest");
  char *eq[] = {"=value", NULL};
  parse_fails("tmpfs", eq, 0, "invalid mount option \"=value\"");
}

static void test_idmap(void **state) {
  (void)state;
  char *idmap[] = {"idmap", NULL};
  struct oc_mount_opts o = parse_ok(NULL, idmap);
  assert_true(o.idmap);
  assert_false(o.ridmap);
  oc_mount_opts_release(&o);
  char *ridmap[] = {"rbind", "ridmap", NULL};
  o = parse_ok(NULL, ridmap);
  assert_true(o.idmap);
  assert_true(o.ridmap);
  oc_mount_opts_release(&o);

  /* mappings ask for an idmapped mount by themselves */
  struct oc_id_map map = {0, 100000, 65536};
  struct oc_mount m = mnt(NULL, NULL);
  m.uid_mappings = (struct oc_id_maps){&map, 1};
  struct oc_err e = {0};
  assert_int_equal(oc_mount_opts_parse(&m, 0, &o, &e), 0);
  assert_true(o.idmap);
  assert_false(o.ridmap);
  oc_mount_opts_release(&o);
  m = mnt(NULL, NULL);
  m.gid_mappings = (struct oc_id_maps){&map, 1};
  assert_int_equal(oc_mount_opts_parse(&m, 0, &o, &e), 0);
  assert_true(o.idmap);
  oc_mount_opts_release(&o);
  o = parse_ok(NULL, NULL);
  assert_false(o.idmap);
  oc_mount_opts_release(&o);
}

/* Every failure path: the message names the mount, *o is zeroed (parse_fails), and under
 * valgrind nothing leaks (the data array is freed by the parse itself). */
static void test_failures_free_everything(void **state) {
  (void)state;
  char *prop[] = {"mode=1777", "shared", "slave", "private", "unbindable", "rshared", NULL};
  parse_fails("tmpfs", prop, 4, "mounts[4]: too many propagation options for /dest");
  char *sb[] = {"size=1m", "sync", "async", "dirsync", "mand", "nomand",
                "lazytime", "nolazytime", "sync", "dirsync", NULL};
  parse_fails("tmpfs", sb, 5, "mounts[5]: too many superblock options for /dest");
  char *invalid[] = {"mode=755", "uid=0", "", NULL};
  parse_fails("tmpfs", invalid, 6, "mounts[6]: invalid mount option \"\" for /dest");
  char *bind[] = {"bind", "mode=755", "", NULL};
  parse_fails(NULL, bind, 7, "mounts[7]: invalid mount option \"\" for /dest");
  /* a parse that follows a failed one starts clean */
  char *ok[] = {"ro", NULL};
  struct oc_mount_opts o = parse_ok("tmpfs", ok);
  assert_int_equal(o.attr_set, MOUNT_ATTR_RDONLY);
  oc_mount_opts_release(&o);
}

/* The names `features` reports: every one of them parses, and the list ends. */
static void test_option_names(void **state) {
  (void)state;
  size_t n = 0;
  for (const char *name; (name = oc_mount_option_name(n)); n++) {
    char *opts[] = {(char *)name, NULL};
    struct oc_mount m = mnt("tmpfs", opts);
    struct oc_mount_opts o;
    struct oc_err e = {0};
    if (oc_mount_opts_parse(&m, 0, &o, &e) < 0) fail_msg("%s: %s", name, e.msg);
    if (o.n_data) fail_msg("\"%s\" is listed but parsed as filesystem data", name);
    oc_mount_opts_release(&o);
  }
  assert_int_equal(n, 54 + 8); /* the option table and the propagations */
  assert_null(oc_mount_option_name(n + 1));
  assert_null(oc_mount_option_name((size_t)-1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_options),
      cmocka_unit_test(test_flags),
      cmocka_unit_test(test_clear_flags),
      cmocka_unit_test(test_atime),
      cmocka_unit_test(test_recursive),
      cmocka_unit_test(test_propagation),
      cmocka_unit_test(test_data_options),
      cmocka_unit_test(test_superblock_and_ignored),
      cmocka_unit_test(test_bind),
      cmocka_unit_test(test_unknown_options),
      cmocka_unit_test(test_idmap),
      cmocka_unit_test(test_failures_free_everything),
      cmocka_unit_test(test_option_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
