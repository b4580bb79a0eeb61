#ifndef OCRUN_FEATURES_H
#define OCRUN_FEATURES_H
#include <stdbool.h>
#include <stddef.h>

/* What only the layers above the config model know: the mount options namespaces/ applies and
 * the seccomp flags the running kernel accepts. */
struct oc_features_probe {
  const char *(*mount_option_name)(size_t i);      /* NULL past the last */
  bool (*seccomp_flag_supported)(const char *name); /* SECCOMP_FILTER_FLAG_* name */
  const char *const *seccomp_arch_names;           /* NULL-terminated */
  bool checkpoint;                                 /* checkpoint/restore (CRIU) built in */
};

/* malloc'd pretty-printed features JSON. */
char *oc_features_json(const struct oc_features_probe *probe);
#endif
