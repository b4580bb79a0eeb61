oci/config_process.o: oci/config_process.c oci/config_json.h oci/config.h \
 base/error.h oci/names.h
oci/config_json.h:
oci/config.h:
base/error.h:
oci/names.h:
