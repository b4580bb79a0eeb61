/* Unit tests: config.json parsing, name tables, `spec`. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oci/config.h"
#include "oci/names.h"
#include "oci/spec.h"
#include "runtime/commands.h"
#include "tests/unit/helpers.h"

/* ---- helpers ---- */

static char fixture_path[PATH_MAX];

static int setup_fixture(void **state) {
  (void)state;
  return find_fixture("full.json", fixture_path, sizeof fixture_path);
}

static struct oc_config *parse_ok(const char *json) {
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  int r = oc_config_parse(json, strlen(json), &c, &e);
  if (r < 0) fail_msg("unexpected error for %s: %s", json, e.msg);
  assert_non_null(c);
  return c;
}

/* Parse must fail with a one-line message containing want. */
static void parse_fails(const char *json, const char *want) {
  struct oc_err e = {0};
  struct oc_config *c = (struct oc_config *)0x1;
  int r = oc_config_parse(json, strlen(json), &c, &e);
  if (r >= 0) fail_msg("expected an error for %s", json);
  assert_null(c);
  if (!strstr(e.msg, want)) fail_msg("error \"%s\" lacks \"%s\"", e.msg, want);
  assert_null(strchr(e.msg, '\n'));
}

/* Build {"ociVersion":"1.0.0", <body>} */
static char *cfg(const char *body) {
  char *s = NULL;
  assert_true(asprintf(&s, "{\"ociVersion\": \"1.0.0\"%s%s}", body[0] ? ", " : "", body) > 0);
  return s;
}

static void cfg_fails(const char *body, const char *want) {
  char *s = cfg(body);
  parse_fails(s, want);
  free(s);
}

static struct oc_config *cfg_ok(const char *body) {
  char *s = cfg(body);
  struct oc_config *c = parse_ok(s);
  free(s);
  return c;
}

/* ---- full fixture ---- */

static void test_full_process(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  if (oc_config_load(fixture_path, &c, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(c->oci_version, "1.3.0");
  assert_true(c->has_process);
  struct oc_process *p = &c->process;
  assert_true(p->terminal);
  assert_true(p->console_height.set);
  assert_int_equal(p->console_height.v, 25);
  assert_int_equal(p->console_width.v, 80);
  assert_int_equal(p->user.uid, 1000);
  assert_int_equal(p->user.gid, 1001);
  assert_true(p->user.umask.set);
  assert_int_equal(p->user.umask.v, 18);
  assert_int_equal(p->user.n_additional_gids, 2);
  assert_int_equal(p->user.additional_gids[0], 5);
  assert_int_equal(p->user.additional_gids[1], UINT32_MAX);
  assert_string_equal(p->user.username, "alice");
  assert_int_equal(p->args.n, 3);
  assert_string_equal(p->args.v[2], "echo hi");
  assert_null(p->args.v[3]);
  assert_string_equal(p->command_line, "sh -c echo");
  assert_int_equal(p->env.n, 2);
  assert_string_equal(p->env.v[1], "TERM=xterm");
  assert_null(p->env.v[2]);
  assert_string_equal(p->cwd, "/work");
  assert_true(p->caps.set);
  assert_int_equal(p->caps.bounding, (1ull << 0) | (1ull << 5) | (1ull << 40));
  assert_int_equal(p->caps.effective, 1ull << 5);
  assert_int_equal(p->caps.inheritable, 0);
  assert_int_equal(p->caps.permitted, (1ull << 5) | (1ull << 21));
  assert_int_equal(p->caps.ambient, 1ull << 10);
  assert_int_equal(p->n_rlimits, 2);
  assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal(p->rlimits[0].hard, 1024);
  assert_int_equal(p->rlimits[0].soft, 512);
  assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
  assert_true(p->rlimits[1].hard == UINT64_MAX);
  assert_true(p->no_new_privileges);
  assert_true(p->oom_score_adj.set);
  assert_int_equal(p->oom_score_adj.v, -500);
  assert_string_equal(p->apparmor_profile, "ocrun-default");
  assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0");
  assert_true(p->scheduler.set);
  assert_int_equal(p->scheduler.policy, 6 /* SCHED_DEADLINE */);
  assert_int_equal(p->scheduler.nice, -5);
  assert_int_equal(p->scheduler.priority, 10);
  assert_int_equal(p->scheduler.flags, 0x01 | 0x40);
  assert_int_equal(p->scheduler.runtime, 10000000);
  assert_int_equal(p->scheduler.deadline, 20000000);
  assert_int_equal(p->scheduler.period, 30000000);
  assert_true(p->io_priority.set);
  assert_int_equal(p->io_priority.ioclass, 2 /* IOPRIO_CLASS_BE */);
  assert_int_equal(p->io_priority.priority, 4);
  assert_string_equal(p->exec_cpu_affinity_initial, "0-1");
  assert_string_equal(p->exec_cpu_affinity_final, "1,3");
  oc_config_free(c);
}

static void test_full_top_level(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  if (oc_config_load(fixture_path, &c, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(c->root.path, "rootfs");
  assert_true(c->root.readonly);
  assert_string_equal(c->hostname, "box");
  assert_string_equal(c->domainname, "example.org");
  assert_int_equal(c->n_mounts, 2);
  assert_string_equal(c->mounts[0].destination, "/proc");
  assert_string_equal(c->mounts[0].type, "proc");
  assert_string_equal(c->mounts[0].source, "proc");
  assert_int_equal(c->mounts[0].options.n, 0);
  assert_null(c->mounts[1].type);
  assert_string_equal(c->mounts[1].source, "/srv/data");
  assert_int_equal(c->mounts[1].options.n, 2);
  assert_string_equal(c->mounts[1].options.v[0], "rbind");
  assert_null(c->mounts[1].options.v[2]);
  assert_int_equal(c->mounts[1].uid_mappings.n, 1);
  assert_int_equal(c->mounts[1].uid_mappings.v[0].host_id, 100000);
  assert_int_equal(c->mounts[1].uid_mappings.v[0].size, 65536);
  assert_int_equal(c->mounts[1].gid_mappings.v[0].host_id, 200000);
  /* hooks */
  struct oc_hooks *h = c->hooks;
  assert_int_equal(h[OC_HOOK_PRESTART].n, 1);
  assert_string_equal(h[OC_HOOK_PRESTART].v[0].path, "/bin/pre");
  assert_int_equal(h[OC_HOOK_PRESTART].v[0].args.n, 2);
  assert_string_equal(h[OC_HOOK_PRESTART].v[0].env.v[0], "A=1");
  assert_true(h[OC_HOOK_PRESTART].v[0].timeout.set);
  assert_int_equal(h[OC_HOOK_PRESTART].v[0].timeout.v, 5);
  assert_int_equal(h[OC_HOOK_CREATE_RUNTIME].n, 2);
  assert_string_equal(h[OC_HOOK_CREATE_RUNTIME].v[1].path, "/bin/cr2");
  assert_false(h[OC_HOOK_CREATE_RUNTIME].v[1].timeout.set);
  assert_string_equal(h[OC_HOOK_CREATE_CONTAINER].v[0].path, "/bin/cc");
  assert_string_equal(h[OC_HOOK_START_CONTAINER].v[0].path, "/bin/sc");
  assert_string_equal(h[OC_HOOK_POSTSTART].v[0].path, "/bin/ps");
  assert_int_equal(h[OC_HOOK_POSTSTOP].v[0].timeout.v, 30);
  /* annotations */
  assert_int_equal(c->annotations.n, 2);
  assert_string_equal(c->annotations.v[0].key, "org.example.key");
  assert_string_equal(c->annotations.v[0].value, "value");
  assert_string_equal(c->annotations.v[1].value, "");
  oc_config_free(c);
}

static void test_full_linux(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  if (oc_config_load(fixture_path, &c, &e) < 0) fail_msg("%s", e.msg);
  assert_int_equal(c->n_namespaces, 8);
  for (int t = 0; t < OC_NS_COUNT; t++) assert_non_null(oc_config_ns(c, (enum oc_ns_type)t));
  assert_int_equal(c->namespaces[1].type, OC_NS_NET);
  assert_string_equal(c->namespaces[1].path, "/var/run/netns/x");
  assert_null(oc_config_ns(c, OC_NS_PID)->path);
  assert_int_equal(c->uid_mappings.n, 2);
  assert_int_equal(c->uid_mappings.v[1].container_id, 1);
  assert_int_equal(c->uid_mappings.v[1].host_id, 100000);
  assert_int_equal(c->uid_mappings.v[1].size, 65535);
  assert_int_equal(c->gid_mappings.n, 1);
  assert_int_equal(c->gid_mappings.v[0].host_id, 1001);
  assert_int_equal(c->n_time_offsets, 2);
  assert_int_equal(c->time_offsets[0].clock, CLOCK_MONOTONIC);
  assert_int_equal(c->time_offsets[0].secs, -3600);
  assert_int_equal(c->time_offsets[0].nanosecs, 5);
  assert_int_equal(c->time_offsets[1].clock, CLOCK_BOOTTIME);
  assert_int_equal(c->time_offsets[1].secs, 86400);
  assert_int_equal(c->n_devices, 2);
  assert_int_equal(c->devices[0].type, 'c');
  assert_string_equal(c->devices[0].path, "/dev/fuse");
  assert_int_equal(c->devices[0].major, 10);
  assert_int_equal(c->devices[0].minor, 229);
  assert_true(c->devices[0].file_mode.set);
  assert_int_equal(c->devices[0].file_mode.v, 0666);
  assert_true(c->devices[0].uid.set);
  assert_true(c->devices[0].gid.set);
  assert_int_equal(c->devices[1].type, 'p');
  assert_false(c->devices[1].uid.set);
  assert_string_equal(c->cgroups_path, "/ocrun-test/full");
  assert_string_equal(c->rootfs_propagation, "rslave");
  assert_int_equal(c->masked_paths.n, 2);
  assert_null(c->masked_paths.v[2]);
  assert_string_equal(c->readonly_paths.v[0], "/proc/sys");
  assert_string_equal(c->mount_label, "system_u:object_r:container_file_t:s0");
  assert_int_equal(c->sysctl.n, 2);
  assert_string_equal(c->sysctl.v[0].key, "net.ipv4.ip_forward");
  assert_string_equal(c->sysctl.v[0].value, "1");
  assert_true(c->personality_domain.set);
  assert_int_equal(c->personality_domain.v, 0x0008);
  assert_true(c->personality_flags.set);
  assert_int_equal(c->personality_flags.v, 0x0040000);
  assert_string_equal(c->intel_rdt.clos_id, "guaranteed_group");
  oc_config_free(c);
}

static void test_full_resources(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  if (oc_config_load(fixture_path, &c, &e) < 0) fail_msg("%s", e.msg);
  assert_true(c->has_resources);
  struct oc_resources *r = &c->resources;
  assert_int_equal(r->n_devices, 2);
  assert_false(r->devices[0].allow);
  assert_int_equal(r->devices[0].type, 0);
  assert_false(r->devices[0].major.set);
  assert_string_equal(r->devices[0].access, "rwm");
  assert_true(r->devices[1].allow);
  assert_int_equal(r->devices[1].type, 'c');
  assert_true(r->devices[1].major.set);
  assert_int_equal(r->devices[1].major.v, 10);
  assert_false(r->devices[1].minor.set); /* -1 = wildcard */
  assert_string_equal(r->devices[1].access, "rw");
  assert_int_equal(r->memory.limit.v, 536870912);
  assert_int_equal(r->memory.reservation.v, 268435456);
  assert_true(r->memory.swap.set);
  assert_int_equal(r->memory.swap.v, -1);
  assert_true(r->memory.kernel.set);
  assert_int_equal(r->memory.kernel.v, 0);
  assert_int_equal(r->memory.kernel_tcp.v, 1048576);
  assert_int_equal(r->memory.swappiness.v, 60);
  assert_true(r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v);
  assert_true(r->memory.use_hierarchy.set && !r->memory.use_hierarchy.v);
  assert_true(r->memory.check_before_update.set && r->memory.check_before_update.v);
  assert_int_equal(r->cpu.shares.v, 1024);
  assert_int_equal(r->cpu.quota.v, 50000);
  assert_int_equal(r->cpu.burst.v, 1000);
  assert_int_equal(r->cpu.period.v, 100000);
  assert_int_equal(r->cpu.realtime_runtime.v, 950000);
  assert_int_equal(r->cpu.realtime_period.v, 1000000);
  assert_string_equal(r->cpu.cpus, "0-1");
  assert_string_equal(r->cpu.mems, "0");
  assert_true(r->cpu.idle.set);
  assert_int_equal(r->cpu.idle.v, 1);
  assert_true(r->pids.limit.set);
  assert_int_equal(r->pids.limit.v, 2048);
  assert_int_equal(r->block_io.weight.v, 500);
  assert_int_equal(r->block_io.leaf_weight.v, 300);
  assert_int_equal(r->block_io.n_weight_devices, 2);
  assert_int_equal(r->block_io.weight_devices[0].major, 8);
  assert_int_equal(r->block_io.weight_devices[0].weight.v, 600);
  assert_int_equal(r->block_io.weight_devices[0].leaf_weight.v, 200);
  assert_int_equal(r->block_io.weight_devices[1].minor, 16);
  assert_false(r->block_io.weight_devices[1].weight.set);
  assert_int_equal(r->block_io.read_bps.n, 1);
  assert_true(r->block_io.read_bps.v[0].rate == UINT64_MAX);
  assert_int_equal(r->block_io.write_bps.v[0].rate, 2097152);
  assert_int_equal(r->block_io.read_iops.v[0].rate, 1000);
  assert_int_equal(r->block_io.write_iops.v[0].rate, 500);
  assert_int_equal(r->n_hugepage_limits, 1);
  assert_string_equal(r->hugepage_limits[0].page_size, "2MB");
  assert_int_equal(r->hugepage_limits[0].limit, 209715200);
  assert_int_equal(r->network.class_id.v, 1048577);
  assert_int_equal(r->network.n_priorities, 1);
  assert_string_equal(r->network.priorities[0].name, "eth0");
  assert_int_equal(r->network.priorities[0].priority, 500);
  assert_int_equal(r->n_rdma, 1);
  assert_string_equal(r->rdma[0].device, "mlx5_1");
  assert_int_equal(r->rdma[0].hca_handles.v, 3);
  assert_int_equal(r->rdma[0].hca_objects.v, 10000);
  assert_int_equal(r->unified.n, 2);
  assert_string_equal(r->unified.v[1].key, "io.weight");
  assert_string_equal(r->unified.v[1].value, "default 100");
  oc_config_free(c);
}

static void test_full_seccomp(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  if (oc_config_load(fixture_path, &c, &e) < 0) fail_msg("%s", e.msg);
  struct oc_seccomp *s = &c->seccomp;
  assert_true(s->set);
  assert_int_equal(s->default_action, OC_SCMP_ERRNO);
  assert_true(s->default_errno_ret.set);
  assert_int_equal(s->default_errno_ret.v, 38);
  assert_int_equal(s->architectures.n, 2);
  assert_string_equal(s->architectures.v[1], "SCMP_ARCH_X86");
  assert_string_equal(s->flags.v[0], "SECCOMP_FILTER_FLAG_LOG");
  assert_string_equal(s->listener_path, "/run/seccomp-agent.sock");
  assert_string_equal(s->listener_metadata, "meta");
  assert_int_equal(s->n_syscalls, 4);
  assert_int_equal(s->syscalls[0].names.n, 2);
  assert_string_equal(s->syscalls[0].names.v[1], "write");
  assert_int_equal(s->syscalls[0].action, OC_SCMP_ALLOW);
  assert_false(s->syscalls[0].errno_ret.set);
  assert_int_equal(s->syscalls[1].n_args, 2);
  assert_int_equal(s->syscalls[1].args[0].index, 0);
  assert_int_equal(s->syscalls[1].args[0].value, 8);
  assert_int_equal(s->syscalls[1].args[0].op, OC_SCMP_EQ);
  assert_int_equal(s->syscalls[1].args[1].index, 1);
  assert_true(s->syscalls[1].args[1].value_two == UINT64_MAX);
  assert_int_equal(s->syscalls[1].args[1].op, OC_SCMP_MASKED_EQ);
  assert_int_equal(s->syscalls[2].action, OC_SCMP_ERRNO);
  assert_true(s->syscalls[2].errno_ret.set);
  assert_int_equal(s->syscalls[2].errno_ret.v, 1);
  assert_int_equal(s->syscalls[3].action, OC_SCMP_NOTIFY);
  oc_config_free(c);
}

/* ---- small configs ---- */

static void test_minimal(void **state) {
  (void)state;
  struct oc_config *c = parse_ok("{\"ociVersion\": \"1.0.0\"}");
  assert_false(c->has_process);
  assert_false(c->has_resources);
  assert_false(c->seccomp.set);
  assert_int_equal(c->n_namespaces, 0);
  assert_null(c->root.path);
  assert_null(c->rootfs_propagation);
  oc_config_free(c);
  /* nulls count as absent; unknown keys are ignored */
  c = cfg_ok("\"hostname\": null, \"future\": {\"x\": [1]}, \"process\": {\"args\": [\"sh\"], "
             "\"new\": 1}, \"linux\": {\"whatever\": true}, \"hooks\": {\"other\": 5}");
  assert_null(c->hostname);
  assert_true(c->has_process);
  assert_int_equal(c->process.args.n, 1);
  oc_config_free(c);
}

static void test_bad_json(void **state) {
  (void)state;
  parse_fails("", "invalid JSON");
  parse_fails("{\"ociVersion\": \"1.0.0\",}", "invalid JSON: parse error");
  parse_fails("{\"ociVersion\": \"1.0.0\"", "premature EOF");
  parse_fails("{\"ociVersion\": \"1.0.0\"} x", "trailing garbage");
  parse_fails("{\"ociVersion\": \"1.0.0\", x}", "invalid char in json text");
  parse_fails("{\"ociVersion\": \"1.0.0\",\n\n \"a\": \"\xff\"}", "invalid bytes in UTF8");
  parse_fails("[1, 2]", "expected a JSON object");
  parse_fails("{\"ociVersion\": \"1.0.0\", \"hostname\": \"a\\u0000b\"}", "\\u0000");
  static const char nul[] = "{\"ociVersion\": \"1.0.0\"\0}";
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  assert_true(oc_config_parse(nul, sizeof nul - 1, &c, &e) < 0);
  assert_non_null(strstr(e.msg, "NUL byte"));
}

static void test_limits(void **state) {
  (void)state;
  /* nesting is bounded before yajl sees it (yajl_tree_free recurses) */
  size_t depth = 100000;
  char *deep = malloc(2 * depth + 1);
  assert_non_null(deep);
  memset(deep, '[', depth);
  memset(deep + depth, ']', depth);
  deep[2 * depth] = '\0';
  parse_fails(deep, "nested deeper than");
  free(deep);
  /* a bracket inside a comment or a string does not count */
  struct oc_config *c = cfg_ok("/* [[[[ \" */ \"hostname\": \"[[[[{{{{\"");
  assert_string_equal(c->hostname, "[[[[{{{{");
  oc_config_free(c);
  /* size */
  size_t big = (16u << 20) + 1;
  char *huge = malloc(big + 1);
  assert_non_null(huge);
  memset(huge, ' ', big);
  memcpy(huge, "{\"ociVersion\": \"1.0.0\"}", 23);
  huge[big] = '\0';
  parse_fails(huge, "too large");
  free(huge);
}

static void test_version(void **state) {
  (void)state;
  parse_fails("{\"ociVersion\": \"2.0.0\"}", "unsupported ociVersion \"2.0.0\"");
  parse_fails("{\"ociVersion\": \"0.9.0\"}", "unsupported ociVersion \"0.9.0\"");
  parse_fails("{\"ociVersion\": \"11.0.0\"}", "unsupported ociVersion");
  parse_fails("{\"ociVersion\": \"\"}", "unsupported ociVersion \"\"");
  parse_fails("{\"hostname\": \"x\"}", "ociVersion: required");
  parse_fails("{\"ociVersion\": 1}", "ociVersion: expected a string");
  const char *ok[] = {"1.0.0", "1.3.0", "1.0.2-dev", "1.0.0-rc5", "1.2.1+build.7"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char json[64];
    snprintf(json, sizeof json, "{\"ociVersion\": \"%s\"}", ok[i]);
    struct oc_config *c = parse_ok(json);
    assert_string_equal(c->oci_version, ok[i]);
    oc_config_free(c);
  }
}

static void test_wrong_types(void **state) {
  (void)state;
  static const struct { const char *body, *want; } cases[] = {
    {"\"process\": {\"args\": \"sh\"}", "process.args: expected an array of strings"},
    {"\"process\": {\"args\": [\"sh\", 1]}", "process.args: expected an array of strings"},
    {"\"process\": []", "process: expected an object"},
    {"\"process\": {\"terminal\": \"yes\"}", "process.terminal: expected a boolean"},
    {"\"process\": {\"user\": {\"uid\": \"0\"}}", "process.user.uid: expected an integer"},
    {"\"process\": {\"user\": {\"uid\": 1.5}}", "process.user.uid: expected an integer"},
    {"\"process\": {\"user\": {\"uid\": 1e3}}", "process.user.uid: expected an integer"},
    {"\"process\": {\"cwd\": 7}", "process.cwd: expected a string"},
    {"\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1}]}",
     "process.rlimits[0].soft: required"},
    {"\"process\": {\"consoleSize\": {\"height\": 70000}}", "process.consoleSize.height: 70000 is out of range"},
    {"\"process\": {\"oomScoreAdj\": 1001}", "process.oomScoreAdj: 1001 is out of range"},
    {"\"process\": {\"scheduler\": {\"nice\": 1}}", "process.scheduler.policy: required"},
    {"\"process\": {\"scheduler\": {\"policy\": \"SCHED_FOO\"}}", "process.scheduler.policy: unknown policy"},
    {"\"process\": {\"scheduler\": {\"policy\": \"SCHED_RR\", \"flags\": [\"X\"]}}", "process.scheduler.flags: unknown flag \"X\""},
    {"\"process\": {\"ioPriority\": {\"class\": \"IOPRIO_CLASS_XX\"}}", "process.ioPriority.class: unknown class"},
    {"\"process\": {\"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": 8}}", "process.ioPriority.priority: 8 is out of range"},
    {"\"root\": {\"path\": \"rootfs\", \"readonly\": \"yes\"}", "root.readonly: expected a boolean"},
    {"\"root\": {\"readonly\": true}", "root.path: required"},
    {"\"hostname\": 5", "hostname: expected a string"},
    {"\"mounts\": {}", "mounts: expected an array"},
    {"\"mounts\": [{\"destination\": \"/a\"}, {\"type\": \"tmpfs\"}]", "mounts[1].destination: required"},
    {"\"mounts\": [{\"destination\": \"/a\", \"options\": \"ro\"}]", "mounts[0].options: expected an array of strings"},
    {"\"mounts\": [{\"destination\": \"/a\", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1}]}]", "mounts[0].uidMappings[0].size: required"},
    {"\"hooks\": {\"prestart\": [{\"path\": \"/x\", \"timeout\": 0}]}", "hooks.prestart[0].timeout: 0 is out of range"},
    {"\"hooks\": {\"poststop\": [{\"args\": []}]}", "hooks.poststop[0].path: required"},
    {"\"annotations\": {\"a\": 1}", "annotations.a: expected a string"},
    {"\"linux\": \"x\"", "linux: expected an object"},
    {"\"linux\": {\"resources\": {\"memory\": {\"limit\": \"1G\"}}}", "linux.resources.memory.limit: expected an integer"},
    {"\"linux\": {\"resources\": {\"memory\": {\"limit\": -2}}}", "linux.resources.memory.limit: -2 is out of range"},
    {"\"linux\": {\"resources\": {\"cpu\": {\"cpus\": 3}}}", "linux.resources.cpu.cpus: expected a string"},
    {"\"linux\": {\"resources\": {\"devices\": [{\"access\": \"r\"}]}}", "linux.resources.devices[0].allow: required"},
    {"\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rx\"}]}}", "linux.resources.devices[0].access: must be"},
    {"\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rr\"}]}}", "linux.resources.devices[0].access: must be"},
    {"\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"type\": \"x\"}]}}", "linux.resources.devices[0].type: must be"},
    {"\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 70000}}}", "linux.resources.blockIO.weight: 70000 is out of range"},
    {"\"linux\": {\"resources\": {\"hugepageLimits\": [{\"limit\": 1}]}}", "linux.resources.hugepageLimits[0].pageSize: required"},
    {"\"linux\": {\"resources\": {\"rdma\": {\"mlx\": 1}}}", "linux.resources.rdma.mlx: expected an object"},
    {"\"linux\": {\"resources\": {\"unified\": {\"memory.max\": 5}}}", "linux.resources.unified.memory.max: expected a string"},
    {"\"linux\": {\"resources\": {\"network\": {\"priorities\": [{\"name\": \"eth0\"}]}}}", "linux.resources.network.priorities[0].priority: required"},
    {"\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": -1, \"size\": 1}]}", "linux.uidMappings[0].hostID: -1 is out of range"},
    {"\"linux\": {\"timeOffsets\": {\"realtime\": {\"secs\": 1}}}", "linux.timeOffsets: unknown clock \"realtime\""},
    {"\"linux\": {\"timeOffsets\": {\"boottime\": {\"nanosecs\": 1000000000}}}", "linux.timeOffsets.boottime.nanosecs: 1000000000 is out of range"},
    {"\"linux\": {\"devices\": [{\"type\": \"x\", \"path\": \"/dev/x\"}]}", "linux.devices[0].type: must be c, b, u or p"},
    {"\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", \"major\": 1}]}", "linux.devices[0].minor: required"},
    {"\"linux\": {\"rootfsPropagation\": \"sideways\"}", "linux.rootfsPropagation: unknown propagation"},
    {"\"linux\": {\"sysctl\": [\"a\"]}", "linux.sysctl: expected an object of strings"},
    {"\"linux\": {\"maskedPaths\": [1]}", "linux.maskedPaths: expected an array of strings"},
    {"\"linux\": {\"seccomp\": {\"syscalls\": []}}", "linux.seccomp.defaultAction: required"},
    {"\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_NOPE\"}}", "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\""},
    {"\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_XX\"}]}]}}",
     "linux.seccomp.syscalls[0].args[0].op: unknown operator"},
    {"\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}}",
     "linux.seccomp.syscalls[0].args[0].index: 6 is out of range"},
    {"\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}}",
     "linux.seccomp.syscalls[0].names: must not be empty"},
    {"\"linux\": {\"personality\": {\"domain\": \"LINUX64\"}}", "linux.personality.domain: unknown domain"},
    {"\"linux\": {\"personality\": {\"domain\": \"LINUX\", \"flags\": [\"NOPE\"]}}", "linux.personality.flags: unknown flag"},
    {"\"linux\": {\"intelRdt\": {\"closID\": 1}}", "linux.intelRdt.closID: expected a string"},
    {"\"linux\": {\"memoryPolicy\": {\"nodes\": \"0\"}}", "linux.memoryPolicy.mode: required"},
    {"\"linux\": {\"netDevices\": {\"eth0\": 1}}", "linux.netDevices.eth0: expected an object"},
    {"\"linux\": {\"netDevices\": {\"eth0\": {\"name\": 7}}}", "linux.netDevices.eth0.name: expected a string"},
    {"\"linux\": {\"netDevices\": {\"a/b\": {}}}", "linux.netDevices: \"a/b\" is not a network device name"},
    {"\"linux\": {\"netDevices\": {\"eth%d\": {}}}", "linux.netDevices: \"eth%d\" is not a network device name"},
    {"\"linux\": {\"netDevices\": {\"eth0\": {\"name\": \"a-name-of-16-chr\"}}}", "linux.netDevices.eth0.name: \"a-name-of-16-chr\" is not a network device name"},
    {"\"linux\": {\"netDevices\": {\"eth0\": {\"name\": \"..\"}}}", "linux.netDevices.eth0.name: \"..\" is not a network device name"},
    {"\"linux\": {\"netDevices\": {\"eth0\": {}, \"eth1\": {\"name\": \"eth0\"}}}", "linux.netDevices.eth1: two devices would be named \"eth0\""},
    {"\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_NOPE\"}}", "linux.memoryPolicy.mode: unknown mode \"MPOL_NOPE\""},
    {"\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_BIND\"}}", "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node"},
    {"\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_DEFAULT\", \"nodes\": \"1\"}}", "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes"},
    {"\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"3-1\"}}", "linux.memoryPolicy.nodes: invalid node list \"3-1\""},
    {"\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"1024\"}}", "linux.memoryPolicy.nodes: invalid node list \"1024\""},
    {"\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\", \"flags\": [\"MPOL_F_X\"]}}", "linux.memoryPolicy.flags: unknown flag \"MPOL_F_X\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) cfg_fails(cases[i].body, cases[i].want);
}

static void test_memory_policy(void **state) {
  (void)state;
  struct oc_config *c = cfg_ok("\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_INTERLEAVE\", \"nodes\": \"0-2,65,1023\", "
                               "\"flags\": [\"MPOL_F_STATIC_NODES\", \"MPOL_F_NUMA_BALANCING\"]}}");
  const struct oc_memory_policy *mp = &c->memory_policy;
  assert_true(mp->set);
  assert_int_equal(mp->mode, 3);
  assert_int_equal(mp->flags, (1 << 15) | (1 << 13));
  assert_true(mp->nodemask[0] == 0x7);
  assert_true(mp->nodemask[1] == 0x2);
  assert_true(mp->nodemask[15] == 1UL << 63);
  assert_string_equal(mp->nodes, "0-2,65,1023");
  oc_config_free(c);
  c = cfg_ok("\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_PREFERRED\"}}");
  assert_true(c->memory_policy.set);
  assert_int_equal(c->memory_policy.mode, 1);
  oc_config_free(c);
}

static void test_net_devices(void **state) {
  (void)state;
  struct oc_config *c = cfg_ok("\"linux\": {\"netDevices\": {\"eth0\": {\"name\": \"ctr%d\"}, \"ens3\": {}}}");
  assert_int_equal(c->n_net_devices, 2);
  assert_string_equal(c->net_devices[0].host_name, "eth0");
  assert_string_equal(c->net_devices[0].name, "ctr%d");
  assert_string_equal(c->net_devices[1].host_name, "ens3");
  assert_null(c->net_devices[1].name);
  oc_config_free(c);
}

static void test_integer_bounds(void **state) {
  (void)state;
  struct oc_config *c = cfg_ok("\"process\": {\"user\": {\"uid\": 4294967295, \"gid\": 0}}");
  assert_int_equal(c->process.user.uid, UINT32_MAX);
  oc_config_free(c);
  cfg_fails("\"process\": {\"user\": {\"uid\": 4294967296}}",
            "process.user.uid: 4294967296 is out of range (0..4294967295)");
  cfg_fails("\"process\": {\"user\": {\"uid\": -1}}", "process.user.uid: -1 is out of range");
  cfg_fails("\"process\": {\"user\": {\"gid\": 99999999999999999999999}}", "process.user.gid: 99999999999999999999999 is out of range");
  cfg_fails("\"process\": {\"user\": {\"additionalGids\": [1, -1]}}", "process.user.additionalGids[1]: -1 is out of range");
  cfg_fails("\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"hard\": 18446744073709551616, \"soft\": 1}]}",
            "process.rlimits[0].hard: 18446744073709551616 is out of range");

  c = cfg_ok("\"linux\": {\"resources\": {\"memory\": {\"limit\": -1, \"swap\": 18446744073709551615, "
             "\"reservation\": 9223372036854775807}, \"cpu\": {\"quota\": -9223372036854775808, "
             "\"shares\": 18446744073709551615}, \"pids\": {\"limit\": -1}, \"blockIO\": "
             "{\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 18446744073709551615}]}}}");
  struct oc_resources *r = &c->resources;
  assert_true(r->memory.limit.set);
  assert_int_equal(r->memory.limit.v, -1);
  assert_int_equal(r->memory.swap.v, -1); /* UINT64_MAX means unlimited too */
  assert_true(r->memory.reservation.v == INT64_MAX);
  assert_true(r->cpu.quota.v == INT64_MIN);
  assert_true(r->cpu.shares.v == UINT64_MAX);
  assert_int_equal(r->pids.limit.v, -1);
  assert_true(r->block_io.read_bps.v[0].rate == UINT64_MAX);
  oc_config_free(c);
  cfg_fails("\"linux\": {\"resources\": {\"memory\": {\"swap\": 18446744073709551614}}}",
            "linux.resources.memory.swap: 18446744073709551614 is out of range");
  cfg_fails("\"linux\": {\"resources\": {\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": -1}]}}}",
            "linux.resources.blockIO.throttleReadBpsDevice[0].rate: -1 is out of range");
  cfg_fails("\"linux\": {\"resources\": {\"cpu\": {\"quota\": 9223372036854775808}}}",
            "linux.resources.cpu.quota: 9223372036854775808 is out of range");
  cfg_fails("\"linux\": {\"resources\": {\"cpu\": {\"shares\": -0.0}}}", "linux.resources.cpu.shares: expected an integer");
}

static void test_namespaces(void **state) {
  (void)state;
  cfg_fails("\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"foo\"}]}",
            "linux.namespaces[1].type: unknown namespace type \"foo\"");
  cfg_fails("\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"pid\"}]}",
            "linux.namespaces: duplicate namespace type \"pid\"");
  cfg_fails("\"linux\": {\"namespaces\": [{\"path\": \"/x\"}]}", "linux.namespaces[0].type: required");
  cfg_fails("\"linux\": {\"namespaces\": [\"pid\"]}", "linux.namespaces[0]: expected an object");
  struct oc_config *c = cfg_ok("\"linux\": {\"namespaces\": [{\"type\": \"uts\"}, {\"type\": \"mount\", \"path\": \"/proc/1/ns/mnt\"}]}");
  assert_int_equal(c->n_namespaces, 2);
  assert_null(oc_config_ns(c, OC_NS_PID));
  assert_non_null(oc_config_ns(c, OC_NS_UTS));
  assert_string_equal(oc_config_ns(c, OC_NS_MOUNT)->path, "/proc/1/ns/mnt");
  oc_config_free(c);
}

static void test_capabilities(void **state) {
  (void)state;
  cfg_fails("\"process\": {\"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_FOO\"]}}",
            "process.capabilities.bounding: unknown capability \"CAP_FOO\"");
  cfg_fails("\"process\": {\"capabilities\": {\"ambient\": \"CAP_KILL\"}}",
            "process.capabilities.ambient: expected an array of strings");
  cfg_fails("\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_BOGUS\", \"hard\": 1, \"soft\": 1}]}",
            "process.rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\"");
  cfg_fails("\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"hard\": 1, \"soft\": 1}, "
            "{\"type\": \"RLIMIT_CPU\", \"hard\": 2, \"soft\": 2}]}",
            "process.rlimits[1].type: duplicate rlimit \"RLIMIT_CPU\"");
  struct oc_config *c = cfg_ok("\"process\": {\"capabilities\": {\"bounding\": [\"cap_sys_admin\", \"CAP_BPF\"]}}");
  assert_true(c->process.caps.set);
  assert_int_equal(c->process.caps.bounding, (1ull << 21) | (1ull << 39));
  assert_int_equal(c->process.caps.effective, 0);
  oc_config_free(c);
}

static void test_process_parse(void **state) {
  (void)state;
  const char *json = "{\"terminal\": false, \"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [0]},"
                     " \"args\": [\"/bin/ls\", \"-l\"], \"env\": [\"A=b\"], \"cwd\": \"/\","
                     " \"capabilities\": {\"effective\": [\"CAP_KILL\"]}, \"noNewPrivileges\": true}";
  struct oc_err e = {0};
  struct oc_process p;
  if (oc_process_parse(json, strlen(json), &p, &e) < 0) fail_msg("%s", e.msg);
  assert_int_equal(p.args.n, 2);
  assert_string_equal(p.args.v[1], "-l");
  assert_null(p.args.v[2]);
  assert_int_equal(p.user.n_additional_gids, 1);
  assert_int_equal(p.user.additional_gids[0], 0);
  assert_int_equal(p.caps.effective, 1ull << 5);
  assert_true(p.no_new_privileges);
  assert_false(p.terminal);
  oc_process_release(&p);
  assert_null(p.args.v);

  const char *bad = "{\"args\": [\"ls\"], \"user\": {\"uid\": -5}}";
  assert_true(oc_process_parse(bad, strlen(bad), &p, &e) < 0);
  assert_string_equal(e.msg, "process.user.uid: -5 is out of range (0..4294967295)");
  assert_null(p.args.v); /* released on error */
  const char *broken = "{\"args\": [";
  assert_true(oc_process_parse(broken, strlen(broken), &p, &e) < 0);
  assert_non_null(strstr(e.msg, "process: invalid JSON: parse error: premature EOF"));
}

static void test_resources_parse(void **state) {
  (void)state;
  const char *json = "{\"memory\":{\"limit\":134217728,\"swap\":268435456},\"cpu\":{\"shares\":256}}";
  struct oc_err e = {0};
  struct oc_resources r;
  if (oc_resources_parse(json, strlen(json), &r, &e) < 0) fail_msg("%s", e.msg);
  assert_int_equal(r.memory.limit.v, 134217728);
  assert_int_equal(r.memory.swap.v, 268435456);
  assert_int_equal(r.cpu.shares.v, 256);
  assert_false(r.cpu.quota.set);
  assert_false(r.pids.limit.set);
  oc_resources_release(&r);

  const char *bad = "{\"memory\":{\"limit\":\"big\"}}";
  assert_true(oc_resources_parse(bad, strlen(bad), &r, &e) < 0);
  assert_string_equal(e.msg, "memory.limit: expected an integer");
  const char *broken = "{\"memory\":";
  assert_true(oc_resources_parse(broken, strlen(broken), &r, &e) < 0);
  assert_non_null(strstr(e.msg, "resources: invalid JSON"));
  assert_null(strchr(e.msg, '\n'));
}

static void test_name_tables(void **state) {
  (void)state;
  assert_int_equal(oc_cap_last(), 40);
  for (int i = 0; i <= oc_cap_last(); i++) {
    const char *n = oc_cap_name(i);
    assert_non_null(n);
    assert_int_equal(oc_cap_from_name(n), i);
  }
  assert_int_equal(oc_cap_from_name("CAP_SYS_ADMIN"), 21);
  assert_int_equal(oc_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
  assert_int_equal(oc_cap_from_name("CAP_NOPE"), -1);
  assert_int_equal(oc_cap_from_name(""), -1);
  assert_null(oc_cap_name(41));
  assert_null(oc_cap_name(-1));

  int seen = 0;
  for (int i = 0; i < 64; i++) {
    const char *n = oc_rlimit_name(i);
    if (!n) continue;
    seen++;
    assert_int_equal(oc_rlimit_from_name(n), i);
  }
  assert_int_equal(seen, 16);
  assert_int_equal(oc_rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
  assert_int_equal(oc_rlimit_from_name("NOFILE"), -1);

  static const int flags[OC_NS_COUNT] = {CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWIPC,
                                         CLONE_NEWUTS, CLONE_NEWUSER, CLONE_NEWCGROUP, 0x80};
  for (int t = 0; t < OC_NS_COUNT; t++) {
    assert_int_equal(oc_ns_type_from_name(oc_ns_type_name((enum oc_ns_type)t)), t);
    assert_int_equal(oc_ns_clone_flag((enum oc_ns_type)t), flags[t]);
  }
  assert_string_equal(oc_ns_type_name(OC_NS_NET), "network");
  assert_null(oc_ns_type_name(OC_NS_COUNT));
  assert_int_equal(oc_ns_type_from_name("net"), -1);

  static const char *const hooks[OC_HOOK_COUNT] = {"prestart", "createRuntime", "createContainer",
                                                   "startContainer", "poststart", "poststop"};
  for (int k = 0; k < OC_HOOK_COUNT; k++)
    assert_string_equal(oc_hook_kind_name((enum oc_hook_kind)k), hooks[k]);
  assert_null(oc_hook_kind_name(OC_HOOK_COUNT));

  for (int a = 0; a <= OC_SCMP_NOTIFY; a++)
    assert_int_equal(oc_seccomp_action_from_name(oc_seccomp_action_name(a)), a);
  for (int o = 0; o <= OC_SCMP_MASKED_EQ; o++)
    assert_int_equal(oc_seccomp_op_from_name(oc_seccomp_op_name(o)), o);
  for (int p = 0; p <= 6; p++) assert_int_equal(oc_sched_policy_from_name(oc_sched_policy_name(p)), p);
  assert_int_equal(oc_sched_policy_from_name("SCHED_ISO"), 4);
  for (int b = 0; b < 7; b++)
    assert_int_equal(oc_sched_flag_from_name(oc_sched_flag_name(b)), 1 << b);
  for (int cl = 1; cl <= 3; cl++)
    assert_int_equal(oc_ioprio_class_from_name(oc_ioprio_class_name(cl)), cl);
  assert_null(oc_ioprio_class_name(0));
}

static void check_spec(bool rootless) {
  struct oc_err e = {0};
  char *json = oc_spec_default_json(rootless, &e);
  if (!json) fail_msg("%s", e.msg);
  assert_non_null(strstr(json, "\n\t\"ociVersion\": \"" OC_SPEC_VERSION "\""));
  struct oc_config *c = NULL;
  if (oc_config_parse(json, strlen(json), &c, &e) < 0) fail_msg("%s", e.msg);
  free(json);
  assert_string_equal(c->oci_version, OC_SPEC_VERSION);
  assert_true(c->has_process);
  assert_true(c->process.terminal);
  assert_int_equal(c->process.args.n, 1);
  assert_string_equal(c->process.args.v[0], "sh");
  assert_string_equal(c->process.cwd, "/");
  assert_int_equal(__builtin_popcountll(c->process.caps.bounding), 14);
  assert_int_equal(c->process.caps.bounding, c->process.caps.effective);
  assert_int_equal(c->process.caps.bounding, c->process.caps.permitted);
  assert_int_equal(c->process.caps.inheritable, 0);
  assert_true(c->process.caps.bounding & (1ull << 29)); /* CAP_AUDIT_WRITE */
  assert_int_equal(c->process.n_rlimits, 1);
  assert_int_equal(c->process.rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal(c->process.rlimits[0].soft, 1024);
  assert_true(c->process.no_new_privileges);
  assert_string_equal(c->root.path, "rootfs");
  assert_true(c->root.readonly);
  assert_string_equal(c->hostname, "ocrun");
  assert_int_equal(c->n_mounts, 7);
  assert_string_equal(c->mounts[6].destination, "/sys/fs/cgroup");
  assert_string_equal(c->mounts[6].options.v[c->mounts[6].options.n - 1], "ro");
  assert_int_equal(c->masked_paths.n, 11);
  assert_int_equal(c->readonly_paths.n, 5);
  assert_non_null(oc_config_ns(c, OC_NS_PID));
  assert_non_null(oc_config_ns(c, OC_NS_IPC));
  assert_non_null(oc_config_ns(c, OC_NS_UTS));
  assert_non_null(oc_config_ns(c, OC_NS_MOUNT));
  assert_non_null(oc_config_ns(c, OC_NS_CGROUP));
  const struct oc_mount *sys = &c->mounts[5], *pts = &c->mounts[2];
  assert_string_equal(sys->destination, "/sys");
  if (rootless) {
    assert_non_null(oc_config_ns(c, OC_NS_USER));
    assert_null(oc_config_ns(c, OC_NS_NET));
    assert_int_equal(c->uid_mappings.n, 1);
    assert_int_equal(c->uid_mappings.v[0].host_id, geteuid());
    assert_int_equal(c->uid_mappings.v[0].container_id, 0);
    assert_int_equal(c->uid_mappings.v[0].size, 1);
    assert_int_equal(c->gid_mappings.v[0].host_id, getegid());
    assert_string_equal(sys->type, "none");
    assert_string_equal(sys->options.v[0], "rbind");
    for (size_t i = 0; i < pts->options.n; i++) assert_string_not_equal(pts->options.v[i], "gid=5");
    assert_false(c->has_resources);
  } else {
    assert_null(oc_config_ns(c, OC_NS_USER));
    assert_non_null(oc_config_ns(c, OC_NS_NET));
    assert_int_equal(c->uid_mappings.n, 0);
    assert_string_equal(sys->type, "sysfs");
    assert_string_equal(pts->options.v[pts->options.n - 1], "gid=5");
    assert_true(c->has_resources);
    assert_int_equal(c->resources.n_devices, 1);
    assert_false(c->resources.devices[0].allow);
    assert_string_equal(c->resources.devices[0].access, "rwm");
  }
  oc_config_free(c);
}

static void test_spec(void **state) {
  (void)state;
  check_spec(false);
  check_spec(true);
}

static void test_cmd_spec(void **state) {
  (void)state;
  char dir[] = "/tmp/ocrun-test-spec.XXXXXX", path[PATH_MAX];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/config.json", dir);
  struct oc_globals g = {0};
  char *argv1[] = {"spec", "--bundle", dir, NULL};
  assert_int_equal(cmd_spec(&g, 3, argv1), 0);
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  if (oc_config_load(path, &c, &e) < 0) fail_msg("%s", e.msg);
  assert_non_null(oc_config_ns(c, OC_NS_NET));
  oc_config_free(c);
  /* an existing config.json is never overwritten */
  char opt[PATH_MAX + 16];
  snprintf(opt, sizeof opt, "--bundle=%s", dir);
  char *argv2[] = {"spec", opt, "--rootless", NULL};
  assert_int_equal(cmd_spec(&g, 3, argv2), 1);
  assert_int_equal(unlink(path), 0);
  char *argv3[] = {"spec", "-b", dir, "--rootless", NULL};
  assert_int_equal(cmd_spec(&g, 4, argv3), 0);
  if (oc_config_load(path, &c, &e) < 0) fail_msg("%s", e.msg);
  assert_non_null(oc_config_ns(c, OC_NS_USER));
  oc_config_free(c);
  char *argv4[] = {"spec", "--bogus", NULL};
  assert_int_equal(cmd_spec(&g, 2, argv4), 1);
  char *argv5[] = {"spec", "-b", NULL};
  assert_int_equal(cmd_spec(&g, 2, argv5), 1);
  char *argv6[] = {"spec", "-b", "/nonexistent/ocrun-bundle", NULL};
  assert_int_equal(cmd_spec(&g, 3, argv6), 1);
  assert_int_equal(unlink(path), 0);
  assert_int_equal(rmdir(dir), 0);
}

static void test_load_errors(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_config *c = NULL;
  assert_true(oc_config_load("/nonexistent/config.json", &c, &e) < 0);
  assert_null(c);
  assert_non_null(strstr(e.msg, "/nonexistent/config.json"));
  assert_int_equal(e.errnum, ENOENT);
  assert_true(oc_config_load("/tmp", &c, &e) < 0);

  char path[] = "/tmp/ocrun-test-config.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *text = "{\"ociVersion\": \"1.0.0\", \"process\": {\"args\": 1}}";
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  assert_true(oc_config_load(path, &c, &e) < 0);
  char want[128];
  snprintf(want, sizeof want, "%s: process.args: expected an array of strings", path);
  assert_string_equal(e.msg, want);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_full_process, setup_fixture),
    cmocka_unit_test_setup(test_full_top_level, setup_fixture),
    cmocka_unit_test_setup(test_full_linux, setup_fixture),
    cmocka_unit_test_setup(test_full_resources, setup_fixture),
    cmocka_unit_test_setup(test_full_seccomp, setup_fixture),
    cmocka_unit_test(test_minimal),
    cmocka_unit_test(test_bad_json),
    cmocka_unit_test(test_limits),
    cmocka_unit_test(test_version),
    cmocka_unit_test(test_wrong_types),
    cmocka_unit_test(test_integer_bounds),
      cmocka_unit_test(test_memory_policy),
      cmocka_unit_test(test_net_devices),
    cmocka_unit_test(test_namespaces),
    cmocka_unit_test(test_capabilities),
    cmocka_unit_test(test_process_parse),
    cmocka_unit_test(test_resources_parse),
    cmocka_unit_test(test_name_tables),
    cmocka_unit_test(test_spec),
    cmocka_unit_test(test_cmd_spec),
    cmocka_unit_test(test_load_errors),
  };
  return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
