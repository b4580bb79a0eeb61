#define _GNU_SOURCE
#include "runtime/exe_protect.h"

#include <fcntl.h>
#include <link.h>
#include <linux/mount.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: say so, or vm.memfd_noexec may refuse the exec */
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

enum exe_kind { EXE_HOST, EXE_SEALED_MEMFD, EXE_RO_MOUNT };

/* The program's own segments and the auxv hold addresses as integers. */
static void *as_ptr(uintptr_t a) { return (void *)a; } // NOLINT(performance-no-int-to-ptr)

static enum exe_kind exe_kind(int self) {
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & SEALS) == SEALS) return EXE_SEALED_MEMFD;
  /* A regular file whose path is "/" is the root of a mount with no parent: a detached mount,
   * which no namespace holds, so it cannot be remounted read-write. */
  struct statvfs v;
  char link[4];
  if (fstatvfs(self, &v) == 0 && (v.f_flag & ST_RDONLY) &&
      readlink("/proc/self/exe", link, sizeof link) == 1 && link[0] == '/')
    return EXE_RO_MOUNT;
  return EXE_HOST;
}

/* The binary on a private read-only mount of just this file; -1 when not allowed here. */
static int ro_mount_of(int self) {
  int tree = (int)syscall(SYS_open_tree, self, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0) return -1;
  struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof a) < 0) {
    close(tree);
    return -1;
  }
  return tree;
}

#define PAGE_DOWN(a, pg) ((a) & ~((uintptr_t)(pg) - 1))
#define PAGE_UP(a, pg) PAGE_DOWN((a) + (pg) - 1, pg)

struct remap { int fd; int err; };

/* Word by word, unchecked and not turned into a memcpy call: the data segment also holds the
 * redzones an address sanitizer puts around globals. */
__attribute__((no_sanitize_address)) static void copy_words(uintptr_t *to, const volatile uintptr_t *from,
                                                            size_t len) {
  for (size_t i = 0; i < len / sizeof *to; i++) to[i] = from[i];
}

/* Map every segment of the main program from x->fd instead of the host binary, at the same
 * address: the read-only ones from the fd (the same pages), the writable one (data and relro,
 * changed since: relocations, globals) as an anonymous copy of what it holds now. Nothing writes
 * to the data segment between the copy and the mremap that puts it in place. */
static int remap_main_program(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct remap *x = data;
  uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), relro = 0, relro_end = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_GNU_RELRO) continue;
    relro = PAGE_DOWN(info->dlpi_addr + ph->p_vaddr, pg);
    relro_end = PAGE_DOWN(info->dlpi_addr + ph->p_vaddr + ph->p_memsz, pg);
  }
  for (int i = 0; i < info->dlpi_phnum && !x->err; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !ph->p_filesz) continue;
    uintptr_t start = PAGE_DOWN(info->dlpi_addr + ph->p_vaddr, pg);
    size_t len = PAGE_UP(info->dlpi_addr + ph->p_vaddr + ph->p_filesz, pg) - start;
    int prot = (ph->p_flags & PF_R ? PROT_READ : 0) | (ph->p_flags & PF_W ? PROT_WRITE : 0) |
               (ph->p_flags & PF_X ? PROT_EXEC : 0);
    if (!(ph->p_flags & PF_W)) {
      void *got = mmap(as_ptr(start), len, prot, MAP_PRIVATE | MAP_FIXED, x->fd, (off_t)PAGE_DOWN(ph->p_offset, pg));
      if (got == MAP_FAILED) x->err = errno;
      continue;
    }
    void *copy = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (copy == MAP_FAILED) {
      x->err = errno;
      continue;
    }
    copy_words(copy, (const volatile uintptr_t *)as_ptr(start), len);
    if (mremap(copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, as_ptr(start)) == MAP_FAILED) {
      x->err = errno;
      munmap(copy, len);
      continue;
    }
    if (relro < relro_end && relro >= start && relro_end <= start + len &&
        mprotect(as_ptr(relro), relro_end - relro, PROT_READ) < 0)
      x->err = errno;
  }
  return 1; /* the first object is the main program: done */
}

/* PR_SET_MM_MAP with the current layout, read back from /proc/self/stat, and the new exe. */
static int set_exe_file(int fd) {
  char buf[2048];
  _cleanup_fd_ int st = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ssize_t n = st < 0 ? -1 : read(st, buf, sizeof buf - 1);
  if (n <= 0) return -1;
  buf[n] = '\0';
  char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
  unsigned long long v[52] = {0};
  int field = 2;
  char *save = NULL;
  for (char *tok = p ? strtok_r(p + 1, " ", &save) : NULL; tok && field < 51; tok = strtok_r(NULL, " ", &save))
    v[++field] = strtoull(tok, NULL, 10);
  if (field < 51) return -1;
  struct prctl_mm_map m = {.start_code = v[26], .end_code = v[27], .start_stack = v[28],
                           .start_data = v[45], .end_data = v[46], .start_brk = v[47],
                           .brk = (uint64_t)syscall(SYS_brk, 0), .arg_start = v[48],
                           .arg_end = v[49], .env_start = v[50], .env_end = v[51],
                           .exe_fd = (uint32_t)fd};
  return prctl(PR_SET_MM, PR_SET_MM_MAP, &m, sizeof m, 0);
}

/* Without an exec: map this process from the read-only mount and make it the exe. Any failure
 * leaves a process that still works (the remapped pages are the same), and the caller execs. */
static int switch_in_place(int tree) {
  char p[64];
  snprintf(p, sizeof p, "/proc/self/fd/%d", tree);
  _cleanup_fd_ int ro = open(p, O_RDONLY | O_CLOEXEC); /* mmap and PR_SET_MM take no O_PATH fd */
  if (ro < 0) return -1;
  struct remap x = {.fd = ro};
  dl_iterate_phdr(remap_main_program, &x);
  if (x.err || set_exe_file(ro) < 0) return -1;
  _cleanup_fd_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return self >= 0 && exe_kind(self) == EXE_RO_MOUNT ? 0 : -1;
}

OC_MUST_CHECK static int sealed_copy(int self, struct oc_err *e) {
  struct stat sb;
  if (fstat(self, &sb) < 0) return oc_fail_errno(e, "stat /proc/self/exe");
  _cleanup_fd_ int m = memfd_create("ocrun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (m < 0 && errno == EINVAL) m = memfd_create("ocrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (m < 0) return oc_fail_errno(e, "memfd_create for a sealed copy of ocrun");
  for (off_t off = 0; off < sb.st_size;) {
    ssize_t n = sendfile(m, self, &off, (size_t)(sb.st_size - off));
    if (n < 0) return oc_fail_errno(e, "copy ocrun into a memfd");
    if (n == 0) return oc_fail(e, EIO, "copy ocrun into a memfd: the binary shrank while copied");
  }
  if (fcntl(m, F_ADD_SEALS, SEALS) < 0) return oc_fail_errno(e, "seal the memfd copy of ocrun");
  return oc_steal_fd(&m);
}

/* Were we started through an fd (execveat/fexecve)? Then the kernel named the program
 * /dev/fd/N: its comm is "N". */
static bool started_from_fd(void) {
  const char *fn = (const char *)as_ptr(getauxval(AT_EXECFN));
  return fn && strncmp(fn, "/dev/fd/", 8) == 0;
}

int oc_exe_protect(char **argv, struct oc_err *e) {
  const char *want = getenv("OCRUN_PROTECT_EXE");
  if (want && want[0] && strcmp(want, "memfd") != 0)
    return oc_fail(e, EINVAL, "OCRUN_PROTECT_EXE=%s: the only value is memfd", want);
  _cleanup_fd_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) return oc_fail_errno(e, "open /proc/self/exe");
  enum exe_kind k = exe_kind(self);
  if (k != EXE_HOST) {
    const char *slash = strrchr(argv[0], '/');
    /* Cosmetic (ps, top): a failure changes nothing else. */
    if (started_from_fd() && prctl(PR_SET_NAME, slash ? slash + 1 : argv[0], 0, 0, 0) < 0)
      oc_log_debug("prctl(PR_SET_NAME): %s", strerror(errno));
    oc_log_debug("running from %s", k == EXE_RO_MOUNT ? "a private read-only mount of the binary"
                                                      : "a sealed memfd copy of the binary");
    return 0;
  }
  /* Started from an fd but not recognised as protected: straight to the memfd, whose seals the
   * next image always recognises, so there is at most one more exec. */
  int fd = -1;
  if (!(want && want[0]) && !started_from_fd()) fd = ro_mount_of(self);
  if (fd >= 0 && switch_in_place(fd) == 0) {
    close(fd); /* the mount is now held only by our mappings and exe: detached for good */
    oc_log_debug("switched in place to a private read-only mount of the binary");
    return 0;
  }
  if (fd < 0 && (fd = sealed_copy(self, e)) < 0) return -1;
  syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
  int r = oc_fail_errno(e, "re-execute ocrun from its protected copy");
  close(fd);
  return r;
}
