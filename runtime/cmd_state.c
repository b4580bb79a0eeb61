/* `state ID` and `list`. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "runtime/args.h"
#include "oci/json_gen.h"
#include "base/cleanup.h"
#include "base/log.h"
#include "runtime/commands.h"
#include "runtime/state.h"

int cmd_state(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false;
  const struct oc_opt opts[] = {{NULL, 0, NULL, NULL}};
  int i = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return printf("Usage: ocrun state ID\n"), 0;
  if (i >= argc) {
    oc_log_error("state: container id required");
    return 1;
  }
  struct oc_state *s = NULL;
  if (oc_state_load(g->root, argv[i], &s, &e) < 0) return oc_log_fail(&e);
  char *json = oc_state_json(s, oc_state_status(g->root, s));
  oc_state_free(s);
  if (!json) return 1;
  printf("%s\n", json);
  free(json);
  return 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int cmd_list(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false, quiet = false;
  const char *format = "table";
  const struct oc_opt opts[] = {{"quiet", 'q', NULL, &quiet}, {"format", 'f', &format, NULL}, {NULL, 0, NULL, NULL}};
  if (oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e) < 0) return oc_log_fail(&e);
  if (help) return printf("Usage: ocrun list [--quiet] [--format table|json]\n"), 0;
  bool json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "table") != 0) {
    oc_log_error("invalid format option \"%s\": must be table or json", format);
    return 1;
  }
  char **names = NULL;
  size_t n = 0;
  _cleanup_dir_ DIR *d = opendir(g->root);
  for (struct dirent *de; d && (de = readdir(d));) {
    if (de->d_name[0] == '.' || oc_id_validate(de->d_name, &e) < 0) continue;
    char **nn = realloc(names, (n + 1) * sizeof *names);
    if (!nn) break;
    names = nn;
    names[n++] = strdup(de->d_name);
  }
  if (n) qsort(names, n, sizeof *names, cmp_names); /* names is NULL when n is 0 */
  yajl_gen gen = json ? yajl_gen_alloc(NULL) : NULL;
  if (gen) yajl_gen_array_open(gen);
  if (!json && !quiet) printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (size_t k = 0; k < n; k++) {
    struct oc_state *s = NULL;
    if (oc_state_load(g->root, names[k], &s, &e) < 0) continue;
    enum oc_status st = oc_state_status(g->root, s);
    int pid = st == OC_STOPPED ? 0 : s->pid;
    if (quiet && !json) {
      printf("%s\n", s->id);
    } else if (!json) {
      printf("%-12s %-8d %-10s %-40s %-30s %s\n", s->id, pid, oc_status_name(st), s->bundle ? s->bundle : "",
             s->created ? s->created : "", s->owner ? s->owner : "");
    } else {
      yajl_gen_map_open(gen);
      const char *kv[][2] = {{"ociVersion", s->oci_version ? s->oci_version : ""}, {"id", s->id},
                             {"status", oc_status_name(st)}, {"bundle", s->bundle ? s->bundle : ""},
                             {"rootfs", s->rootfs ? s->rootfs : ""}, {"created", s->created ? s->created : ""},
                             {"owner", s->owner ? s->owner : ""}};
      for (size_t x = 0; x < sizeof kv / sizeof kv[0]; x++) {
        OC_GEN_STR(gen, kv[x][0]);
        OC_GEN_STR(gen, kv[x][1]);
      }
      OC_GEN_STR(gen, "pid");
      yajl_gen_integer(gen, pid);
      yajl_gen_map_close(gen);
    }
    oc_state_free(s);
  }
  for (size_t k = 0; k < n; k++) free(names[k]);
  free(names);
  if (gen) {
    yajl_gen_array_close(gen);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(gen, &buf, &len);
    printf("%.*s\n", (int)len, buf);
    yajl_gen_free(gen);
  }
  return 0;
}
