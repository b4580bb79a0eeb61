# 40-devices: the device rules decide whether a device node can be opened. /dev/kmsg (c 1:11) is
# bound into the container; it is not among the runtime's default devices.
. /tests/lib.sh

KMSG='{ "destination": "/dev/kmsg1", "type": "bind", "source": "/dev/kmsg", "options": [ "bind" ] }'
PROBE='["sh", "-c", "echo probe > /dev/null || echo null-failed; if echo ocrun-device-probe > /dev/kmsg1; then echo opened; else echo denied; fi"]'

# Deny everything (the runtime adds its defaults such as /dev/null).
b=$(mkbundle deny "$CGBASE/deny" "$PROBE" '"devices": [ { "allow": false, "access": "rwm" } ]' "$KMSG")
rc=$(run_fg dev-deny "$b")
out=$(grep -v '^sh:' "$BUNDLES/dev-deny.log" | tr '\n' ' ')
expect_eq device-denied "denied " "$out"
# The open failed on the device rule (EPERM), not because the node was missing.
err=$(grep '^sh:' "$BUNDLES/dev-deny.log" | head -n 1)
case $err in
  *"Operation not permitted"*) pass device-denied-eperm ;;
  *) fail device-denied-eperm "want EPERM, got '$err'" ;;
esac

# The same container with c 1:11 allowed (w) opens it: the denial above came from the rules.
b=$(mkbundle allow "$CGBASE/allow" "$PROBE" \
  '"devices": [ { "allow": false, "access": "rwm" }, { "allow": true, "type": "c", "major": 1, "minor": 11, "access": "w" } ]' "$KMSG")
rc=$(run_fg dev-allow "$b")
out=$(tr '\n' ' ' < "$BUNDLES/dev-allow.log")
expect_eq device-allowed "opened " "$out"

# Allowed for reading only: opening for writing is denied.
b=$(mkbundle ronly "$CGBASE/ronly" "$PROBE" \
  '"devices": [ { "allow": false, "access": "rwm" }, { "allow": true, "type": "c", "major": 1, "minor": 11, "access": "r" } ]' "$KMSG")
rc=$(run_fg dev-ronly "$b")
out=$(grep -v '^sh:' "$BUNDLES/dev-ronly.log" | tr '\n' ' ')
expect_eq device-access-mode "denied " "$out"
