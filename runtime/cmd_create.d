runtime/cmd_create.o: runtime/cmd_create.c base/parse.h runtime/args.h \
 base/error.h runtime/container.h runtime/globals.h base/log.h \
 runtime/commands.h runtime/process_setup.h oci/config.h \
 runtime/tty_proxy.h runtime/wait.h
base/parse.h:
runtime/args.h:
base/error.h:
runtime/container.h:
runtime/globals.h:
base/log.h:
runtime/commands.h:
runtime/process_setup.h:
oci/config.h:
runtime/tty_proxy.h:
runtime/wait.h:
