namespaces/mounts.o: namespaces/mounts.c namespaces/rootfs_internal.h \
 oci/config.h base/error.h base/cleanup.h base/log.h
namespaces/rootfs_internal.h:
oci/config.h:
base/error.h:
base/cleanup.h:
base/log.h:
