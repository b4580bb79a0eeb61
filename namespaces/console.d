namespaces/console.o: namespaces/console.c namespaces/console.h \
 oci/config.h base/error.h namespaces/rootfs_internal.h base/cleanup.h
namespaces/console.h:
oci/config.h:
base/error.h:
namespaces/rootfs_internal.h:
base/cleanup.h:
