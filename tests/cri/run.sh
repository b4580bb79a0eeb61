#!/bin/bash
# run.sh: the CRI suite. Kubernetes' node path without a kubelet: a private containerd 1.6 with its
# CRI plugin on (containerd-cri.toml.in: runtime handlers `ocrun` = $RUNTIME and `runc` = Debian's
# runc, both through containerd-shim-runc-v2), the pause image built from pause.c and a busybox
# image, both imported locally, and the project's own CRI client (cri.py over cri.proto) driving
# pods through the scenarios of suite.py. One line per check, last line `cri: N passed, N failed`.
# Skips (saying why) only when containerd's CRI plugin cannot start here.
# Environment: RUNTIME (default ./ocrun), RUNC (default /usr/sbin/runc), HANDLERS (default
# "ocrun runc"), ONLY=regex (checks whose name matches), CLIENTS_KEEP=1 (keep the temp dir).
set -uo pipefail
# shellcheck disable=SC2034  # read by lib.sh
SUITE=cri
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../clients/lib.sh"
. "$HERE/lib.sh"

cri_setup || exit 1
/usr/bin/python3 "$HERE/suite.py"
rc=$?
exit "$rc"
