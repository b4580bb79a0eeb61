runtime/cmd_features.o: runtime/cmd_features.c namespaces/rootfs.h \
 oci/config.h base/error.h oci/features.h runtime/seccomp.h \
 runtime/args.h base/log.h runtime/commands.h runtime/globals.h
namespaces/rootfs.h:
oci/config.h:
base/error.h:
oci/features.h:
runtime/seccomp.h:
runtime/args.h:
base/log.h:
runtime/commands.h:
runtime/globals.h:
