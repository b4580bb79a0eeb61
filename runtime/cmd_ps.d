runtime/cmd_ps.o: runtime/cmd_ps.c cgroups/cgroup.h oci/config.h \
 base/error.h runtime/args.h base/cleanup.h base/log.h runtime/commands.h \
 runtime/globals.h runtime/state.h oci/state_json.h
cgroups/cgroup.h:
oci/config.h:
base/error.h:
runtime/args.h:
base/cleanup.h:
base/log.h:
runtime/commands.h:
runtime/globals.h:
runtime/state.h:
oci/state_json.h:
