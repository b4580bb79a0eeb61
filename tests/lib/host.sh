# shellcheck shell=bash
# Host-wide things ocrun makes on first use, removed by the runner that made them. Source it
# (bash), call host_state_save before the tests and host_state_restore after them
# (tests/run-all.sh, tests/run-integration.sh).
#   /run/ocrun-ledger   the admission ledger: removed when it was not there before and holds no
#                       entry (no file in entries/, no older ledger.json)
#   /ocrun-test, /ocrun the shared cgroup parents (test containers, the default cgroupsPath):
#                       removed when empty; rmdir refuses a parent that still has children

host_state_save() {
  HOST_LEDGER_EXISTED=false
  [ -e /run/ocrun-ledger ] && HOST_LEDGER_EXISTED=true
  return 0
}

host_state_restore() {
  local d
  for d in /sys/fs/cgroup/*/ocrun-test /sys/fs/cgroup/*/ocrun; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  if [ "${HOST_LEDGER_EXISTED:-true}" = false ] && [ -d /run/ocrun-ledger ] &&
    [ ! -e /run/ocrun-ledger/ledger.json ] && [ -z "$(ls -A /run/ocrun-ledger/entries 2>/dev/null)" ]; then
    rm -rf /run/ocrun-ledger
  fi
  return 0
}
