/* linux.netDevices: move host network devices into the container's network namespace with
 * rtnetlink, from the runtime (still in the host's network namespace), right after the init is
 * cloned and before any hook or container code runs. A move takes the device down and drops its
 * addresses, so the permanent global ones (what runtime-spec 1.3 says to keep) are read first,
 * added back inside, and the device is brought up there. Nothing is moved back on delete: the
 * kernel returns physical devices to the host and destroys virtual ones when the namespace goes. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "namespaces/ns.h"
#include "base/cleanup.h"

#define NL_BUF 8192
#define MAX_ADDRS 64

struct nl_req {
  struct nlmsghdr h;
  union { struct ifinfomsg ifi; struct ifaddrmsg ifa; };
  char attrs[512];
};

/* An address as the kernel reported it, to be added again in the new namespace. */
struct saved_addr {
  struct ifaddrmsg ifa;
  unsigned char local[16], address[16], broadcast[4];
  size_t len;  /* 4 or 16 */
  uint32_t flags;  /* IFA_FLAGS: only those one may ask for when adding (nodad, ...) */
  bool has_local, has_address, has_broadcast;
};

static void nl_put(struct nl_req *r, unsigned short type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

OC_MUST_CHECK static int nl_open(struct oc_err *e) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  return fd < 0 ? oc_fail_errno(e, "linux.netDevices: rtnetlink socket") : fd;
}

/* Send one request with NLM_F_ACK and wait for its answer: 0, or the kernel's -errno. */
static int nl_ack(int fd, struct nl_req *r) {
  r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  if (send(fd, r, r->h.nlmsg_len, 0) < 0) return -errno;
  char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
      if (h->nlmsg_type == NLMSG_ERROR) return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
  }
}

/* The permanent, global addresses of ifindex (RTM_GETADDR dump). */
OC_MUST_CHECK static int read_addrs(int fd, int ifindex, const char *dev, struct saved_addr *out,
                                    size_t *n, struct oc_err *e) {
  struct nl_req r = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)), .nlmsg_type = RTM_GETADDR,
                           .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP}};
  r.ifa.ifa_family = AF_UNSPEC;
  if (send(fd, &r, r.h.nlmsg_len, 0) < 0) return oc_fail_errno(e, "linux.netDevices: %s: list addresses", dev);
  char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
  *n = 0;
  for (;;) {
    ssize_t len = recv(fd, buf, sizeof buf, 0);
    if (len < 0 && errno == EINTR) continue;
    if (len < 0) return oc_fail_errno(e, "linux.netDevices: %s: list addresses", dev);
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR)
        return oc_fail(e, -((struct nlmsgerr *)NLMSG_DATA(h))->error, "linux.netDevices: %s: list addresses", dev);
      if (h->nlmsg_type != RTM_NEWADDR) continue;
      struct ifaddrmsg *ifa = NLMSG_DATA(h);
      if ((int)ifa->ifa_index != ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE) continue;
      struct saved_addr a = {.ifa = *ifa, .len = ifa->ifa_family == AF_INET6 ? 16 : 4};
      unsigned flags = ifa->ifa_flags;
      int alen = (int)IFA_PAYLOAD(h);
      for (struct rtattr *at = IFA_RTA(ifa); RTA_OK(at, alen); at = RTA_NEXT(at, alen)) {
        if (at->rta_type == IFA_FLAGS && RTA_PAYLOAD(at) == 4) memcpy(&flags, RTA_DATA(at), 4);
        if (at->rta_type == IFA_BROADCAST && RTA_PAYLOAD(at) == 4) {
          memcpy(a.broadcast, RTA_DATA(at), 4);
          a.has_broadcast = true;
        }
        if ((at->rta_type == IFA_LOCAL || at->rta_type == IFA_ADDRESS) && RTA_PAYLOAD(at) == a.len) {
          bool local = at->rta_type == IFA_LOCAL;
          memcpy(local ? a.local : a.address, RTA_DATA(at), a.len);
          *(local ? &a.has_local : &a.has_address) = true;
        }
      }
      if (!(flags & IFA_F_PERMANENT) || (a.ifa.ifa_family != AF_INET && a.ifa.ifa_family != AF_INET6)) continue;
      a.ifa.ifa_flags = 0;
      a.flags = flags & (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR);
      if (*n == MAX_ADDRS) return oc_fail(e, E2BIG, "linux.netDevices: %s: more than %d addresses", dev, MAX_ADDRS);
      out[(*n)++] = a;
    }
  }
}

/* A socket in the network namespace netns_fd, made there and used from here. */
OC_MUST_CHECK static int nl_open_in(int netns_fd, struct oc_err *e) {
  _cleanup_fd_ int own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (own < 0) return oc_fail_errno(e, "linux.netDevices: open /proc/self/ns/net");
  if (setns(netns_fd, CLONE_NEWNET) < 0) return oc_fail_errno(e, "linux.netDevices: join the container's network namespace");
  int fd = nl_open(e);
  /* Back home whatever happened: the runtime must not go on in the container's namespace. */
  if (setns(own, CLONE_NEWNET) < 0) {
    if (fd >= 0) close(fd);
    return oc_fail_errno(e, "linux.netDevices: rejoin the runtime's network namespace");
  }
  return fd;
}

/* The index of the device inside: by its name, or (a "%d" template) by the index it had, which
 * the kernel keeps unless it is taken there. 0 when there is none. */
OC_MUST_CHECK static int index_inside(int fd, const char *name, int old_index, const char *dev, struct oc_err *e) {
  struct nl_req r = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_GETLINK,
                           .nlmsg_flags = NLM_F_REQUEST}};
  if (strchr(name, '%'))
    r.ifi.ifi_index = old_index;
  else
    nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
  if (send(fd, &r, r.h.nlmsg_len, 0) < 0) return oc_fail_errno(e, "linux.netDevices: %s: find it in the container", dev);
  char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
  ssize_t len;
  while ((len = recv(fd, buf, sizeof buf, 0)) < 0 && errno == EINTR) {}
  if (len < 0) return oc_fail_errno(e, "linux.netDevices: %s: find it in the container", dev);
  struct nlmsghdr *h = (struct nlmsghdr *)buf;
  if (!NLMSG_OK(h, (size_t)len)) return oc_fail(e, EPROTO, "linux.netDevices: %s: short rtnetlink answer", dev);
  if (h->nlmsg_type == NLMSG_ERROR) {
    int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
    return err == -ENODEV ? 0 : oc_fail(e, -err, "linux.netDevices: %s: find it in the container", dev);
  }
  return ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
}

OC_MUST_CHECK static int move_one(int host_fd, int netns_fd, int fd, const struct oc_net_device *d,
                                  struct oc_err *e) {
  const char *dev = d->host_name, *name = d->name ? d->name : d->host_name;
  int ifindex = (int)if_nametoindex(dev);
  if (ifindex == 0) return oc_fail_errno(e, "linux.netDevices: %s: no such network device", dev);
  struct saved_addr addrs[MAX_ADDRS];
  size_t n_addrs = 0;
  if (read_addrs(host_fd, ifindex, dev, addrs, &n_addrs, e) < 0) return -1;

  struct nl_req r = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK}};
  r.ifi.ifi_index = ifindex;
  uint32_t ns = (uint32_t)netns_fd;
  nl_put(&r, IFLA_NET_NS_FD, &ns, sizeof ns);
  if (d->name) nl_put(&r, IFLA_IFNAME, d->name, strlen(d->name) + 1);
  int err = nl_ack(host_fd, &r);
  if (err < 0) return oc_fail(e, -err, "linux.netDevices: %s: move into the container's network namespace", dev);

  int idx = index_inside(fd, name, ifindex, dev, e);
  if (idx < 0) return -1;
  if (idx == 0) return oc_fail(e, ENODEV, "linux.netDevices: %s: not found in the container after the move", dev);
  for (size_t i = 0; i < n_addrs; i++) {
    const struct saved_addr *a = &addrs[i];
    struct nl_req ar = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)), .nlmsg_type = RTM_NEWADDR,
                              .nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE}};
    ar.ifa = a->ifa;
    ar.ifa.ifa_index = (unsigned)idx;
    if (a->has_local) nl_put(&ar, IFA_LOCAL, a->local, a->len);
    if (a->has_address) nl_put(&ar, IFA_ADDRESS, a->address, a->len);
    if (a->has_broadcast) nl_put(&ar, IFA_BROADCAST, a->broadcast, 4);
    if (a->flags) nl_put(&ar, IFA_FLAGS, &a->flags, sizeof a->flags);
    if ((err = nl_ack(fd, &ar)) < 0) {
      char text[INET6_ADDRSTRLEN] = "?";
      inet_ntop(a->ifa.ifa_family, a->has_local ? a->local : a->address, text, sizeof text);
      return oc_fail(e, -err, "linux.netDevices: %s: add address %s/%u in the container", dev, text, a->ifa.ifa_prefixlen);
    }
  }
  struct nl_req up = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK}};
  up.ifi.ifi_index = idx;
  up.ifi.ifi_flags = up.ifi.ifi_change = IFF_UP;
  if ((err = nl_ack(fd, &up)) < 0) return oc_fail(e, -err, "linux.netDevices: %s: set it up in the container", dev);
  return 0;
}

int oc_netdev_check(const struct oc_config *c, struct oc_err *e) {
  if (!c->n_net_devices) return 0;
  if (!oc_config_ns(c, OC_NS_NET))
    return oc_fail(e, EINVAL, "linux.netDevices: needs a network namespace of the container's own (linux.namespaces has no \"network\")");
  for (size_t i = 0; i < c->n_net_devices; i++)
    if (if_nametoindex(c->net_devices[i].host_name) == 0)
      return oc_fail_errno(e, "linux.netDevices: %s: no such network device", c->net_devices[i].host_name);
  return 0;
}

int oc_netdev_move(const struct oc_config *c, pid_t pid, int joined_netns_fd, struct oc_err *e) {
  if (!c->n_net_devices) return 0;
  _cleanup_fd_ int own = -1;
  int netns_fd = joined_netns_fd;
  if (netns_fd < 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
    if ((own = open(path, O_RDONLY | O_CLOEXEC)) < 0) return oc_fail_errno(e, "linux.netDevices: open %s", path);
    netns_fd = own;
  }
  _cleanup_fd_ int host_fd = nl_open(e);
  if (host_fd < 0) return -1;
  _cleanup_fd_ int fd = nl_open_in(netns_fd, e);
  if (fd < 0) return -1;
  /* The kernel moves a device under its own name and renames it afterwards, so a name taken
   * inside would fail only once the device is in (and lost with the namespace): check first,
   * every device before any moves. */
  for (size_t i = 0; i < c->n_net_devices; i++) {
    const struct oc_net_device *d = &c->net_devices[i];
    const char *name = d->name ? d->name : d->host_name;
    if (strchr(name, '%')) continue;
    int taken = index_inside(fd, name, 0, d->host_name, e);
    if (taken < 0) return -1;
    if (taken > 0)
      return oc_fail(e, EEXIST, "linux.netDevices: %s: a device named \"%s\" already exists in the container",
                     d->host_name, name);
  }
  for (size_t i = 0; i < c->n_net_devices; i++)
    if (move_one(host_fd, netns_fd, fd, &c->net_devices[i], e) < 0) return -1;
  return 0;
}
