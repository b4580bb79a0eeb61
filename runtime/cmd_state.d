runtime/cmd_state.o: runtime/cmd_state.c runtime/args.h base/error.h \
 oci/json_gen.h base/cleanup.h base/log.h runtime/commands.h \
 runtime/globals.h runtime/state.h oci/state_json.h oci/config.h
runtime/args.h:
base/error.h:
oci/json_gen.h:
base/cleanup.h:
base/log.h:
runtime/commands.h:
runtime/globals.h:
runtime/state.h:
oci/state_json.h:
oci/config.h:
