cgroups/devices.o: cgroups/devices.c cgroups/cg_internal.h \
 cgroups/cgroup.h oci/config.h base/error.h
cgroups/cg_internal.h:
cgroups/cgroup.h:
oci/config.h:
base/error.h:
