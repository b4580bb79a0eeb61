/* The processes of a container found through /proc (base/pidns_procs.h). */
#define _GNU_SOURCE
#include "base/pidns_procs.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cleanup.h"

struct proc_row {
  pid_t pid, ppid;
  ino_t pidns;
};

static ino_t pidns_of(const char *pid) {
  char path[300];
  struct stat st;
  snprintf(path, sizeof path, "/proc/%s/ns/pid", pid);
  return stat(path, &st) == 0 ? st.st_ino : 0;
}

static pid_t ppid_of(const char *pid) {
  char path[300], buf[512];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  _cleanup_file_ FILE *f = fopen(path, "re");
  if (!f || !fgets(buf, sizeof buf, f)) return -1;
  const char *rp = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
  int ppid;
  return rp && sscanf(rp + 1, " %*c %d", &ppid) == 1 ? (pid_t)ppid : -1;
}

static int cmp_pid(const void *a, const void *b) {
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

int oc_pidns_procs(pid_t init, pid_t **pids, size_t *n, struct oc_err *e) {
  *pids = NULL;
  *n = 0;
  char init_s[16];
  snprintf(init_s, sizeof init_s, "%d", (int)init);
  ino_t want = pidns_of(init_s), own = pidns_of("self");
  if (!want) return 0; /* gone */
  _cleanup_dir_ DIR *d = opendir("/proc");
  if (!d) return oc_fail_errno(e, "open /proc");
  _cleanup_free_ struct proc_row *rows = NULL;
  size_t nr = 0, cap = 0;
  for (struct dirent *de; (de = readdir(d));) {
    if (de->d_name[0] < '1' || de->d_name[0] > '9') continue;
    if (nr == cap) {
      cap = cap ? cap * 2 : 256;
      struct proc_row *nrows = realloc(rows, cap * sizeof *rows);
      if (!nrows) return oc_fail(e, ENOMEM, "out of memory");
      rows = nrows;
    }
    rows[nr++] = (struct proc_row){atoi(de->d_name), ppid_of(de->d_name), pidns_of(de->d_name)};
  }
  pid_t *out = malloc((nr + 1) * sizeof *out);
  if (!out) return oc_fail(e, ENOMEM, "out of memory");
  size_t k = 0;
  if (want != own) {
    for (size_t i = 0; i < nr; i++)
      if (rows[i].pidns == want) out[k++] = rows[i].pid;
  } else {
    /* A shared pid namespace: the init and, round after round, the children of those found. */
    out[k++] = init;
    for (bool grew = true; grew;) {
      grew = false;
      for (size_t i = 0; i < nr; i++) {
        bool have = false, parent = false;
        for (size_t j = 0; j < k; j++) {
          have |= out[j] == rows[i].pid;
          parent |= out[j] == rows[i].ppid;
        }
        if (parent && !have) {
          out[k++] = rows[i].pid;
          grew = true;
        }
      }
    }
  }
  qsort(out, k, sizeof *out, cmp_pid);
  *pids = out;
  *n = k;
  return 0;
}
