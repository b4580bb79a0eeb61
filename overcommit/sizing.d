overcommit/sizing.o: overcommit/sizing.c overcommit/sizing.h \
 overcommit/policy.h base/error.h oci/config.h base/parse.h \
 cgroups/cg_internal.h cgroups/cgroup.h
overcommit/sizing.h:
overcommit/policy.h:
base/error.h:
oci/config.h:
base/parse.h:
cgroups/cg_internal.h:
cgroups/cgroup.h:
