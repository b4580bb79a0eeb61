namespaces/mountinfo.o: namespaces/mountinfo.c \
 namespaces/rootfs_internal.h oci/config.h base/error.h base/fsutil.h
namespaces/rootfs_internal.h:
oci/config.h:
base/error.h:
base/fsutil.h:
