/* `ocrun spec [--bundle DIR] [--rootless]`: write a default config.json into a bundle. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/spec.h"
#include "base/cleanup.h"
#include "base/fsutil.h"
#include "runtime/args.h"
#include "runtime/commands.h"
#include "base/log.h"

static int write_spec(const char *bundle, bool rootless) {
  struct oc_err e = {0};
  _cleanup_free_ char *json = oc_spec_default_json(rootless, &e);
  if (!json) return oc_log_fail(&e);
  _cleanup_fd_ int dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    oc_fail_errno(&e, "bundle %s", bundle);
    return oc_log_fail(&e);
  }
  _cleanup_fd_ int fd =
      openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST) {
    oc_log_error("File config.json exists. Remove it first");
    return 1;
  }
  if (fd < 0) {
    oc_fail_errno(&e, "create %s/config.json", bundle);
    return oc_log_fail(&e);
  }
  int r = oc_write_all(fd, json, strlen(json));
  if (r == 0) {
    r = close(oc_steal_fd(&fd));
  }
  if (r < 0) {
    oc_fail_errno(&e, "write %s/config.json", bundle);
    unlinkat(dfd, "config.json", 0); /* best effort: do not leave half a file */
    return oc_log_fail(&e);
  }
  return 0;
}

int cmd_spec(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  const char *bundle = ".";
  bool rootless = false, help = false;
  const struct oc_opt opts[] = {
      {"bundle", 'b', &bundle, NULL, "DIR", "write config.json into DIR (default: the current directory)"},
      {"rootless", 0, NULL, &rootless, NULL, "a configuration for a container run by a non-root user"},
      OC_OPT_END};
  int i = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "", opts), 0;
  if (i < argc) {
    oc_log_error("spec: unexpected argument %s (spec takes no arguments)", argv[i]);
    return 1;
  }
  if (!bundle[0]) {
    oc_log_error("spec: --bundle must not be empty");
    return 1;
  }
  return write_spec(bundle, rootless);
}
