/* A new network namespace starts with only a loopback interface, and that one down: bring it up,
 * as runc does, so 127.0.0.1 works inside (rootless containers have no other interface). */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "namespaces/ns.h"
#include "base/cleanup.h"

int oc_ns_loopback_up(struct oc_err *e) {
  _cleanup_fd_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return oc_fail_errno(e, "loopback: socket");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) return oc_fail_errno(e, "loopback: get flags of lo");
  if (ifr.ifr_flags & IFF_UP) return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) return oc_fail_errno(e, "loopback: bring lo up");
  return 0;
}
