cgroups/devices_bpf.o: cgroups/devices_bpf.c cgroups/cg_internal.h \
 cgroups/cgroup.h oci/config.h base/error.h base/cleanup.h
cgroups/cg_internal.h:
cgroups/cgroup.h:
oci/config.h:
base/error.h:
base/cleanup.h:
