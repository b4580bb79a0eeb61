/* oc_process_find_executable: resolve args[0] the way runc (Go's exec.LookPath) does, with the
 * error texts clients classify: "no such file or directory" / "executable file not found" → 127,
 * "permission denied" → 126. */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/process_setup.h"

#define OC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Go spells errno texts in lower case ("no such file or directory"); clients match on that. */
static const char *errno_text(int err, char *buf, size_t n) {
  snprintf(buf, n, "%s", strerror(err));
  buf[0] = (char)tolower((unsigned char)buf[0]);
  return buf;
}

/* 0 if path is a regular file we may execute; else EISDIR, EACCES or the stat errno. */
static int check_executable(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) return EACCES;
  if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0) return EACCES;
  return 0;
}

static const char *env_path(const struct oc_strv *env) {
  const char *path = NULL;
  for (size_t i = 0; i < env->n; i++)  /* the last PATH= wins, as with setenv in order */
    if (env->v[i] && strncmp(env->v[i], "PATH=", 5) == 0) path = env->v[i] + 5;
  return path ? path : OC_DEFAULT_PATH;
}

OC_MUST_CHECK static int search_path(const char *file, const char *path, char **out, struct oc_err *e) {
  if (*file && *path) {  /* an empty PATH has no entries; an empty entry means "." */
    for (const char *dir = path;;) {
      const char *colon = strchrnul(dir, ':');
      int len = (int)(colon - dir);
      char *cand;
      if (asprintf(&cand, "%.*s/%s", len, len ? dir : ".", file) < 0) return oc_fail_errno(e, "exec: \"%s\"", file);
      if (check_executable(cand) == 0) {
        *out = cand;
        return 0;
      }
      free(cand);
      if (!*colon) break;
      dir = colon + 1;
    }
  }
  return oc_fail(e, ENOENT, "exec: \"%s\": executable file not found in $PATH", file);
}

int oc_process_find_executable(const struct oc_process *p, char **out, struct oc_err *e) {
  *out = NULL;
  if (p->args.n == 0 || !p->args.v[0]) return oc_fail(e, EINVAL, "process.args must not be empty");
  const char *file = p->args.v[0];
  if (!strchr(file, '/')) return search_path(file, env_path(&p->env), out, e);

  char buf[128];
  int err = check_executable(file);
  switch (err) {
    case 0:
      if (!(*out = strdup(file))) return oc_fail_errno(e, "exec: \"%s\"", file);
      return 0;
    case EISDIR:
      return oc_fail(e, EACCES, "exec: \"%s\": is a directory (permission denied)", file);
    case EACCES:
      return oc_fail(e, EACCES, "exec: \"%s\": permission denied", file);
    default:
      return oc_fail(e, err, "exec: \"%s\": stat %s: %s", file, file, errno_text(err, buf, sizeof buf));
  }
}
