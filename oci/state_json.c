/* The OCI state object (what `state` prints and hooks read on stdin). */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "oci/state_json.h"
#include "oci/json_gen.h"

const char *oc_status_name(enum oc_status s) {
  static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
  return names[s];
}

char *oc_state_json(const struct oc_state *s, enum oc_status st) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return NULL;
  yajl_gen_map_open(g);
  OC_GEN_STR(g, "ociVersion");
  OC_GEN_STR(g, s->oci_version ? s->oci_version : OC_SPEC_VERSION);
  OC_GEN_STR(g, "id");
  OC_GEN_STR(g, s->id);
  OC_GEN_STR(g, "status");
  OC_GEN_STR(g, oc_status_name(st));
  if (st != OC_STOPPED && s->pid > 0) {
    OC_GEN_STR(g, "pid");
    yajl_gen_integer(g, s->pid);
  }
  OC_GEN_STR(g, "bundle");
  OC_GEN_STR(g, s->bundle ? s->bundle : "");
  OC_GEN_STR(g, "rootfs");
  OC_GEN_STR(g, s->rootfs ? s->rootfs : "");
  OC_GEN_STR(g, "created");
  OC_GEN_STR(g, s->created ? s->created : "");
  OC_GEN_STR(g, "owner");
  OC_GEN_STR(g, s->owner ? s->owner : "");
  if (s->annotations.n) oc_json_gen_kvv(g, "annotations", &s->annotations);
  yajl_gen_map_close(g);
  return oc_json_gen_take(g);
}
