namespaces/masked_paths.o: namespaces/masked_paths.c \
 namespaces/rootfs_internal.h oci/config.h base/error.h base/cleanup.h
namespaces/rootfs_internal.h:
oci/config.h:
base/error.h:
base/cleanup.h:
