oci/state_json.o: oci/state_json.c oci/state_json.h oci/config.h \
 base/error.h oci/json_gen.h
oci/state_json.h:
oci/config.h:
base/error.h:
oci/json_gen.h:
