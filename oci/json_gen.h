/* Small helpers around yajl_gen shared by everything that writes JSON. */
#ifndef OCRUN_JSON_GEN_H
#define OCRUN_JSON_GEN_H
#include <string.h>
#include <yajl/yajl_gen.h>

#define OC_GEN_STR(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

struct oc_kvv;
/* key: {k: v, ...} from a list of string pairs. */
void oc_json_gen_kvv(yajl_gen g, const char *key, const struct oc_kvv *kv);
/* The generated text as a malloc'd NUL-terminated string (NULL on failure); frees g. */
char *oc_json_gen_take(yajl_gen g);

#endif
