runtime/cmd_update.o: runtime/cmd_update.c cgroups/cgroup.h oci/config.h \
 base/error.h overcommit/ledger.h overcommit/policy.h overcommit/sizing.h \
 runtime/args.h base/cleanup.h base/parse.h base/fsutil.h base/log.h \
 runtime/commands.h runtime/globals.h runtime/state.h oci/state_json.h
cgroups/cgroup.h:
oci/config.h:
base/error.h:
overcommit/ledger.h:
overcommit/policy.h:
overcommit/sizing.h:
runtime/args.h:
base/cleanup.h:
base/parse.h:
base/fsutil.h:
base/log.h:
runtime/commands.h:
runtime/globals.h:
runtime/state.h:
oci/state_json.h:
