oci/config_seccomp.o: oci/config_seccomp.c oci/config_json.h oci/config.h \
 base/error.h oci/names.h
oci/config_json.h:
oci/config.h:
base/error.h:
oci/names.h:
