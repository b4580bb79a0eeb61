/* The ledger's files: lock, one file per entry, the totals (see ledger_store.h). */
#define _GNU_SOURCE
#include "overcommit/ledger_store.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/user_dirs.h"
#include "oci/config_json.h"

#define LEDGER_OLD "ledger.json" /* an older ocrun's single file */
#define LEDGER_LOCK "ledger.lock"
#define ENTRIES "entries"
#define TOTALS "totals.json"
#define TMP "write.tmp" /* beside entries/, so a reader of entries/ never sees it */
#define ENTRY_MAX (64u << 10)
#define MIB (INT64_C(1) << 20)

const char *oc_ledger_dir(void) {
  static char user_dir[4096];
  const char *d = getenv("OCRUN_LEDGER_DIR");
  if (d && d[0]) return d;
  if (!oc_rootless()) return OC_LEDGER_DEFAULT_DIR;
  if (!user_dir[0]) oc_user_dir_path("ocrun-ledger", user_dir, sizeof user_dir);
  return user_dir;
}

void oc_ledger_entry_release(struct oc_ledger_entry *en) {
  free(en->id);
  free(en->root);
  free(en->cgroup_path);
  *en = (struct oc_ledger_entry){0};
}

void oc_ledger_free(struct oc_ledger *l) {
  for (size_t i = 0; i < l->n; i++) oc_ledger_entry_release(&l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

int64_t oc_ledger_charged_mb(const struct oc_size *s) {
  if ((s->flags & OC_SIZE_UNBOUNDED) || s->memory_bytes <= 0) return 0;
  return (s->memory_bytes + MIB - 1) / MIB;
}

void oc_ledger_sums_add(struct oc_ledger_sums *t, const struct oc_size *s, int sign) {
  t->vcpus += sign * s->vcpus;
  t->memory_mb += sign * oc_ledger_charged_mb(s);
}

/* ---- one entry as JSON ---- */

static int64_t num_i(yajl_val o, const char *key) {
  yajl_val v = oc_j_member(o, key);
  return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static double num_d(yajl_val o, const char *key) {
  yajl_val v = oc_j_member(o, key);
  return v && YAJL_IS_NUMBER(v) ? v->u.number.d : 0;
}

static char *str_dup(yajl_val o, const char *key) {
  yajl_val v = oc_j_member(o, key);
  return v && YAJL_IS_STRING(v) ? strdup(v->u.string) : NULL;
}

OC_MUST_CHECK static int parse_entry(yajl_val o, struct oc_ledger_entry *en, const char *what, struct oc_err *e) {
  *en = (struct oc_ledger_entry){0};
  if (!YAJL_IS_OBJECT(o)) return oc_fail(e, EINVAL, "%s: not an object", what);
  en->id = str_dup(o, "id");
  en->root = str_dup(o, "root");
  en->cgroup_path = str_dup(o, "cgroup");
  if (!en->id || !en->root) {
    oc_ledger_entry_release(en);
    return oc_fail(e, EINVAL, "%s: id and root required", what);
  }
  en->size.vcpus = num_d(o, "vcpus");
  en->size.memory_bytes = num_i(o, "memory");
  en->size.weight = (uint64_t)num_i(o, "weight");
  en->size.flags = (unsigned)num_i(o, "flags");
  en->pid = (pid_t)num_i(o, "pid");
  en->start_time = (unsigned long long)num_i(o, "start_time");
  en->creator_pid = (pid_t)num_i(o, "creator_pid");
  en->creator_start_time = (unsigned long long)num_i(o, "creator_start_time");
  en->created = num_i(o, "created");
  return 0;
}

static void gen_key(yajl_gen g, const char *k) { yajl_gen_string(g, (const unsigned char *)k, strlen(k)); }
static void gen_s(yajl_gen g, const char *k, const char *v) {
  gen_key(g, k);
  if (v) yajl_gen_string(g, (const unsigned char *)v, strlen(v));
  else yajl_gen_null(g);
}
static void gen_i(yajl_gen g, const char *k, long long v) {
  gen_key(g, k);
  yajl_gen_integer(g, v);
}
static void gen_d(yajl_gen g, const char *k, double v) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%.17g", v); /* round-trips: totals add and subtract these */
  gen_key(g, k);
  yajl_gen_number(g, buf, (size_t)n);
}

static void gen_entry(yajl_gen g, const struct oc_ledger_entry *en) {
  yajl_gen_map_open(g);
  gen_s(g, "id", en->id);
  gen_s(g, "root", en->root);
  gen_s(g, "cgroup", en->cgroup_path);
  gen_d(g, "vcpus", en->size.vcpus);
  gen_i(g, "memory", en->size.memory_bytes);
  gen_i(g, "weight", (long long)en->size.weight);
  gen_i(g, "flags", en->size.flags);
  gen_i(g, "pid", en->pid);
  gen_i(g, "start_time", (long long)en->start_time);
  gen_i(g, "creator_pid", en->creator_pid);
  gen_i(g, "creator_start_time", (long long)en->creator_start_time);
  gen_i(g, "created", en->created);
  yajl_gen_map_close(g);
}

/* ---- files ---- */

/* TMP, then rename to name in dir to_fd. No fsync: the ledger is a cache that reconcile checks
 * against live containers, and after a host crash none of those survive. */
OC_MUST_CHECK static int write_atomic(struct oc_lstore *s, int to_fd, const char *name, yajl_gen g,
                                      struct oc_err *e) {
  const unsigned char *buf;
  size_t len;
  if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) return oc_fail(e, EINVAL, "ledger: JSON generation failed");
  const char *dir = oc_ledger_dir();
  _cleanup_fd_ int fd = openat(s->dfd, TMP, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  int r = 0;
  if (fd < 0) r = oc_fail_errno(e, "ledger %s/%s", dir, TMP);
  else if (oc_write_all(fd, buf, len) < 0) r = oc_fail_errno(e, "ledger write %s/%s", dir, TMP);
  else if (close(oc_steal_fd(&fd)) < 0) r = oc_fail_errno(e, "ledger close %s/%s", dir, TMP);
  else if (renameat(s->dfd, TMP, to_fd, name) < 0) r = oc_fail_errno(e, "ledger rename to %s", name);
  if (r < 0) unlinkat(s->dfd, TMP, 0);
  return r;
}

/* entries/<hash of root>.<id>: ids are [A-Za-z0-9_.-], a long one is hashed too. The file names
 * its container, so a hash collision is seen (and refused) instead of mixing two up. */
static uint64_t fnv1a(const char *p) {
  uint64_t h = UINT64_C(14695981039346656037);
  for (; *p; p++) h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
  return h;
}

static void entry_name(const char *id, const char *root, char *buf, size_t len) {
  if (strlen(id) <= 200) snprintf(buf, len, "%016llx.%s", (unsigned long long)fnv1a(root), id);
  else snprintf(buf, len, "%016llx.h%016llx", (unsigned long long)fnv1a(root), (unsigned long long)fnv1a(id));
}

OC_MUST_CHECK static int read_entry(struct oc_lstore *s, const char *name, struct oc_ledger_entry *out,
                                    struct oc_err *e) {
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  struct oc_err re = {0};
  int r = oc_read_fileat(s->edfd, name, &buf, &len, ENTRY_MAX, &re);
  if (r == -ENOENT) return 0;
  if (r < 0) return oc_fail(e, re.errnum, "ledger %s/%s/%s: %s", oc_ledger_dir(), ENTRIES, name, re.msg);
  char what[PATH_MAX + 64];
  snprintf(what, sizeof what, "ledger %s/%s/%s (remove it if its container is gone)", oc_ledger_dir(), ENTRIES, name);
  yajl_val t = NULL;
  if (oc_json_parse(buf, len, NULL, &t, e) < 0) return oc_wrap(e, -EINVAL, "%s", what);
  r = parse_entry(t, out, what, e);
  yajl_tree_free(t);
  return r < 0 ? r : 1;
}

int oc_lstore_get(struct oc_lstore *s, const char *id, const char *root, struct oc_ledger_entry *out,
                  struct oc_err *e) {
  char name[256];
  entry_name(id, root, name, sizeof name);
  int r = read_entry(s, name, out, e);
  if (r == 1 && (strcmp(out->id, id) != 0 || strcmp(out->root, root) != 0)) {
    oc_ledger_entry_release(out);
    return oc_fail(e, EEXIST, "ledger %s/%s/%s holds another container (hash collision): cannot admit %s (root %s)",
                   oc_ledger_dir(), ENTRIES, name, id, root);
  }
  return r;
}

/* en as a JSON generator (NULL: out of memory). */
static yajl_gen entry_json(const struct oc_ledger_entry *en) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g) gen_entry(g, en);
  return g;
}

int oc_lstore_put(struct oc_lstore *s, const struct oc_ledger_entry *en, struct oc_err *e) {
  char name[256];
  entry_name(en->id, en->root, name, sizeof name);
  yajl_gen g = entry_json(en);
  if (!g) return oc_fail(e, ENOMEM, "ledger: out of memory");
  int r = write_atomic(s, s->edfd, name, g, e);
  yajl_gen_free(g);
  return r;
}

int oc_lstore_del(struct oc_lstore *s, const char *id, const char *root, struct oc_err *e) {
  char name[256];
  entry_name(id, root, name, sizeof name);
  if (unlinkat(s->edfd, name, 0) < 0 && errno != ENOENT)
    return oc_fail_errno(e, "ledger remove %s/%s/%s", oc_ledger_dir(), ENTRIES, name);
  return 0;
}

OC_MUST_CHECK static int push(struct oc_ledger *l, struct oc_ledger_entry *en, size_t *cap, struct oc_err *e) {
  if (l->n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    struct oc_ledger_entry *nv = realloc(l->v, nc * sizeof *nv);
    if (!nv) return oc_fail(e, ENOMEM, "ledger: out of memory");
    l->v = nv;
    *cap = nc;
  }
  l->v[l->n++] = *en;
  *en = (struct oc_ledger_entry){0};
  return 0;
}

int oc_lstore_load_all(struct oc_lstore *s, struct oc_ledger *l, struct oc_err *e) {
  *l = (struct oc_ledger){0};
  int fd = openat(s->edfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "ledger %s/%s", oc_ledger_dir(), ENTRIES);
  _cleanup_dir_ DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return oc_fail_errno(e, "ledger %s/%s", oc_ledger_dir(), ENTRIES);
  }
  size_t cap = 0;
  int r = 0;
  struct dirent *de;
  while (r == 0 && (errno = 0, de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    struct oc_ledger_entry en;
    int got = read_entry(s, de->d_name, &en, e);
    if (got < 0 || (got == 1 && push(l, &en, &cap, e) < 0)) r = -1;
    if (got == 1) oc_ledger_entry_release(&en);
  }
  if (r == 0 && errno) r = oc_fail_errno(e, "ledger: read %s/%s", oc_ledger_dir(), ENTRIES);
  if (r < 0) oc_ledger_free(l);
  return r;
}

/* totals.json is one fixed-size record rewritten in place (one pwrite under the lock: no inode
 * to allocate, no rename, which on ext4 cost 0.5 ms of the lock's hold in every admission).
 * Readers hold the lock too, so none sees half a record; one cut short is unparseable, and the
 * totals are then summed from the entries. */
#define TOTALS_LEN 128

int oc_lstore_write_sums(struct oc_lstore *s, struct oc_err *e) {
  char rec[TOTALS_LEN + 1];
  int n = snprintf(rec, sizeof rec, "{\"version\":2,\"vcpus\":%.17g,\"memory_mb\":%" PRId64 "}", s->sums.vcpus,
                   s->sums.memory_mb);
  if (n < 0 || n >= TOTALS_LEN) return oc_fail(e, EOVERFLOW, "ledger %s/%s: totals too long", oc_ledger_dir(), TOTALS);
  memset(rec + n, ' ', TOTALS_LEN - 1 - (size_t)n);
  rec[TOTALS_LEN - 1] = '\n';
  if (s->tfd < 0) return oc_fail(e, EBADF, "ledger %s/%s: not open for writing", oc_ledger_dir(), TOTALS);
  ssize_t w = pwrite(s->tfd, rec, TOTALS_LEN, 0);
  if (w < 0) return oc_fail_errno(e, "ledger write %s/%s", oc_ledger_dir(), TOTALS);
  if (w != TOTALS_LEN) return oc_fail(e, EIO, "ledger write %s/%s: short write", oc_ledger_dir(), TOTALS);
  if (s->totals_size != TOTALS_LEN && ftruncate(s->tfd, TOTALS_LEN) < 0)
    return oc_fail_errno(e, "ledger truncate %s/%s", oc_ledger_dir(), TOTALS);
  s->totals_size = TOTALS_LEN;
  return 0;
}

/* The totals from every entry file (no liveness check: that is reconcile's). */
OC_MUST_CHECK static int sum_entries(struct oc_lstore *s, struct oc_err *e) {
  struct oc_ledger l;
  if (oc_lstore_load_all(s, &l, e) < 0) return -1;
  s->sums = (struct oc_ledger_sums){0};
  for (size_t i = 0; i < l.n; i++) oc_ledger_sums_add(&s->sums, &l.v[i].size, 1);
  oc_ledger_free(&l);
  return 0;
}

/* totals.json, or 0 when it is missing or unreadable (then the caller sums the entries). */
static int read_sums(struct oc_lstore *s) {
  char buf[4096];
  ssize_t n = s->tfd >= 0 ? pread(s->tfd, buf, sizeof buf, 0) : -1;
  s->totals_size = n;
  if (n <= 0 || n == (ssize_t)sizeof buf) return 0;
  struct oc_err e = {0};
  yajl_val t = NULL;
  if (oc_json_parse(buf, (size_t)n, NULL, &t, &e) < 0) return 0;
  yajl_val v = oc_j_member(t, "vcpus"), m = oc_j_member(t, "memory_mb");
  int ok = v && YAJL_IS_NUMBER(v) && m && YAJL_IS_INTEGER(m);
  if (ok) s->sums = (struct oc_ledger_sums){v->u.number.d, YAJL_GET_INTEGER(m)};
  yajl_tree_free(t);
  return ok;
}

/* An older ocrun's ledger.json: every entry into entries/, then the file goes (exclusive lock). */
OC_MUST_CHECK static int migrate(struct oc_lstore *s, struct oc_err *e) {
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  struct oc_err re = {0};
  const char *dir = oc_ledger_dir();
  if (oc_read_fileat(s->dfd, LEDGER_OLD, &buf, &len, OC_JSON_MAX_SIZE, &re) < 0) {
    if (re.errnum == ENOENT) return 0;
    return oc_fail(e, re.errnum, "ledger %s/%s: %s", dir, LEDGER_OLD, re.msg);
  }
  yajl_val t = NULL;
  if (oc_json_parse(buf, len, NULL, &t, e) < 0)
    return oc_wrap(e, -EINVAL, "ledger %s/%s (remove it to start an empty ledger)", dir, LEDGER_OLD);
  yajl_val v = oc_j_member(t, "entries");
  int r = v && YAJL_IS_ARRAY(v) ? 0 : oc_fail(e, EINVAL, "ledger %s/%s: no entries array", dir, LEDGER_OLD);
  for (size_t i = 0; r == 0 && i < v->u.array.len; i++) {
    struct oc_ledger_entry en;
    char what[PATH_MAX + 64];
    snprintf(what, sizeof what, "ledger %s/%s: entries[%zu]", dir, LEDGER_OLD, i);
    r = parse_entry(v->u.array.values[i], &en, what, e);
    if (r < 0) break;
    r = oc_lstore_put(s, &en, e);
    oc_ledger_entry_release(&en);
  }
  yajl_tree_free(t);
  if (r == 0) r = sum_entries(s, e);
  if (r == 0) r = oc_lstore_write_sums(s, e);
  if (r == 0 && unlinkat(s->dfd, LEDGER_OLD, 0) < 0) r = oc_fail_errno(e, "ledger remove %s/%s", dir, LEDGER_OLD);
  return r;
}

OC_MUST_CHECK static int lock(int fd, int how, const char *dir, struct oc_err *e) {
  while (flock(fd, how) < 0)
    if (errno != EINTR) return oc_fail_errno(e, "ledger lock %s/%s", dir, LEDGER_LOCK);
  return 0;
}

void oc_lstore_close(struct oc_lstore *s) {
  int *owned[] = {&s->staged_fd, &s->tfd, &s->edfd, &s->dfd, &s->lock_fd}; /* the lock last: drops the flock */
  for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
    int *fd = owned[i];
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

/* The directories and the lock file, made when missing; nothing locked yet. */
OC_MUST_CHECK static int open_dirs(struct oc_lstore *s, struct oc_err *e) {
  *s = (struct oc_lstore){.lock_fd = -1, .dfd = -1, .edfd = -1, .tfd = -1, .staged_fd = -1};
  const char *dir = oc_ledger_dir();
  /* Rootless: the user's own ledger, which another user must not have made first. */
  if (oc_rootless()) {
    int ufd = oc_user_dir_open(dir, e);
    if (ufd < 0) return oc_wrap(e, -1, "ledger dir");
    close(ufd);
  } else if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
    return oc_fail_errno(e, "ledger dir %s", dir);
  }
  s->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (s->dfd < 0) return oc_fail_errno(e, "ledger dir %s", dir);
  s->lock_fd = openat(s->dfd, LEDGER_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (s->lock_fd < 0) return oc_fail_errno(e, "ledger lock %s/%s", dir, LEDGER_LOCK);
  if (mkdirat(s->dfd, ENTRIES, 0700) < 0 && errno != EEXIST) return oc_fail_errno(e, "ledger dir %s/%s", dir, ENTRIES);
  s->edfd = openat(s->dfd, ENTRIES, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (s->edfd < 0) return oc_fail_errno(e, "ledger dir %s/%s", dir, ENTRIES);
  return 0;
}

/* Locked: migrate an old ledger.json, read the totals. */
OC_MUST_CHECK static int lock_and_read(struct oc_lstore *s, bool exclusive, struct oc_err *e) {
  const char *dir = oc_ledger_dir();
  if (lock(s->lock_fd, exclusive ? LOCK_EX : LOCK_SH, dir, e) < 0) return -1;
  if (faccessat(s->dfd, LEDGER_OLD, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
    /* Once per host: a reader takes the lock exclusively for it, then goes back to sharing. */
    if (!exclusive && lock(s->lock_fd, LOCK_EX, dir, e) < 0) return -1;
    s->tfd = openat(s->dfd, TOTALS, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (s->tfd < 0) return oc_fail_errno(e, "ledger %s/%s", dir, TOTALS);
    if (migrate(s, e) < 0 || (!exclusive && lock(s->lock_fd, LOCK_SH, dir, e) < 0)) return -1;
  }
  if (s->tfd < 0)
    s->tfd = openat(s->dfd, TOTALS, (exclusive ? O_RDWR | O_CREAT : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (s->tfd < 0 && (exclusive || errno != ENOENT)) return oc_fail_errno(e, "ledger %s/%s", dir, TOTALS);
  if (!read_sums(s) && sum_entries(s, e) < 0) return -1;
  return 0;
}

int oc_lstore_open(struct oc_lstore *s, bool exclusive, struct oc_err *e) {
  if (open_dirs(s, e) < 0 || lock_and_read(s, exclusive, e) < 0) {
    oc_lstore_close(s);
    return -1;
  }
  return 0;
}

/* en's file is written before the lock is taken, as an unnamed file (O_TMPFILE) that
 * oc_lstore_put_staged links in: the lock is held for a link, not for an inode's creation. A
 * file system without O_TMPFILE gets the ordinary put then. */
int oc_lstore_open_staged(struct oc_lstore *s, const struct oc_ledger_entry *en, struct oc_err *e) {
  if (open_dirs(s, e) < 0) {
    oc_lstore_close(s);
    return -1;
  }
  yajl_gen g = entry_json(en); /* NULL, or any failure below: put_staged writes it the ordinary way */
  const unsigned char *buf = NULL;
  size_t len = 0;
  if (g && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
    s->staged_fd = openat(s->edfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (s->staged_fd >= 0 && oc_write_all(s->staged_fd, buf, len) < 0) {
    close(s->staged_fd);
    s->staged_fd = -1;
  }
  if (g) yajl_gen_free(g);
  if (lock_and_read(s, true, e) < 0) {
    oc_lstore_close(s);
    return -1;
  }
  return 0;
}

int oc_lstore_put_staged(struct oc_lstore *s, const struct oc_ledger_entry *en, struct oc_err *e) {
  if (s->staged_fd >= 0) {
    char name[256], proc[64];
    entry_name(en->id, en->root, name, sizeof name);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", s->staged_fd);
    if (linkat(AT_FDCWD, proc, s->edfd, name, AT_SYMLINK_FOLLOW) == 0) return 0;
  }
  return oc_lstore_put(s, en, e);
}
