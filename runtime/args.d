runtime/args.o: runtime/args.c runtime/args.h base/error.h
runtime/args.h:
base/error.h:
