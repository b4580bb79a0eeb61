#ifndef OCRUN_SIGNALS_H
#define OCRUN_SIGNALS_H
/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3" -> signal number; -1 if unknown. */
int oc_signal_parse(const char *s);
#endif
