base/log.o: base/log.c base/log.h base/error.h
base/log.h:
base/error.h:
