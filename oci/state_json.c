/* The OCI state object (what `state` prints and hooks read on stdin). */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "runtime/state.h"

#define GEN_STR(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

char *oc_state_json(const struct oc_state *s, enum oc_status st) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return NULL;
  yajl_gen_map_open(g);
  GEN_STR(g, "ociVersion");
  GEN_STR(g, s->oci_version ? s->oci_version : "1.2.0");
  GEN_STR(g, "id");
  GEN_STR(g, s->id);
  GEN_STR(g, "status");
  GEN_STR(g, oc_status_name(st));
  if (st != OC_STOPPED && s->pid > 0) {
    GEN_STR(g, "pid");
    yajl_gen_integer(g, s->pid);
  }
  GEN_STR(g, "bundle");
  GEN_STR(g, s->bundle ? s->bundle : "");
  GEN_STR(g, "rootfs");
  GEN_STR(g, s->rootfs ? s->rootfs : "");
  GEN_STR(g, "created");
  GEN_STR(g, s->created ? s->created : "");
  GEN_STR(g, "owner");
  GEN_STR(g, s->owner ? s->owner : "");
  if (s->annotations.n) {
    GEN_STR(g, "annotations");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < s->annotations.n; i++) {
      GEN_STR(g, s->annotations.v[i].key);
      GEN_STR(g, s->annotations.v[i].value);
    }
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) out = strndup((const char *)buf, len);
  yajl_gen_free(g);
  return out;
}
