runtime/cmd_spec.o: runtime/cmd_spec.c oci/spec.h base/error.h \
 base/cleanup.h runtime/commands.h runtime/globals.h base/log.h
oci/spec.h:
base/error.h:
base/cleanup.h:
runtime/commands.h:
runtime/globals.h:
base/log.h:
