#include "oci/json_gen.h"

#include <stdlib.h>

#include "oci/config.h"

char *oc_json_gen_take(yajl_gen g) {
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) out = strndup((const char *)buf, len);
  yajl_gen_free(g);
  return out;
}

void oc_json_gen_kvv(yajl_gen g, const char *key, const struct oc_kvv *kv) {
  OC_GEN_STR(g, key);
  yajl_gen_map_open(g);
  for (size_t i = 0; i < kv->n; i++) {
    OC_GEN_STR(g, kv->v[i].key);
    OC_GEN_STR(g, kv->v[i].value);
  }
  yajl_gen_map_close(g);
}
