#define _GNU_SOURCE
#include "oci/config_json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"

/* Reject what the yajl tree cannot hold safely: deep nesting (yajl_tree_free recurses),
 * NUL bytes and "\u0000" escapes (the tree keeps C strings, a NUL would cut a value short).
 * s[len] is a NUL: strcspn and memchr jump over the plain text, which is most of a config. */
OC_MUST_CHECK static int scan_json(const char *s, size_t len, struct oc_err *e) {
  const char *nul = memchr(s, '\0', len);
  if (nul) return oc_fail(e, EINVAL, "invalid JSON: NUL byte at offset %zu", (size_t)(nul - s));
  size_t depth = 0;
  for (size_t i = 0; i < len; i++) {
    i += strcspn(s + i, "\"[]{}/");
    if (i >= len) break;
    char c = s[i];
    if (c == '"') {
      for (i++; i < len; i++) {
        i += strcspn(s + i, "\"\\");
        if (i >= len || s[i] == '"') break;
        i++; /* the escaped character */
        if (i < len && s[i] == 'u' && len - i > 4 && memcmp(s + i + 1, "0000", 4) == 0)
          return oc_fail(e, EINVAL, "invalid JSON: \\u0000 in a string at offset %zu", i);
      }
    } else if (c == '[' || c == '{') {
      if (++depth > OC_JSON_MAX_DEPTH)
        return oc_fail(e, EINVAL, "invalid JSON: nested deeper than %d levels", OC_JSON_MAX_DEPTH);
    } else if (c == ']' || c == '}') {
      if (depth > 0) depth--;
    } else if (i + 1 < len && s[i + 1] == '*') { /* yajl accepts comments */
      const char *end = memmem(s + i + 2, len - i - 2, "*/", 2);
      if (!end) break; /* yajl reports the unterminated comment */
      i = (size_t)(end - s) + 1;
    } else if (i + 1 < len && s[i + 1] == '/') {
      const char *end = memchr(s + i, '\n', len - i);
      if (!end) break;
      i = (size_t)(end - s);
    }
  }
  return 0;
}

/* yajl's message spans three lines (text, context, caret): keep it to one. */
OC_MUST_CHECK static int parse_error(struct oc_err *e, const char *ebuf) {
  char msg[256] = "", ctx[160] = "";
  const char *nl = strchr(ebuf, '\n');
  size_t n = nl ? (size_t)(nl - ebuf) : strlen(ebuf);
  if (n >= sizeof msg) n = sizeof msg - 1;
  memcpy(msg, ebuf, n);
  msg[n] = '\0';
  while (n > 0 && (msg[n - 1] == '.' || msg[n - 1] == ' ')) msg[--n] = '\0';
  if (nl) {
    const char *c = nl + 1;
    while (*c == ' ') c++;
    size_t m = 0;
    for (; *c && *c != '\n' && m < sizeof ctx - 1; c++)
      ctx[m++] = (char)((*c >= 0x20 && *c != 0x7f) ? *c : ' ');
    while (m > 0 && ctx[m - 1] == ' ') m--;
    ctx[m] = '\0';
  }
  if (!msg[0]) snprintf(msg, sizeof msg, "unknown error");
  if (ctx[0]) return oc_fail(e, EINVAL, "invalid JSON: %s near '%s'", msg, ctx);
  return oc_fail(e, EINVAL, "invalid JSON: %s", msg);
}

OC_MUST_CHECK static int parse_tree(const char *json, size_t len, yajl_val *out, struct oc_err *e) {
  if (len > OC_JSON_MAX_SIZE)
    return oc_fail(e, EFBIG, "too large (%zu bytes, limit %u)", len, OC_JSON_MAX_SIZE);
  _cleanup_free_ char *buf = malloc(len + 1);
  if (!buf) return oc_fail_errno(e, "out of memory");
  memcpy(buf, json, len);
  buf[len] = '\0';
  if (scan_json(buf, len, e) < 0) return -1;
  char ebuf[512] = "";
  *out = yajl_tree_parse(buf, ebuf, sizeof ebuf);
  return *out ? 0 : parse_error(e, ebuf);
}

int oc_json_parse(const char *json, size_t len, const char *what, yajl_val *out,
                  struct oc_err *e) {
  *out = NULL;
  int r = parse_tree(json, len, out, e);
  if (r < 0 && what) oc_wrap(e, r, "%s", what);
  return r;
}

void oc_jpath(char *buf, const char *path, const char *key) {
  if (!key)
    snprintf(buf, OC_JPATH_MAX, "%s", path);
  else if (path && path[0])
    snprintf(buf, OC_JPATH_MAX, "%s.%s", path, key);
  else
    snprintf(buf, OC_JPATH_MAX, "%s", key);
}

void oc_jpath_index(char *buf, const char *path, const char *key, size_t i) {
  char base[OC_JPATH_MAX];
  oc_jpath(base, path, key);
  snprintf(buf, OC_JPATH_MAX, "%.200s[%zu]", base, i);
}

/* (oc_j_fail): the parentheses keep config_json.h's analyzer model from expanding here. */
int(oc_j_fail)(struct oc_err *e, const char *path, const char *key, const char *fmt, ...) {
  char name[OC_JPATH_MAX], text[512];
  oc_jpath(name, path, key);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  return oc_fail(e, EINVAL, "%s: %s", name, text);
}

int oc_j_req(int r, const char *path, const char *key, struct oc_err *e) {
  if (r < 0) return r;
  if (r == 0) return oc_j_fail(e, path, key, "required but missing");
  return 0;
}

yajl_val oc_j_member(yajl_val obj, const char *key) {
  if (!YAJL_IS_OBJECT(obj)) return NULL;
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      return YAJL_IS_NULL(obj->u.object.values[i]) ? NULL : obj->u.object.values[i];
  return NULL;
}

void *oc_j_calloc(size_t n, size_t size, struct oc_err *e) {
  void *p = calloc(n ? n : 1, size);
  if (!p) oc_fail_errno(e, "config: out of memory");
  return p;
}

int oc_jv_object(yajl_val v, const char *path, const char *key, struct oc_err *e) {
  if (!YAJL_IS_OBJECT(v)) return oc_j_fail(e, path, key, "expected an object");
  return 0;
}

int oc_j_objects(yajl_val a, const char *path, const char *key, size_t size, void *v, size_t *n,
                 oc_j_elem_fn fn, void *ctx, struct oc_err *e) {
  if (!a) return 0;
  size_t len = a->u.array.len;
  char *elems = oc_j_calloc(len, size, e);
  if (!elems) return -1;
  memcpy(v, &elems, sizeof elems); /* v is the address of the caller's typed pointer */
  *n = len;
  for (size_t i = 0; i < len; i++) {
    yajl_val o = a->u.array.values[i];
    char ip[OC_JPATH_MAX];
    oc_jpath_index(ip, path, key, i);
    if (oc_jv_object(o, ip, NULL, e) < 0 || fn(o, ip, elems + i * size, ctx, e) < 0) return -1;
  }
  return 0;
}

/* JSON integer text -> sign and magnitude; -1 not an integer, -2 beyond 64 bits. */
static int int_text(const char *s, bool *neg, uint64_t *mag) {
  *neg = *s == '-';
  if (*neg) s++;
  if (!*s) return -1;
  uint64_t m = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    unsigned d = (unsigned)(*s - '0');
    if (m > (UINT64_MAX - d) / 10) return -2;
    m = m * 10 + d;
  }
  *mag = m;
  return 0;
}

int oc_jv_uint(yajl_val v, const char *path, const char *key, uint64_t max, uint64_t *out,
               struct oc_err *e) {
  bool neg;
  uint64_t mag = 0;
  int r = YAJL_IS_NUMBER(v) ? int_text(v->u.number.r, &neg, &mag) : -1;
  if (r == -1) return oc_j_fail(e, path, key, "expected an integer");
  if (r < 0 || (neg && mag) || mag > max)
    return oc_j_fail(e, path, key, "%.40s is out of range (0..%" PRIu64 ")", v->u.number.r, max);
  *out = mag;
  return 0;
}

int oc_jv_sint(yajl_val v, const char *path, const char *key, int64_t min, int64_t max,
               int64_t *out, struct oc_err *e) {
  bool neg;
  uint64_t mag = 0;
  int r = YAJL_IS_NUMBER(v) ? int_text(v->u.number.r, &neg, &mag) : -1;
  if (r == -1) return oc_j_fail(e, path, key, "expected an integer");
  int64_t val = 0;
  bool ok = r == 0;
  if (ok && neg) {
    ok = mag <= (uint64_t)INT64_MAX + 1;
    val = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
  } else if (ok) {
    ok = mag <= (uint64_t)INT64_MAX;
    val = (int64_t)mag;
  }
  if (!ok || val < min || val > max)
    return oc_j_fail(e, path, key, "%.40s is out of range (%" PRId64 "..%" PRId64 ")",
                     v->u.number.r, min, max);
  *out = val;
  return 0;
}

int oc_j_object(yajl_val obj, const char *path, const char *key, yajl_val *out, struct oc_err *e) {
  yajl_val v = oc_j_member(obj, key);
  *out = NULL;
  if (!v) return 0;
  if (!YAJL_IS_OBJECT(v)) return oc_j_fail(e, path, key, "expected an object");
  *out = v;
  return 1;
}

int oc_j_array(yajl_val obj, const char *path, const char *key, yajl_val *out, struct oc_err *e) {
  yajl_val v = oc_j_member(obj, key);
  *out = NULL;
  if (!v) return 0;
  if (!YAJL_IS_ARRAY(v)) return oc_j_fail(e, path, key, "expected an array");
  *out = v;
  return 1;
}

int oc_j_str(yajl_val obj, const char *path, const char *key, char **out, struct oc_err *e) {
  yajl_val v = oc_j_member(obj, key);
  if (!v) return 0;
  if (!YAJL_IS_STRING(v)) return oc_j_fail(e, path, key, "expected a string");
  char *s = strdup(v->u.string);
  if (!s) return oc_fail_errno(e, "config: out of memory");
  free(*out);
  *out = s;
  return 1;
}

int oc_j_bool(yajl_val obj, const char *path, const char *key, bool *out, struct oc_err *e) {
  yajl_val v = oc_j_member(obj, key);
  if (!v) return 0;
  if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) return oc_j_fail(e, path, key, "expected a boolean");
  *out = YAJL_IS_TRUE(v);
  return 1;
}

int oc_j_obool(yajl_val obj, const char *path, const char *key, oc_bool *out, struct oc_err *e) {
  int r = oc_j_bool(obj, path, key, &out->v, e);
  if (r > 0) out->set = true;
  return r;
}

int oc_j_uint(yajl_val obj, const char *path, const char *key, uint64_t max, uint64_t *out,
              struct oc_err *e) {
  yajl_val v = oc_j_member(obj, key);
  if (!v) return 0;
  return oc_jv_uint(v, path, key, max, out, e) < 0 ? -1 : 1;
}

int oc_j_u32(yajl_val obj, const char *path, const char *key, uint32_t *out, struct oc_err *e) {
  uint64_t u = 0;
  int r = oc_j_uint(obj, path, key, UINT32_MAX, &u, e);
  if (r > 0) *out = (uint32_t)u;
  return r;
}

int oc_j_sint(yajl_val obj, const char *path, const char *key, int64_t min, int64_t max,
              int64_t *out, struct oc_err *e) {
  yajl_val v = oc_j_member(obj, key);
  if (!v) return 0;
  return oc_jv_sint(v, path, key, min, max, out, e) < 0 ? -1 : 1;
}

int oc_j_ou64(yajl_val obj, const char *path, const char *key, uint64_t max, oc_u64 *out,
              struct oc_err *e) {
  int r = oc_j_uint(obj, path, key, max, &out->v, e);
  if (r > 0) out->set = true;
  return r;
}

int oc_j_oi64(yajl_val obj, const char *path, const char *key, int64_t min, int64_t max,
              oc_i64 *out, struct oc_err *e) {
  int r = oc_j_sint(obj, path, key, min, max, &out->v, e);
  if (r > 0) out->set = true;
  return r;
}

int oc_j_strv(yajl_val obj, const char *path, const char *key, struct oc_strv *out,
              struct oc_err *e) {
  yajl_val v = oc_j_member(obj, key);
  if (!v) return 0;
  if (!YAJL_IS_ARRAY(v)) return oc_j_fail(e, path, key, "expected an array of strings");
  size_t n = v->u.array.len;
  for (size_t i = 0; i < n; i++)
    if (!YAJL_IS_STRING(v->u.array.values[i]))
      return oc_j_fail(e, path, key, "expected an array of strings");
  oc_strv_release(out);
  out->v = oc_j_calloc(n + 1, sizeof *out->v, e);
  if (!out->v) return -1;
  for (size_t i = 0; i < n; i++) {
    out->v[i] = strdup(v->u.array.values[i]->u.string);
    if (!out->v[i]) return oc_fail_errno(e, "config: out of memory");
    out->n = i + 1;
  }
  return 1;
}

int oc_j_flags(yajl_val obj, const char *path, const char *key, const char *what,
               int64_t (*name_to_bits)(const char *), uint64_t *out, struct oc_err *e) {
  struct oc_strv names = {0};
  int r = oc_j_strv(obj, path, key, &names, e);
  for (size_t i = 0; r > 0 && i < names.n; i++) {
    int64_t bits = name_to_bits(names.v[i]);
    if (bits < 0)
      r = oc_j_fail(e, path, key, "unknown %s \"%.64s\"", what, names.v[i]);
    else
      *out |= (uint64_t)bits;
  }
  oc_strv_release(&names);
  return r;
}

int oc_j_kvv(yajl_val obj, const char *path, const char *key, struct oc_kvv *out,
             struct oc_err *e) {
  yajl_val v = oc_j_member(obj, key);
  if (!v) return 0;
  if (!YAJL_IS_OBJECT(v)) return oc_j_fail(e, path, key, "expected an object of strings");
  size_t n = v->u.object.len;
  for (size_t i = 0; i < n; i++)
    if (!YAJL_IS_STRING(v->u.object.values[i])) {
      char p[OC_JPATH_MAX];
      oc_jpath(p, path, key);
      return oc_j_fail(e, p, v->u.object.keys[i], "expected a string");
    }
  oc_kvv_release(out);
  out->v = oc_j_calloc(n, sizeof *out->v, e);
  if (!out->v) return -1;
  for (size_t i = 0; i < n; i++) {
    struct oc_kv *kv = &out->v[i];
    out->n = i + 1;
    kv->key = strdup(v->u.object.keys[i]);
    kv->value = strdup(v->u.object.values[i]->u.string);
    if (!kv->key || !kv->value) return oc_fail_errno(e, "config: out of memory");
  }
  return 1;
}

OC_MUST_CHECK static int parse_id_map(yajl_val m, const char *p, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_id_map *id = elem;
  if (oc_j_req(oc_j_u32(m, p, "containerID", &id->container_id, e), p, "containerID", e) < 0 ||
      oc_j_req(oc_j_u32(m, p, "hostID", &id->host_id, e), p, "hostID", e) < 0 ||
      oc_j_req(oc_j_u32(m, p, "size", &id->size, e), p, "size", e) < 0)
    return -1;
  return 0;
}

int oc_j_id_maps(yajl_val obj, const char *path, const char *key, struct oc_id_maps *out,
                 struct oc_err *e) {
  yajl_val a;
  int r = oc_j_array(obj, path, key, &a, e);
  if (r <= 0) return r;
  free(out->v);
  *out = (struct oc_id_maps){0};
  return oc_j_objects(a, path, key, sizeof *out->v, &out->v, &out->n, parse_id_map, NULL, e) < 0 ? -1 : 1;
}

void oc_strv_release(struct oc_strv *v) {
  if (v->v)
    for (size_t i = 0; i < v->n; i++) free(v->v[i]);
  free(v->v);
  v->v = NULL;
  v->n = 0;
}

void oc_kvv_release(struct oc_kvv *v) {
  for (size_t i = 0; i < v->n; i++) {
    free(v->v[i].key);
    free(v->v[i].value);
  }
  free(v->v);
  v->v = NULL;
  v->n = 0;
}
