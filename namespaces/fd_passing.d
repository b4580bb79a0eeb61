namespaces/fd_passing.o: namespaces/fd_passing.c namespaces/console.h \
 oci/config.h base/error.h
namespaces/console.h:
oci/config.h:
base/error.h:
