/* The last look a `capacity` call took at the CPU counters, kept for the next call, the way top
 * keeps its previous sample: CPU% is a rate and needs two looks, and without this file every
 * call would wait for its second one. <ledger dir>/capacity-look, replaced atomically:
 *
 *   ocrun-capacity-look 2 BOOT_ID
 *   PID START_TIME CPU_NS SAMPLED_NS ID ROOT   (one line per container: its init, the init's
 *                                               start time, the cgroup's CPU counter, when read,
 *                                               the container's id and --root, the rest of the line)
 *
 * SAMPLED_NS is CLOCK_MONOTONIC, which means something only within one boot: hence BOOT_ID. A
 * look is used only when it is all there and plausible: same boot, every container that has a
 * CPU counter now has a line with its init (pid and start time: a reused id or pid is another
 * container), the counter has not gone back, and it is old enough to be a window yet not stale.
 * Anything else is "no previous look", and the caller measures a window itself.
 * The look also names the inits that ran at the previous call: a container whose init still runs
 * (same pid, same start time) is there without reading its state.json (capacity_sample.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "runtime/capacity.h"

#define LOOK_FILE "capacity-look"
#define LOOK_MAGIC "ocrun-capacity-look 2 "
#define LOOK_MAX_SIZE (8u << 20)
#define BOOT_ID_LEN 36

struct look_line {
  pid_t pid;
  unsigned long long start_time;
  uint64_t cpu_ns;
  int64_t sampled_ns;
  const char *id, *root; /* into the file's buffer */
};

struct oc_capview_look {
  char *buf;               /* the file's text, split in place */
  struct look_line *lines; /* sorted by id, then root */
  size_t n;
};

OC_MUST_CHECK static int boot_id(char out[BOOT_ID_LEN + 1], struct oc_err *e) {
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  if (oc_read_fileat(AT_FDCWD, "/proc/sys/kernel/random/boot_id", &buf, &len, 64, e) < 0) return -1;
  if (len < BOOT_ID_LEN) return oc_fail(e, EINVAL, "/proc/sys/kernel/random/boot_id: too short");
  memcpy(out, buf, BOOT_ID_LEN);
  out[BOOT_ID_LEN] = '\0';
  return 0;
}

/* A decimal field ending in a space; false when it is not one. */
static bool field(char **p, unsigned long long *out) {
  char *end;
  if (**p < '0' || **p > '9') return false;
  errno = 0;
  *out = strtoull(*p, &end, 10);
  if (errno || *end != ' ') return false;
  *p = end + 1;
  return true;
}

static bool parse_line(char *s, struct look_line *l) {
  unsigned long long pid, start, cpu, at;
  if (!field(&s, &pid) || !field(&s, &start) || !field(&s, &cpu) || !field(&s, &at)) return false;
  char *root = strchr(s, ' ');
  if (pid == 0 || pid > INT32_MAX || at > INT64_MAX || !root || root == s || root[1] != '/') return false;
  *root++ = '\0';
  *l = (struct look_line){(pid_t)pid, start, cpu, (int64_t)at, s, root};
  return true;
}

static int by_id(const void *a, const void *b) {
  const struct look_line *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : strcmp(x->root, y->root);
}

/* The file, split in place into *lines sorted by id and root (*buf owns the text). */
OC_MUST_CHECK static int load(char **buf, struct look_line **lines, size_t *n, struct oc_err *e) {
  char path[4200], boot[BOOT_ID_LEN + 1];
  if (snprintf(path, sizeof path, "%s/%s", oc_ledger_dir(), LOOK_FILE) >= (int)sizeof path)
    return oc_fail(e, ENAMETOOLONG, "ledger dir too long: %s", oc_ledger_dir());
  size_t len = 0;
  if (boot_id(boot, e) < 0 || oc_read_fileat(AT_FDCWD, path, buf, &len, LOOK_MAX_SIZE, e) < 0) return -1;
  char *s = *buf, *nl = strchr(s, '\n');
  if (strlen(s) != len || len == 0 || s[len - 1] != '\n' || !nl ||
      strncmp(s, LOOK_MAGIC, strlen(LOOK_MAGIC)) != 0)
    return oc_fail(e, EINVAL, "%s: not a look of this version", path);
  *nl = '\0';
  if (strcmp(s + strlen(LOOK_MAGIC), boot) != 0) return oc_fail(e, ESTALE, "%s: from another boot", path);
  size_t count = 0;
  for (char *p = nl + 1; *p; p++) count += *p == '\n';
  *lines = calloc(count + 1, sizeof **lines);
  if (!*lines) return oc_fail(e, ENOMEM, "%s: out of memory", path);
  *n = 0;
  for (char *p = nl + 1; *p; p = nl + 1) {
    nl = strchr(p, '\n');
    *nl = '\0';
    if (!parse_line(p, &(*lines)[*n])) return oc_fail(e, EINVAL, "%s: line %zu garbled", path, *n + 2);
    (*n)++;
  }
  qsort(*lines, *n, sizeof **lines, by_id);
  return 0;
}

/* The line of container id of root, or NULL. */
static const struct look_line *find(const struct oc_capview_look *look, const char *id, const char *root) {
  const struct look_line key = {.id = id, .root = root};
  return look && id && root ? bsearch(&key, look->lines, look->n, sizeof key, by_id) : NULL;
}

/* The line of the container whose init en names (id, root, the same pid and start time), or NULL. */
static const struct look_line *find_init(const struct oc_capview_look *look, const struct oc_ledger_entry *en) {
  const struct look_line *m = en->pid > 0 ? find(look, en->id, en->root) : NULL;
  return m && m->pid == en->pid && m->start_time == en->start_time ? m : NULL;
}

int oc_capview_look_load(struct oc_capview_look **out, struct oc_err *e) {
  struct oc_capview_look *k = calloc(1, sizeof *k);
  if (!k) return oc_fail(e, ENOMEM, "capacity look: out of memory");
  if (load(&k->buf, &k->lines, &k->n, e) < 0) {
    oc_capview_look_free(k);
    return -1;
  }
  *out = k;
  return 0;
}

void oc_capview_look_free(struct oc_capview_look *look) {
  if (!look) return;
  free(look->lines);
  free(look->buf);
  free(look);
}

bool oc_capview_look_init(const struct oc_capview_look *look, const char *id, const char *root, pid_t *pid,
                          unsigned long long *start_time) {
  const struct look_line *m = find(look, id, root);
  if (!m) return false;
  *pid = m->pid;
  *start_time = m->start_time;
  return true;
}

int oc_capview_rates_from_look(struct oc_capview *v, const struct oc_capview_look *look, int64_t min_age_ns,
                               int64_t max_age_ns, struct oc_err *e) {
  /* All or nothing: one window for the whole table, so every container is checked first. */
  for (size_t i = 0; i < v->l.n; i++) {
    const struct oc_ledger_entry *en = &v->l.v[i];
    const struct oc_capview_live *c = &v->live[i];
    if (!c->cpu) continue;
    const struct look_line *m = find_init(look, en);
    int64_t age = m ? c->sampled_ns - m->sampled_ns : 0;
    if (!m) return oc_fail(e, ENOENT, "no look at container %s (its init)", en->id);
    if (m->cpu_ns > c->cpu_ns) return oc_fail(e, EINVAL, "the CPU counter of container %s went back", en->id);
    if (age < min_age_ns || age > max_age_ns)
      return oc_fail(e, ESTALE, "the look at container %s is %.3f s old, not %.1f to %.0f s", en->id,
                     (double)age / 1e9, (double)min_age_ns / 1e9, (double)max_age_ns / 1e9);
  }
  for (size_t i = 0; i < v->l.n; i++) {
    struct oc_capview_live *c = &v->live[i];
    const struct look_line *m = c->cpu ? find_init(look, &v->l.v[i]) : NULL;
    if (!m) continue;
    int64_t dt = c->sampled_ns - m->sampled_ns;
    c->cpu_percent = (double)(c->cpu_ns - m->cpu_ns) * 100.0 / (double)dt;
    c->rate = true;
    if (v->window_s == 0) v->window_s = (double)dt / 1e9;
  }
  v->window_from = OC_WINDOW_PREVIOUS_CALL;
  return 0;
}

int oc_capview_look_save(const struct oc_capview *v, struct oc_err *e) {
  char boot[BOOT_ID_LEN + 1];
  if (boot_id(boot, e) < 0) return -1;
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return oc_fail_errno(e, "capacity look");
  fprintf(f, "%s%s\n", LOOK_MAGIC, boot);
  for (size_t i = 0; i < v->l.n; i++) {
    const struct oc_ledger_entry *en = &v->l.v[i];
    const struct oc_capview_live *c = &v->live[i];
    /* Without an init (being created) there is nothing to tell the container by next time. */
    if (!c->cpu || en->pid <= 0 || strpbrk(en->id, " \n") || !en->root || en->root[0] != '/' ||
        strchr(en->root, '\n'))
      continue;
    fprintf(f, "%d %llu %" PRIu64 " %" PRId64 " %s %s\n", (int)en->pid, en->start_time, c->cpu_ns,
            c->sampled_ns, en->id, en->root);
  }
  if (fclose(f) != 0) return oc_fail_errno(e, "capacity look");
  if (oc_write_file_atomic(oc_ledger_dir(), LOOK_FILE, buf, len, 0600, e) < 0)
    return oc_wrap(e, -1, "capacity look");
  return 0;
}
