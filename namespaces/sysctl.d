namespaces/sysctl.o: namespaces/sysctl.c namespaces/rootfs.h oci/config.h \
 base/error.h namespaces/rootfs_internal.h base/cleanup.h
namespaces/rootfs.h:
oci/config.h:
base/error.h:
namespaces/rootfs_internal.h:
base/cleanup.h:
