runtime/cmd_pause.o: runtime/cmd_pause.c cgroups/cgroup.h oci/config.h \
 base/error.h runtime/args.h base/log.h runtime/commands.h \
 runtime/globals.h runtime/state.h oci/state_json.h
cgroups/cgroup.h:
oci/config.h:
base/error.h:
runtime/args.h:
base/log.h:
runtime/commands.h:
runtime/globals.h:
runtime/state.h:
oci/state_json.h:
