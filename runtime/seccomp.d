runtime/seccomp.o: runtime/seccomp.c runtime/seccomp.h oci/config.h \
 base/error.h oci/names.h base/cleanup.h base/log.h
runtime/seccomp.h:
oci/config.h:
base/error.h:
oci/names.h:
base/cleanup.h:
base/log.h:
