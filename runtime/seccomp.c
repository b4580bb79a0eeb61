/* linux.seccomp. The runtime checks the profile and has libseccomp compile it to a BPF program
 * (so a bad profile fails before anything exists); the container process then only hands that
 * program to seccomp(2). Loading it ourselves rather than with seccomp_load() keeps libseccomp
 * and malloc out of the container process, makes the load a single syscall, and gives us the
 * filter flags libseccomp 2.5 does not know (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV). */
#define _GNU_SOURCE
#include "runtime/seccomp.h"
#include "oci/names.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/log.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The version written into the container process state when the state JSON has none. */

struct oc_seccomp_filter {
  struct sock_filter *insns;
  unsigned short len;
  unsigned int load_flags; /* seccomp(2) flags, NEW_LISTENER included when notify */
  bool notify;
};


static const enum scmp_compare scmp_ops[] = {
    [OC_SCMP_NE] = SCMP_CMP_NE, [OC_SCMP_LT] = SCMP_CMP_LT, [OC_SCMP_LE] = SCMP_CMP_LE,
    [OC_SCMP_EQ] = SCMP_CMP_EQ, [OC_SCMP_GE] = SCMP_CMP_GE, [OC_SCMP_GT] = SCMP_CMP_GT,
    [OC_SCMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static const struct {
  const char *name;
  unsigned int flag;
} flag_defs[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

/* Architectures: those of libseccomp 2.5, plus newer ones when the installed libseccomp has them. */
#ifdef SCMP_ARCH_LOONGARCH64
#define ARCH_LOONGARCH64(X) X(LOONGARCH64)
#else
#define ARCH_LOONGARCH64(X)
#endif
#ifdef SCMP_ARCH_M68K
#define ARCH_M68K(X) X(M68K)
#else
#define ARCH_M68K(X)
#endif
#ifdef SCMP_ARCH_SH
#define ARCH_SH(X) X(SH) X(SHEB)
#else
#define ARCH_SH(X)
#endif
#define OC_ARCHES(X)                                                                        \
  X(X86) X(X86_64) X(X32) X(ARM) X(AARCH64) X(MIPS) X(MIPS64) X(MIPS64N32) X(MIPSEL)        \
  X(MIPSEL64) X(MIPSEL64N32) X(PPC) X(PPC64) X(PPC64LE) X(S390) X(S390X) X(PARISC)           \
  X(PARISC64) X(RISCV64) ARCH_LOONGARCH64(X) ARCH_M68K(X) ARCH_SH(X)

#define ARCH_NAME(a) "SCMP_ARCH_" #a,
const char *const oc_seccomp_arch_names[] = {OC_ARCHES(ARCH_NAME) NULL};
#define ARCH_TOKEN(a) SCMP_ARCH_##a,
static const uint32_t arch_tokens[] = {OC_ARCHES(ARCH_TOKEN)};

static bool arch_token(const char *name, uint32_t *token) {
  for (size_t i = 0; oc_seccomp_arch_names[i]; i++)
    if (strcmp(oc_seccomp_arch_names[i], name) == 0) {
      *token = arch_tokens[i];
      return true;
    }
  return false;
}

/* The kernel checks the flags before it reads the program: EFAULT on a NULL program means the
 * flags are known (the probe libseccomp uses too). */
static bool kernel_takes_flags(unsigned int flags) {
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

static unsigned int flag_probe_bits(unsigned int flag) {
  /* The kernel accepts WAIT_KILLABLE_RECV only together with NEW_LISTENER. */
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return flag;
}

bool oc_seccomp_flag_supported(const char *name) {
  for (size_t i = 0; i < sizeof flag_defs / sizeof flag_defs[0]; i++)
    if (strcmp(flag_defs[i].name, name) == 0) return kernel_takes_flags(flag_probe_bits(flag_defs[i].flag));
  return false;
}

static bool valid_action(enum oc_seccomp_action a) {
  return (unsigned)a <= OC_SCMP_NOTIFY;
}

/* The libseccomp action for an OCI action and errnoRet; `key` names the item for errors. */
OC_MUST_CHECK static int scmp_action(enum oc_seccomp_action a, oc_u64 errno_ret, const char *key,
                       const char *errno_key, uint32_t *out, struct oc_err *e) {
  if (!valid_action(a)) return oc_fail(e, EINVAL, "%s: unknown action %d", key, (int)a);
  if (errno_ret.set && a != OC_SCMP_ERRNO && a != OC_SCMP_TRACE)
    return oc_fail(e, EINVAL, "%s: not supported with %s (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE)",
                   errno_key, oc_seccomp_action_names[a]);
  if (errno_ret.set && errno_ret.v > SECCOMP_RET_DATA)
    return oc_fail(e, ERANGE, "%s: %llu is out of range (0-%u)", errno_key,
                   (unsigned long long)errno_ret.v, SECCOMP_RET_DATA);
  uint16_t data = errno_ret.set ? (uint16_t)errno_ret.v : EPERM;
  switch (a) {
  case OC_SCMP_KILL: *out = SCMP_ACT_KILL; break;
  case OC_SCMP_KILL_PROCESS: *out = SCMP_ACT_KILL_PROCESS; break;
  case OC_SCMP_KILL_THREAD: *out = SCMP_ACT_KILL_THREAD; break;
  case OC_SCMP_TRAP: *out = SCMP_ACT_TRAP; break;
  case OC_SCMP_ERRNO: *out = SCMP_ACT_ERRNO(data); break;
  case OC_SCMP_TRACE: *out = SCMP_ACT_TRACE(data); break;
  case OC_SCMP_ALLOW: *out = SCMP_ACT_ALLOW; break;
  case OC_SCMP_LOG: *out = SCMP_ACT_LOG; break;
  case OC_SCMP_NOTIFY: *out = SCMP_ACT_NOTIFY; break;
  }
  return 0;
}

static void ctx_releasep(scmp_filter_ctx *ctx) {
  if (*ctx) seccomp_release(*ctx);
}

OC_MUST_CHECK static int parse_flags(const struct oc_seccomp *s, unsigned int *flags, struct oc_err *e) {
  *flags = 0;
  for (size_t i = 0; i < s->flags.n; i++) {
    const char *name = s->flags.v[i];
    size_t k = 0;
    while (k < sizeof flag_defs / sizeof flag_defs[0] && strcmp(flag_defs[k].name, name) != 0) k++;
    if (k == sizeof flag_defs / sizeof flag_defs[0])
      return oc_fail(e, EINVAL, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, name);
    if (!kernel_takes_flags(flag_probe_bits(flag_defs[k].flag)))
      return oc_fail(e, EOPNOTSUPP, "linux.seccomp.flags[%zu]: %s is not supported by this kernel",
                     i, name);
    *flags |= flag_defs[k].flag;
  }
  return 0;
}

static const char *native_arch_name(void) {
  uint32_t native = seccomp_arch_native();
  for (size_t i = 0; oc_seccomp_arch_names[i]; i++)
    if (arch_tokens[i] == native) return oc_seccomp_arch_names[i];
  return "the native architecture";
}

/* ---- checking the profile ---- */

/* Everything the BPF program depends on, as one byte string: the compile cache's key. */
struct keybuf {
  unsigned char *p;
  size_t len, cap;
  bool oom;
};

static void kb_add(struct keybuf *k, const void *d, size_t n) {
  if (k->oom) return;
  if (k->len + n > k->cap) {
    size_t cap = k->cap ? k->cap * 2 : 4096;
    while (cap < k->len + n) cap *= 2;
    unsigned char *p = realloc(k->p, cap);
    if (!p) {
      k->oom = true;
      return;
    }
    k->p = p;
    k->cap = cap;
  }
  memcpy(k->p + k->len, d, n);
  k->len += n;
}
static void kb_u64(struct keybuf *k, uint64_t v) { kb_add(k, &v, sizeof v); }
static void kb_str(struct keybuf *k, const char *s) {
  kb_u64(k, strlen(s));
  kb_add(k, s, strlen(s));
}

/* What the checks found, for building (or fetching) the program and for loading it. */
struct plan {
  uint32_t def;
  unsigned int flags;
  bool notify; /* some SCMP_ACT_NOTIFY rule names a syscall libseccomp knows */
  uint32_t arches[64];
  size_t n_arches;
  struct keybuf key;
};
static void plan_release(struct plan *p) { free(p->key.p); }

OC_MUST_CHECK static int check_arches(const struct oc_seccomp *s, struct plan *p, struct oc_err *e) {
  for (size_t i = 0; i < s->architectures.n; i++) {
    const char *name = s->architectures.v[i];
    uint32_t token;
    if (!arch_token(name, &token))
      return oc_fail(e, EINVAL, "linux.seccomp.architectures: unknown architecture \"%s\"", name);
    bool dup = false;
    for (size_t k = 0; k < p->n_arches; k++) dup |= p->arches[k] == token;
    if (!dup && p->n_arches < sizeof p->arches / sizeof p->arches[0]) p->arches[p->n_arches++] = token;
  }
  kb_u64(&p->key, p->n_arches);
  kb_add(&p->key, p->arches, p->n_arches * sizeof p->arches[0]);
  return 0;
}

/* Conditions of one syscalls[] entry. libseccomp cannot AND two conditions on the same argument,
 * so such an entry becomes one rule per condition, as runc does (*split). */
OC_MUST_CHECK static int build_conds(const struct oc_seccomp_rule *r, size_t i, struct scmp_arg_cmp **out,
                       bool *split, struct oc_err *e) {
  unsigned seen = 0;
  *out = NULL;
  *split = false;
  if (r->n_args == 0) return 0;
  struct scmp_arg_cmp *c = calloc(r->n_args, sizeof *c);
  if (!c) return oc_fail(e, ENOMEM, "linux.seccomp.syscalls[%zu]: out of memory", i);
  for (size_t k = 0; k < r->n_args; k++) {
    const struct oc_seccomp_arg *a = &r->args[k];
    if (a->index > 5) {
      free(c);
      return oc_fail(e, EINVAL, "linux.seccomp.syscalls[%zu].args[%zu]: index %u out of range (0-5)",
                     i, k, a->index);
    }
    if ((unsigned)a->op > OC_SCMP_MASKED_EQ) {
      free(c);
      return oc_fail(e, EINVAL, "linux.seccomp.syscalls[%zu].args[%zu]: unknown operator %d", i, k,
                     (int)a->op);
    }
    if (seen & (1u << a->index)) *split = true;
    seen |= 1u << a->index;
    /* MASKED_EQ: (arg & value) == valueTwo; the others ignore valueTwo. */
    c[k] = (struct scmp_arg_cmp){.arg = a->index, .op = scmp_ops[a->op], .datum_a = a->value,
                                 .datum_b = a->value_two};
  }
  *out = c;
  return 0;
}

/* Our sync channel and runc's both need these after the filter is in place: a notification
 * nobody can answer yet would hang the container process. */
static bool notify_forbidden(const char *name) {
  return strcmp(name, "write") == 0 || strcmp(name, "sendmsg") == 0;
}

/* The action of syscalls[i]; *skip when it repeats the default (libseccomp refuses those). */
OC_MUST_CHECK static int rule_action(const struct oc_seccomp_rule *r, size_t i, uint32_t def, uint32_t *act,
                       bool *skip, struct oc_err *e) {
  char key[64], errno_key[80];
  snprintf(key, sizeof key, "linux.seccomp.syscalls[%zu]", i);
  snprintf(errno_key, sizeof errno_key, "%s.errnoRet", key);
  int rc = scmp_action(r->action, r->errno_ret, key, errno_key, act, e);
  *skip = rc == 0 && *act == def;
  return rc;
}

OC_MUST_CHECK static int check_rules(const struct oc_seccomp *s, struct plan *p, struct oc_err *e) {
  for (size_t i = 0; i < s->n_syscalls; i++) {
    const struct oc_seccomp_rule *r = &s->syscalls[i];
    uint32_t act;
    bool skip, split;
    int rc = rule_action(r, i, p->def, &act, &skip, e);
    if (rc < 0) return rc;
    if (skip) continue;
    if (r->action == OC_SCMP_NOTIFY)
      for (size_t k = 0; k < r->names.n; k++)
        if (notify_forbidden(r->names.v[k]))
          return oc_fail(e, EINVAL,
                         "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for the %s syscall",
                         i, r->names.v[k]);
    _cleanup_free_ struct scmp_arg_cmp *conds = NULL;
    rc = build_conds(r, i, &conds, &split, e);
    if (rc < 0) return rc;
    kb_u64(&p->key, act);
    kb_u64(&p->key, r->n_args);
    for (size_t k = 0; k < r->n_args; k++) {
      kb_u64(&p->key, r->args[k].index);
      kb_u64(&p->key, r->args[k].op);
      kb_u64(&p->key, r->args[k].value);
      kb_u64(&p->key, r->args[k].value_two);
    }
    kb_u64(&p->key, r->names.n);
    /* Names are resolved here only where it matters before the cache is asked (a listener for
     * a NOTIFY rule of a syscall this kernel knows); add_rules resolves the rest when the
     * program is built. */
    for (size_t k = 0; k < r->names.n; k++) {
      kb_str(&p->key, r->names.v[k]);
      if (r->action == OC_SCMP_NOTIFY && seccomp_syscall_resolve_name(r->names.v[k]) != __NR_SCMP_ERROR)
        p->notify = true;
    }
  }
  return 0;
}

/* Every check that can fail, before any work: a profile that passes here compiles. */
OC_MUST_CHECK static int check_profile(const struct oc_seccomp *s, struct plan *p, struct oc_err *e) {
  int rc = scmp_action(s->default_action, s->default_errno_ret, "linux.seccomp.defaultAction",
                       "linux.seccomp.defaultErrnoRet", &p->def, e);
  if (rc < 0) return rc;
  if (s->default_action == OC_SCMP_NOTIFY)
    return oc_fail(e, EINVAL, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  rc = parse_flags(s, &p->flags, e);
  if (rc < 0) return rc;
  const struct scmp_version *v = seccomp_version();
  kb_str(&p->key, "ocrun-seccomp-1");
  kb_u64(&p->key, v ? (uint64_t)v->major << 32 | v->minor << 16 | v->micro : 0);
  kb_u64(&p->key, seccomp_arch_native());
  kb_u64(&p->key, p->def);
  rc = check_arches(s, p, e);
  if (rc == 0) rc = check_rules(s, p, e);
  if (rc < 0) return rc;
  if (p->key.oom) return oc_fail(e, ENOMEM, "linux.seccomp: out of memory");
  if (p->notify && (!s->listener_path || !*s->listener_path))
    return oc_fail(e, EINVAL, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");

  if (p->notify) {
    p->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    /* TSYNC and a listener both want the return value: the kernel needs TSYNC_ESRCH (5.7+). */
    if (p->flags & SECCOMP_FILTER_FLAG_TSYNC) {
      p->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
      if (!kernel_takes_flags(p->flags))
        return oc_fail(e, EOPNOTSUPP,
                       "linux.seccomp.flags: SECCOMP_FILTER_FLAG_TSYNC cannot be combined with "
                       "SCMP_ACT_NOTIFY on this kernel");
    }
  } else if (p->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
    oc_log_debug("linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no SCMP_ACT_NOTIFY rule");
    p->flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }
  return 0;
}

/* ---- building the program with libseccomp ---- */

OC_MUST_CHECK static int add_arches(scmp_filter_ctx ctx, const struct oc_seccomp *s, const struct plan *p,
                      struct oc_err *e) {
  for (size_t i = 0; i < p->n_arches; i++) {
    if (seccomp_arch_exist(ctx, p->arches[i]) == 0) continue; /* the native one */
    int rc = seccomp_arch_add(ctx, p->arches[i]);
    const char *name = "?";
    for (size_t k = 0; k < s->architectures.n; k++) {
      uint32_t t;
      if (arch_token(s->architectures.v[k], &t) && t == p->arches[i]) name = s->architectures.v[k];
    }
    if (rc == -EDOM) /* one filter cannot mix byte orders */
      return oc_fail(e, EINVAL, "linux.seccomp.architectures: %s has another byte order than %s",
                     name, native_arch_name());
    if (rc < 0 && rc != -EEXIST)
      return oc_fail(e, -rc, "linux.seccomp.architectures: adding %s: %s", name, strerror(-rc));
  }
  return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct scmp_arg_cmp *conds,
                    size_t n, bool split) {
  if (!split) return seccomp_rule_add_array(ctx, act, nr, (unsigned)n, n ? conds : NULL);
  for (size_t k = 0; k < n; k++) {
    int rc = seccomp_rule_add_array(ctx, act, nr, 1, &conds[k]);
    if (rc < 0) return rc;
  }
  return 0;
}

OC_MUST_CHECK static int add_rules(scmp_filter_ctx ctx, const struct oc_seccomp *s, uint32_t def,
                     struct oc_err *e) {
  for (size_t i = 0; i < s->n_syscalls; i++) {
    const struct oc_seccomp_rule *r = &s->syscalls[i];
    uint32_t act;
    bool skip, split;
    int rc = rule_action(r, i, def, &act, &skip, e);
    if (rc < 0) return rc;
    if (skip) continue;
    _cleanup_free_ struct scmp_arg_cmp *conds = NULL;
    rc = build_conds(r, i, &conds, &split, e);
    if (rc < 0) return rc;
    for (size_t k = 0; k < r->names.n; k++) {
      int nr = seccomp_syscall_resolve_name(r->names.v[k]);
      if (nr == __NR_SCMP_ERROR) { /* profiles list syscalls of newer kernels: skipped, as runc does */
        oc_log_debug("linux.seccomp.syscalls[%zu]: unknown syscall \"%s\", skipped", i, r->names.v[k]);
        continue;
      }
      rc = add_rule(ctx, act, nr, conds, r->n_args, split);
      if (rc < 0)
        return oc_fail(e, -rc, "linux.seccomp.syscalls[%zu]: adding a rule for syscall \"%s\": %s", i,
                       r->names.v[k], strerror(-rc));
    }
  }
  return 0;
}

static int read_full(int fd, void *buf, size_t size) {
  for (size_t off = 0; off < size;) {
    ssize_t got = pread(fd, (char *)buf + off, size - off, (off_t)off);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) {
      errno = EIO;
      return -1;
    }
    off += (size_t)got;
  }
  return 0;
}

OC_MUST_CHECK static int export_bpf(scmp_filter_ctx ctx, struct oc_seccomp_filter *f, struct oc_err *e) {
  _cleanup_fd_ int fd = memfd_create("ocrun-seccomp", MFD_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "linux.seccomp: memfd_create");
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0) return oc_fail(e, -rc, "linux.seccomp: generating the BPF program: %s", strerror(-rc));
  struct stat st;
  if (fstat(fd, &st) < 0) return oc_fail_errno(e, "linux.seccomp: fstat of the BPF program");
  size_t size = (size_t)st.st_size, n = size / sizeof(struct sock_filter);
  if (n == 0 || size % sizeof(struct sock_filter))
    return oc_fail(e, EPROTO, "linux.seccomp: libseccomp produced a malformed program (%zu bytes)", size);
  if (n > BPF_MAXINSNS)
    return oc_fail(e, E2BIG, "linux.seccomp: the filter needs %zu BPF instructions, the kernel takes %d",
                   n, BPF_MAXINSNS);
  f->insns = malloc(size);
  if (!f->insns) return oc_fail(e, ENOMEM, "linux.seccomp: out of memory");
  if (read_full(fd, f->insns, size) < 0) return oc_fail_errno(e, "linux.seccomp: reading the BPF program");
  f->len = (unsigned short)n;
  return 0;
}

OC_MUST_CHECK static int set_attrs(scmp_filter_ctx ctx, struct oc_err *e) {
  /* The runtime sets no_new_privs itself when process.noNewPrivileges asks for it. */
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 5)
  if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
#endif
  if (rc < 0) return oc_fail(e, -rc, "linux.seccomp: setting filter attributes: %s", strerror(-rc));
  return 0;
}

OC_MUST_CHECK static int build_bpf(const struct oc_seccomp *s, const struct plan *p, struct oc_seccomp_filter *f,
                     struct oc_err *e) {
  __attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx = seccomp_init(p->def);
  if (!ctx)
    return oc_fail(e, EOPNOTSUPP, "linux.seccomp.defaultAction: %s is not supported by the kernel",
                   oc_seccomp_action_names[s->default_action]);
  int rc = set_attrs(ctx, e);
  if (rc == 0) rc = add_arches(ctx, s, p, e);
  if (rc == 0) rc = add_rules(ctx, s, p->def, e);
  if (rc == 0) rc = export_bpf(ctx, f, e);
  return rc;
}

/* ---- compile cache: <dir>/<fnv1a of the key>.bpf = magic, key length, key, count, program.
 * The whole key is compared, so a hash collision is only a miss. Only files owned by us and
 * writable by nobody else are trusted. ---- */

#define CACHE_MAGIC "OCSCBPF1"
#define CACHE_MAX_FILES 256

static uint64_t fnv1a(const unsigned char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

static int cache_path(const char *dir, const struct keybuf *key, char *buf, size_t len) {
  int n = snprintf(buf, len, "%s/%016llx.bpf", dir, (unsigned long long)fnv1a(key->p, key->len));
  return n < 0 || (size_t)n >= len ? -1 : 0;
}

static bool cache_load(const char *dir, const struct keybuf *key, struct oc_seccomp_filter *f) {
  char path[PATH_MAX];
  if (cache_path(dir, key, path, sizeof path) < 0) return false;
  _cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  struct stat st;
  size_t head = 8 + 8 + key->len + 8;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) ||
      (size_t)st.st_size <= head || (size_t)st.st_size > head + BPF_MAXINSNS * sizeof(struct sock_filter))
    return false;
  size_t size = (size_t)st.st_size;
  _cleanup_free_ unsigned char *buf = malloc(size);
  if (!buf || read_full(fd, buf, size) < 0) return false;
  uint64_t klen, n;
  memcpy(&klen, buf + 8, 8);
  memcpy(&n, buf + 16 + key->len, 8);
  if (memcmp(buf, CACHE_MAGIC, 8) != 0 || klen != key->len || memcmp(buf + 16, key->p, key->len) != 0 ||
      n == 0 || size != head + n * sizeof(struct sock_filter))
    return false;
  f->insns = malloc(n * sizeof(struct sock_filter));
  if (!f->insns) return false;
  memcpy(f->insns, buf + head, n * sizeof(struct sock_filter));
  f->len = (unsigned short)n;
  return true;
}

static size_t count_entries(const char *dir) {
  _cleanup_dir_ DIR *d = opendir(dir);
  size_t n = 0;
  if (!d) return 0;
  while (readdir(d)) n++;
  return n;
}

/* Best effort: a cache that cannot be written only costs time. */
static void cache_store(const char *dir, const struct keybuf *key, const struct oc_seccomp_filter *f) {
  char path[PATH_MAX], tmp[PATH_MAX + 32];
  if (cache_path(dir, key, path, sizeof path) < 0) return;
  if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
    oc_log_debug("seccomp cache: mkdir %s: %m", dir);
    return;
  }
  if (count_entries(dir) > CACHE_MAX_FILES + 2) {
    oc_log_debug("seccomp cache: %s is full, not adding", dir);
    return;
  }
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
  _cleanup_fd_ int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    oc_log_debug("seccomp cache: create %s: %m", tmp);
    return;
  }
  uint64_t klen = key->len, n = f->len;
  if (oc_write_all(fd, CACHE_MAGIC, 8) < 0 || oc_write_all(fd, &klen, 8) < 0 ||
      oc_write_all(fd, key->p, key->len) < 0 || oc_write_all(fd, &n, 8) < 0 ||
      oc_write_all(fd, f->insns, n * sizeof(struct sock_filter)) < 0 || rename(tmp, path) < 0) {
    oc_log_debug("seccomp cache: write %s: %m", path);
    unlink(tmp);
  }
}

int oc_seccomp_compile_cached(const struct oc_seccomp *s, const char *root,
                              struct oc_seccomp_filter **out, struct oc_err *e) {
  *out = NULL;
  if (!s->set) return 0;
  char dir[PATH_MAX];
  const char *cache_dir = NULL;
  if (root && snprintf(dir, sizeof dir, "%s/" OC_SECCOMP_CACHE_DIR, root) < (int)sizeof dir) cache_dir = dir;
  __attribute__((cleanup(plan_release))) struct plan p = {0};
  int rc = check_profile(s, &p, e);
  if (rc < 0) return rc;
  struct oc_seccomp_filter *f = calloc(1, sizeof *f);
  if (!f) return oc_fail(e, ENOMEM, "linux.seccomp: out of memory");
  if (!cache_dir || !cache_load(cache_dir, &p.key, f)) {
    rc = build_bpf(s, &p, f, e);
    if (rc < 0) {
      oc_seccomp_free(f);
      return rc;
    }
    if (cache_dir) cache_store(cache_dir, &p.key, f);
  }
  f->load_flags = p.flags;
  f->notify = p.notify;
  *out = f;
  return 0;
}

int oc_seccomp_compile(const struct oc_seccomp *s, struct oc_seccomp_filter **out, struct oc_err *e) {
  return oc_seccomp_compile_cached(s, NULL, out, e);
}

int oc_seccomp_load(struct oc_seccomp_filter *f, int *notify_fd, struct oc_err *e) {
  if (notify_fd) *notify_fd = -1;
  if (!f) return 0;
  struct sock_fprog prog = {.len = f->len, .filter = f->insns};
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->load_flags, &prog);
  if (r < 0 && errno == EACCES)
    return oc_fail_errno(e, "seccomp: loading the filter needs no_new_privs or CAP_SYS_ADMIN");
  if (r < 0) return oc_fail_errno(e, "seccomp: loading the filter");
  if (f->notify) {
    /* The listener fd is close-on-exec (the kernel opens it so). */
    if (notify_fd) *notify_fd = (int)r;
    else close((int)r);
  } else if (r > 0) {
    /* TSYNC without a listener: r is a thread that could not be synchronized. */
    return oc_fail(e, ESRCH, "seccomp: thread %ld could not be synchronized (TSYNC)", r);
  }
  return 0;
}

bool oc_seccomp_uses_notify(const struct oc_seccomp_filter *f) {
  return f && f->notify;
}

void oc_seccomp_free(struct oc_seccomp_filter *f) {
  if (!f) return;
  free(f->insns);
  free(f);
}
