/* The `features` document (runtime-spec features.md), built from ocrun's own tables. */
#include "oci/features.h"
#include "oci/json_gen.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "oci/names.h"

static void gen_list(yajl_gen g, const char *key, const char *const *names) {
  OC_GEN_STR(g, key);
  yajl_gen_array_open(g);
  for (; *names; names++) OC_GEN_STR(g, *names);
  yajl_gen_array_close(g);
}

static void gen_bool(yajl_gen g, const char *key, bool v) {
  OC_GEN_STR(g, key);
  yajl_gen_bool(g, v);
}

static void gen_enabled(yajl_gen g, const char *key, bool v) {
  OC_GEN_STR(g, key);
  yajl_gen_map_open(g);
  gen_bool(g, "enabled", v);
  yajl_gen_map_close(g);
}

char *oc_features_json(const struct oc_features_probe *probe) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return NULL;
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_map_open(g);
  OC_GEN_STR(g, "ociVersionMin");
  OC_GEN_STR(g, "1.0.0");
  OC_GEN_STR(g, "ociVersionMax");
  OC_GEN_STR(g, OC_SPEC_VERSION);
  const char *hooks[OC_HOOK_COUNT + 1] = {0};
  for (int k = 0; k < OC_HOOK_COUNT; k++) hooks[k] = oc_hook_kind_name((enum oc_hook_kind)k);
  gen_list(g, "hooks", hooks);
  OC_GEN_STR(g, "mountOptions");
  yajl_gen_array_open(g);
  for (size_t i = 0; probe->mount_option_name(i); i++) OC_GEN_STR(g, probe->mount_option_name(i));
  yajl_gen_array_close(g);

  OC_GEN_STR(g, "linux");
  yajl_gen_map_open(g);
  const char *ns[OC_NS_COUNT + 1] = {0};
  for (int t = 0; t < OC_NS_COUNT; t++) ns[t] = oc_ns_type_name((enum oc_ns_type)t);
  gen_list(g, "namespaces", ns);
  OC_GEN_STR(g, "capabilities");
  yajl_gen_array_open(g);
  for (int cap = 0; cap <= oc_cap_last(); cap++)
    if (oc_cap_name(cap)) OC_GEN_STR(g, oc_cap_name(cap));
  yajl_gen_array_close(g);

  OC_GEN_STR(g, "cgroup");
  yajl_gen_map_open(g);
  gen_bool(g, "v1", true);
  gen_bool(g, "v2", true);
  gen_bool(g, "systemd", false);
  gen_bool(g, "systemdUser", false);
  gen_bool(g, "rdma", true);
  yajl_gen_map_close(g);

  OC_GEN_STR(g, "seccomp");
  yajl_gen_map_open(g);
  gen_bool(g, "enabled", true);
  gen_list(g, "actions", oc_seccomp_action_names);
  gen_list(g, "operators", oc_seccomp_op_names);
  gen_list(g, "archs", probe->seccomp_arch_names);
  gen_list(g, "knownFlags", oc_seccomp_flag_names);
  OC_GEN_STR(g, "supportedFlags");
  yajl_gen_array_open(g);
  for (const char *const *f = oc_seccomp_flag_names; *f; f++)
    if (probe->seccomp_flag_supported(*f)) OC_GEN_STR(g, *f);
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);

  gen_enabled(g, "apparmor", access("/sys/kernel/security/apparmor", F_OK) == 0);
  gen_enabled(g, "selinux", access("/sys/fs/selinux/enforce", F_OK) == 0);
  gen_enabled(g, "intelRdt", false);
  gen_enabled(g, "netDevices", true);
  OC_GEN_STR(g, "memoryPolicy");
  yajl_gen_map_open(g);
  gen_list(g, "modes", oc_mempolicy_mode_names);
  gen_list(g, "flags", oc_mempolicy_flag_names);
  yajl_gen_map_close(g);
  OC_GEN_STR(g, "mountExtensions");
  yajl_gen_map_open(g);
  gen_enabled(g, "idmap", true);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g); /* linux */

  OC_GEN_STR(g, "annotations");
  yajl_gen_map_open(g);
  OC_GEN_STR(g, "io.github.ocrun.version");
  OC_GEN_STR(g, OCRUN_VERSION);
  OC_GEN_STR(g, "io.github.ocrun.commit");
  OC_GEN_STR(g, OCRUN_COMMIT);
  /* runc's key too: clients look for it to know `checkpoint` works. */
  OC_GEN_STR(g, "io.github.ocrun.checkpoint.enabled");
  OC_GEN_STR(g, probe->checkpoint ? "true" : "false");
  OC_GEN_STR(g, "org.opencontainers.runc.checkpoint.enabled");
  OC_GEN_STR(g, probe->checkpoint ? "true" : "false");
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);

  return oc_json_gen_take(g);
}
