oci/spec.o: oci/spec.c oci/spec.h base/error.h oci/config.h
oci/spec.h:
base/error.h:
oci/config.h:
