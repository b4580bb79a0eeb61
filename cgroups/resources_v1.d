cgroups/resources_v1.o: cgroups/resources_v1.c cgroups/cg_internal.h \
 cgroups/cgroup.h oci/config.h base/error.h base/cleanup.h
cgroups/cg_internal.h:
cgroups/cgroup.h:
oci/config.h:
base/error.h:
base/cleanup.h:
