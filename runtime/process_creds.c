/* oc_process_apply_creds: umask, groups, uid/gid switch and the five capability sets. */
#define _GNU_SOURCE
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/procfs.h"
#include "runtime/process_setup.h"

#define CAP_BIT(n) (UINT64_C(1) << (n))

/* Highest capability of the running kernel (may differ from the headers we were built with). */
static int kernel_cap_last(void) {
  struct oc_err ignored;
  char buf[16];
  if (oc_procfs_read("sys/kernel/cap_last_cap", buf, sizeof buf, &ignored) > 0) {
    int v = atoi(buf);
    if (v > 0 && v < 64) return v;
  }
  return CAP_LAST_CAP;
}

static const char *cap_label(int cap, char *buf, size_t n) {
  const char *name = oc_cap_name(cap);
  if (name) return name;
  snprintf(buf, n, "capability %d", cap);
  return buf;
}

static uint64_t known_mask(int last) { return last >= 63 ? UINT64_MAX : CAP_BIT(last + 1) - 1; }

static void note_unknown_caps(const struct oc_caps *c, uint64_t known) {
  uint64_t unknown = (c->bounding | c->effective | c->inheritable | c->permitted | c->ambient) & ~known;
  if (unknown)
    oc_log_debug("ignoring capabilities unknown to the running kernel (mask %#" PRIx64 ")", unknown);
}

OC_MUST_CHECK static int drop_bounding(uint64_t keep, int last, struct oc_err *e) {
  for (int cap = 0; cap <= last; cap++) {
    if (keep & CAP_BIT(cap)) continue;
    char name[48];
    int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in < 0) return oc_fail_errno(e, "read %s from the bounding set", cap_label(cap, name, sizeof name));
    /* Dropping needs CAP_SETPCAP: only try for what is still there. */
    if (in && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      return oc_fail_errno(e, "drop %s from the bounding set", cap_label(cap, name, sizeof name));
  }
  return 0;
}

/* setgroups is refused in a user namespace whose /proc/self/setgroups says "deny". */
static bool setgroups_denied(void) {
  struct oc_err ignored;
  char buf[16];
  return oc_procfs_read("self/setgroups", buf, sizeof buf, &ignored) > 0 && strncmp(buf, "deny", 4) == 0;
}

OC_MUST_CHECK static int switch_ids(const struct oc_user *u, struct oc_err *e) {
  bool groups = !setgroups_denied();
  if (!groups && u->n_additional_gids)
    oc_log_debug("process.user.additionalGids ignored: setgroups is denied in this user namespace");
  /* An empty list still matters: it drops the runtime's own supplementary groups. */
  if (groups && setgroups(u->n_additional_gids, u->additional_gids) < 0)
    return oc_fail_errno(e, "setgroups (%zu additionalGids)", u->n_additional_gids);
  if (setresgid(u->gid, u->gid, u->gid) < 0) {
    if (errno == EINVAL) return oc_fail(e, EINVAL, "cannot setgid to unmapped gid %" PRIu32 " in user namespace", u->gid);
    return oc_fail_errno(e, "setresgid %" PRIu32, u->gid);
  }
  if (setresuid(u->uid, u->uid, u->uid) < 0) {
    if (errno == EINVAL) return oc_fail(e, EINVAL, "cannot setuid to unmapped uid %" PRIu32 " in user namespace", u->uid);
    return oc_fail_errno(e, "setresuid %" PRIu32, u->uid);
  }

  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0) return oc_fail_errno(e, "getresuid");
  if (ru != u->uid || eu != u->uid || su != u->uid || rg != u->gid || eg != u->gid || sg != u->gid)
    return oc_fail(e, EPERM,
                   "user switch did not take effect: asked uid %" PRIu32 " gid %" PRIu32
                   ", got uids %u/%u/%u gids %u/%u/%u",
                   u->uid, u->gid, ru, eu, su, rg, eg, sg);
  if (groups) {
    int n = getgroups(0, NULL);
    if (n < 0) return oc_fail_errno(e, "getgroups");
    if ((size_t)n != u->n_additional_gids)
      return oc_fail(e, EPERM, "setgroups did not take effect: asked %zu groups, got %d", u->n_additional_gids, n);
  }
  return 0;
}

static int set_flag(cap_t c, cap_flag_t flag, uint64_t mask, int last) {
  for (int cap = 0; cap <= last; cap++) {
    cap_value_t v = cap;
    if ((mask & CAP_BIT(cap)) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int set_caps(const struct oc_caps *caps, int last, struct oc_err *e) {
  cap_t c = cap_init();
  if (!c) return oc_fail_errno(e, "cap_init");
  /* Inheritable is only ever what the config lists (CVE-2022-29162). */
  int r = 0;
  if (set_flag(c, CAP_EFFECTIVE, caps->effective, last) < 0 || set_flag(c, CAP_PERMITTED, caps->permitted, last) < 0 ||
      set_flag(c, CAP_INHERITABLE, caps->inheritable, last) < 0)
    r = oc_fail_errno(e, "process.capabilities: cap_set_flag");
  else if (cap_set_proc(c) < 0)
    r = oc_fail_errno(e, "process.capabilities: cap_set_proc (effective %#" PRIx64 ", permitted %#" PRIx64
                         ", inheritable %#" PRIx64 ")",
                      caps->effective, caps->permitted, caps->inheritable);
  cap_free(c);
  if (r < 0) return r;

  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && caps->ambient)
    return oc_fail_errno(e, "process.capabilities.ambient: clear ambient set");
  for (int cap = 0; cap <= last; cap++) {
    if (!(caps->ambient & CAP_BIT(cap))) continue;
    /* Like runc: a cap that is not both permitted and inheritable cannot be ambient. runc's own
     * `spec` lists ambient caps without inheritable ones, so this is normal: say it at --debug. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) {
      int err = errno;
      char name[48];
      oc_log_debug("can't raise ambient capability %s: %s", cap_label(cap, name, sizeof name), strerror(err));
    }
  }
  return 0;
}

int oc_process_apply_creds(const struct oc_process *p, struct oc_err *e) {
  if (p->user.umask.set) umask((mode_t)(p->user.umask.v & 07777));

  /* process.capabilities absent: every set is empty, as with runc. */
  const struct oc_caps none = {0};
  const struct oc_caps *caps = p->caps.set ? &p->caps : &none;
  int last = kernel_cap_last();
  note_unknown_caps(caps, known_mask(last));

  int r;
  if ((r = drop_bounding(caps->bounding, last, e)) < 0) return oc_wrap(e, r, "process.capabilities.bounding");
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return oc_fail_errno(e, "prctl(PR_SET_KEEPCAPS)");
  if ((r = switch_ids(&p->user, e)) < 0) return oc_wrap(e, r, "process.user");
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return oc_fail_errno(e, "prctl(PR_SET_KEEPCAPS)");
  if ((r = set_caps(caps, last, e)) < 0) return r;
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return oc_fail_errno(e, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}
