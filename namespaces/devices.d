namespaces/devices.o: namespaces/devices.c namespaces/rootfs_internal.h \
 oci/config.h base/error.h base/cleanup.h
namespaces/rootfs_internal.h:
oci/config.h:
base/error.h:
base/cleanup.h:
