runtime/exec.o: runtime/exec.c runtime/exec.h oci/config.h base/error.h \
 runtime/globals.h cgroups/cgroup.h namespaces/console.h namespaces/ns.h \
 base/cleanup.h base/procfs.h base/fsutil.h runtime/process_exec.h \
 runtime/seccomp.h runtime/process_setup.h runtime/state.h \
 oci/state_json.h runtime/sync.h runtime/wait.h
runtime/exec.h:
oci/config.h:
base/error.h:
runtime/globals.h:
cgroups/cgroup.h:
namespaces/console.h:
namespaces/ns.h:
base/cleanup.h:
base/procfs.h:
base/fsutil.h:
runtime/process_exec.h:
runtime/seccomp.h:
runtime/process_setup.h:
runtime/state.h:
oci/state_json.h:
runtime/sync.h:
runtime/wait.h:
