/* `list`: every container under --root, as a table, ids only (--quiet) or JSON. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "oci/json_gen.h"
#include "runtime/args.h"
#include "runtime/commands.h"
#include "runtime/state.h"

struct names {
  char **v;
  size_t n;
};

static void names_release(struct names *l) {
  for (size_t k = 0; k < l->n; k++) free(l->v[k]);
  free(l->v);
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The container ids under root, sorted; a root that does not exist yet holds none. */
OC_MUST_CHECK static int list_ids(const char *root, struct names *out, struct oc_err *e) {
  _cleanup_dir_ DIR *d = opendir(root);
  if (!d) return errno == ENOENT ? 0 : oc_fail_errno(e, "open %s", root);
  struct oc_err ignored;
  for (struct dirent *de; (de = readdir(d));) {
    if (de->d_name[0] == '.' || oc_id_validate(de->d_name, &ignored) < 0) continue;
    char **nv = realloc(out->v, (out->n + 1) * sizeof *out->v);
    if (!nv) return oc_fail(e, ENOMEM, "list: out of memory");
    out->v = nv;
    if (!(out->v[out->n] = strdup(de->d_name))) return oc_fail(e, ENOMEM, "list: out of memory");
    out->n++;
  }
  if (out->n) qsort(out->v, out->n, sizeof *out->v, cmp_names); /* v is NULL when n is 0 */
  return 0;
}

static void gen_row(yajl_gen gen, const struct oc_state *s, enum oc_status st, int pid) {
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

int cmd_list(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false, quiet = false;
  const char *format = "table";
  const struct oc_opt opts[] = {
      {"quiet", 'q', NULL, &quiet, NULL, "print the ids only"},
      {"format", 'f', &format, NULL, "FORMAT", "table (default) or json"},
      OC_OPT_END};
  if (oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e) < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "", opts), 0;
  bool json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "table") != 0) {
    oc_log_error("invalid format option \"%s\": must be table or json", format);
    return 1;
  }
  __attribute__((cleanup(names_release))) struct names ids = {0};
  if (list_ids(g->root, &ids, &e) < 0) return oc_log_fail(&e);
  yajl_gen gen = json ? yajl_gen_alloc(NULL) : NULL;
  if (json && !gen) return oc_log_fail(&(struct oc_err){ENOMEM, "list: out of memory"});
  if (gen) yajl_gen_array_open(gen);
  if (!json && !quiet) printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (size_t k = 0; k < ids.n; k++) {
    _cleanup_state_ struct oc_state *s = NULL;
    if (oc_state_load(g->root, ids.v[k], &s, &e) < 0) continue; /* deleted meanwhile, or not ours */
    enum oc_status st = oc_state_status(g->root, s);
    int pid = st == OC_STOPPED ? 0 : s->pid;
    if (json)
      gen_row(gen, s, st, pid);
    else if (quiet)
      printf("%s\n", s->id);
    else
      printf("%-12s %-8d %-10s %-40s %-30s %s\n", s->id, pid, oc_status_name(st), s->bundle ? s->bundle : "",
             s->created ? s->created : "", s->owner ? s->owner : "");
  }
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
