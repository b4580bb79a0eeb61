oci/json_gen.o: oci/json_gen.c oci/json_gen.h oci/config.h base/error.h
oci/json_gen.h:
oci/config.h:
base/error.h:
