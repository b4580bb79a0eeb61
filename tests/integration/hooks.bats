#!/usr/bin/env bats
# Hooks: all six kinds with the state JSON on stdin, their order and timing, env, args, timeout.

load ../lib/common

setup() {
  setup_bundle "${SLEEPER[@]}"
  HOOKS=$BATS_TEST_TMPDIR/hooks
  mkdir -p "$HOOKS"
  # startContainer hooks run inside the container: they write through this bind mount.
  update_config '.mounts += [{destination: "/hooks", type: "bind", source: $d, options: ["rbind"]}]' \
    --arg d "$HOOKS"
}

# hook KIND PATH DIR: a hook object that saves its stdin to DIR/KIND.json and logs its order.
hook() {
  jq -nc --arg kind "$1" --arg path "$2" --arg dir "$3" \
    '{path: $path, args: ["sh", "-c", "cat > \($dir)/\($kind).json; echo \($kind) >> \($dir)/order"]}'
}

all_hooks() {
  update_config '.hooks = {
      prestart: [$pre], createRuntime: [$cr], createContainer: [$cc],
      startContainer: [$sc], poststart: [$ps], poststop: [$pst]}' \
    --argjson pre "$(hook prestart /bin/sh "$HOOKS")" \
    --argjson cr "$(hook createRuntime /bin/sh "$HOOKS")" \
    --argjson cc "$(hook createContainer /bin/sh "$HOOKS")" \
    --argjson sc "$(hook startContainer /bin/sh /hooks)" \
    --argjson ps "$(hook poststart /bin/sh "$HOOKS")" \
    --argjson pst "$(hook poststop /bin/sh "$HOOKS")"
}

_no_proc() { ! pgrep -xf "$1" >/dev/null; }

# Index of KIND in the order file.
pos() { grep -nx "$1" "$HOOKS/order" | cut -d: -f1; }

@test "hooks: all six kinds run with the state on stdin, at the right time and in order" {
  update_config '.annotations = {"org.ocrun.hook": "yes"}'
  all_hooks
  create_container
  pid=$(pid_of "$ID")
  for k in prestart createRuntime createContainer; do
    [ -s "$HOOKS/$k.json" ] || { echo "$k did not run during create" >&2; false; }
  done
  [ ! -e "$HOOKS/startContainer.json" ]
  # runc 1.1.5 runs poststart hooks during create (fixed in runc 1.2).
  is_runc || [ ! -e "$HOOKS/poststart.json" ]

  runtime start "$ID"
  wait_for_file "$HOOKS/poststart.json"
  [ -s "$HOOKS/startContainer.json" ]
  [ ! -e "$HOOKS/poststop.json" ]

  runtime kill "$ID" KILL
  wait_for_status "$ID" stopped
  runtime delete "$ID"
  wait_for_file "$HOOKS/poststop.json"

  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    f=$HOOKS/$k.json
    jq -e . "$f" >/dev/null
    [ "$(jq -r .id "$f")" = "$ID" ] || { echo "$k: id $(jq -r .id "$f")" >&2; false; }
    [ "$(jq -r .bundle "$f")" = "$BUNDLE" ]
    [ -n "$(jq -r .ociVersion "$f")" ]
    [ "$(jq -r '.annotations["org.ocrun.hook"]' "$f")" = yes ]
  done
  # The host pid of the container (runc 1.1.5 gives createContainer its in-namespace pid 1).
  for k in prestart createRuntime createContainer startContainer poststart; do
    is_runc && [[ $k == createContainer || $k == startContainer ]] && continue
    [ "$(jq -r .pid "$HOOKS/$k.json")" = "$pid" ] || { echo "$k: pid $(jq -r .pid "$HOOKS/$k.json") != $pid" >&2; false; }
  done
  [ "$(jq -r .status "$HOOKS/createRuntime.json")" = creating ]
  [ "$(jq -r .status "$HOOKS/createContainer.json")" = creating ]
  [ "$(jq -r .status "$HOOKS/startContainer.json")" = created ] || { cat "$HOOKS/startContainer.json" >&2; false; }
  is_runc || [ "$(jq -r .status "$HOOKS/poststart.json")" = running ]
  [ "$(jq -r .status "$HOOKS/poststop.json")" = stopped ]

  [ "$(pos createRuntime)" -lt "$(pos createContainer)" ]
  [ "$(pos prestart)" -lt "$(pos createContainer)" ]
  [ "$(pos createContainer)" -lt "$(pos startContainer)" ]
  is_runc || [ "$(pos startContainer)" -lt "$(pos poststart)" ]
  [ "$(pos poststart)" -lt "$(pos poststop)" ]
}

@test "hooks: createRuntime runs in the runtime's namespaces, createContainer in the container's" {
  update_config '.hooks = {
      createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "readlink /proc/self/ns/mnt > \($d)/cr.mnt; readlink /proc/self/ns/uts > \($d)/cr.uts"]}],
      createContainer: [{path: "/bin/sh", args: ["sh", "-c", "readlink /proc/self/ns/mnt > \($d)/cc.mnt; readlink /proc/self/ns/uts > \($d)/cc.uts"]}]}' \
    --arg d "$HOOKS"
  create_container
  pid=$(pid_of "$ID")
  [ "$(cat "$HOOKS/cr.mnt")" = "$(readlink /proc/self/ns/mnt)" ]
  [ "$(cat "$HOOKS/cc.mnt")" = "$(readlink "/proc/$pid/ns/mnt")" ]
  [ "$(cat "$HOOKS/cc.uts")" = "$(readlink "/proc/$pid/ns/uts")" ]
}

@test "hooks: startContainer runs inside the container (path resolved in its rootfs)" {
  # /bin/busybox exists only in the container's rootfs, not on the host.
  update_config '.hooks = {startContainer: [{path: "/bin/busybox", args: ["sh", "-c", "hostname > /hooks/sc.host; echo $$ > /hooks/sc.pid"]}]}'
  update_config '.hostname = "hooked"'
  create_container
  runtime start "$ID"
  wait_for_file "$HOOKS/sc.host"
  [ "$(cat "$HOOKS/sc.host")" = hooked ]
}

@test "hooks: env and args are passed" {
  update_config '.hooks = {createRuntime: [{path: "/bin/sh",
      args: ["sh", "-c", "echo \"$0 $1 $HOOKVAR\" > \($d)/envargs", "zero", "one"],
      env: ["HOOKVAR=hookvalue", "PATH=/bin:/usr/bin"]}]}' --arg d "$HOOKS"
  create_container
  [ "$(cat "$HOOKS/envargs")" = "zero one hookvalue" ]
}

@test "hooks: a hook that exceeds its timeout fails create and leaves nothing behind" {
  # A unique duration identifies the hook's process.
  dur=17.$RANDOM$RANDOM
  update_config '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", $d], timeout: 1}]}' \
    --arg d "$dur"
  start=$SECONDS
  run runtime create --bundle "$BUNDLE" "$ID"
  assert_failure
  [ $((SECONDS - start)) -lt 10 ]
  assert_output_matches 'timed out|timeout'
  [ "$(status_of "$ID")" = gone ]
  [ -z "$(cgroup_dirs "/ocrun-test/$ID")" ]
  # The timed-out hook was killed.
  wait_for 5 _no_proc "sleep $dur"
}

@test "hooks: a failing prestart hook fails create and leaves nothing behind" {
  update_config '.hooks = {prestart: [{path: "/bin/false", args: ["false"]}]}'
  run runtime create --bundle "$BUNDLE" "$ID"
  assert_failure
  [ "$(status_of "$ID")" = gone ]
  [ ! -e "$ROOT/$ID" ]
  [ -z "$(cgroup_dirs "/ocrun-test/$ID")" ]
}

@test "hooks: a failing createContainer hook fails create and leaves nothing behind" {
  update_config '.hooks = {createContainer: [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]}'
  run runtime create --bundle "$BUNDLE" "$ID"
  assert_failure
  [ "$(status_of "$ID")" = gone ]
  [ -z "$(cgroup_dirs "/ocrun-test/$ID")" ]
}

@test "hooks: poststop runs on delete --force of a running container" {
  update_config '.hooks = {poststop: [$h]}' --argjson h "$(hook poststop /bin/sh "$HOOKS")"
  run_detached
  wait_for_status "$ID" running
  run runtime delete --force "$ID"
  assert_success
  wait_for_file "$HOOKS/poststop.json"
  [ "$(jq -r .id "$HOOKS/poststop.json")" = "$ID" ]
}

@test "hooks: a hook path that does not exist fails create" {
  update_config '.hooks = {createRuntime: [{path: "/no/such/hook", args: ["hook"]}]}'
  run runtime create --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_output_contains /no/such/hook
  [ "$(status_of "$ID")" = gone ]
}
