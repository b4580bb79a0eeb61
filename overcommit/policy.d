overcommit/policy.o: overcommit/policy.c overcommit/policy.h base/error.h \
 oci/json_gen.h oci/config_json.h oci/config.h base/cleanup.h \
 base/fsutil.h
overcommit/policy.h:
base/error.h:
oci/json_gen.h:
oci/config_json.h:
oci/config.h:
base/cleanup.h:
base/fsutil.h:
