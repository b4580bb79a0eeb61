/* exe_protect_cost BINARY N: what each way of protecting the runtime binary against
 * CVE-2019-5736 costs (runtime/exe_protect.c), timed in-process, N rounds each after 5 warm-ups:
 *   prep       making the protected fd: nothing (the path), a sealed memfd copy (memfd_create +
 *              sendfile + F_ADD_SEALS), a detached read-only mount of the file (open_tree +
 *              mount_setattr), a read-only overlayfs of its directory (fsopen + fsmount + openat);
 *   prep+exec  the same, then fork, execveat(fd) of `BINARY --version`, wait.
 * Prints the median, p10 and p90 in microseconds. A benchmark, never a test (root: mounts). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static const char *bin;
static char dir[4096], base[4096], empty[] = "/tmp/exe-protect-empty.XXXXXX";

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int prep_path(void) { return open(bin, O_PATH | O_CLOEXEC); }

static int prep_memfd(void) {
  int src = open(bin, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (src < 0 || fstat(src, &sb) < 0) die(bin);
  int m = memfd_create("ocrun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (m < 0) die("memfd_create");
  for (off_t off = 0; off < sb.st_size;)
    if (sendfile(m, src, &off, (size_t)(sb.st_size - off)) <= 0) die("sendfile");
  if (fcntl(m, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) die("seal");
  close(src);
  return m;
}

static int prep_ro_mount(void) {
  int t = (int)syscall(SYS_open_tree, AT_FDCWD, bin, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (t < 0) die("open_tree");
  struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
  if (syscall(SYS_mount_setattr, t, "", AT_EMPTY_PATH, &a, sizeof a) < 0) die("mount_setattr");
  return t;
}

/* No upper layer: read-only whatever its mount flags. Two lower layers are required then. */
static int prep_overlay(void) {
  int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fs < 0) die("fsopen overlay");
  char low[8300];
  snprintf(low, sizeof low, "%s:%s", dir, empty);
  if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", low, 0) < 0) die("fsconfig lowerdir");
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) die("fsconfig create");
  int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
  if (mnt < 0) die("fsmount");
  int f = openat(mnt, base, O_PATH | O_CLOEXEC);
  if (f < 0) die("openat in the overlay");
  close(mnt);
  close(fs);
  return f;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void measure(const char *name, int (*prep)(void), int exec, int n) {
  extern char **environ;
  char *av[] = {"ocrun", "--version", NULL};
  double *v = calloc((size_t)n, sizeof *v);
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (!v || null < 0) die("setup");
  for (int i = -5; i < n; i++) {
    double t0 = now_us();
    int fd = prep();
    if (fd < 0) die(name);
    if (exec) {
      pid_t p = fork();
      if (p == 0) {
        dup2(null, 1);
        syscall(SYS_execveat, fd, "", av, environ, AT_EMPTY_PATH);
        _exit(127);
      }
      int st;
      if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) die("exec");
    }
    close(fd);
    if (i >= 0) v[i] = now_us() - t0;
  }
  qsort(v, (size_t)n, sizeof *v, cmp);
  printf("%-10s %-9s median %8.1f us   p10 %8.1f   p90 %8.1f\n", name, exec ? "prep+exec" : "prep",
         v[n / 2], v[n / 10], v[n * 9 / 10]);
  free(v);
  close(null);
}

int main(int argc, char **argv) {
  if (argc != 3 || argv[1][0] != '/') {
    fprintf(stderr, "usage: %s /ABSOLUTE/BINARY N\n", argv[0]);
    return 2;
  }
  bin = argv[1];
  int n = atoi(argv[2]);
  const char *slash = strrchr(bin, '/');
  snprintf(dir, sizeof dir, "%.*s", slash == bin ? 1 : (int)(slash - bin), bin);
  snprintf(base, sizeof base, "%s", slash + 1);
  if (!mkdtemp(empty)) die("mkdtemp");
  struct stat sb;
  if (stat(bin, &sb) < 0) die(bin);
  printf("%s: %lld bytes, %d rounds each\n", bin, (long long)sb.st_size, n);
  const struct { const char *name; int (*prep)(void); } m[] = {
      {"path", prep_path}, {"memfd", prep_memfd}, {"ro-mount", prep_ro_mount}, {"overlay", prep_overlay}};
  for (int exec = 0; exec <= 1; exec++)
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) measure(m[i].name, m[i].prep, exec, n);
  rmdir(empty);
  return 0;
}
