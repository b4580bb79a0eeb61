namespaces/mount_fd.o: namespaces/mount_fd.c namespaces/rootfs_internal.h \
 oci/config.h base/error.h base/cleanup.h
namespaces/rootfs_internal.h:
oci/config.h:
base/error.h:
base/cleanup.h:
