overcommit/ledger.o: overcommit/ledger.c overcommit/ledger.h \
 overcommit/policy.h base/error.h overcommit/sizing.h oci/config.h \
 oci/config_json.h base/cleanup.h base/fsutil.h base/procfs.h
overcommit/ledger.h:
overcommit/policy.h:
base/error.h:
overcommit/sizing.h:
oci/config.h:
oci/config_json.h:
base/cleanup.h:
base/fsutil.h:
base/procfs.h:
