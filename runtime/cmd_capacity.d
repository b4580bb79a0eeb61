runtime/cmd_capacity.o: runtime/cmd_capacity.c cgroups/cgroup.h \
 oci/config.h base/error.h overcommit/ledger.h overcommit/policy.h \
 overcommit/sizing.h runtime/args.h base/cleanup.h base/fsutil.h \
 runtime/commands.h runtime/globals.h base/log.h
cgroups/cgroup.h:
oci/config.h:
base/error.h:
overcommit/ledger.h:
overcommit/policy.h:
overcommit/sizing.h:
runtime/args.h:
base/cleanup.h:
base/fsutil.h:
runtime/commands.h:
runtime/globals.h:
base/log.h:
