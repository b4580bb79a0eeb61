namespaces/rootfs.o: namespaces/rootfs.c namespaces/rootfs.h oci/config.h \
 base/error.h namespaces/rootfs_internal.h base/cleanup.h
namespaces/rootfs.h:
oci/config.h:
base/error.h:
namespaces/rootfs_internal.h:
base/cleanup.h:
