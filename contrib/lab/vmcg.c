/* vmcg: the lab's VM cgroup helper, written against libcgroup the way a hypervisor host's
 * management layer places a QEMU process. On this hybrid host it uses the cgroup v1 cpu,
 * cpuacct, cpuset and memory controllers; NAME is relative to each controller's root
 * (e.g. "ocrun-lab/e3/vm1").
 *   vmcg create NAME [--cpus LIST] [--shares N] [--mem-mb M]   create (or update) the group
 *   vmcg exec NAME -- CMD ARGS...   move this process into NAME, then exec CMD (QEMU), so
 *                                   every page QEMU touches is charged to NAME from the start
 *   vmcg delete NAME                remove NAME and its subgroups (they must hold no process)
 *   vmcg cost ROUNDS CPUS           per-call cost of cgroup_init(), and of create + delete of
 *                                   ocrun-lab/cost-PID (CPUS: a cpuset inside ocrun-lab's)
 * Errors: one line "vmcg: ..." naming the group and libcgroup's reason, exit 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <libcgroup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const controllers[] = {"cpu", "cpuacct", "cpuset", "memory"};
#define N_CONTROLLERS (sizeof(controllers) / sizeof(controllers[0]))

static int fail(const char *what, const char *name, int rc) {
  fprintf(stderr, "vmcg: %s %s: %s\n", what, name, cgroup_strerror(rc));
  return 1;
}

static int init_lib(void) {
  int rc = cgroup_init();
  if (rc) return fail("cgroup_init", "", rc);
  return 0;
}

/* A struct cgroup naming NAME in every controller the lab uses. */
static struct cgroup *group_of(const char *name, struct cgroup_controller *ctl[N_CONTROLLERS]) {
  struct cgroup *cg = cgroup_new_cgroup(name);
  if (!cg) {
    fprintf(stderr, "vmcg: cgroup_new_cgroup %s: out of memory\n", name);
    return NULL;
  }
  for (size_t i = 0; i < N_CONTROLLERS; i++) {
    ctl[i] = cgroup_add_controller(cg, controllers[i]);
    if (!ctl[i]) {
      fprintf(stderr, "vmcg: cgroup_add_controller %s %s failed\n", name, controllers[i]);
      cgroup_free(&cg);
      return NULL;
    }
  }
  return cg;
}

static int parse_u64(const char *s, const char *flag, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-') {
    fprintf(stderr, "vmcg: %s: not a number: \"%s\"\n", flag, s);
    return -1;
  }
  *out = v;
  return 0;
}

static int cmd_create(int argc, char **argv) {
  if (argc < 1) {
    fprintf(stderr, "vmcg: create: missing NAME\n");
    return 2;
  }
  const char *name = argv[0];
  const char *cpus = NULL;
  uint64_t shares = 0, mem_mb = 0;
  for (int i = 1; i < argc; i++) {
    if (i + 1 >= argc) {
      fprintf(stderr, "vmcg: create: %s needs a value\n", argv[i]);
      return 2;
    }
    if (!strcmp(argv[i], "--cpus")) {
      cpus = argv[++i];
    } else if (!strcmp(argv[i], "--shares")) {
      if (parse_u64(argv[++i], "--shares", &shares)) return 2;
    } else if (!strcmp(argv[i], "--mem-mb")) {
      if (parse_u64(argv[++i], "--mem-mb", &mem_mb)) return 2;
    } else {
      fprintf(stderr, "vmcg: create: unknown flag \"%s\"\n", argv[i]);
      return 2;
    }
  }
  if (init_lib()) return 1;
  struct cgroup_controller *ctl[N_CONTROLLERS];
  struct cgroup *cg = group_of(name, ctl);
  if (!cg) return 1;
  /* cpuset: a v1 child starts with no CPUs and no nodes; a task cannot join it until both are set. */
  int rc = cgroup_add_value_string(ctl[2], "cpuset.cpus", cpus ? cpus : "0");
  if (!rc) rc = cgroup_add_value_string(ctl[2], "cpuset.mems", "0");
  if (!rc && shares) rc = cgroup_add_value_uint64(ctl[0], "cpu.shares", shares);
  if (!rc && mem_mb) rc = cgroup_add_value_uint64(ctl[3], "memory.limit_in_bytes", mem_mb << 20);
  if (rc) {
    cgroup_free(&cg);
    return fail("cgroup_add_value", name, rc);
  }
  rc = cgroup_create_cgroup(cg, 0);
  if (rc) {
    /* A failure past the first controller leaves the group in the others: leave nothing. */
    fail("cgroup_create_cgroup", name, rc);
    if (cgroup_delete_cgroup_ext(cg, CGFLAG_DELETE_IGNORE_MIGRATION))
      fprintf(stderr, "vmcg: %s may be left in some controllers\n", name);
  }
  cgroup_free(&cg);
  return rc ? 1 : 0;
}

static int cmd_exec(int argc, char **argv) {
  if (argc < 3 || strcmp(argv[1], "--")) {
    fprintf(stderr, "vmcg: usage: vmcg exec NAME -- CMD ARGS...\n");
    return 2;
  }
  if (init_lib()) return 1;
  struct cgroup_controller *ctl[N_CONTROLLERS];
  struct cgroup *cg = group_of(argv[0], ctl);
  if (!cg) return 1;
  int rc = cgroup_attach_task(cg);
  cgroup_free(&cg);
  if (rc) return fail("cgroup_attach_task", argv[0], rc);
  execvp(argv[2], argv + 2);
  fprintf(stderr, "vmcg: exec %s: %s\n", argv[2], strerror(errno));
  return 127;
}

static int cmd_delete(int argc, char **argv) {
  if (argc != 1) {
    fprintf(stderr, "vmcg: usage: vmcg delete NAME\n");
    return 2;
  }
  if (init_lib()) return 1;
  struct cgroup_controller *ctl[N_CONTROLLERS];
  struct cgroup *cg = group_of(argv[0], ctl);
  if (!cg) return 1;
  int rc = cgroup_delete_cgroup_ext(cg, CGFLAG_DELETE_RECURSIVE);
  cgroup_free(&cg);
  return rc ? fail("cgroup_delete_cgroup_ext", argv[0], rc) : 0;
}

static double now_us(void) {
  struct timespec t;
  if (clock_gettime(CLOCK_MONOTONIC, &t)) return 0;
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median of ROUNDS calls of cgroup_init(), and of one group's create + delete (4 controllers). */
static int cmd_cost(int argc, char **argv) {
  uint64_t rounds = 100;
  if (argc != 2) {
    fprintf(stderr, "vmcg: usage: vmcg cost ROUNDS CPUS\n");
    return 2;
  }
  if (parse_u64(argv[0], "ROUNDS", &rounds)) return 2;
  if (rounds < 1 || rounds > 100000) {
    fprintf(stderr, "vmcg: cost: ROUNDS must be 1..100000\n");
    return 2;
  }
  double *init = calloc(rounds, sizeof(double)), *cd = calloc(rounds, sizeof(double));
  if (!init || !cd) {
    fprintf(stderr, "vmcg: cost: out of memory\n");
    free(init);
    free(cd);
    return 1;
  }
  char name[64];
  snprintf(name, sizeof(name), "ocrun-lab/cost-%d", (int)getpid());
  int ret = 0;
  for (uint64_t i = 0; i < rounds && !ret; i++) {
    double t0 = now_us();
    int rc = cgroup_init();
    init[i] = now_us() - t0;
    if (rc) {
      ret = fail("cgroup_init", "", rc);
      break;
    }
    struct cgroup_controller *ctl[N_CONTROLLERS];
    t0 = now_us();
    struct cgroup *cg = group_of(name, ctl);
    if (!cg) {
      ret = 1;
      break;
    }
    rc = cgroup_add_value_string(ctl[2], "cpuset.cpus", argv[1]);
    if (!rc) rc = cgroup_add_value_string(ctl[2], "cpuset.mems", "0");
    if (!rc) rc = cgroup_add_value_uint64(ctl[0], "cpu.shares", 1024);
    if (!rc) rc = cgroup_create_cgroup(cg, 0);
    if (rc) {
      ret = fail("cgroup_create_cgroup", name, rc);
      if (cgroup_delete_cgroup_ext(cg, CGFLAG_DELETE_IGNORE_MIGRATION))
        fprintf(stderr, "vmcg: %s may be left in some controllers\n", name);
    } else {
      rc = cgroup_delete_cgroup_ext(cg, 0);
      if (rc) ret = fail("cgroup_delete_cgroup_ext", name, rc);
    }
    cd[i] = now_us() - t0;
    cgroup_free(&cg);
  }
  if (!ret) {
    qsort(init, rounds, sizeof(double), cmp_double);
    qsort(cd, rounds, sizeof(double), cmp_double);
    printf("cgroup_init_us %.1f\ncreate_delete_us %.1f\nrounds %" PRIu64 "\n", init[rounds / 2],
           cd[rounds / 2], rounds);
  }
  free(init);
  free(cd);
  return ret;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: vmcg create|exec|delete|cost ...\n");
    return 2;
  }
  if (!strcmp(argv[1], "create")) return cmd_create(argc - 2, argv + 2);
  if (!strcmp(argv[1], "exec")) return cmd_exec(argc - 2, argv + 2);
  if (!strcmp(argv[1], "delete")) return cmd_delete(argc - 2, argv + 2);
  if (!strcmp(argv[1], "cost")) return cmd_cost(argc - 2, argv + 2);
  fprintf(stderr, "vmcg: unknown command \"%s\"\n", argv[1]);
  return 2;
}
