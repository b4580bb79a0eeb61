cgroups/devices_v1.o: cgroups/devices_v1.c cgroups/cg_internal.h \
 cgroups/cgroup.h oci/config.h base/error.h base/cleanup.h
cgroups/cg_internal.h:
cgroups/cgroup.h:
oci/config.h:
base/error.h:
base/cleanup.h:
