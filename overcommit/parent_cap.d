overcommit/parent_cap.o: overcommit/parent_cap.c overcommit/parent_cap.h \
 overcommit/policy.h base/error.h cgroups/cg_internal.h cgroups/cgroup.h \
 oci/config.h overcommit/ledger.h overcommit/sizing.h base/cleanup.h
overcommit/parent_cap.h:
overcommit/policy.h:
base/error.h:
cgroups/cg_internal.h:
cgroups/cgroup.h:
oci/config.h:
overcommit/ledger.h:
overcommit/sizing.h:
base/cleanup.h:
