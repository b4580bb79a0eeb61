#!/usr/bin/env bats
# Root and mounts: binds, tmpfs, recursive attributes, propagation, masked/readonly paths,
# readonly root, devices, /dev links, sysctl — checked through the container's mountinfo.

load ../lib/common

setup() {
  setup_bundle true
  HOSTDIR=$BATS_TEST_TMPDIR/host
  mkdir -p "$HOSTDIR"
}

# add_mount JSON: append a mount object.
add_mount() {
  update_config '.mounts += [$m]' --argjson m "$1"
}

# mountinfo line of mount point $1 from $output (last one wins, as the kernel shows stacking).
mi_line() {
  awk -v p="$1" '$5 == p' <<<"$output" | tail -n 1
}
# Per-mount options (field 6) of mount point $1.
mi_opts() { mi_line "$1" | awk '{ print $6 }'; }
# Filesystem type (after the " - ") of mount point $1.
mi_fstype() { mi_line "$1" | sed 's/.* - //' | awk '{ print $1 }'; }
# Super options of mount point $1.
mi_super() { mi_line "$1" | sed 's/.* - //' | awk '{ print $3 }'; }
has_opt() { tr , '\n' <<<"$1" | grep -qx -- "$2"; }

@test "mounts: the standard mounts are there with their types" {
  set_args cat /proc/self/mountinfo
  run runtime run "$ID"
  assert_success
  [ "$(mi_fstype /proc)" = proc ]
  [ "$(mi_fstype /dev)" = tmpfs ]
  [ "$(mi_fstype /dev/pts)" = devpts ]
  [ "$(mi_fstype /dev/shm)" = tmpfs ]
  [ "$(mi_fstype /dev/mqueue)" = mqueue ]
  [ "$(mi_fstype /sys)" = sysfs ]
  has_opt "$(mi_opts /sys)" ro
  has_opt "$(mi_opts /dev/shm)" nodev
  has_opt "$(mi_opts /dev/shm)" noexec
  has_opt "$(mi_opts /dev)" nosuid
  # The devpts is a new instance with the requested options.
  has_opt "$(mi_super /dev/pts)" ptmxmode=666
  has_opt "$(mi_super /dev/pts)" mode=620
  has_opt "$(mi_super /dev/pts)" gid=5
}

@test "mounts: host mounts are not visible on the host side (mount namespace)" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  refute grep -qF "$BUNDLE/rootfs" /proc/self/mountinfo
}

@test "mounts: bind mount read-only" {
  echo hello > "$HOSTDIR/file"
  add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$HOSTDIR\", \"options\": [\"rbind\", \"ro\"]}"
  set_args sh -c 'cat /data/file; touch /data/new 2>&1; cat /proc/self/mountinfo'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = hello ]
  assert_output_matches 'read-only file system'
  has_opt "$(mi_opts /data)" ro
  [ ! -e "$HOSTDIR/new" ]
}

@test "mounts: bind mount read-write writes through to the host" {
  add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$HOSTDIR\", \"options\": [\"bind\"]}"
  set_args sh -c 'echo written > /data/new'
  run runtime run "$ID"
  assert_success
  [ "$(cat "$HOSTDIR/new")" = written ]
}

@test "mounts: bind mount of a single file onto a new destination" {
  echo filedata > "$HOSTDIR/one"
  add_mount "{\"destination\": \"/etc/deep/new/one\", \"type\": \"bind\", \"source\": \"$HOSTDIR/one\", \"options\": [\"bind\", \"ro\"]}"
  set_args cat /etc/deep/new/one
  run runtime run "$ID"
  assert_success
  [ "$output" = filedata ]
}

@test "mounts: bind mount options nosuid, nodev, noexec" {
  cp "$BUNDLE/rootfs/bin/busybox" "$HOSTDIR/bb"
  add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$HOSTDIR\", \"options\": [\"bind\", \"nosuid\", \"nodev\", \"noexec\"]}"
  set_args sh -c '/data/bb true 2>&1; echo rc=$?; cat /proc/self/mountinfo'
  run runtime run "$ID"
  assert_success
  assert_output_matches 'permission denied'
  o=$(mi_opts /data)
  has_opt "$o" nosuid
  has_opt "$o" nodev
  has_opt "$o" noexec
}

@test "mounts: tmpfs with size, mode and flags" {
  add_mount '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
              "options": ["nosuid", "nodev", "noexec", "size=2m", "mode=1770"]}'
  set_args sh -c 'stat -c %a /scratch; cat /proc/self/mountinfo'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = 1770 ]
  [ "$(mi_fstype /scratch)" = tmpfs ]
  o=$(mi_opts /scratch)
  has_opt "$o" nosuid
  has_opt "$o" nodev
  has_opt "$o" noexec
  has_opt "$(mi_super /scratch)" size=2048k
  has_opt "$(mi_super /scratch)" mode=1770
}

# A host dir with a submount, for the recursive tests.
make_nested() {
  mkdir -p "$HOSTDIR/sub"
  mount -t tmpfs -o size=1m ocrun-test "$HOSTDIR/sub"
  on_teardown "umount -l '$HOSTDIR/sub'"
}

@test "mounts: ro on an rbind only affects the top mount" {
  make_nested
  add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$HOSTDIR\", \"options\": [\"rbind\", \"ro\"]}"
  set_args cat /proc/self/mountinfo
  run runtime run "$ID"
  assert_success
  has_opt "$(mi_opts /data)" ro
  has_opt "$(mi_opts /data/sub)" rw
}

@test "mounts: rro makes the whole bound tree read-only" {
  make_nested
  add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$HOSTDIR\", \"options\": [\"rbind\", \"rro\"]}"
  set_args sh -c 'touch /data/sub/x 2>&1; cat /proc/self/mountinfo'
  run runtime run "$ID"
  assert_success
  assert_output_matches 'read-only file system'
  has_opt "$(mi_opts /data)" ro
  has_opt "$(mi_opts /data/sub)" ro
}

@test "mounts: rnosuid and rnoexec are recursive" {
  make_nested
  add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$HOSTDIR\", \"options\": [\"rbind\", \"rnosuid\", \"rnoexec\"]}"
  set_args cat /proc/self/mountinfo
  run runtime run "$ID"
  assert_success
  has_opt "$(mi_opts /data/sub)" nosuid
  has_opt "$(mi_opts /data/sub)" noexec
}

@test "mounts: an unknown mount option is an error" {
  requires_ocrun "runc 1.1.5 passes unknown options to the kernel as data"
  add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["rbogus"]}'
  run runtime run "$ID"
  assert_failure
  assert_output_contains rbogus
}

# Host-side shared mount for the propagation tests; the container waits for a marker.
make_shared() {
  mkdir -p "$HOSTDIR/shared"
  mount --bind "$HOSTDIR/shared" "$HOSTDIR/shared"
  on_teardown "umount -R -l '$HOSTDIR/shared'"
  mount --make-shared "$HOSTDIR/shared"
  mkdir "$HOSTDIR/shared/sub"
}
propagation_run() {
  add_mount "{\"destination\": \"/prop\", \"type\": \"bind\", \"source\": \"$HOSTDIR/shared\", \"options\": [\"rbind\", \"$1\"]}"
  set_args sh -c 'echo ready; i=0; while [ $i -lt 50 ] && [ ! -e /prop/sub/marker ]; do usleep 20000; i=$((i+1)); done
                  [ -e /prop/sub/marker ] && echo seen || echo unseen; grep " /prop " /proc/self/mountinfo'
  start_sleeper
  mount -t tmpfs -o size=1m ocrun-test "$HOSTDIR/shared/sub"
  touch "$HOSTDIR/shared/sub/marker"
  wait_for_status "$ID" stopped 10
}

@test "mounts: rslave bind receives host mounts (propagation)" {
  make_shared
  propagation_run rslave
  run container_output
  assert_output_contains seen
  assert_output_contains "master:"
}

@test "mounts: rprivate bind does not receive host mounts" {
  make_shared
  propagation_run rprivate
  run container_output
  assert_output_contains unseen
}

@test "mounts: rootfsPropagation private" {
  update_config '.linux.rootfsPropagation = "private"'
  set_args cat /proc/self/mountinfo
  run runtime run "$ID"
  assert_success
  line=$(mi_line /)
  [ -n "$line" ]
  refute grep -qE 'shared:|master:' <<<"$line"
}

@test "mounts: maskedPaths read empty (files) or are empty dirs" {
  echo secret > "$BUNDLE/rootfs/etc/secret"
  mkdir -p "$BUNDLE/rootfs/etc/secretdir" && echo x > "$BUNDLE/rootfs/etc/secretdir/f"
  update_config '.linux.maskedPaths += ["/etc/secret", "/etc/secretdir", "/proc/no-such-path"]'
  set_args sh -c 'wc -c < /proc/timer_list; wc -c < /etc/secret; ls -A /etc/secretdir | wc -l; ls -A /sys/firmware | wc -l; stat -c "%F %t:%T" /proc/timer_list'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0 ]
  [ "${lines[3]}" = 0 ]
  # Files are masked with the null device.
  [ "${lines[4]}" = "character special file 1:3" ]
}

@test "mounts: readonlyPaths refuse writes" {
  update_config '.linux.readonlyPaths += ["/etc"]'
  set_args sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid 2>&1; touch /etc/x 2>&1; touch /tmp/ok && echo tmp-ok; cat /proc/self/mountinfo'
  run runtime run "$ID"
  assert_success
  [ "$(grep -ci 'read-only file system' <<<"$output")" -eq 2 ]
  assert_output_contains tmp-ok
  has_opt "$(mi_opts /proc/sys)" ro
  has_opt "$(mi_opts /etc)" ro
}

@test "mounts: readonly root" {
  update_config '.root.readonly = true'
  set_args sh -c 'touch /x 2>&1; touch /tmp/x 2>&1; echo ok > /dev/shm/y && cat /dev/shm/y; cat /proc/self/mountinfo'
  run runtime run "$ID"
  assert_success
  [ "$(grep -ci 'read-only file system' <<<"$output")" -eq 2 ]
  assert_output_contains ok
  has_opt "$(mi_opts /)" ro
}

@test "mounts: root.path may be absolute" {
  mv "$BUNDLE/rootfs" "$BATS_TEST_TMPDIR/elsewhere"
  on_teardown "rm -rf --one-file-system '$BATS_TEST_TMPDIR/elsewhere'"
  update_config '.root.path = $p' --arg p "$BATS_TEST_TMPDIR/elsewhere"
  set_args sh -c 'echo abs > /tmp/abs'
  run runtime run "$ID"
  assert_success
  [ "$(cat "$BATS_TEST_TMPDIR/elsewhere/tmp/abs")" = abs ]
}

@test "mounts: --no-pivot" {
  set_args sh -c 'ls /bin/busybox && cat /proc/self/mountinfo'
  run runtime run --no-pivot "$ID"
  assert_success
  assert_output_contains /bin/busybox
}

@test "mounts: devices in linux.devices with type, major/minor, mode and owner" {
  update_config '.linux.devices = [
    {path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0},
    {path: "/dev/myzero", type: "c", major: 1, minor: 5, fileMode: 384, uid: 1000, gid: 1000},
    {path: "/dev/sub/myblk", type: "b", major: 7, minor: 200, fileMode: 432, uid: 0, gid: 0}]
    | .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 5, access: "rwm"}]'
  set_args sh -c 'for d in /dev/fuse /dev/myzero /dev/sub/myblk; do stat -c "%F %t %T %a %u %g" $d; done; head -c 5 /dev/myzero | wc -c'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = "character special file a e5 666 0 0" ]
  [ "${lines[1]}" = "character special file 1 5 600 1000 1000" ]
  [ "${lines[2]}" = "block special file 7 c8 660 0 0" ]
  [ "${lines[3]}" = 5 ]
}

@test "mounts: default devices exist with the right numbers" {
  set_args sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done; echo x > /dev/null && echo null-ok'
  run runtime run "$ID"
  assert_success
  assert_output_contains "/dev/null character special file 1:3"
  assert_output_contains "/dev/zero character special file 1:5"
  assert_output_contains "/dev/full character special file 1:7"
  assert_output_contains "/dev/random character special file 1:8"
  assert_output_contains "/dev/urandom character special file 1:9"
  assert_output_contains "/dev/tty character special file 5:0"
  assert_output_contains null-ok
}

@test "mounts: /dev/ptmx points to /dev/pts/ptmx" {
  set_args sh -c 'readlink /dev/ptmx; stat -c "%F %t:%T" /dev/pts/ptmx'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = pts/ptmx ]
  [ "${lines[1]}" = "character special file 5:2" ]
}

@test "mounts: /dev symlinks fd, stdin, stdout, stderr" {
  set_args sh -c 'for l in fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done'
  run runtime run "$ID"
  assert_success
  assert_output_contains "fd -> /proc/self/fd"
  assert_output_contains "stdin -> /proc/self/fd/0"
  assert_output_contains "stdout -> /proc/self/fd/1"
  assert_output_contains "stderr -> /proc/self/fd/2"
}

@test "mounts: sysctl in a new network namespace" {
  before=$(cat /proc/sys/net/ipv4/ip_forward)
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1000"}'
  set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward; cat /proc/sys/kernel/shmmni'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 1000 ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$before" ]
}

@test "mounts: sysctl of a non-namespaced key is refused" {
  update_config '.linux.sysctl = {"vm.swappiness": "10"}'
  run runtime run "$ID"
  assert_failure
  assert_output_contains vm.swappiness
  [ "$(status_of "$ID")" = gone ]
}

@test "mounts: mount destination must be absolute" {
  requires_ocrun "runc 1.1.5 accepts relative destinations"
  add_mount '{"destination": "relative", "type": "tmpfs", "source": "tmpfs"}'
  run runtime run "$ID"
  assert_failure
  assert_output_contains relative
}

@test "mounts: idmapped bind mount in a user namespace" {
  requires_ocrun "runc 1.1.5 has no idmapped mounts"
  make_bundle_traversable
  echo owned > "$HOSTDIR/f"
  chown 0:0 "$HOSTDIR/f"
  # The container's root (host uid 100000) can't mkdir in the host-owned rootfs.
  mkdir "$BUNDLE/rootfs/idm"
  update_config '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .mounts += [{destination: "/idm", type: "bind", source: $src, options: ["bind", "idmap"],
                   uidMappings: [{containerID: 0, hostID: 100000, size: 65536}],
                   gidMappings: [{containerID: 0, hostID: 100000, size: 65536}]}]' \
    --arg src "$HOSTDIR"
  set_args stat -c '%u %g' /idm/f
  run runtime run "$ID"
  assert_success
  [ "$output" = "0 0" ]
}
