runtime/main.o: runtime/main.c runtime/args.h base/error.h \
 runtime/commands.h runtime/globals.h base/log.h runtime/sealed_exe.h \
 runtime/state.h oci/state_json.h oci/config.h overcommit/ledger.h \
 overcommit/policy.h overcommit/sizing.h
runtime/args.h:
base/error.h:
runtime/commands.h:
runtime/globals.h:
base/log.h:
runtime/sealed_exe.h:
runtime/state.h:
oci/state_json.h:
oci/config.h:
overcommit/ledger.h:
overcommit/policy.h:
overcommit/sizing.h:
