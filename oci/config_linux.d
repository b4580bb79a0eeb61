oci/config_linux.o: oci/config_linux.c oci/config_json.h oci/config.h \
 base/error.h oci/names.h
oci/config_json.h:
oci/config.h:
base/error.h:
oci/names.h:
