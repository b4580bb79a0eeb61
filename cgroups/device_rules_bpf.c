/* cgroup v2 device filter: a BPF_PROG_TYPE_CGROUP_DEVICE program built from the rules, loaded and
 * attached with raw bpf() calls. Semantics: the last matching rule decides, per access bit; a
 * request is allowed only when every bit it asks for is allowed; default deny.
 * The program walks the rules backwards keeping the undecided access bits in r4:
 *   a matching deny rule that covers an undecided bit -> return 0;
 *   a matching allow rule clears its bits; none left -> return 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(d, s, off) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, off, 0)
#define MOV32_REG(d, s) INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JMP32_IMM(op, d, i, off) INSN(BPF_JMP32 | (op) | BPF_K, d, 0, off, i)
#define EXIT_INSN() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0, R1, R2, R3, R4, R5, R6, R7 };

static unsigned dev_type_bits(char t) {
  return t == 'c' ? BPF_DEVCG_DEV_CHAR : t == 'b' ? BPF_DEVCG_DEV_BLOCK : 0;
}

int oc_cg_devices_bpf_build(const struct oc_device_rule *rules, size_t n, void **insns,
                            size_t *n_insns, struct oc_err *e) {
  size_t cap = 9 + n * 8, k = 0;
  struct bpf_insn *p = calloc(cap, sizeof *p);
  if (!p) return oc_fail(e, ENOMEM, "out of memory");
  p[k++] = LDX_W(R2, R1, 0);           /* access_type = (access << 16) | type */
  p[k++] = MOV32_REG(R3, R2);
  p[k++] = ALU32_IMM(BPF_AND, R3, 0xffff);
  p[k++] = MOV32_REG(R4, R2);
  p[k++] = ALU32_IMM(BPF_RSH, R4, 16);
  p[k++] = LDX_W(R5, R1, 4);           /* major */
  p[k++] = LDX_W(R6, R1, 8);           /* minor */
  for (size_t i = n; i-- > 0;) {
    const struct oc_device_rule *d = &rules[i];
    unsigned acc = oc_cg_dev_access_bits(d->access);
    int body = d->allow ? 4 : 5;
    int checks = (d->type != 'a') + d->major.set + d->minor.set, left = checks;
    if (d->type != 'a') p[k++] = JMP32_IMM(BPF_JNE, R3, (int)dev_type_bits(d->type), --left + body);
    if (d->major.set) p[k++] = JMP32_IMM(BPF_JNE, R5, (int)d->major.v, --left + body);
    if (d->minor.set) p[k++] = JMP32_IMM(BPF_JNE, R6, (int)d->minor.v, --left + body);
    if (d->allow) {
      p[k++] = ALU32_IMM(BPF_AND, R4, (int)~acc);
      p[k++] = JMP32_IMM(BPF_JNE, R4, 0, 2);
      p[k++] = MOV64_IMM(R0, 1);
      p[k++] = EXIT_INSN();
    } else {
      p[k++] = MOV32_REG(R7, R4);
      p[k++] = ALU32_IMM(BPF_AND, R7, (int)acc);
      p[k++] = JMP32_IMM(BPF_JEQ, R7, 0, 2);
      p[k++] = MOV64_IMM(R0, 0);
      p[k++] = EXIT_INSN();
    }
  }
  p[k++] = MOV64_IMM(R0, 0);
  p[k++] = EXIT_INSN();
  *insns = p;
  *n_insns = k;
  return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

OC_MUST_CHECK static int load(const struct bpf_insn *insns, size_t n, const char *what, struct oc_err *e) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)insns;
  a.insn_cnt = (uint32_t)n;
  a.license = (uint64_t)(uintptr_t)"GPL";
  int fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0) return fd;
  if (errno != EINVAL && errno != EACCES) return oc_fail_errno(e, "%s: load device filter (bpf)", what);
  /* ask the verifier why */
  static char log[4096];
  log[0] = '\0';
  a.log_buf = (uint64_t)(uintptr_t)log;
  a.log_size = sizeof log;
  a.log_level = 1;
  fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0) return fd;
  log[strcspn(log, "\n")] = '\0';
  return oc_fail_errno(e, "%s: load device filter (bpf, verifier: %.200s)", what, log);
}

/* Ids of the device programs attached to the cgroup now. */
static int query(int cg_fd, uint32_t *ids, uint32_t *n) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.query.target_fd = (uint32_t)cg_fd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t)(uintptr_t)ids;
  a.query.prog_cnt = *n;
  if (sys_bpf(BPF_PROG_QUERY, &a) < 0) return -errno;
  *n = a.query.prog_cnt;
  return 0;
}

int oc_cg_devices_bpf_count(int cg_fd) {
  uint32_t ids[64], n = 64;
  int r = query(cg_fd, ids, &n);
  return r < 0 ? r : (int)n;
}

int oc_cg_devices_bpf_apply(int cg_fd, const char *what, const struct oc_device_rule *rules,
                            size_t n, struct oc_err *e) {
  _cleanup_free_ void *insns = NULL;
  size_t n_insns;
  if (oc_cg_devices_bpf_build(rules, n, &insns, &n_insns, e) < 0) return -1;
  if (oc_cg_testing()) return 0;
  uint32_t old[64], n_old = 64;
  if (query(cg_fd, old, &n_old) < 0) n_old = 0;
  _cleanup_fd_ int prog = load(insns, n_insns, what, e);
  if (prog < 0) return -1;
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.target_fd = (uint32_t)cg_fd;
  a.attach_bpf_fd = (uint32_t)prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &a) < 0) return oc_fail_errno(e, "%s: attach device filter (bpf)", what);
  /* the new filter is in place: drop the ones it replaces (the cgroup keeps its own reference) */
  for (uint32_t i = 0; i < n_old; i++) {
    memset(&a, 0, sizeof a);
    a.prog_id = old[i];
    _cleanup_fd_ int ofd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
    if (ofd < 0) continue;
    memset(&a, 0, sizeof a);
    a.target_fd = (uint32_t)cg_fd;
    a.attach_bpf_fd = (uint32_t)ofd;
    a.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
      return oc_fail_errno(e, "%s: detach the previous device filter (bpf id %u)", what, old[i]);
  }
  return 0;
}
