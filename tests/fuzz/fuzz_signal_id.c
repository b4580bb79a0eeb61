/* libFuzzer target: `kill`'s signal argument (runtime/signals.c oc_signal_parse) and container id
 * validation (runtime/state.c oc_id_validate), from a NUL-terminated copy of the input. An id
 * that passes must be a safe single path component. */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/signals.h"
#include "runtime/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  int sig = oc_signal_parse(s);
  if (sig != -1 && (sig < 0 || sig > SIGRTMAX)) abort();
  struct oc_err e;
  if (oc_id_validate(s, &e) == 0 &&
      (strchr(s, '/') || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || !s[0]))
    abort();
  free(s);
  return 0;
}
