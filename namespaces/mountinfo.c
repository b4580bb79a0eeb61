/* /proc/self/mountinfo of the (still host-side) mount namespace, parsed in place. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "namespaces/rootfs_internal.h"
#include "base/fsutil.h"

/* Undo the kernel's octal escapes (\040 for a space, ...) in place. */
static void unescape(char *s) {
  char *w = s;
  for (char *r = s; *r; r++) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
      *w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
      r += 3;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
}

static char *next_field(char **p) {
  char *s = *p;
  while (*s == ' ') s++;
  char *t = s;
  while (*t && *t != ' ') t++;
  if (*t) *t++ = '\0';
  *p = t;
  return s;
}

static int parse_line(char *line, struct oc_mountinfo *mi) {
  char *p = line;
  mi->id = atoi(next_field(&p));
  mi->parent = atoi(next_field(&p));
  next_field(&p); /* major:minor */
  mi->root = next_field(&p);
  mi->mountpoint = next_field(&p);
  next_field(&p); /* per-mount options */
  /* Optional fields ("shared:1 master:2"), up to a lone "-" (paths are escaped: no spaces). */
  mi->optional = p;
  char *sep = strncmp(p, "- ", 2) == 0 ? p : strstr(p, " - ");
  if (!sep) return -1;
  if (sep == p) {
    *p = '\0';
    p += 2;
  } else {
    *sep = '\0';
    p = sep + 3;
  }
  mi->fstype = next_field(&p);
  mi->source = next_field(&p);
  mi->super_opts = next_field(&p);
  if (!*mi->mountpoint || !*mi->fstype) return -1;
  unescape(mi->root);
  unescape(mi->mountpoint);
  return 0;
}

int oc_mountinfo_read(struct oc_mountinfo_table *t, struct oc_err *e) {
  memset(t, 0, sizeof *t);
  if (oc_read_fileat(AT_FDCWD, "/proc/self/mountinfo", &t->buf, NULL, 64u << 20, e) < 0) return -1;
  size_t cap = 0;
  for (char *line = t->buf, *nl; *line; line = nl) {
    nl = strchr(line, '\n');
    if (nl) *nl++ = '\0';
    else nl = line + strlen(line);
    if (t->n == cap) {
      cap = cap ? cap * 2 : 64;
      struct oc_mountinfo *v = realloc(t->v, cap * sizeof *v);
      if (!v) {
        oc_mountinfo_free(t);
        return oc_fail(e, ENOMEM, "out of memory");
      }
      t->v = v;
    }
    if (parse_line(line, &t->v[t->n]) == 0) t->n++;
  }
  return 0;
}

void oc_mountinfo_free(struct oc_mountinfo_table *t) {
  free(t->v);
  free(t->buf);
  memset(t, 0, sizeof *t);
}
