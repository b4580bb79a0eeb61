#!/usr/bin/env bats
# User ids parsed loosely in `exec -u` (crun CVE-2026-30892): "1000abc" read as 1000, " 0" or
# "+0" as root, "4294967296" wrapped around to uid 0, "-1" to 4294967295. A numeric user or group
# must be exactly decimal digits in range, anything else is refused before a process exists
# (runtime/cmd_exec.c parse_user, base/parse.c oc_parse_long); the switch is verified after it
# is made (runtime/process_creds.c switch_ids).
# Shown to fail on a weakened build, tests/security/weaken/exec_user.patch (ids read with atol):
# tests/security/prove.sh exec_user. The long-string case found a real hole: a --user longer
# than 63 bytes was cut to 63 and the rest ignored ("1000:" and 58 zeros and "1000" ran as gid 0).

load ../lib/common

setup() {
  setup_bundle "${SLEEPER[@]}"
}

# refuse_user SPEC: exec --user SPEC fails with one "invalid --user" error naming SPEC, and the
# command never ran.
refuse_user() {
  rm -f "$BUNDLE/rootfs/tmp/ran"
  run --separate-stderr runtime exec --user "$1" "$ID" sh -c 'id > /tmp/ran'
  if [ "$status" -eq 0 ] || [ -e "$BUNDLE/rootfs/tmp/ran" ]; then
    echo "--user '$1' was taken: status $status, ran as: $(cat "$BUNDLE/rootfs/tmp/ran" 2>/dev/null)" >&2
    return 1
  fi
  grep -qF 'invalid --user' <<<"$stderr" || { echo "--user '$1': $stderr" >&2; return 1; }
}

@test "exec user: odd numeric user strings are refused, nothing runs" {
  start_sleeper
  for u in 1000abc ' 0' '0 ' +0 -1 -0 4294967296 4294967295 18446744073709551616 0x10 1e3 '' \
    1000:abc '1000: 0' 1000:+0 1000:-1 1000:4294967296 1000: :0 '0:0:0' 'root' '１０００'; do
    refuse_user "$u"
  done
}

@test "exec user: a long --user is refused, not cut short" {
  start_sleeper
  zeros=$(printf '0%.0s' $(seq 58))
  refuse_user "1000:${zeros}x"
  refuse_user "1000:${zeros}1000"
  refuse_user "$(printf '0%.0s' $(seq 100))"
}

@test "exec user: plain numeric users still work and are what the process gets" {
  start_sleeper
  for u in 0 1000 1000:1000 0:5 4294967294:4294967294; do
    run runtime exec --user "$u" "$ID" sh -c 'echo $(id -u):$(id -g)'
    assert_success
    want=$u
    [[ $u == *:* ]] || want=$u:0
    [ "$output" = "$want" ] || { echo "--user $u ran as $output" >&2; false; }
  done
}
