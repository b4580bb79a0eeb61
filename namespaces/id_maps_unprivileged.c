/* User namespace id maps written by an unprivileged runtime (rootless). The kernel lets a user
 * without CAP_SETUID/CAP_SETGID map only their own euid/egid, one id, and the gid map only once
 * setgroups is denied in the namespace. Anything wider (ranges from /etc/subuid and /etc/subgid)
 * goes through the setuid helpers newuidmap/newgidmap (Debian package uidmap). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namespaces/ns.h"
#include "base/cleanup.h"
#include "base/fsutil.h"

static bool only_own_id(const struct oc_id_maps *m, unsigned own) {
  return m->n == 1 && m->v[0].size == 1 && m->v[0].host_id == own;
}

/* The one line "ID ID 1" of the caller's own id into /proc/<pid>/FILE. */
OC_MUST_CHECK static int write_own(pid_t pid, const char *file, const struct oc_id_maps *m, struct oc_err *e) {
  char path[64], line[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  int n = snprintf(line, sizeof line, "%u %u 1\n", (unsigned)m->v[0].container_id, (unsigned)m->v[0].host_id);
  return oc_write_fileat(AT_FDCWD, path, line, (size_t)n, e);
}

/* newuidmap PID CID HID SIZE ...: its first line of stderr goes into the error. */
OC_MUST_CHECK static int run_helper(const char *helper, pid_t pid, const struct oc_id_maps *m, struct oc_err *e) {
  size_t argc = 2 + 3 * m->n + 1;
  _cleanup_free_ char **argv = calloc(argc, sizeof *argv);
  _cleanup_free_ char *nums = malloc((1 + 3 * m->n) * 12);
  if (!argv || !nums) return oc_fail(e, ENOMEM, "out of memory");
  char *p = nums;
  argv[0] = (char *)helper;
  argv[1] = p;
  p += sprintf(p, "%d", (int)pid) + 1;
  for (size_t i = 0; i < m->n; i++) {
    const uint32_t v[3] = {m->v[i].container_id, m->v[i].host_id, m->v[i].size};
    for (int k = 0; k < 3; k++) {
      argv[2 + 3 * i + (size_t)k] = p;
      p += sprintf(p, "%u", (unsigned)v[k]) + 1;
    }
  }
  int errp[2];
  if (pipe2(errp, O_CLOEXEC) < 0) return oc_fail_errno(e, "pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, errp[1], STDERR_FILENO);
  pid_t child;
  int r = posix_spawnp(&child, helper, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(errp[1]);
  if (r != 0) {
    close(errp[0]);
    if (r == ENOENT)
      return oc_fail(e, ENOENT, "mapping more than your own id needs %s (Debian package uidmap): not found in PATH",
                     helper);
    errno = r;
    return oc_fail_errno(e, "run %s", helper);
  }
  char msg[512];
  size_t len = 0;
  for (ssize_t k; len < sizeof msg - 1; len += (size_t)k) {
    k = read(errp[0], msg + len, sizeof msg - 1 - len);
    if (k < 0 && errno == EINTR) {
      k = 0;
      continue;
    }
    if (k <= 0) break;
  }
  close(errp[0]);
  msg[len] = '\0';
  msg[strcspn(msg, "\n")] = '\0';
  int st;
  while (waitpid(child, &st, 0) < 0)
    if (errno != EINTR) return oc_fail_errno(e, "wait for %s", helper);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return oc_fail(e, EPERM, "%s failed (status %d)%s%s", helper, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                   msg[0] ? ": " : "", msg);
  return 0;
}

int oc_ns_write_id_maps_unprivileged(pid_t pid, const struct oc_config *c, struct oc_err *e) {
  const struct oc_id_maps *u = &c->uid_mappings, *g = &c->gid_mappings;
  if (u->n) {
    int r = only_own_id(u, (unsigned)geteuid()) ? write_own(pid, "uid_map", u, e)
                                               : run_helper("newuidmap", pid, u, e);
    if (r < 0) return oc_wrap(e, -1, "linux.uidMappings");
  }
  if (!g->n) return 0;
  int r;
  if (only_own_id(g, (unsigned)getegid())) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    r = oc_write_fileat(AT_FDCWD, path, "deny", 4, e);
    if (r == 0) r = write_own(pid, "gid_map", g, e);
  } else {
    r = run_helper("newgidmap", pid, g, e);
  }
  return r < 0 ? oc_wrap(e, -1, "linux.gidMappings") : 0;
}
