/* process.apparmorProfile / process.selinuxLabel: set the label the next execve gets. */
#ifndef OCRUN_PROCESS_LSM_H
#define OCRUN_PROCESS_LSM_H
#include "oci/config.h"
#include "base/error.h"

/* Is that LSM active on this host (checked through /sys)? */
bool oc_apparmor_enabled(void);
bool oc_selinux_enabled(void);
/* Apply both if set (empty string = unset); a clear error when asked for and the LSM is off. */
OC_MUST_CHECK int oc_process_apply_lsm(const struct oc_process *p, struct oc_err *e);

#endif
