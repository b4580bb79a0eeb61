/* libFuzzer target: the state.json reader (runtime/state.c oc_state_parse, the body of
 * oc_state_load) on a NUL-terminated copy of the input, then the OCI state JSON written from what
 * it read (oci/state_json.c oc_state_json), which must parse again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "runtime/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  struct oc_state *s = NULL;
  struct oc_err e;
  if (oc_state_parse("fuzz", text, &s, &e) == 0) {
    char *json = oc_state_json(s, s->creating ? OC_CREATING : OC_RUNNING);
    if (json) {
      yajl_val back = yajl_tree_parse(json, NULL, 0);
      if (!back) abort(); /* we wrote JSON we cannot read */
      yajl_tree_free(back);
      free(json);
    }
    oc_state_free(s);
  }
  free(text);
  return 0;
}
