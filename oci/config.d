oci/config.o: oci/config.c oci/config.h base/error.h oci/config_json.h \
 base/cleanup.h
oci/config.h:
base/error.h:
oci/config_json.h:
base/cleanup.h:
