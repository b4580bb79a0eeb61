namespaces/rootfs_validate.o: namespaces/rootfs_validate.c \
 namespaces/rootfs.h oci/config.h base/error.h \
 namespaces/rootfs_internal.h base/cleanup.h base/fsutil.h
namespaces/rootfs.h:
oci/config.h:
base/error.h:
namespaces/rootfs_internal.h:
base/cleanup.h:
base/fsutil.h:
