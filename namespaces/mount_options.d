namespaces/mount_options.o: namespaces/mount_options.c \
 namespaces/rootfs_internal.h oci/config.h base/error.h base/log.h
namespaces/rootfs_internal.h:
oci/config.h:
base/error.h:
base/log.h:
