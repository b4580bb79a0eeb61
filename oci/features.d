oci/features.o: oci/features.c oci/features.h oci/json_gen.h oci/names.h \
 oci/config.h base/error.h
oci/features.h:
oci/json_gen.h:
oci/names.h:
oci/config.h:
base/error.h:
