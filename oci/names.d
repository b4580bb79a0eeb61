oci/names.o: oci/names.c oci/names.h oci/config.h base/error.h
oci/names.h:
oci/config.h:
base/error.h:
