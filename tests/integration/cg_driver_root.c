/* Root-only check of the cgroup driver on the real host (hybrid or legacy), without a container:
 * create /ocrun-test/drv-<tag>, enter sleeping children, apply resources, read the v1 files
 * back, update, freeze/thaw, stats, an OOM event, the eBPF device filter on the unified
 * hierarchy, then kill and destroy, and check nothing is left.
 * Built by `make root-tests` (against libocrun.a), run as root by tests/run-integration.sh; by
 * hand: tests/integration/cg_driver_root (prints "ok"/"FAIL" lines, exits 1 on a failure, 77 when
 * not root). Its children and cgroups are removed on every exit (cg_root_test.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "cgroups/events.h"
#include "tests/integration/cg_root_test.h"

static char path[128];

static char *slurp(const char *hier, const char *file) {
  static char buf[8192];
  char p[512];
  snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s/%s", hier, path, file);
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return strcpy(buf, "<missing>");
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n < 0 ? 0 : n] = '\0';
  if (strcmp(file, "devices.list") != 0) buf[strcspn(buf, "\n")] = '\0';
  return buf;
}

static pid_t sleeper(void) {
  pid_t p = fork();
  if (p == 0) {
    for (;;) pause();
  }
  rt_track(p);
  return p;
}

/* A child that joins the cgroup itself, then tries to open dev; exit 0 if it could. */
static int try_open_in(struct oc_cgroup *cg, const char *dev) {
  pid_t p = fork();
  if (p == 0) {
    struct oc_err e;
    if (oc_cg_enter(cg, getpid(), false, &e) < 0) _exit(3);
    int fd = open(dev, O_RDONLY | O_CLOEXEC);
    _exit(fd >= 0 ? 0 : errno == EPERM ? 1 : 2);
  }
  rt_track(p);
  int st;
  rt_wait(p, &st);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static void cleanup_parents(void) {
  static const char *const h[] = {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
                                  "blkio", "pids", "systemd", "unified"};
  for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
    char p[256];
    snprintf(p, sizeof p, "/sys/fs/cgroup/%s/ocrun-test", h[i]);
    rmdir(p); /* only if empty: other tests may use it */
  }
}

static bool gone_everywhere(void) {
  static const char *const h[] = {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
                                  "blkio", "pids", "systemd", "unified"};
  for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
    char p[256];
    struct stat sb;
    snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s", h[i], path);
    if (stat(p, &sb) == 0) return false;
  }
  return true;
}

int main(void) {
  if (geteuid() != 0) {
    printf("skip: needs root\n");
    return 77;
  }
  rt_init(90);
  rt_cgroup_name(path, sizeof path, "drv");
  rt_dir_everywhere("/ocrun-test"); /* only when empty: other tests may use it */
  rt_dir_everywhere(path);
  struct oc_err e = {0};
  printf("mode %d (0 unified, 1 legacy, 2 hybrid), path %s\n", oc_cg_mode(), path);

  struct oc_device_rule devs[2] = {
      {.allow = false, .type = 'a', .access = "rwm"},
      {.allow = true, .type = 'c', .major = {true, 1}, .minor = {true, 11}, .access = "r"},
  };
  struct oc_resources r = {0};
  r.devices = devs;
  r.n_devices = 2;
  r.memory.limit = (oc_i64){true, 64 << 20};
  r.memory.swap = (oc_i64){true, 128 << 20};
  r.memory.reservation = (oc_i64){true, 32 << 20};
  r.memory.swappiness = (oc_u64){true, 10};
  r.cpu.shares = (oc_u64){true, 512};
  r.cpu.quota = (oc_i64){true, 50000};
  r.cpu.period = (oc_u64){true, 100000};
  r.cpu.cpus = "0";
  r.cpu.mems = "0";
  r.pids.limit = (oc_i64){true, 50};

  struct oc_cgroup *cg = NULL;
  int rc = oc_cg_create(path, &r, &cg, &e);
  CHECK(rc == 0, "create: %s", rc ? e.msg : "");
  if (rc) return 1;
  pid_t kid = sleeper();
  rc = oc_cg_enter(cg, kid, false, &e);
  CHECK(rc == 0, "enter %d: %s", kid, rc ? e.msg : "");

  CHECK(strcmp(slurp("memory", "memory.limit_in_bytes"), "67108864") == 0, "memory.limit_in_bytes %s", slurp("memory", "memory.limit_in_bytes"));
  CHECK(strcmp(slurp("memory", "memory.memsw.limit_in_bytes"), "134217728") == 0, "memsw %s", slurp("memory", "memory.memsw.limit_in_bytes"));
  CHECK(strcmp(slurp("memory", "memory.soft_limit_in_bytes"), "33554432") == 0, "soft limit %s", slurp("memory", "memory.soft_limit_in_bytes"));
  CHECK(strcmp(slurp("memory", "memory.swappiness"), "10") == 0, "swappiness %s", slurp("memory", "memory.swappiness"));
  CHECK(strcmp(slurp("cpu", "cpu.shares"), "512") == 0, "cpu.shares %s", slurp("cpu", "cpu.shares"));
  CHECK(strcmp(slurp("cpu", "cpu.cfs_quota_us"), "50000") == 0, "cfs_quota %s", slurp("cpu", "cpu.cfs_quota_us"));
  CHECK(strcmp(slurp("cpu", "cpu.cfs_period_us"), "100000") == 0, "cfs_period %s", slurp("cpu", "cpu.cfs_period_us"));
  CHECK(strcmp(slurp("cpuset", "cpuset.cpus"), "0") == 0, "cpuset.cpus %s", slurp("cpuset", "cpuset.cpus"));
  CHECK(strcmp(slurp("pids", "pids.max"), "50") == 0, "pids.max %s", slurp("pids", "pids.max"));
  char *dl = slurp("devices", "devices.list");
  CHECK(strstr(dl, "c 1:3 rwm") && strstr(dl, "c 1:11 r\n") && !strstr(dl, "a *:* rwm"), "devices.list: %.*s", (int)strcspn(dl, "\n"), dl);
  char self[256];
  snprintf(self, sizeof self, "/proc/%d/cgroup", kid);
  FILE *f = fopen(self, "re");
  int lines = 0, inside = 0;
  char line[512];
  while (f && fgets(line, sizeof line, f)) {
    lines++;
    inside += strstr(line, path) != NULL;
  }
  if (f) fclose(f);
  /* memory excepted? no: every hierarchy, including name=systemd and the unified one */
  CHECK(lines == inside, "child in %d of %d hierarchies", inside, lines);

  pid_t *pids = NULL;
  size_t n = 0;
  rc = oc_cg_pids(cg, &pids, &n, &e);
  CHECK(rc == 0 && n == 1 && pids[0] == kid, "pids: n=%zu", n);
  free(pids);

  struct oc_cgroup *dup = NULL;
  rc = oc_cg_create(path, NULL, &dup, &e);
  CHECK(rc == -EEXIST, "create on a populated cgroup refused: %s", e.msg);

  /* update */
  struct oc_resources u = {0};
  u.memory.limit = (oc_i64){true, 256 << 20};
  u.memory.swap = (oc_i64){true, 512 << 20};
  u.pids.limit = (oc_i64){true, 0};
  u.cpu.quota = (oc_i64){true, -1};
  rc = oc_cg_update(cg, &u, &e);
  CHECK(rc == 0, "update raise memory (memsw first): %s", rc ? e.msg : "");
  CHECK(strcmp(slurp("memory", "memory.limit_in_bytes"), "268435456") == 0, "limit now %s", slurp("memory", "memory.limit_in_bytes"));
  CHECK(strcmp(slurp("pids", "pids.max"), "max") == 0, "pids 0 -> %s", slurp("pids", "pids.max"));
  CHECK(strcmp(slurp("cpu", "cpu.cfs_quota_us"), "-1") == 0, "quota -1 -> %s", slurp("cpu", "cpu.cfs_quota_us"));
  /* a child charging 8 MiB to the cgroup, so that usage is well above 4096 bytes */
  int pp[2];
  if (pipe(pp) < 0) return 1;
  pid_t holder = fork();
  if (holder == 0) {
    if (oc_cg_enter(cg, getpid(), false, &e) < 0) _exit(3);
    size_t sz = 8 << 20;
    char *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; p != MAP_FAILED && i < sz; i += 4096) p[i] = 1;
    if (write(pp[1], "r", 1) < 0) _exit(4);
    for (;;) pause();
  }
  rt_track(holder);
  char ready;
  if (read(pp[0], &ready, 1) != 1) return 1;
  struct oc_resources u2 = {0};
  u2.memory.limit = (oc_i64){true, 4096};
  u2.memory.check_before_update = (oc_bool){true, true};
  rc = oc_cg_update(cg, &u2, &e);
  CHECK(rc < 0 && e.errnum == EBUSY, "checkBeforeUpdate refuses 4096 bytes: %s", e.msg);
  CHECK(strcmp(slurp("memory", "memory.limit_in_bytes"), "268435456") == 0, "limit unchanged %s", slurp("memory", "memory.limit_in_bytes"));
  struct oc_resources u3 = {0};
  struct oc_kv kv = {"memory.max", "1G"};
  u3.unified = (struct oc_kvv){&kv, 1};
  rc = oc_cg_update(cg, &u3, &e);
  CHECK(rc < 0 && strstr(e.msg, "hybrid"), "unified memory.max on hybrid: %s", e.msg);

  /* freeze */
  rc = oc_cg_freeze(cg, true, &e);
  CHECK(rc == 0 && oc_cg_is_frozen(cg), "freeze: %s", rc ? e.msg : slurp("freezer", "freezer.state"));
  rc = oc_cg_freeze(cg, false, &e);
  CHECK(rc == 0 && !oc_cg_is_frozen(cg), "thaw: %s", rc ? e.msg : slurp("freezer", "freezer.state"));

  char *json = NULL;
  rc = oc_cg_stats_json(cg, "drv", &json, &e);
  CHECK(rc == 0 && strstr(json, "\"pids\":{\"current\":2,\"limit\":0}"), "stats: %.300s", rc ? e.msg : json);
  free(json);

  /* OOM: a child over a 16 MiB limit (no swap) */
  struct oc_resources m = {0};
  m.memory.limit = (oc_i64){true, 16 << 20};
  m.memory.swap = (oc_i64){true, 16 << 20};
  rc = oc_cg_update(cg, &m, &e);
  CHECK(rc == 0, "limit 16M: %s", rc ? e.msg : "");
  struct oc_cg_oom_watch *w = NULL;
  rc = oc_cg_oom_watch_open(cg, &w, &e);
  CHECK(rc == 0, "oom watch: %s", rc ? e.msg : "");
  pid_t hog = fork();
  if (hog == 0) {
    if (oc_cg_enter(cg, getpid(), false, &e) < 0) _exit(3);
    size_t sz = 64 << 20;
    char *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; p != MAP_FAILED && i < sz; i += 4096) p[i] = 1;
    _exit(0);
  }
  rt_track(hog);
  int st;
  rt_wait(hog, &st);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "hog OOM-killed (status %#x)", st);
  if (w) {
    short ev;
    struct pollfd pfd = {.fd = oc_cg_oom_watch_fd(w, &ev)};
    pfd.events = ev;
    int pr = poll(&pfd, 1, 2000);
    bool gone;
    int cnt = oc_cg_oom_watch_read(w, &gone, &e);
    CHECK(pr == 1 && cnt >= 1 && !gone, "OOM event seen (poll %d, count %d)", pr, cnt);
  }
  rc = oc_cg_stats_json(cg, "drv", &json, &e);
  CHECK(rc == 0 && strstr(json, "\"oom_kill\":") && !strstr(json, "\"oom_kill\":0"), "stats oom_kill: %s",
        rc ? e.msg : strstr(json, "event_count"));
  free(json);

  /* eBPF device filter on the unified hierarchy (in addition to v1 devices) */
  const struct oc_cg_dir *v2 = oc_cg_v2_dir(cg);
  if (v2) {
    struct oc_device_rule bpf_rules[2] = {
        {.allow = true, .type = 'a', .access = "rwm"},
        {.allow = false, .type = 'c', .major = {true, 1}, .minor = {true, 7}, .access = "rwm"},
    };
    CHECK(try_open_in(cg, "/dev/full") == 0, "/dev/full opens before the filter");
    rc = oc_cg_devices_bpf_apply(v2->fd, v2->dirpath, bpf_rules, 2, &e);
    CHECK(rc == 0, "bpf device filter attached on %s: %s", v2->dirpath, rc ? e.msg : "");
    CHECK(oc_cg_devices_bpf_count(v2->fd) == 1, "one program attached (%d)", oc_cg_devices_bpf_count(v2->fd));
    int o = try_open_in(cg, "/dev/full");
    CHECK(o == 1, "/dev/full denied by the filter (child exit %d)", o);
    CHECK(try_open_in(cg, "/dev/null") == 0, "/dev/null still allowed");
    bpf_rules[1].minor.v = 8; /* now deny /dev/random instead */
    rc = oc_cg_devices_bpf_apply(v2->fd, v2->dirpath, bpf_rules, 2, &e);
    CHECK(rc == 0 && oc_cg_devices_bpf_count(v2->fd) == 1, "replaced: %d program(s) %s",
          oc_cg_devices_bpf_count(v2->fd), rc ? e.msg : "");
    CHECK(try_open_in(cg, "/dev/full") == 0 && try_open_in(cg, "/dev/random") == 1,
          "after replace: full allowed, random denied");
  }

  rc = oc_cg_signal_all(cg, SIGKILL, &e);
  CHECK(rc == 0, "signal_all SIGKILL: %s", rc ? e.msg : "");
  rt_wait(kid, &st);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "sleeper killed");
  rt_wait(holder, &st);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "holder killed");
  rc = oc_cg_destroy(cg, &e);
  CHECK(rc == 0, "destroy: %s", rc ? e.msg : "");
  if (w) {
    bool gone = false;
    rc = oc_cg_oom_watch_read(w, &gone, &e);
    CHECK(rc >= 0 && gone, "OOM watch notices the cgroup is gone%s%s", rc < 0 ? ": " : "", rc < 0 ? e.msg : "");
    oc_cg_oom_watch_free(w);
  }
  oc_cg_free(cg);
  CHECK(gone_everywhere(), "nothing left of %s", path);

  /* hugetlb on a hybrid host goes to the unified hierarchy (enabled there only for this) */
  if (oc_cg_mode() == OC_CG_HYBRID && access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0) {
    FILE *sc = fopen("/sys/fs/cgroup/unified/cgroup.subtree_control", "re");
    char before[256] = "";
    if (sc) {
      if (!fgets(before, sizeof before, sc)) before[0] = '\0';
      fclose(sc);
    }
    if (!strstr(before, "hugetlb")) { /* also put the host back should the check stop early */
      rt_write_at_exit("/sys/fs/cgroup/unified/cgroup.subtree_control", "-hugetlb");
      rt_write_at_exit("/sys/fs/cgroup/unified/ocrun-test/cgroup.subtree_control", "-hugetlb");
    }
    struct oc_hugepage_limit hl = {"2MB", 4 << 20};
    struct oc_resources h = {0};
    h.hugepage_limits = &hl;
    h.n_hugepage_limits = 1;
    rc = oc_cg_create(path, &h, &cg, &e);
    CHECK(rc == 0 && strcmp(slurp("unified", "hugetlb.2MB.max"), "4194304") == 0, "hugetlb.2MB.max %s %s",
          slurp("unified", "hugetlb.2MB.max"), rc ? e.msg : "");
    if (rc == 0) {
      CHECK(oc_cg_destroy(cg, &e) == 0, "destroy");
      oc_cg_free(cg);
    }
    cleanup_parents();
    if (!strstr(before, "hugetlb")) { /* put the host back: parent first, then the root */
      static const char *const sc_files[] = {"/sys/fs/cgroup/unified/ocrun-test/cgroup.subtree_control",
                                             "/sys/fs/cgroup/unified/cgroup.subtree_control"};
      for (int i = 0; i < 2; i++) {
        int fd = open(sc_files[i], O_WRONLY | O_CLOEXEC);
        if (fd >= 0 && write(fd, "-hugetlb", 8) < 0) perror(sc_files[i]);
        if (fd >= 0) close(fd);
      }
    }
    CHECK(gone_everywhere(), "nothing left after the hugetlb check");
  }
  cleanup_parents();
  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
