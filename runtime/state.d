runtime/state.o: runtime/state.c runtime/state.h oci/state_json.h \
 oci/config.h base/error.h oci/json_gen.h cgroups/cgroup.h base/cleanup.h \
 base/fsutil.h base/procfs.h
runtime/state.h:
oci/state_json.h:
oci/config.h:
base/error.h:
oci/json_gen.h:
cgroups/cgroup.h:
base/cleanup.h:
base/fsutil.h:
base/procfs.h:
