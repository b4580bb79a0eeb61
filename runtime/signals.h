#ifndef OCRUN_SIGNALS_H
#define OCRUN_SIGNALS_H
/* A signal as runc takes it, and nothing else: a decimal number 0..SIGRTMAX ("15", no sign, no
 * white space; 0 only checks that the process is there, as kill(2)) or a name, any case, with or without "SIG" ("TERM", "SIGTERM", "sigterm"), also
 * "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N". The signal number, or -1. */
int oc_signal_parse(const char *s);
#endif
