#include "runtime/signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/parse.h"

static const struct { const char *name; int sig; } signal_names[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH}, {"IO", SIGIO},         {"POLL", SIGPOLL},   {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

int oc_signal_parse(const char *s) {
  long n;
  if (s[0] != '-' && oc_parse_long(s, 0, SIGRTMAX, &n) == 0) return (int)n;
  if (strncasecmp(s, "SIG", 3) == 0) s += 3;
  for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
    if (strcasecmp(s, signal_names[i].name) == 0) return signal_names[i].sig;
  if (strncasecmp(s, "RTMIN", 5) == 0) {
    if (s[5] == '\0') return SIGRTMIN;
    if (s[5] == '+' && oc_parse_long(s + 6, 0, SIGRTMAX - SIGRTMIN, &n) == 0) return SIGRTMIN + (int)n;
  }
  if (strncasecmp(s, "RTMAX", 5) == 0) {
    if (s[5] == '\0') return SIGRTMAX;
    if (s[5] == '-' && oc_parse_long(s + 6, 0, SIGRTMAX - SIGRTMIN, &n) == 0) return SIGRTMAX - (int)n;
  }
  return -1;
}
