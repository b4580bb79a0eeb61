runtime/cmd_events.o: runtime/cmd_events.c cgroups/cgroup.h oci/config.h \
 base/error.h cgroups/events.h runtime/args.h base/log.h \
 runtime/commands.h runtime/globals.h runtime/state.h oci/state_json.h
cgroups/cgroup.h:
oci/config.h:
base/error.h:
cgroups/events.h:
runtime/args.h:
base/log.h:
runtime/commands.h:
runtime/globals.h:
runtime/state.h:
oci/state_json.h:
