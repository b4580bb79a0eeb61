/* The default config.json, generated with yajl_gen. */
#include "oci/spec.h"
#include "oci/config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

/* Generation state: the first failing yajl call is remembered, later calls are skipped. */
struct gen {
  yajl_gen g;
  yajl_gen_status st;
};

static void str(struct gen *g, const char *s) {
  if (g->st == yajl_gen_status_ok)
    g->st = yajl_gen_string(g->g, (const unsigned char *)s, strlen(s));
}
static void num(struct gen *g, long long v) {
  if (g->st == yajl_gen_status_ok) g->st = yajl_gen_integer(g->g, v);
}
static void boolean(struct gen *g, bool v) {
  if (g->st == yajl_gen_status_ok) g->st = yajl_gen_bool(g->g, v);
}
static void map_open(struct gen *g) {
  if (g->st == yajl_gen_status_ok) g->st = yajl_gen_map_open(g->g);
}
static void map_close(struct gen *g) {
  if (g->st == yajl_gen_status_ok) g->st = yajl_gen_map_close(g->g);
}
static void arr_open(struct gen *g) {
  if (g->st == yajl_gen_status_ok) g->st = yajl_gen_array_open(g->g);
}
static void arr_close(struct gen *g) {
  if (g->st == yajl_gen_status_ok) g->st = yajl_gen_array_close(g->g);
}
/* A NULL-terminated list as a JSON array; entries starting with skip (if not NULL) are left out. */
static void strs(struct gen *g, const char *const *v, const char *skip) {
  arr_open(g);
  for (; *v; v++)
    if (!skip || strncmp(*v, skip, strlen(skip)) != 0) str(g, *v);
  arr_close(g);
}

static void kv_str(struct gen *g, const char *key, const char *value) {
  str(g, key);
  str(g, value);
}
static void kv_num(struct gen *g, const char *key, long long value) {
  str(g, key);
  num(g, value);
}
static void kv_bool(struct gen *g, const char *key, bool value) {
  str(g, key);
  boolean(g, value);
}
static void kv_strs(struct gen *g, const char *key, const char *const *v, const char *skip) {
  str(g, key);
  strs(g, v, skip);
}

/* The capabilities runc and Docker grant by default. */
static const char *const default_caps[] = {
  "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",           "CAP_MKNOD",
  "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID", "CAP_SETFCAP",          "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL,
};

static const char *const default_env[] = {
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL,
};

static const struct {
  const char *dest, *type, *source;
  const char *opts[8];
} default_mounts[] = {
  {"/proc", "proc", "proc", {NULL}},
  {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
  {"/dev/pts", "devpts", "devpts",
   {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}},
  {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
  {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
  {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
  {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
};

static const char *const masked_paths[] = {
  "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
  "/sys/devices/virtual/tpm", NULL,
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static void gen_process(struct gen *g) {
  static const char *const args[] = {"sh", NULL};
  static const char *const sets[] = {"bounding", "effective", "permitted"};
  str(g, "process");
  map_open(g);
  kv_bool(g, "terminal", true);
  str(g, "user");
  map_open(g);
  kv_num(g, "uid", 0);
  kv_num(g, "gid", 0);
  map_close(g);
  kv_strs(g, "args", args, NULL);
  kv_strs(g, "env", default_env, NULL);
  kv_str(g, "cwd", "/");
  str(g, "capabilities");
  map_open(g);
  for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) kv_strs(g, sets[i], default_caps, NULL);
  map_close(g);
  str(g, "rlimits");
  arr_open(g);
  map_open(g);
  kv_str(g, "type", "RLIMIT_NOFILE");
  kv_num(g, "hard", 1024);
  kv_num(g, "soft", 1024);
  map_close(g);
  arr_close(g);
  kv_bool(g, "noNewPrivileges", true);
  map_close(g);
}

static void gen_mounts(struct gen *g, bool rootless) {
  static const char *const sys_bind[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
  str(g, "mounts");
  arr_open(g);
  for (size_t i = 0; i < sizeof default_mounts / sizeof default_mounts[0]; i++) {
    bool sys = rootless && strcmp(default_mounts[i].dest, "/sys") == 0;
    map_open(g);
    kv_str(g, "destination", default_mounts[i].dest);
    kv_str(g, "type", sys ? "none" : default_mounts[i].type);
    kv_str(g, "source", sys ? "/sys" : default_mounts[i].source);
    if (sys)
      kv_strs(g, "options", sys_bind, NULL);
    else if (default_mounts[i].opts[0]) /* rootless: gid=5 is not mapped in the user ns */
      kv_strs(g, "options", default_mounts[i].opts, rootless ? "gid=" : NULL);
    map_close(g);
  }
  arr_close(g);
}

static void gen_id_map(struct gen *g, const char *key, unsigned host_id) {
  str(g, key);
  arr_open(g);
  map_open(g);
  kv_num(g, "containerID", 0);
  kv_num(g, "hostID", host_id);
  kv_num(g, "size", 1);
  map_close(g);
  arr_close(g);
}

static void gen_linux(struct gen *g, bool rootless) {
  str(g, "linux");
  map_open(g);
  if (rootless) {
    gen_id_map(g, "uidMappings", geteuid());
    gen_id_map(g, "gidMappings", getegid());
  } else {
    str(g, "resources");
    map_open(g);
    str(g, "devices");
    arr_open(g);
    map_open(g);
    kv_bool(g, "allow", false);
    kv_str(g, "access", "rwm");
    map_close(g);
    arr_close(g);
    map_close(g);
  }
  static const char *const ns_root[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};
  static const char *const ns_rootless[] = {"pid", "ipc", "uts", "mount", "cgroup", "user", NULL};
  str(g, "namespaces");
  arr_open(g);
  for (const char *const *ns = rootless ? ns_rootless : ns_root; *ns; ns++) {
    map_open(g);
    kv_str(g, "type", *ns);
    map_close(g);
  }
  arr_close(g);
  kv_strs(g, "maskedPaths", masked_paths, NULL);
  kv_strs(g, "readonlyPaths", readonly_paths, NULL);
  map_close(g);
}

char *oc_spec_default_json(bool rootless, struct oc_err *e) {
  struct gen g = {.g = yajl_gen_alloc(NULL), .st = yajl_gen_status_ok};
  if (!g.g) {
    oc_fail(e, ENOMEM, "spec: out of memory");
    return NULL;
  }
  yajl_gen_config(g.g, yajl_gen_beautify, 1);
  yajl_gen_config(g.g, yajl_gen_indent_string, "\t");
  map_open(&g);
  kv_str(&g, "ociVersion", OC_SPEC_VERSION);
  gen_process(&g);
  str(&g, "root");
  map_open(&g);
  kv_str(&g, "path", "rootfs");
  kv_bool(&g, "readonly", true);
  map_close(&g);
  kv_str(&g, "hostname", "ocrun");
  gen_mounts(&g, rootless);
  gen_linux(&g, rootless);
  map_close(&g);

  char *out = NULL;
  const unsigned char *buf;
  size_t len;
  if (g.st == yajl_gen_status_ok) g.st = yajl_gen_get_buf(g.g, &buf, &len);
  if (g.st != yajl_gen_status_ok) {
    oc_fail(e, EINVAL, "spec: JSON generation failed (yajl status %d)", (int)g.st);
  } else if (!(out = malloc(len + 2))) {
    oc_fail(e, ENOMEM, "spec: out of memory");
  } else {
    memcpy(out, buf, len);
    /* yajl's beautify mode already ends the document with a newline */
    if (len == 0 || buf[len - 1] != '\n') out[len++] = '\n';
    out[len] = '\0';
  }
  yajl_gen_free(g.g);
  return out;
}
