base/fsutil.o: base/fsutil.c base/fsutil.h base/error.h base/cleanup.h
base/fsutil.h:
base/error.h:
base/cleanup.h:
