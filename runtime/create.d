runtime/create.o: runtime/create.c cgroups/cgroup.h oci/config.h \
 base/error.h namespaces/console.h namespaces/ns.h namespaces/rootfs.h \
 overcommit/ledger.h overcommit/policy.h overcommit/sizing.h \
 overcommit/parent_cap.h base/cleanup.h base/procfs.h runtime/container.h \
 runtime/globals.h base/fsutil.h runtime/hooks.h runtime/init.h \
 runtime/seccomp.h base/log.h runtime/sealed_exe.h runtime/state.h \
 oci/state_json.h runtime/sync.h
cgroups/cgroup.h:
oci/config.h:
base/error.h:
namespaces/console.h:
namespaces/ns.h:
namespaces/rootfs.h:
overcommit/ledger.h:
overcommit/policy.h:
overcommit/sizing.h:
overcommit/parent_cap.h:
base/cleanup.h:
base/procfs.h:
runtime/container.h:
runtime/globals.h:
base/fsutil.h:
runtime/hooks.h:
runtime/init.h:
runtime/seccomp.h:
base/log.h:
runtime/sealed_exe.h:
runtime/state.h:
oci/state_json.h:
runtime/sync.h:
