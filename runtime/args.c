#include "runtime/args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct oc_opt *find_long(const struct oc_opt *opts, const char *name, size_t len) {
  for (; opts->name; opts++)
    if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0) return opts;
  return NULL;
}

static const struct oc_opt *find_short(const struct oc_opt *opts, char c) {
  for (; opts->name; opts++)
    if (opts->short_name == c) return opts;
  return NULL;
}

int oc_parse_opts(int argc, char **argv, const struct oc_opt *opts, bool *help,
                  oc_opt_repeat_fn on_value, void *ctx, struct oc_err *e) {
  int i = 1;
  while (i < argc) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) return i + 1;
    if (a[0] != '-' || a[1] == '\0') return i;
    if (help && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
      *help = true;
      i++;
      continue;
    }
    const struct oc_opt *o;
    const char *inline_val = NULL;
    if (a[1] == '-') {
      const char *name = a + 2, *eq = strchr(name, '=');
      o = find_long(opts, name, eq ? (size_t)(eq - name) : strlen(name));
      if (eq) inline_val = eq + 1;
    } else {
      o = a[2] == '\0' ? find_short(opts, a[1]) : NULL;
      if (!o) o = find_long(opts, a + 1, strlen(a + 1)); /* runc also takes -name */
    }
    if (!o) return oc_fail(e, EINVAL, "flag provided but not defined: %s", a);
    i++;
    if (o->value) {
      const char *v = inline_val;
      if (!v) {
        if (i >= argc) return oc_fail(e, EINVAL, "flag needs an argument: %s", a);
        v = argv[i++];
      }
      *o->value = v;
      if (on_value) on_value(o->name, v, ctx);
    } else {
      if (inline_val) {
        if (strcmp(inline_val, "true") == 0)
          *o->flag = true;
        else if (strcmp(inline_val, "false") == 0)
          *o->flag = false;
        else
          return oc_fail(e, EINVAL, "invalid boolean value \"%s\" for %s", inline_val, a);
      } else {
        *o->flag = true;
      }
    }
  }
  return i;
}

int oc_parse_ids(int argc, char **argv, const struct oc_opt *opts, int min_pos, int max_pos,
                     bool *help, struct oc_err *e) {
  int i = oc_parse_opts(argc, argv, opts, help, NULL, NULL, e);
  if (i < 0 || *help) return i;
  int n = argc - i;
  if (n < min_pos) return oc_fail(e, EINVAL, "%s: container id required", argv[0]);
  if (n > max_pos) return oc_fail(e, EINVAL, "%s: unexpected argument \"%s\"", argv[0], argv[i + max_pos]);
  return i;
}

void oc_print_opts(const struct oc_opt *opts) {
  char left[64];
  for (const struct oc_opt *o = opts; o->name; o++) {
    char sh[8] = "    ";
    if (o->short_name) snprintf(sh, sizeof sh, "-%c, ", o->short_name);
    snprintf(left, sizeof left, "%s--%s%s%s", sh, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    printf("  %-28s  %s\n", left, o->help ? o->help : "");
  }
  printf("  %-28s  %s\n", "-h, --help", "show this help");
}

void oc_print_help(const char *cmd, const char *summary, const char *args, const struct oc_opt *opts) {
  printf("Usage: ocrun %s%s%s%s\n\n", cmd, opts->name ? " [options]" : "", args[0] ? " " : "", args);
  if (summary) printf("%s\n\n", summary);
  printf("Options:\n");
  oc_print_opts(opts);
}
