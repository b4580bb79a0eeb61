#ifndef OCRUN_WAIT_H
#define OCRUN_WAIT_H
#include <sys/types.h>
/* Wait for a child, forwarding the usual terminal/job signals to it; returns its exit code
 * (128 + signal when killed), as `run` and `exec` report it. */
int oc_wait_forwarding_signals(pid_t pid);
/* Only the forwarding part: from now on those signals go to pid. */
void oc_forward_signals_to(pid_t pid);
#endif
