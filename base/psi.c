#define _GNU_SOURCE
#include "base/psi.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/fsutil.h"

const char *const oc_psi_names[OC_PSI_COUNT] = {"cpu", "memory", "io"};

bool oc_psi_parse(const char *text, struct oc_psi *out) {
  *out = (struct oc_psi){0};
  for (const char *line = text; line && *line;) {
    struct oc_psi_line *pl = strncmp(line, "some ", 5) == 0   ? &out->some
                             : strncmp(line, "full ", 5) == 0 ? &out->full
                                                              : NULL;
    struct oc_psi_line v = {0};
    if (pl && sscanf(line + 5, "avg10=%lf avg60=%lf avg300=%lf total=%" SCNu64, &v.avg10, &v.avg60,
                     &v.avg300, &v.total_usec) == 4) {
      v.set = true;
      *pl = v;
      out->set = true;
    }
    line = strchr(line, '\n');
    if (line) line++;
  }
  return out->set;
}

bool oc_psi_read_host(int res, struct oc_psi *out) {
  *out = (struct oc_psi){0};
  if (res < 0 || res >= OC_PSI_COUNT) return false;
  char path[64];
  snprintf(path, sizeof path, "/proc/pressure/%s", oc_psi_names[res]);
  _cleanup_free_ char *buf = NULL;
  struct oc_err e;
  if (oc_read_fileat(AT_FDCWD, path, &buf, NULL, 4096, &e) < 0) return false;
  return oc_psi_parse(buf, out);
}
