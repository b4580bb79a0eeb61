oci/config_resources.o: oci/config_resources.c oci/config_json.h \
 oci/config.h base/error.h
oci/config_json.h:
oci/config.h:
base/error.h:
