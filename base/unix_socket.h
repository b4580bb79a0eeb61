/* Unix sockets: connect by path (any length) and file descriptors over SCM_RIGHTS. */
#ifndef OCRUN_BASE_UNIX_SOCKET_H
#define OCRUN_BASE_UNIX_SOCKET_H
#include "base/error.h"

/* Connect a SOCK_STREAM socket to path; a path longer than sun_path is reached through its
 * directory's fd. Returns the fd (O_CLOEXEC). */
OC_MUST_CHECK int oc_unix_connect(const char *path, struct oc_err *e);
/* Same for name inside the directory dirfd (AT_FDCWD: name is the path). */
OC_MUST_CHECK int oc_unix_connect_at(int dirfd, const char *name, struct oc_err *e);
/* Send fd with name as the message data (runc's convention for --console-socket). */
OC_MUST_CHECK int oc_send_fd(int sock, int fd, const char *name, struct oc_err *e);
/* Receive an fd sent with oc_send_fd. */
OC_MUST_CHECK int oc_recv_fd(int sock, struct oc_err *e);

#endif
