namespaces/ns.o: namespaces/ns.c namespaces/ns.h oci/config.h \
 base/error.h base/cleanup.h base/fsutil.h
namespaces/ns.h:
oci/config.h:
base/error.h:
base/cleanup.h:
base/fsutil.h:
