/* `create`: validate everything, then state dir → ledger → cgroup → clone the init → wait until
 * it is ready for `start`. Any failure removes what was made. A kill -9 at any point leaves only
 * what state.json (written first, "creating" with this process as creator) names, and the init
 * exits by itself unless create got to the end (DONE): `delete` removes the rest. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "base/unix_socket.h"
#include "namespaces/ns.h"
#include "namespaces/rootfs.h"
#include "overcommit/ledger.h"
#include "overcommit/parent_cap.h"
#include "overcommit/policy.h"
#include "overcommit/sizing.h"
#include "base/cleanup.h"
#include "base/procfs.h"
#include "runtime/checkpoint.h"
#include "runtime/container.h"
#include "base/fsutil.h"
#include "runtime/hooks.h"
#include "runtime/host_mounts.h"
#include "runtime/init.h"
#include "runtime/rootless.h"
#include "base/user_dirs.h"
#include "base/log.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"
#include "runtime/sync.h"


struct create_job {
  const struct oc_globals *g;
  const struct oc_create_opts *o;
  char bundle[PATH_MAX], rootfs[PATH_MAX], state_dir[PATH_MAX], pid_file[PATH_MAX];
  char *config_text;
  size_t config_len;
  struct oc_config *c;
  struct oc_seccomp_filter *seccomp;
  struct oc_cgroup *cg;
  struct oc_state st;
  char *cg_path;               /* resolved cgroupsPath; NULL: rootless without a cgroup */
  char no_cgroup_why[512];     /* why there is none */
  char created[64];            /* RFC 3339, when the state dir was made */
  unsigned long long start_time, creator_start_time; /* of the init, of this process */
  char root_abs[PATH_MAX];     /* --root made absolute: the ledger's key with the id */
  bool state_dir_made, admitted;
  pid_t pid;
  int pidfd, sync_fd, start_fd, state_dir_fd, console_fd;
  int ns_fds[OC_NS_COUNT];
};

OC_MUST_CHECK static int validate(struct create_job *j, struct oc_err *e) {
  const struct oc_config *c = j->c;
  if (!c->has_process || c->process.args.n == 0) return oc_fail(e, EINVAL, "process.args must not be empty");
  /* runc's rule: without a mount namespace of its own nothing can be masked for this container
   * alone (the mounts would be the host's). */
  if (!oc_config_ns(c, OC_NS_MOUNT) && (c->masked_paths.n || c->readonly_paths.n))
    return oc_fail(e, EINVAL, "%s: needs a mount namespace of the container's own (linux.namespaces has no \"mount\")",
                   c->masked_paths.n ? "linux.maskedPaths" : "linux.readonlyPaths");
  const struct oc_namespace *uts = oc_config_ns(c, OC_NS_UTS);
  /* A UTS namespace joined by path is the container's too: the names are set in it, as runc. */
  if ((c->hostname || c->domainname) && !uts)
    return oc_fail(e, EINVAL, "unable to set hostname or domainname without a private UTS namespace");
  const struct oc_namespace *user = oc_config_ns(c, OC_NS_USER);
  if (user && !user->path && (!c->uid_mappings.n || !c->gid_mappings.n))
    return oc_fail(e, EINVAL, "linux.uidMappings and linux.gidMappings are required with a new user namespace");
  if (user && user->path && (oc_ns_clone_flags(c) & ~(uint64_t)CLONE_NEWUSER))
    return oc_fail(e, ENOTSUP, "linux.namespaces: new namespaces inside a joined user namespace are not supported yet");
  if (c->process.terminal && !j->o->console_socket && j->o->internal_console_fd < 0)
    return oc_fail(e, EINVAL, "cannot allocate tty if ocrun will detach without setting console socket");
  if (!c->process.terminal && j->o->console_socket)
    return oc_fail(e, EINVAL, "cannot use console socket if ocrun will not detach or allocate tty");
  if (c->process.cwd && c->process.cwd[0] != '/')
    return oc_fail(e, EINVAL, "process.cwd: must be an absolute path, got \"%s\"", c->process.cwd);
  if (oc_rootfs_validate(c, j->rootfs, e) < 0 || oc_netdev_check(c, e) < 0) return -1;
  if (c->seccomp.set && oc_seccomp_compile_cached(&c->seccomp, j->g->root, &j->seccomp, e) < 0) return -1;
  return 0;
}

OC_MUST_CHECK static int load_bundle(struct create_job *j, struct oc_err *e) {
  const char *b = j->o->bundle ? j->o->bundle : ".";
  if (!realpath(b, j->bundle)) return oc_fail_errno(e, "bundle %s", b);
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/config.json", j->bundle);
  int r = oc_read_fileat(AT_FDCWD, path, &j->config_text, &j->config_len, 16 << 20, e);
  if (r == -ENOENT) return oc_fail(e, ENOENT, "JSON specification file config.json not found in %s", j->bundle);
  if (r < 0) return r;
  if (oc_config_parse(j->config_text, j->config_len, &j->c, e) < 0) return oc_wrap(e, -1, "%s", path);
  const char *root = j->c->root.path ? j->c->root.path : "rootfs";
  char joined[PATH_MAX * 2];
  snprintf(joined, sizeof joined, "%s/%s", root[0] == '/' ? "" : j->bundle, root);
  if (!realpath(joined, j->rootfs)) return oc_fail_errno(e, "rootfs (%s) does not exist", joined);
  struct stat sb;
  if (stat(j->rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode))
    return oc_fail(e, ENOTDIR, "rootfs (%s) is not a directory", j->rootfs);
  return 0;
}

/* Test-only (tests/security/create_kill9.bats): OCRUN_TEST_PAUSE_AT=<phase> stops create with
 * SIGSTOP at that named point so a test can kill -9 it there. Inert unless set. */
static void test_pause(const char *phase) {
  static const char *at;
  static bool read;
  if (!read) {
    at = getenv("OCRUN_TEST_PAUSE_AT");
    read = true;
  }
  if (at && strcmp(at, phase) == 0) raise(SIGSTOP);
}

/* state.json from what is known so far; creating until the init is ready and recorded. */
OC_MUST_CHECK static int save_state(struct create_job *j, bool creating, struct oc_err *e) {
  j->st = (struct oc_state){.id = (char *)j->o->id, .pid = j->pid, .start_time = j->start_time,
                            .bundle = j->bundle, .rootfs = j->rootfs, .created = j->created,
                            .cgroup_path = j->cg_path, .owner = getuid() == 0 ? "root" : "",
                            .oci_version = j->c->oci_version, .systemd_cgroup = j->g->systemd_cgroup,
                            .annotations = j->c->annotations, .creating = creating,
                            .creator_pid = creating ? getpid() : 0,
                            .creator_start_time = creating ? j->creator_start_time : 0,
                            .hooks = oc_hooks_kinds(j->c), .hooks_known = true};
  return oc_state_save(j->g->root, &j->st, e);
}

/* The state dir and, before anything else exists, state.json naming this process as creator
 * and the cgroup it is about to make: what a later `delete` needs if this process is killed. */
OC_MUST_CHECK static int make_state_dir(struct create_job *j, struct oc_err *e) {
  if (oc_mkdir_p(j->g->root, 0700, e) < 0) return -1;
  if (oc_state_dir(j->g->root, j->o->id, j->state_dir, sizeof j->state_dir, e) < 0) return -1;
  if (mkdir(j->state_dir, 0700) < 0) {
    if (errno == EEXIST) return oc_fail(e, EEXIST, "container with id exists: %s", j->o->id);
    return oc_fail_errno(e, "mkdir %s", j->state_dir);
  }
  j->state_dir_made = true;
  test_pause("mkdir");
  oc_utc_now(j->created, sizeof j->created);
  j->creator_start_time = oc_proc_start_time(getpid());
  if (save_state(j, true, e) < 0) return -1;
  if (oc_write_file_atomic(j->state_dir, "config.json", j->config_text, j->config_len, 0600, e) < 0) return -1;
  j->state_dir_fd = open(j->state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (j->state_dir_fd < 0) return oc_fail_errno(e, "open %s", j->state_dir);
  test_pause("state-dir");
  return 0;
}

/* The start socket lives in the state dir; binding through /proc/self/fd keeps sun_path short
 * whatever the length of --root. */
OC_MUST_CHECK static int make_start_socket(struct create_job *j, struct oc_err *e) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/start.sock", j->state_dir_fd);
  j->start_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (j->start_fd < 0) return oc_fail_errno(e, "socket");
  if (bind(j->start_fd, (struct sockaddr *)&sa, sizeof sa) < 0) return oc_fail_errno(e, "bind %s/start.sock", j->state_dir);
  if (listen(j->start_fd, 1) < 0) return oc_fail_errno(e, "listen %s/start.sock", j->state_dir);
  return 0;
}

OC_MUST_CHECK static int connect_console(struct create_job *j, struct oc_err *e) {
  if (!j->c->process.terminal) return 0;
  if (!j->o->console_socket) {
    j->console_fd = fcntl(j->o->internal_console_fd, F_DUPFD_CLOEXEC, 3);
    return j->console_fd < 0 ? oc_fail_errno(e, "dup console socket") : 0;
  }
  j->console_fd = oc_unix_connect(j->o->console_socket, e);
  return j->console_fd < 0 ? oc_wrap(e, -1, "console socket") : 0;
}

static const enum oc_ns_type around_clone[2] = {OC_NS_PID, OC_NS_TIME};

/* Back to the runtime's own pid and time namespaces (saved by join_for_clone). A failure leaves
 * this process in the container's: it must not go on to create anything else. */
OC_MUST_CHECK static int rejoin_own(int saved[2], struct oc_err *e) {
  int r = 0;
  for (int i = 0; i < 2; i++) {
    if (saved[i] < 0) continue;
    if (setns(saved[i], oc_ns_clone_flag(around_clone[i])) < 0 && r == 0)
      r = oc_fail_errno(e, "rejoin the runtime's %s namespace", oc_ns_type_name(around_clone[i]));
    close(saved[i]);
    saved[i] = -1;
  }
  return r;
}

/* pid and time namespaces given by path apply to children: join them around the clone only. */
OC_MUST_CHECK static int join_for_clone(struct create_job *j, int saved[2], struct oc_err *e) {
  for (int i = 0; i < 2; i++) {
    int fd = j->ns_fds[around_clone[i]];
    if (fd < 0) continue;
    saved[i] = open(i == 0 ? "/proc/self/ns/pid" : "/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
    if (saved[i] < 0 || setns(fd, oc_ns_clone_flag(around_clone[i])) < 0) {
      int r = oc_fail_errno(e, "join %s namespace", oc_ns_type_name(around_clone[i]));
      struct oc_err e2;
      return rejoin_own(saved, &e2) < 0 ? oc_fail(e, e2.errnum, "%s", e2.msg) : r;
    }
  }
  return 0;
}

OC_MUST_CHECK static int clone_init(struct create_job *j, struct oc_err *e) {
  int saved[2] = {-1, -1};
  if (join_for_clone(j, saved, e) < 0) return -1;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    int r = oc_fail_errno(e, "socketpair");
    struct oc_err e2;
    return rejoin_own(saved, &e2) < 0 ? oc_fail(e, e2.errnum, "%s", e2.msg) : r;
  }
  bool into = false;
  pid_t pid = oc_clone3(oc_ns_clone_flags(j->c), oc_cg_clone_fd(j->cg), &j->pidfd, &into, e);
  if (pid == 0) {
    close(sv[0]);
    struct oc_init_ctx x = {.c = j->c, .cg = j->cg, .rootfs = j->rootfs, .id = j->o->id, .sync_fd = sv[1],
                            .start_fd = j->start_fd, .state_dir_fd = j->state_dir_fd,
                            .console_fd = j->console_fd, .seccomp = j->seccomp,
                            .no_pivot = j->o->no_pivot, .no_new_keyring = j->o->no_new_keyring,
                            .preserve_fds = j->o->preserve_fds};
    memcpy(x.ns_fds, j->ns_fds, sizeof x.ns_fds);
    oc_init_run(&x);
  }
  close(sv[1]);
  j->sync_fd = sv[0];
  if (pid > 0) { /* undo kills it whatever happens next */
    j->pid = pid;
    j->start_time = oc_proc_start_time(pid);
  }
  struct oc_err e2;
  if (rejoin_own(saved, &e2) < 0) return oc_fail(e, e2.errnum, "%s", e2.msg);
  if (pid < 0) return -1;
  if (oc_config_ns(j->c, OC_NS_USER) && !oc_config_ns(j->c, OC_NS_USER)->path &&
      oc_ns_write_id_maps(pid, j->c, e) < 0)
    return -1;
  /* The init joins the v1 hierarchies itself (oc_cg_enter_self_v1: no grace period). */
  return j->cg ? oc_cg_enter_unified(j->cg, pid, into, e) : 0;
}

OC_MUST_CHECK static int run_runtime_hooks(struct create_job *j, const char *state_json, struct oc_err *e) {
  if (oc_hooks_run(j->c, OC_HOOK_PRESTART, state_json, e) < 0) return -1;
  if (oc_hooks_run(j->c, OC_HOOK_CREATE_RUNTIME, state_json, e) < 0) return -1;
  if (oc_sync_send(j->sync_fd, OC_SYNC_HOOKS_DONE, 0, NULL, 0) < 0) return oc_fail_errno(e, "sync with init");
  return 0;
}

/* The overcommit policy: size the container, adjust its resources (weight, swap, defaults) and
 * admit it against the node's capacity in the host-wide ledger (or only check, for --dry-run). */
OC_MUST_CHECK static int admit(struct create_job *j, const char *cg_path, struct oc_err *e) {
  struct oc_policy pol;
  if (oc_policy_load(j->g->policy, &pol, e) < 0) return -1;
  double vcpus = 0;
  int64_t mem = 0;
  if (j->o->vcpus && oc_sizing_parse_vcpus(j->o->vcpus, &vcpus, e) < 0) return oc_wrap(e, -1, "--vcpus");
  if (j->o->memory && oc_sizing_parse_memory(j->o->memory, &mem, e) < 0) return oc_wrap(e, -1, "--memory");
  if (j->o->cpu_cap && vcpus <= 0) return oc_fail(e, EINVAL, "--cpu-cap needs --vcpus N");
  if ((vcpus > 0 || mem > 0) && oc_sizing_apply_flags(j->c, vcpus, mem, j->o->cpu_cap, e) < 0) return -1;
  struct oc_admission_request req = {0};
  if (!cg_path) {
    /* Rootless without a cgroup: a limit asked for cannot be applied (runc refuses it too). */
    const char *key = oc_cg_resources_need_cgroup(j->c->has_resources ? &j->c->resources : NULL);
    if (key)
      return oc_fail(e, EPERM, "linux.resources.%s: cannot be applied without a cgroup (rootless: %s)", key,
                     j->no_cgroup_why);
    oc_policy_apply_no_cgroup(&pol, j->c, &req);
  } else if (oc_policy_apply(&pol, j->c, &req, e) < 0) {
    return -1;
  }
  req.id = j->o->id;
  req.root = j->root_abs;
  req.cgroup_path = cg_path;
  struct oc_admit_result res = {0};
  if (j->o->dry_run) {
    if (oc_ledger_check(&pol, &req, &res, e) < 0) {
      if (res.refused) printf("would be refused: %s\n", res.text);
      return -1; /* the CLI exits OC_EXIT_WOULD_BE_REFUSED for a refusal */
    }
    if (res.warned)
      printf("fits, with a warning: %s\n", res.text);
    else
      printf("fits\n");
    return 0;
  }
  if (oc_ledger_admit(&pol, &req, &res, e) < 0) return -1;
  j->admitted = true;
  if (res.warned) oc_log_warn("%s", res.text);
  /* No cgroupsPath: the container goes under /ocrun, whose memory limit is the capacity. */
  if (!j->g->systemd_cgroup && (!j->c->cgroups_path || !j->c->cgroups_path[0]) && !oc_rootless()) {
    char note[512];
    if (oc_cg_parent_cap_apply(&pol, note, sizeof note, e) < 0) return -1;
    if (note[0]) oc_log_warn("%s", note);
  }
  return 0;
}

/* restore: CRIU brings the init back from its images in place of the clone; it runs at once
 * (no start.sock), so state.json is final as soon as it is there. */
OC_MUST_CHECK static int restore_init(struct create_job *j, struct oc_err *e) {
  const struct oc_restore_target t = {.c = j->c, .bundle = j->bundle, .rootfs = j->rootfs,
                                      .state_dir = j->state_dir, .cgroup_path = j->cg_path, .cg = j->cg,
                                      .ns_fds = j->ns_fds, .console_fd = j->console_fd};
  if (oc_criu_restore(j->g, j->o->restore, &t, &j->pid, e) < 0) return -1;
  j->start_time = oc_proc_start_time(j->pid);
  if (j->pid_file[0] && oc_write_pid_file(j->pid_file, j->pid, e) < 0) return -1;
  return save_state(j, false, e);
}

OC_MUST_CHECK static int create_steps(struct create_job *j, struct oc_err *e) {
  if (oc_id_validate(j->o->id, e) < 0) return -1;
  /* A relative --pid-file is relative to the caller's cwd; create moves to the bundle later. */
  if (j->o->pid_file && j->o->pid_file[0] != '/') {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return oc_fail_errno(e, "getcwd");
    if (snprintf(j->pid_file, sizeof j->pid_file, "%s/%s", cwd, j->o->pid_file) >= (int)sizeof j->pid_file)
      return oc_fail(e, ENAMETOOLONG, "--pid-file path too long: %s", j->o->pid_file);
  } else if (j->o->pid_file) {
    snprintf(j->pid_file, sizeof j->pid_file, "%s", j->o->pid_file);
  }
  if (load_bundle(j, e) < 0 || validate(j, e) < 0) return -1;
  oc_log_phase("config", "%s/config.json parsed and validated", j->bundle);
  if (oc_cg_resolve_path(j->c->cgroups_path, j->o->id, j->g->systemd_cgroup, &j->cg_path, e) < 0) return -1;
  if (oc_rootless() && oc_rootless_cgroup(j->c, j->g->systemd_cgroup, &j->cg_path, j->no_cgroup_why,
                                          sizeof j->no_cgroup_why, e) < 0)
    return -1;
  if (j->o->dry_run) {
    /* Nothing is made: a --root that does not exist yet is named as given. */
    if (!realpath(j->g->root, j->root_abs)) snprintf(j->root_abs, sizeof j->root_abs, "%s", j->g->root);
    return admit(j, j->cg_path, e);
  }
  if (make_state_dir(j, e) < 0) return -1;
  if (!realpath(j->g->root, j->root_abs)) return oc_fail_errno(e, "realpath %s", j->g->root);
  if (admit(j, j->cg_path, e) < 0) return -1;
  oc_log_phase("admission", "policy applied, admitted in the ledger");
  test_pause("admitted");
  if (j->cg_path && oc_cg_create(j->cg_path, j->c->has_resources ? &j->c->resources : NULL, &j->cg, e) < 0)
    return -1;
  if (j->cg_path) oc_log_phase("cgroup", "cgroup %s made, resources applied", j->cg_path);
  else oc_log_phase("cgroup", "no cgroup: %s", j->no_cgroup_why);
  test_pause("cgroup");
  if (oc_ns_open_joined(j->c, j->ns_fds, e) < 0) return -1;
  if (j->o->restore) return connect_console(j, e) < 0 ? -1 : restore_init(j, e);
  if (connect_console(j, e) < 0 || make_start_socket(j, e) < 0) return -1;
  /* Relative bind sources are relative to the bundle; the init inherits the cwd and the
   * host-side source fds opened here. */
  if (chdir(j->bundle) < 0) return oc_fail_errno(e, "chdir %s", j->bundle);
  if (!oc_config_ns(j->c, OC_NS_MOUNT) && oc_host_mounts_make(j->state_dir, j->rootfs, e) < 0) return -1;
  if (oc_rootfs_open_sources(j->c, e) < 0) return -1;
  int r = clone_init(j, e);
  oc_rootfs_close_sources();
  if (r < 0) return -1;
  oc_log_phase("clone", "init cloned: pid %d", (int)j->pid);
  test_pause("cloned");
  if (oc_netdev_move(j->c, j->pid, j->ns_fds[OC_NS_NET], e) < 0) return -1;
  if (j->c->n_net_devices) oc_log_phase("netdevices", "%zu network device(s) moved in", j->c->n_net_devices);
  /* The init's pid, for hooks that ask `state` and for a delete after a kill -9 from here on. */
  if (save_state(j, true, e) < 0) return -1;
  /* GO carries the state for the hooks the init runs: "creating" (createContainer), then
   * "created" (startContainer), separated by a NUL. */
  _cleanup_free_ char *state_json = oc_state_json(&j->st, OC_CREATING);
  _cleanup_free_ char *created_json = oc_state_json(&j->st, OC_CREATED);
  if (!state_json || !created_json) return oc_fail(e, ENOMEM, "state JSON: out of memory");
  size_t l1 = strlen(state_json), l2 = strlen(created_json);
  _cleanup_free_ char *go = malloc(l1 + l2 + 2);
  if (!go) return oc_fail(e, ENOMEM, "state JSON: out of memory");
  memcpy(go, state_json, l1 + 1);
  memcpy(go + l1 + 1, created_json, l2 + 1);
  if (oc_sync_send(j->sync_fd, OC_SYNC_GO, 0, go, l1 + l2 + 2) < 0) return oc_fail_errno(e, "sync with init");
  test_pause("go");
  if (oc_hooks_any(j->c, OC_HOOK_PRESTART) || oc_hooks_any(j->c, OC_HOOK_CREATE_RUNTIME)) {
    if (oc_sync_expect(j->sync_fd, OC_SYNC_HOOKS, NULL, NULL, 0, e) < 0) return -1;
    if (run_runtime_hooks(j, state_json, e) < 0) return -1;
    oc_log_phase("hooks", "prestart and createRuntime hooks run");
  }
  if (j->seccomp && oc_seccomp_uses_notify(j->seccomp) &&
      oc_seccomp_listener_forward(&j->c->seccomp, j->sync_fd, state_json, j->pid, e) < 0)
    return -1;
  if (oc_sync_expect(j->sync_fd, OC_SYNC_READY, NULL, NULL, 0, e) < 0) return -1;
  oc_log_phase("ready", "the init is ready for start");
  test_pause("ready");
  if (j->pid_file[0] && oc_write_pid_file(j->pid_file, j->pid, e) < 0) return -1;
  if (save_state(j, false, e) < 0) return -1;
  test_pause("recorded");
  /* The init waits for start only after this; until then a dead create means EOF and its exit. */
  if (oc_sync_send(j->sync_fd, OC_SYNC_DONE, 0, NULL, 0) < 0) return oc_fail_errno(e, "sync with init");
  return 0;
}

static void undo(struct create_job *j) {
  struct oc_err e2;
  if (j->pid > 0) {
    kill(j->pid, SIGKILL);
    while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR) {}
  }
  if (j->cg && oc_cg_destroy(j->cg, &e2) < 0) oc_log_warn("cleanup: %s", e2.msg);
  if (j->state_dir_made && oc_host_mounts_remove(j->state_dir, j->rootfs, &e2) < 0) oc_log_warn("cleanup: %s", e2.msg);
  /* The state dir goes last: while it is there, it names what is left (for a kill -9 now). */
  if (j->admitted && oc_ledger_release(j->o->id, j->root_abs, &e2) < 0) oc_log_warn("cleanup: %s", e2.msg);
  if (j->state_dir_made && oc_remove_tree(j->state_dir, &e2) < 0) oc_log_warn("cleanup: %s", e2.msg);
}

int oc_container_create(const struct oc_globals *g, const struct oc_create_opts *o, pid_t *pid,
                        struct oc_err *e) {
  struct create_job j = {.g = g, .o = o, .pidfd = -1, .sync_fd = -1, .start_fd = -1,
                         .state_dir_fd = -1, .console_fd = -1};
  for (int t = 0; t < OC_NS_COUNT; t++) j.ns_fds[t] = -1;
  int r = create_steps(&j, e);
  if (r < 0) undo(&j);
  else *pid = j.pid;
  int fds[] = {j.pidfd, j.sync_fd, j.start_fd, j.state_dir_fd, j.console_fd};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (fds[i] >= 0) close(fds[i]);
  oc_ns_close(j.ns_fds);
  if (j.cg) oc_cg_free(j.cg);
  if (j.seccomp) oc_seccomp_free(j.seccomp);
  free(j.cg_path);
  oc_config_free(j.c);
  free(j.config_text);
  return r < 0 ? -1 : 0;
}
