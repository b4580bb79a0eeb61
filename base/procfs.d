base/procfs.o: base/procfs.c base/procfs.h base/error.h base/cleanup.h
base/procfs.h:
base/error.h:
base/cleanup.h:
