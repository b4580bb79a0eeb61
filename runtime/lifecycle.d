runtime/lifecycle.o: runtime/lifecycle.c cgroups/cgroup.h oci/config.h \
 base/error.h overcommit/ledger.h overcommit/policy.h overcommit/sizing.h \
 base/cleanup.h base/procfs.h runtime/container.h runtime/globals.h \
 base/fsutil.h runtime/hooks.h base/log.h runtime/state.h \
 oci/state_json.h
cgroups/cgroup.h:
oci/config.h:
base/error.h:
overcommit/ledger.h:
overcommit/policy.h:
overcommit/sizing.h:
base/cleanup.h:
base/procfs.h:
runtime/container.h:
runtime/globals.h:
base/fsutil.h:
runtime/hooks.h:
base/log.h:
runtime/state.h:
oci/state_json.h:
