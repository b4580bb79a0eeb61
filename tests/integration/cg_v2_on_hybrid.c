/* Root-only: the unified (v2) driver pointed at a hybrid host's cgroup2 mount
 * (/sys/fs/cgroup/unified, only hugetlb there) to exercise the real kernel paths we can reach
 * here: mkdir + controller enabling, clone3(CLONE_INTO_CGROUP), the eBPF device filter,
 * cgroup.freeze waiting on cgroup.events, cgroup.kill, waiting for populated 0, hugetlb limits and
 * unified precedence, stats from cpu.stat. memory/cpu/pids need the QEMU guest.
 * Built by `make root-tests` (against libocrun.a), run as root by tests/run-integration.sh; by
 * hand: tests/integration/cg_v2_on_hybrid (exit 77: not root or no cgroup2 at
 * /sys/fs/cgroup/unified). Its children and cgroups are removed on every exit (cg_root_test.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "tests/integration/cg_root_test.h"

#define U "/sys/fs/cgroup/unified"

static char *slurp(const char *p) {
  static char buf[4096];
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return strcpy(buf, "<missing>");
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n < 0 ? 0 : n] = '\0';
  return buf;
}

static void put(const char *p, const char *v) {
  int fd = open(p, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, v, strlen(v)) < 0) perror(p);
  if (fd >= 0) close(fd);
}

/* child started inside the cgroup; it opens dev and reports through its exit code (0 opened,
 * 1 EPERM: refused by the device filter, 2 any other error), or sleeps */
static pid_t clone_into(int cgfd, const char *dev) {
  struct clone_args a = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (unsigned)cgfd};
  pid_t p = (pid_t)syscall(SYS_clone3, &a, sizeof a);
  if (p == 0) {
    if (!dev) {
      for (;;) pause();
    }
    int fd = open(dev, O_RDONLY | O_CLOEXEC);
    _exit(fd >= 0 ? 0 : errno == EPERM ? 1 : 2);
  }
  rt_track(p);
  return p;
}

static int exit_code(pid_t p) {
  int st;
  if (rt_wait(p, &st) != p) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

int main(void) {
  if (geteuid() != 0) return printf("skip: needs root\n"), 77;
  if (access(U "/cgroup.subtree_control", F_OK) != 0) return printf("skip: no cgroup2 at " U "\n"), 77;
  rt_init(90);
  char root_sc[256];
  snprintf(root_sc, sizeof root_sc, "%s", slurp(U "/cgroup.subtree_control"));
  char path[128], dir[256];
  rt_cgroup_name(path, sizeof path, "v2");
  snprintf(dir, sizeof dir, U "%s", path);
  if (!strstr(root_sc, "hugetlb")) rt_write_at_exit(U "/cgroup.subtree_control", "-hugetlb");
  rt_write_at_exit(U "/ocrun-test/cgroup.subtree_control", "-hugetlb");
  rt_dir(U "/ocrun-test"); /* only when empty: other tests may use it */
  rt_dir(dir);
  /* A device outside the default rules that exists on every host and opens nothing when allowed:
   * c 1:6, a minor the mem driver does not implement (ENXIO), as a node in a private dir. */
  char tmp[] = "/tmp/ocrun-cgv2-XXXXXX", nodrv[64];
  if (!mkdtemp(tmp)) return perror("mkdtemp"), 1;
  rt_dir(tmp);
  snprintf(nodrv, sizeof nodrv, "%s/c1-6", tmp);
  if (mknod(nodrv, S_IFCHR | 0600, makedev(1, 6)) < 0) return perror(nodrv), 1;
  rt_dir(nodrv);
  oc_cg_set_root_for_tests(U, OC_CG_UNIFIED);

  struct oc_device_rule devs[1] = {
      {.allow = true, .type = 'c', .major = {true, 1}, .minor = {true, 11}, .access = "r"}};
  struct oc_hugepage_limit hl = {"2MB", 4 << 20};
  struct oc_kv kv = {"hugetlb.2MB.max", "6291456"};
  struct oc_resources r = {0};
  r.devices = devs;
  r.n_devices = 1;
  r.hugepage_limits = &hl;
  r.n_hugepage_limits = 1;
  r.unified = (struct oc_kvv){&kv, 1};
  struct oc_err e = {0};
  struct oc_cgroup *cg = NULL;
  int rc = oc_cg_create(path, &r, &cg, &e);
  CHECK(rc == 0, "create %s: %s", dir, rc ? e.msg : "");
  if (rc) return 1;
  char f[512];
  snprintf(f, sizeof f, "%s/hugetlb.2MB.max", dir);
  CHECK(strcmp(slurp(f), "6291456\n") == 0, "unified wins over hugepageLimits: %s", slurp(f));
  snprintf(f, sizeof f, "%s/hugetlb.2MB.rsvd.max", dir);
  CHECK(strcmp(slurp(f), "4194304\n") == 0, "rsvd limit written: %s", slurp(f));
  CHECK(oc_cg_devices_bpf_count(cg->v2.fd) == 1, "device filter attached at create");
  CHECK(oc_cg_clone_fd(cg) >= 0, "clone fd on v2");

  CHECK(exit_code(clone_into(oc_cg_clone_fd(cg), "/dev/kmsg")) == 0, "allowed c 1:11 r opens");
  CHECK(exit_code(clone_into(oc_cg_clone_fd(cg), "/dev/null")) == 0, "default /dev/null opens");
  CHECK(exit_code(clone_into(oc_cg_clone_fd(cg), nodrv)) == 1, "%s (c 1:6) denied (EPERM)", nodrv);

  pid_t kid = clone_into(oc_cg_clone_fd(cg), NULL);
  char pc[64];
  snprintf(pc, sizeof pc, "/proc/%d/cgroup", kid);
  CHECK(strstr(slurp(pc), path) != NULL, "CLONE_INTO_CGROUP placed the child: %s", strstr(slurp(pc), "0::"));
  rc = oc_cg_enter(cg, kid, true, &e);
  CHECK(rc == 0, "enter with into_done: %s", rc ? e.msg : "");

  rc = oc_cg_freeze(cg, true, &e);
  snprintf(f, sizeof f, "%s/cgroup.events", dir);
  CHECK(rc == 0 && oc_cg_is_frozen(cg) && strstr(slurp(f), "frozen 1"), "freeze waits for frozen 1: %s",
        rc ? e.msg : "");
  rc = oc_cg_freeze(cg, false, &e);
  CHECK(rc == 0 && !oc_cg_is_frozen(cg), "thaw: %s", rc ? e.msg : "");

  char *json = NULL;
  rc = oc_cg_stats_json(cg, "v2", &json, &e);
  CHECK(rc == 0 && strstr(json, "\"hugetlb\":{") && strstr(json, "\"2MB\":{\"usage\":0"), "stats: %s",
        rc ? e.msg : strstr(json, "\"hugetlb\""));
  free(json);

  /* update: replace the device filter */
  struct oc_device_rule allow_mem = {.allow = true, .type = 'c', .major = {true, 1}, .minor = {true, 6}, .access = "r"};
  struct oc_resources u = {0};
  u.devices = &allow_mem;
  u.n_devices = 1;
  rc = oc_cg_update(cg, &u, &e);
  CHECK(rc == 0 && oc_cg_devices_bpf_count(cg->v2.fd) == 1, "device update keeps one program: %s", rc ? e.msg : "");
  int o = exit_code(clone_into(oc_cg_clone_fd(cg), nodrv));
  CHECK(o == 2, "%s allowed after update (reaches the driver: ENXIO; child exit %d)", nodrv, o);
  CHECK(exit_code(clone_into(oc_cg_clone_fd(cg), "/dev/kmsg")) == 1, "/dev/kmsg denied after update");

  rc = oc_cg_signal_all(cg, SIGKILL, &e);
  CHECK(rc == 0, "cgroup.kill: %s", rc ? e.msg : "");
  rc = oc_cg_destroy(cg, &e);
  CHECK(rc == 0, "destroy (waits for populated 0): %s", rc ? e.msg : "");
  CHECK(exit_code(kid) == 100 + SIGKILL, "child killed");
  oc_cg_free(cg);
  struct stat sb;
  CHECK(stat(dir, &sb) < 0 && errno == ENOENT, "nothing left of %s", dir);

  /* destroy kills by itself too */
  rc = oc_cg_create(path, NULL, &cg, &e);
  kid = rc == 0 ? clone_into(oc_cg_clone_fd(cg), NULL) : -1;
  rc = rc == 0 ? oc_cg_destroy(cg, &e) : rc;
  CHECK(rc == 0 && exit_code(kid) == 100 + SIGKILL && stat(dir, &sb) < 0, "destroy of a populated cgroup: %s",
        rc ? e.msg : "");
  if (cg) oc_cg_free(cg);

  /* put the host back */
  rmdir(U "/ocrun-test");
  if (stat(U "/ocrun-test", &sb) == 0) put(U "/ocrun-test/cgroup.subtree_control", "-hugetlb");
  if (!strstr(root_sc, "hugetlb")) put(U "/cgroup.subtree_control", "-hugetlb");
  CHECK(strcmp(slurp(U "/cgroup.subtree_control"), root_sc) == 0, "root subtree_control restored");
  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
