namespaces/mount_idmap.o: namespaces/mount_idmap.c namespaces/ns.h \
 oci/config.h base/error.h namespaces/rootfs.h \
 namespaces/rootfs_internal.h base/cleanup.h
namespaces/ns.h:
oci/config.h:
base/error.h:
namespaces/rootfs.h:
namespaces/rootfs_internal.h:
base/cleanup.h:
