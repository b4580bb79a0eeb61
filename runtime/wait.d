runtime/wait.o: runtime/wait.c runtime/wait.h
runtime/wait.h:
