/* OOM watch: see events.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "cgroups/events.h"

struct oc_cg_oom_watch {
  bool v1;
  int fd;       /* v2: memory.events; v1: the eventfd */
  int ctl_fd;   /* v1: memory.oom_control, kept open while registered */
  int dir_fd;   /* v1: the memory cgroup dir, to notice its removal */
  uint64_t oom, oom_kill;
};

void oc_cg_oom_watch_free(struct oc_cg_oom_watch *w) {
  if (!w) return;
  if (w->fd >= 0) close(w->fd);
  if (w->ctl_fd >= 0) close(w->ctl_fd);
  if (w->dir_fd >= 0) close(w->dir_fd);
  free(w);
}

static int read_v2(struct oc_cg_oom_watch *w, uint64_t *oom, uint64_t *kill) {
  char buf[1024];
  ssize_t n;
  if (lseek(w->fd, 0, SEEK_SET) < 0) return -errno;
  do n = read(w->fd, buf, sizeof buf - 1);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -errno;
  buf[n] = '\0';
  *oom = *kill = 0;
  oc_cg_kv_get(buf, "oom", oom);
  oc_cg_kv_get(buf, "oom_kill", kill);
  return 0;
}

int oc_cg_oom_watch_open(const struct oc_cgroup *cg, struct oc_cg_oom_watch **out, struct oc_err *e) {
  struct oc_cg_oom_watch *w = calloc(1, sizeof *w);
  if (!w) return oc_fail(e, ENOMEM, "out of memory");
  w->fd = w->ctl_fd = w->dir_fd = -1;
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, OC_CTL_MEMORY);
  if (d) {
    w->v1 = true;
    w->dir_fd = fcntl(d->fd, F_DUPFD_CLOEXEC, 3);
    w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    w->ctl_fd = openat(d->fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
    if (w->dir_fd < 0 || w->fd < 0 || w->ctl_fd < 0) {
      int r = oc_fail_errno(e, "%s: OOM notification", d->dirpath);
      oc_cg_oom_watch_free(w);
      return r;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%d %d", w->fd, w->ctl_fd);
    if (oc_cgf_write(d, "cgroup.event_control", buf, e) < 0) {
      oc_cg_oom_watch_free(w);
      return -1;
    }
  } else if ((d = oc_cg_v2_dir(cg)) && oc_cgf_exists(d, "memory.events")) {
    w->fd = openat(d->fd, "memory.events", O_RDONLY | O_CLOEXEC);
    if (w->fd < 0 || read_v2(w, &w->oom, &w->oom_kill) < 0) {
      int r = oc_fail_errno(e, "%s/memory.events", d->dirpath);
      oc_cg_oom_watch_free(w);
      return r;
    }
  } else {
    oc_cg_oom_watch_free(w);
    return oc_fail(e, ENOTSUP, "cgroup %s: no memory controller to watch for OOM", oc_cg_path(cg));
  }
  *out = w;
  return 0;
}

int oc_cg_oom_watch_fd(const struct oc_cg_oom_watch *w, short *events) {
  *events = w->v1 ? POLLIN : POLLPRI;
  return w->fd;
}

int oc_cg_oom_watch_read(struct oc_cg_oom_watch *w, bool *gone, struct oc_err *e) {
  *gone = false;
  if (w->v1) {
    uint64_t n = 0;
    if (read(w->fd, &n, sizeof n) < 0 && errno != EAGAIN) return oc_fail_errno(e, "read OOM eventfd");
    /* the kernel also signals the eventfd when the cgroup goes away */
    if (faccessat(w->dir_fd, "memory.oom_control", F_OK, 0) < 0) {
      *gone = true;
      return 0;
    }
    return n > INT32_MAX ? INT32_MAX : (int)n;
  }
  uint64_t oom = 0, kill = 0; /* set unless r < 0 (the analyzer does not know -errno < 0) */
  int r = read_v2(w, &oom, &kill);
  if (r == -ENODEV || r == -ENOENT) {
    *gone = true;
    return 0;
  }
  if (r < 0) return oc_fail(e, -r, "read memory.events");
  uint64_t d1 = oom - w->oom, d2 = kill - w->oom_kill, d = d1 > d2 ? d1 : d2;
  w->oom = oom;
  w->oom_kill = kill;
  return d > INT32_MAX ? INT32_MAX : (int)d;
}
