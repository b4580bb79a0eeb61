runtime/cmd_lifecycle.o: runtime/cmd_lifecycle.c cgroups/cgroup.h \
 oci/config.h base/error.h runtime/args.h base/cleanup.h base/procfs.h \
 runtime/container.h runtime/globals.h base/log.h runtime/commands.h \
 runtime/signals.h runtime/state.h oci/state_json.h
cgroups/cgroup.h:
oci/config.h:
base/error.h:
runtime/args.h:
base/cleanup.h:
base/procfs.h:
runtime/container.h:
runtime/globals.h:
base/log.h:
runtime/commands.h:
runtime/signals.h:
runtime/state.h:
oci/state_json.h:
