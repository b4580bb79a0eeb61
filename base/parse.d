base/parse.o: base/parse.c base/parse.h
base/parse.h:
