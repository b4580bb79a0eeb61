#define _GNU_SOURCE
/* HOME for a process whose env has none: from the container's /etc/passwd, else "/", as runc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/process_setup.h"

static bool has_home(const struct oc_strv *env) {
  for (size_t i = 0; i < env->n; i++)
    if (strncmp(env->v[i], "HOME=", 5) == 0) return true;
  return false;
}

/* The home field of uid's line in /etc/passwd (runs after pivot_root: the container's file). */
static char *passwd_home(uint32_t uid) {
  _cleanup_file_ FILE *f = fopen("/etc/passwd", "re");
  if (!f) return NULL;
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    char *fields[7] = {0}, *p = line;
    int n = 0;
    for (; n < 7 && p; n++) {
      fields[n] = p;
      p = strchr(p, ':');
      if (p) *p++ = '\0';
    }
    if (n < 6) continue;
    char *end;
    unsigned long id = strtoul(fields[2], &end, 10);
    if (*end || id != uid) continue;
    fields[5][strcspn(fields[5], "\n")] = '\0';
    return strdup(fields[5]);
  }
  return NULL;
}

int oc_process_default_home(struct oc_process *p, struct oc_err *e) {
  if (has_home(&p->env)) return 0;
  _cleanup_free_ char *home = passwd_home(p->user.uid);
  char *kv;
  if (asprintf(&kv, "HOME=%s", home && *home ? home : "/") < 0) return oc_fail(e, ENOMEM, "HOME: out of memory");
  char **v = malloc((p->env.n + 2) * sizeof *v);
  if (!v) {
    free(kv);
    return oc_fail(e, ENOMEM, "HOME: out of memory");
  }
  memcpy(v, p->env.v, p->env.n * sizeof *v);
  v[p->env.n] = kv;
  v[p->env.n + 1] = NULL;
  /* The old array stays owned by the config; this process execs right after. */
  p->env.v = v;
  p->env.n++;
  return 0;
}
