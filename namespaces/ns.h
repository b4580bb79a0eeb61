/* Creating and joining namespaces: clone3 (with CLONE_INTO_CGROUP when possible), setns by path,
 * user namespace id maps, time namespace offsets. */
#ifndef OCRUN_NS_H
#define OCRUN_NS_H
#include <stdint.h>
#include <sys/types.h>

#include "oci/config.h"
#include "base/error.h"

/* clone3 like fork: returns 0 in the child, the pid in the parent (and a pidfd in *pidfd if not
 * NULL). cgroup_fd >= 0 adds CLONE_INTO_CGROUP; *into_cgroup tells whether that was honoured
 * (kernels without clone3 fall back to a plain clone). */
OC_MUST_CHECK pid_t oc_clone3(uint64_t flags, int cgroup_fd, int *pidfd, bool *into_cgroup, struct oc_err *e);
/* CLONE_NEW* flags for the namespaces the config asks to be created at clone time (time and
 * cgroup namespaces are unshared later by the init, see runtime/init.c). */
uint64_t oc_ns_clone_flags(const struct oc_config *c);
/* Open the namespaces joined by path; fds[t] = -1 for the others. */
OC_MUST_CHECK int oc_ns_open_joined(const struct oc_config *c, int fds[OC_NS_COUNT], struct oc_err *e);
void oc_ns_close(int fds[OC_NS_COUNT]);
/* setns into every open fd except those of the types in skip (bit = 1 << type). User first. */
OC_MUST_CHECK int oc_ns_join(const int fds[OC_NS_COUNT], unsigned skip, struct oc_err *e);
/* Write one map file ("uid_map" or "gid_map") of pid; nothing when m is empty. */
OC_MUST_CHECK int oc_ns_write_id_map(pid_t pid, const char *file, const struct oc_id_maps *m, struct oc_err *e);
/* Write /proc/<pid>/uid_map and gid_map from linux.uidMappings / gidMappings. */
OC_MUST_CHECK int oc_ns_write_id_maps(pid_t pid, const struct oc_config *c, struct oc_err *e);
/* The same from an unprivileged runtime (namespaces/id_maps_unprivileged.c): the caller's own
 * single id written directly (setgroups denied first for the gid map), ranges through
 * newuidmap/newgidmap. */
OC_MUST_CHECK int oc_ns_write_id_maps_unprivileged(pid_t pid, const struct oc_config *c, struct oc_err *e);
/* In a new network namespace: bring lo up (namespaces/loopback.c). */
OC_MUST_CHECK int oc_ns_loopback_up(struct oc_err *e);
/* linux.netDevices (namespaces/net_devices.c). Check, before anything is made: the container
 * has a network namespace of its own and every device exists on the host. */
OC_MUST_CHECK int oc_netdev_check(const struct oc_config *c, struct oc_err *e);
/* From the host's network namespace, after the clone: move each device into the container's
 * namespace (joined_netns_fd, or pid's new one when -1), renamed, its permanent global
 * addresses added back, up. */
OC_MUST_CHECK int oc_netdev_move(const struct oc_config *c, pid_t pid, int joined_netns_fd, struct oc_err *e);
/* unshare(CLONE_NEWTIME) and write linux.timeOffsets; the process enters it at execve. */
OC_MUST_CHECK int oc_ns_new_time(const struct oc_config *c, struct oc_err *e);

#endif
