cgroups/events.o: cgroups/events.c cgroups/cg_internal.h cgroups/cgroup.h \
 oci/config.h base/error.h cgroups/events.h
cgroups/cg_internal.h:
cgroups/cgroup.h:
oci/config.h:
base/error.h:
cgroups/events.h:
