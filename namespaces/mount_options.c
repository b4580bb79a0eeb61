/* OCI mount options -> per-mount attributes (mount_setattr), recursive attributes, propagation,
 * superblock flags and filesystem data. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "namespaces/rootfs_internal.h"
#include "base/log.h"

enum opt_kind { ATTR, RATTR, ATIME, RATIME, SB, IGNORE, BIND, RBIND, IDMAP, RIDMAP, COPYUP };

struct opt {
  const char *name;
  enum opt_kind kind;
  bool clear;
  uint64_t attr;  /* MOUNT_ATTR_* (or the atime mode for ATIME/RATIME) */
};

/* An atime "clear" entry with attr 0 means "back to the default" (relatime); NOOP keeps it. */
#define NOOP UINT64_MAX

static const struct opt opts[] = {
    {"ro", ATTR, false, MOUNT_ATTR_RDONLY},
    {"rw", ATTR, true, MOUNT_ATTR_RDONLY},
    {"nosuid", ATTR, false, MOUNT_ATTR_NOSUID},
    {"suid", ATTR, true, MOUNT_ATTR_NOSUID},
    {"nodev", ATTR, false, MOUNT_ATTR_NODEV},
    {"dev", ATTR, true, MOUNT_ATTR_NODEV},
    {"noexec", ATTR, false, MOUNT_ATTR_NOEXEC},
    {"exec", ATTR, true, MOUNT_ATTR_NOEXEC},
    {"nodiratime", ATTR, false, MOUNT_ATTR_NODIRATIME},
    {"diratime", ATTR, true, MOUNT_ATTR_NODIRATIME},
    {"nosymfollow", ATTR, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"symfollow", ATTR, true, MOUNT_ATTR_NOSYMFOLLOW},
    {"noatime", ATIME, false, MOUNT_ATTR_NOATIME},
    {"atime", ATIME, false, MOUNT_ATTR_RELATIME},
    {"relatime", ATIME, false, MOUNT_ATTR_RELATIME},
    {"norelatime", ATIME, false, NOOP},
    {"strictatime", ATIME, false, MOUNT_ATTR_STRICTATIME},
    {"nostrictatime", ATIME, false, MOUNT_ATTR_RELATIME},
    {"rro", RATTR, false, MOUNT_ATTR_RDONLY},
    {"rrw", RATTR, true, MOUNT_ATTR_RDONLY},
    {"rnosuid", RATTR, false, MOUNT_ATTR_NOSUID},
    {"rsuid", RATTR, true, MOUNT_ATTR_NOSUID},
    {"rnodev", RATTR, false, MOUNT_ATTR_NODEV},
    {"rdev", RATTR, true, MOUNT_ATTR_NODEV},
    {"rnoexec", RATTR, false, MOUNT_ATTR_NOEXEC},
    {"rexec", RATTR, true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", RATTR, false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", RATTR, true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", RATTR, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", RATTR, true, MOUNT_ATTR_NOSYMFOLLOW},
    {"rnoatime", RATIME, false, MOUNT_ATTR_NOATIME},
    {"ratime", RATIME, false, MOUNT_ATTR_RELATIME},
    {"rrelatime", RATIME, false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", RATIME, false, NOOP},
    {"rstrictatime", RATIME, false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", RATIME, false, MOUNT_ATTR_RELATIME},
    /* Superblock flags: given to fresh filesystems, meaningless for bind mounts. */
    {"sync", SB, false, 0},
    {"async", SB, false, 0},
    {"dirsync", SB, false, 0},
    {"mand", SB, false, 0},
    {"nomand", SB, false, 0},
    {"lazytime", SB, false, 0},
    {"nolazytime", SB, false, 0},
    /* Accepted for compatibility, no effect. */
    {"defaults", IGNORE, false, 0},
    {"remount", IGNORE, false, 0},
    {"silent", IGNORE, false, 0},
    {"loud", IGNORE, false, 0},
    {"iversion", IGNORE, false, 0},
    {"noiversion", IGNORE, false, 0},
    {"bind", BIND, false, 0},
    {"rbind", RBIND, false, 0},
    {"idmap", IDMAP, false, 0},
    {"ridmap", RIDMAP, false, 0},
    {"tmpcopyup", COPYUP, false, 0},
};

static const struct {
  const char *name;
  unsigned long flags;
} propagations[] = {
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

bool oc_propagation_parse(const char *name, unsigned long *flags) {
  for (size_t i = 0; i < sizeof propagations / sizeof *propagations; i++)
    if (strcmp(name, propagations[i].name) == 0) {
      *flags = propagations[i].flags;
      return true;
    }
  return false;
}

int oc_apply_propagation(int mnt_fd, unsigned long flags, const char *what, struct oc_err *e) {
  struct mount_attr a = {.propagation = flags & ~(unsigned long)MS_REC};
  unsigned at = AT_EMPTY_PATH | ((flags & MS_REC) ? AT_RECURSIVE : 0);
  if (mount_setattr(mnt_fd, "", at, &a, sizeof a) < 0) return oc_fail_errno(e, "set propagation of %s", what);
  return 0;
}

static const struct opt *find_opt(const char *name) {
  for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
    if (strcmp(name, opts[i].name) == 0) return &opts[i];
  return NULL;
}

bool oc_mount_is_bind(const struct oc_mount *m, const struct oc_mount_opts *o) {
  return o->bind || !m->type || !m->type[0] || strcmp(m->type, "bind") == 0;
}

void oc_mount_opts_release(struct oc_mount_opts *o) {
  free(o->data);
  o->data = NULL;
  o->n_data = 0;
}

/* A failed parse leaves nothing to release: *o is zeroed, rc passed through. */
static int parse_failed(struct oc_mount_opts *o, int rc) {
  oc_mount_opts_release(o);
  memset(o, 0, sizeof *o);
  return rc;
}

int oc_mount_opts_parse(const struct oc_mount *m, size_t idx, struct oc_mount_opts *o, struct oc_err *e) {
  memset(o, 0, sizeof *o);
  uint64_t atime = NOOP, ratime = NOOP;
  if (m->options.n) {
    o->data = calloc(m->options.n, sizeof *o->data);
    if (!o->data) return oc_fail(e, ENOMEM, "mounts[%zu]: out of memory", idx);
  }
  for (size_t i = 0; i < m->options.n; i++) {
    const char *name = m->options.v[i];
    unsigned long pf;
    if (oc_propagation_parse(name, &pf)) {
      if (o->n_prop == OC_MAX_PROPAGATION)
        return parse_failed(o, oc_fail(e, EINVAL, "mounts[%zu]: too many propagation options for %s", idx,
                                       m->destination));
      o->prop[o->n_prop++] = pf;
      continue;
    }
    const struct opt *op = find_opt(name);
    if (!op) {
      if (!name[0] || name[0] == '=')
        return parse_failed(o, oc_fail(e, EINVAL, "mounts[%zu]: invalid mount option \"%s\" for %s", idx,
                                       name, m->destination));
      o->data[o->n_data++] = name;
      continue;
    }
    switch (op->kind) {
    case ATTR:
      if (op->clear) {
        o->attr_clr |= op->attr;
        o->attr_set &= ~op->attr;
      } else {
        o->attr_set |= op->attr;
        o->attr_clr &= ~op->attr;
      }
      if (op->attr == MOUNT_ATTR_RDONLY) o->rw_asked = op->clear;
      break;
    case RATTR:
      if (op->clear) {
        o->rattr_clr |= op->attr;
        o->rattr_set &= ~op->attr;
      } else {
        o->rattr_set |= op->attr;
        o->rattr_clr &= ~op->attr;
      }
      break;
    case ATIME:
      if (op->attr != NOOP) atime = op->attr;
      break;
    case RATIME:
      if (op->attr != NOOP) ratime = op->attr;
      break;
    case SB:
      if (o->n_sb_flags == sizeof o->sb_flags / sizeof *o->sb_flags)
        return parse_failed(o, oc_fail(e, EINVAL, "mounts[%zu]: too many superblock options for %s", idx,
                                       m->destination));
      o->sb_flags[o->n_sb_flags++] = op->name;
      break;
    case IGNORE:
      break;
    case BIND:
      o->bind = true;
      break;
    case RBIND:
      o->bind = o->rec = true;
      break;
    case IDMAP:
      o->idmap = true;
      break;
    case RIDMAP:
      o->idmap = o->ridmap = true;
      break;
    case COPYUP:
      oc_log_debug("mounts[%zu]: option tmpcopyup for %s is not supported and ignored", idx, m->destination);
      break;
    }
  }
  /* mount_setattr changes the atime mode only as a whole: clear the field, set the new mode. */
  if (atime != NOOP) {
    o->attr_clr |= MOUNT_ATTR__ATIME;
    o->attr_set = (o->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | atime;
  }
  if (ratime != NOOP) {
    o->rattr_clr |= MOUNT_ATTR__ATIME;
    o->rattr_set = (o->rattr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | ratime;
  }
  if (m->uid_mappings.n || m->gid_mappings.n) o->idmap = true;
  return 0;
}

const char *oc_mount_option_name(size_t i) {
  size_t n_opts = sizeof opts / sizeof *opts, n_prop = sizeof propagations / sizeof *propagations;
  if (i < n_opts) return opts[i].name;
  if (i - n_opts < n_prop) return propagations[i - n_opts].name;
  return NULL;
}
