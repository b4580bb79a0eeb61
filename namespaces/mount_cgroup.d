namespaces/mount_cgroup.o: namespaces/mount_cgroup.c \
 namespaces/rootfs_internal.h oci/config.h base/error.h base/cleanup.h \
 base/fsutil.h base/log.h
namespaces/rootfs_internal.h:
oci/config.h:
base/error.h:
base/cleanup.h:
base/fsutil.h:
base/log.h:
