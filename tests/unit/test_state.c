/* Unit tests for runtime/state.c: a creation that never finished (create killed with kill -9)
 * as `state`/`list` (status), the ledger's lookup and its reconcile see it. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/procfs.h"
#include "overcommit/ledger.h"
#include "overcommit/policy.h"
#include "runtime/state.h"
#include "tests/unit/helpers.h"

static char tmp[128], root[192];

static int setup(void **state) {
  (void)state;
  snprintf(tmp, sizeof tmp, "/tmp/ocrun-state-test-XXXXXX");
  if (!mkdtemp(tmp)) return -1;
  snprintf(root, sizeof root, "%s/root", tmp);
  if (mkdir(root, 0700) < 0) return -1;
  char ledger[256];
  snprintf(ledger, sizeof ledger, "%s/ledger", tmp);
  setenv("OCRUN_LEDGER_DIR", ledger, 1);
  setenv("OCRUN_HOST_CPUS", "2", 1);
  setenv("OCRUN_HOST_MEMORY_MB", "4096", 1);
  unsetenv("OCRUN_POLICY");
  oc_ledger_set_lookup(oc_state_lookup); /* as runtime/main.c does */
  return 0;
}

static int teardown(void **state) {
  (void)state;
  return rm_rf(tmp);
}

/* A process that exited (reaped): its pid and start time name nobody any more. */
static void dead_process(pid_t *pid, unsigned long long *start_time) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  pid_t c = fork();
  assert_true(c >= 0);
  if (c == 0) {
    char b;
    close(p[1]);
    if (read(p[0], &b, 1) < 0) _exit(1);
    _exit(0);
  }
  close(p[0]);
  *pid = c;
  for (int i = 0; i < 1000 && !(*start_time = oc_proc_start_time(c)); i++) {}
  assert_true(*start_time != 0);
  close(p[1]);
  assert_int_equal(waitpid(c, NULL, 0), c);
}

/* state.json of id as create writes it: pid 0 before clone; creating with creator (pid, st). */
static void save(const char *id, pid_t pid, unsigned long long pid_start, bool creating, pid_t creator,
                 unsigned long long creator_start) {
  char dir[256];
  snprintf(dir, sizeof dir, "%s/%s", root, id);
  assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
  struct oc_state s = {.id = (char *)id, .pid = pid, .start_time = pid_start, .cgroup_path = "/ocrun-test/x",
                       .creating = creating, .creator_pid = creator, .creator_start_time = creator_start};
  struct oc_err e = {0};
  if (oc_state_save(root, &s, &e) < 0) fail_msg("save: %s", e.msg);
}

static enum oc_status status_of(const char *id) {
  struct oc_state *s = NULL;
  struct oc_err e = {0};
  if (oc_state_load(root, id, &s, &e) < 0) fail_msg("load %s: %s", id, e.msg);
  enum oc_status st = oc_state_status(root, s);
  oc_state_free(s);
  return st;
}

static void test_status_of_unfinished_creation(void **state) {
  (void)state;
  pid_t dead;
  unsigned long long dead_st = 0;
  dead_process(&dead, &dead_st);
  pid_t self = getpid();
  unsigned long long self_st = oc_proc_start_time(self);
  /* its creator at work: creating, round-tripped through state.json */
  save("live", 0, 0, true, self, self_st);
  assert_int_equal(status_of("live"), OC_CREATING);
  struct oc_state *s = NULL;
  struct oc_err e = {0};
  assert_int_equal(oc_state_load(root, "live", &s, &e), 0);
  assert_true(s->creating && s->creator_pid == self && s->creator_start_time == self_st);
  assert_true(oc_state_creator_alive(s));
  oc_state_free(s);
  /* its creator killed: stopped, even with an init that still runs (this process) */
  save("dead", self, self_st, true, dead, dead_st);
  assert_int_equal(status_of("dead"), OC_STOPPED);
  /* a dir without state.json: an unfinished creation, creator unknown */
  char dir[256];
  snprintf(dir, sizeof dir, "%s/bare", root);
  assert_int_equal(mkdir(dir, 0700), 0);
  assert_int_equal(status_of("bare"), OC_STOPPED);
  assert_int_equal(oc_state_load(root, "bare", &s, &e), 0);
  assert_true(s->creating && s->creator_pid == 0 && s->pid == 0 && !s->cgroup_path);
  oc_state_free(s);
  /* finished: the init's liveness decides as before */
  save("done", self, self_st, false, 0, 0);
  assert_int_equal(status_of("done"), OC_RUNNING);
  save("gone", dead, dead_st, false, 0, 0);
  assert_int_equal(status_of("gone"), OC_STOPPED);
  /* nothing at all, or a file where the dir would be: does not exist */
  assert_true(oc_state_load(root, "nosuch", &s, &e) < 0);
  assert_int_equal(e.errnum, ENOENT);
  snprintf(dir, sizeof dir, "%s/file", root);
  FILE *f = fopen(dir, "w");
  assert_non_null(f);
  fclose(f);
  assert_true(oc_state_load(root, "file", &s, &e) < 0);
  assert_int_equal(e.errnum, ENOENT);
}

static void test_lookup_of_unfinished_creation(void **state) {
  (void)state;
  pid_t dead, pid = -1;
  unsigned long long dead_st = 0, st = 1;
  dead_process(&dead, &dead_st);
  pid_t self = getpid();
  unsigned long long self_st = oc_proc_start_time(self);
  /* creator at work: exists, with the init it has cloned */
  save("live", self, self_st, true, self, self_st);
  assert_int_equal(oc_state_lookup(root, "live", &pid, &st), 1);
  assert_true(pid == self && st == self_st);
  assert_int_equal(oc_state_lookup(root, "live", NULL, NULL), 1);
  /* creator gone: no init worth counting, whatever was cloned */
  save("dead", self, self_st, true, dead, dead_st);
  assert_int_equal(oc_state_lookup(root, "dead", &pid, &st), 1);
  assert_true(pid == 0 && st == 0);
  assert_int_equal(oc_state_lookup(root, "dead", NULL, NULL), 0);
  char dir[256];
  snprintf(dir, sizeof dir, "%s/bare", root);
  assert_int_equal(mkdir(dir, 0700), 0);
  pid = -1;
  assert_int_equal(oc_state_lookup(root, "bare", &pid, &st), 1);
  assert_int_equal(pid, 0);
  assert_int_equal(oc_state_lookup(root, "nosuch", &pid, &st), 0);
}

/* Like `ocrun create` killed after the admission: a child admits id, leaves the state dir that
 * far (state.json creating with itself as creator and init pid, or a bare dir) and exits. */
static void admit_and_die(const char *id, pid_t init, unsigned long long init_st, bool bare) {
  pid_t c = fork();
  assert_true(c >= 0);
  if (c == 0) {
    struct oc_policy p;
    oc_policy_defaults(&p);
    struct oc_admission_request rq = {.id = id, .root = root, .cgroup_path = "/ocrun-test/x",
                                      .size = {.vcpus = 1, .memory_bytes = INT64_C(1) << 30, .weight = 100}};
    struct oc_admit_result res;
    struct oc_err e = {0};
    char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", root, id);
    if (mkdir(dir, 0700) < 0) _exit(1);
    if (!bare) {
      struct oc_state s = {.id = (char *)id, .pid = init, .start_time = init_st, .creating = true,
                           .creator_pid = getpid(), .creator_start_time = oc_proc_start_time(getpid())};
      if (oc_state_save(root, &s, &e) < 0) _exit(2);
    }
    if (oc_ledger_admit(&p, &rq, &res, &e) < 0) _exit(3);
    _exit(0);
  }
  int ws;
  assert_int_equal(waitpid(c, &ws, 0), c);
  assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
}

static size_t ledger_entries(size_t *stale) {
  struct oc_ledger l;
  struct oc_err e = {0};
  if (oc_ledger_snapshot(&l, stale, &e) < 0) fail_msg("snapshot: %s", e.msg);
  size_t n = l.n;
  oc_ledger_free(&l);
  return n;
}

static void test_reconcile_releases_unfinished_creations(void **state) {
  (void)state;
  size_t stale = 0;
  /* killed before clone, after clone with an init that still lives (this process), and right
   * after its mkdir: all three released, since none of them will ever finish */
  admit_and_die("before-clone", 0, 0, false);
  assert_int_equal(ledger_entries(&stale), 0);
  assert_int_equal(stale, 1);
  admit_and_die("after-clone", getpid(), oc_proc_start_time(getpid()), false);
  assert_int_equal(ledger_entries(&stale), 0);
  assert_int_equal(stale, 2); /* stale entries stay until an admission needs their room */
  admit_and_die("bare", 0, 0, true);
  assert_int_equal(ledger_entries(&stale), 0);
  assert_int_equal(stale, 3);
  /* while its creator works (this process), an entry is kept */
  struct oc_policy p;
  oc_policy_defaults(&p);
  save("mine", 0, 0, true, getpid(), oc_proc_start_time(getpid()));
  struct oc_admission_request rq = {.id = "mine", .root = root, .cgroup_path = "/ocrun-test/y",
                                    .size = {.vcpus = 1, .memory_bytes = INT64_C(1) << 30, .weight = 100}};
  struct oc_admit_result res;
  struct oc_err e = {0};
  /* 3 stale GiB + 1 GiB do not fit in 3584 MB: this admission releases the stale ones */
  assert_int_equal(oc_ledger_admit(&p, &rq, &res, &e), 0);
  assert_int_equal(ledger_entries(&stale), 1);
  assert_int_equal(stale, 0);
  assert_int_equal(oc_ledger_release("mine", root, &e), 0);
  assert_int_equal(ledger_entries(&stale), 0);
  assert_int_equal(stale, 0);
}

/* state.json says which hook kinds the config has, so start and delete skip the config copy
 * when it has none of theirs; one that does not say (an older ocrun's) means "maybe". */
static void test_hooks_recorded(void **state) {
  (void)state;
  char dir[256];
  snprintf(dir, sizeof dir, "%s/h", root);
  assert_int_equal(mkdir(dir, 0700), 0);
  struct oc_err e = {0};
  struct oc_state w = {.id = "h", .pid = 1, .hooks = 1u << OC_HOOK_POSTSTOP | 1u << OC_HOOK_PRESTART,
                       .hooks_known = true};
  if (oc_state_save(root, &w, &e) < 0) fail_msg("save: %s", e.msg);
  struct oc_state *s = NULL;
  if (oc_state_load(root, "h", &s, &e) < 0) fail_msg("load: %s", e.msg);
  assert_true(s->hooks_known);
  assert_int_equal(s->hooks, 1u << OC_HOOK_POSTSTOP | 1u << OC_HOOK_PRESTART);
  assert_true(oc_state_may_have_hooks(s, OC_HOOK_POSTSTOP));
  assert_false(oc_state_may_have_hooks(s, OC_HOOK_POSTSTART));
  oc_state_free(s);
  s = NULL;
  w.hooks = 0;
  if (oc_state_save(root, &w, &e) < 0) fail_msg("save: %s", e.msg);
  if (oc_state_load(root, "h", &s, &e) < 0) fail_msg("load: %s", e.msg);
  assert_true(s->hooks_known);
  assert_false(oc_state_may_have_hooks(s, OC_HOOK_POSTSTOP));
  oc_state_free(s);
  s = NULL;
  if (oc_state_parse("old", "{\"id\":\"old\",\"pid\":1,\"start_time\":5}", &s, &e) < 0) fail_msg("%s", e.msg);
  assert_false(s->hooks_known);
  assert_true(oc_state_may_have_hooks(s, OC_HOOK_POSTSTART));
  assert_true(oc_state_may_have_hooks(s, OC_HOOK_POSTSTOP));
  oc_state_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_status_of_unfinished_creation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lookup_of_unfinished_creation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reconcile_releases_unfinished_creations, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hooks_recorded, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
