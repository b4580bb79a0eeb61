oci/config_json.o: oci/config_json.c oci/config_json.h oci/config.h \
 base/error.h base/cleanup.h
oci/config_json.h:
oci/config.h:
base/error.h:
base/cleanup.h:
