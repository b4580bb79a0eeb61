runtime/cmd_exec.o: runtime/cmd_exec.c base/parse.h runtime/args.h \
 base/error.h runtime/exec.h oci/config.h runtime/globals.h base/fsutil.h \
 base/log.h runtime/commands.h runtime/process_setup.h runtime/state.h \
 oci/state_json.h
base/parse.h:
runtime/args.h:
base/error.h:
runtime/exec.h:
oci/config.h:
runtime/globals.h:
base/fsutil.h:
base/log.h:
runtime/commands.h:
runtime/process_setup.h:
runtime/state.h:
oci/state_json.h:
