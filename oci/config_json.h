/* Typed access to a yajl tree, shared by the config.json parsers (oci/config*.c).
 * Getters return 1 if the key is present, 0 if absent (or JSON null), negative on a
 * wrong type or range; errors name the dotted key ("process.user.uid: ..."). */
#ifndef OCRUN_OCI_CONFIG_JSON_H
#define OCRUN_OCI_CONFIG_JSON_H
#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "oci/config.h"

#define OC_JSON_MAX_SIZE (16u << 20) /* bytes */
#define OC_JSON_MAX_DEPTH 64         /* yajl frees trees recursively: bound the nesting */
#define OC_JPATH_MAX 256

/* Parse JSON text (size, nesting and NUL checks first). what (may be NULL) prefixes errors. */
OC_MUST_CHECK int oc_json_parse(const char *json, size_t len, const char *what, yajl_val *out, struct oc_err *e);

/* "path.key", "path.key[i]" ("key" alone when path is empty). */
void oc_jpath(char *buf, const char *path, const char *key);
void oc_jpath_index(char *buf, const char *path, const char *key, size_t i);

/* Error helpers: "path.key: message". */
OC_MUST_CHECK int oc_j_fail(struct oc_err *e, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#ifdef __clang_analyzer__ /* as base/error.h does for oc_fail: the analyzer learns it returns < 0 */
#define oc_j_fail(...) OC_ANALYZER_NEGATIVE(oc_j_fail(__VA_ARGS__))
#endif
/* Turn a getter's 0 (absent) into a "required" error; passes errors through; 0 if present. */
OC_MUST_CHECK int oc_j_req(int r, const char *path, const char *key, struct oc_err *e);

yajl_val oc_j_member(yajl_val obj, const char *key); /* last occurrence; NULL if absent/null */
OC_MUST_CHECK void *oc_j_calloc(size_t n, size_t size, struct oc_err *e);

/* Values (key may be NULL when path already names the value, e.g. "mounts[2]"). */
OC_MUST_CHECK int oc_jv_object(yajl_val v, const char *path, const char *key, struct oc_err *e);
/* An array of objects (a, found at path.key; NULL: none) into a zeroed array of *n elements of
 * size bytes at *v: each element must be an object and is filled by fn(its value, its path
 * "path.key[i]", the element, ctx). The one walk every array-of-objects parser uses. */
typedef int (*oc_j_elem_fn)(yajl_val o, const char *path, void *elem, void *ctx, struct oc_err *e);
OC_MUST_CHECK int oc_j_objects(yajl_val a, const char *path, const char *key, size_t size, void *v, size_t *n,
                               oc_j_elem_fn fn, void *ctx, struct oc_err *e);
OC_MUST_CHECK int oc_jv_uint(yajl_val v, const char *path, const char *key, uint64_t max, uint64_t *out,
               struct oc_err *e);
OC_MUST_CHECK int oc_jv_sint(yajl_val v, const char *path, const char *key, int64_t min, int64_t max,
               int64_t *out, struct oc_err *e);

/* Members of an object. */
OC_MUST_CHECK int oc_j_object(yajl_val obj, const char *path, const char *key, yajl_val *out, struct oc_err *e);
OC_MUST_CHECK int oc_j_array(yajl_val obj, const char *path, const char *key, yajl_val *out, struct oc_err *e);
OC_MUST_CHECK int oc_j_str(yajl_val obj, const char *path, const char *key, char **out, struct oc_err *e);
OC_MUST_CHECK int oc_j_bool(yajl_val obj, const char *path, const char *key, bool *out, struct oc_err *e);
OC_MUST_CHECK int oc_j_obool(yajl_val obj, const char *path, const char *key, oc_bool *out, struct oc_err *e);
OC_MUST_CHECK int oc_j_uint(yajl_val obj, const char *path, const char *key, uint64_t max, uint64_t *out,
              struct oc_err *e);
OC_MUST_CHECK int oc_j_u32(yajl_val obj, const char *path, const char *key, uint32_t *out, struct oc_err *e);
OC_MUST_CHECK int oc_j_sint(yajl_val obj, const char *path, const char *key, int64_t min, int64_t max,
              int64_t *out, struct oc_err *e);
OC_MUST_CHECK int oc_j_ou64(yajl_val obj, const char *path, const char *key, uint64_t max, oc_u64 *out,
              struct oc_err *e);
OC_MUST_CHECK int oc_j_oi64(yajl_val obj, const char *path, const char *key, int64_t min, int64_t max,
              oc_i64 *out, struct oc_err *e);
OC_MUST_CHECK int oc_j_strv(yajl_val obj, const char *path, const char *key, struct oc_strv *out,
              struct oc_err *e);
/* An array of names (key), each mapped by name_to_bits (< 0: unknown, an error "unknown WHAT
 * \"name\"") and or'ed into *out. 1 if present, 0 if absent, -1 on error. */
OC_MUST_CHECK int oc_j_flags(yajl_val obj, const char *path, const char *key, const char *what,
                             int64_t (*name_to_bits)(const char *), uint64_t *out, struct oc_err *e);
OC_MUST_CHECK int oc_j_kvv(yajl_val obj, const char *path, const char *key, struct oc_kvv *out,
             struct oc_err *e);
OC_MUST_CHECK int oc_j_id_maps(yajl_val obj, const char *path, const char *key, struct oc_id_maps *out,
                 struct oc_err *e);

void oc_strv_release(struct oc_strv *v);
void oc_kvv_release(struct oc_kvv *v);

/* Sub-parsers on an already parsed tree (path = the object's dotted name, "" at top level). */
OC_MUST_CHECK int oc_process_from_tree(yajl_val v, const char *path, struct oc_process *p, struct oc_err *e);
OC_MUST_CHECK int oc_resources_from_tree(yajl_val v, const char *path, struct oc_resources *r,
                           struct oc_err *e);
OC_MUST_CHECK int oc_linux_from_tree(yajl_val v, const char *path, struct oc_config *c, struct oc_err *e);
OC_MUST_CHECK int oc_seccomp_from_tree(yajl_val v, const char *path, struct oc_seccomp *s, struct oc_err *e);
void oc_seccomp_release(struct oc_seccomp *s);

#endif
