namespaces/path_in_root.o: namespaces/path_in_root.c \
 namespaces/rootfs_internal.h oci/config.h base/error.h base/cleanup.h
namespaces/rootfs_internal.h:
oci/config.h:
base/error.h:
base/cleanup.h:
