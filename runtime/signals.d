runtime/signals.o: runtime/signals.c runtime/signals.h base/parse.h
runtime/signals.h:
base/parse.h:
