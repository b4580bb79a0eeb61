#!/usr/bin/env bats
# --debug: one record per phase of run and exec (config, admission, cgroup, clone, namespaces,
# mounts, hooks, pivot_root, seccomp, exec) with the ms elapsed, from the runtime and from the
# init, on stderr or in --log (text or JSON); nothing without --debug.

load ../lib/common

setup() {
  setup_bundle sh -c 'echo container-ran'
  only_ocrun
}

only_ocrun() {
  [[ $("$RUNTIME" --version) == ocrun* ]] || skip "ocrun's own --debug records ($RUNTIME is another runtime)"
}

# The phase names of the text records of pid $1 in $output (stderr's form), in order.
phases_of() { sed -n "s/^ocrun: debug: *[0-9]*\\.[0-9]* ms \\([a-z_]*\\) (pid $1): .*/\\1/p" <<<"$output" | tr '\n' ' '; }
# The same for every pid.
phases() { sed -n 's/^ocrun: debug: *[0-9]*\.[0-9]* ms \([a-z_]*\) (pid [0-9]*): .*/\1/p' <<<"$output" | tr '\n' ' '; }

@test "debug: run --debug traces each phase in order, with the ms elapsed, from the runtime and the init" {
  track_container "$ID"
  update_config '.hooks = {createRuntime: [{path: "/bin/true"}], startContainer: [{path: "/bin/true"}]}'
  run runtime --debug run --bundle "$BUNDLE" "$ID"
  assert_success
  assert_output_contains container-ran
  # The runtime and the init run concurrently (the init may log "namespaces" before the runtime
  # logs "clone"): the order is checked per process.
  local creator init
  creator=$(sed -n 's/^ocrun: debug: .* config (pid \([0-9]*\)).*/\1/p' <<<"$output")
  init=$(sed -n 's/^ocrun: debug: .* mounts (pid \([0-9]*\)).*/\1/p' <<<"$output")
  [ "$(phases_of "$creator")" = "config admission cgroup clone hooks ready exited deleted " ] || { echo "$output" >&2; false; }
  [ "$(phases_of "$init")" = "namespaces mounts pivot_root start hooks seccomp exec " ] || { echo "$output" >&2; false; }
  # Every phase record carries a number of ms; the runtime's and the init's pids differ.
  run grep -c '^ocrun: debug: *[0-9]*\.[0-9]\{3\} ms ' <<<"$output"
  [ "$output" -ge 15 ]
  run runtime --debug run --bundle "$BUNDLE" "$ID-2"
  track_container "$ID-2"
  creator=$(sed -n 's/^ocrun: debug: .* config (pid \([0-9]*\)).*/\1/p' <<<"$output")
  init=$(sed -n 's/^ocrun: debug: .* mounts (pid \([0-9]*\)).*/\1/p' <<<"$output")
  [ -n "$creator" ] && [ -n "$init" ] && [ "$creator" != "$init" ]
}

@test "debug: --log-format json gives one valid JSON record per phase, elapsed_ms growing, the init's included" {
  track_container "$ID"
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mknod"], action: "SCMP_ACT_ERRNO"}]}'
  log=$BATS_TEST_TMPDIR/log.json
  run runtime --debug --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
  assert_success
  # Each line is one JSON object.
  while read -r line; do jq -e 'type == "object"' <<<"$line" >/dev/null; done <"$log"
  run jq -r 'select(.phase) | .phase' "$log"
  [ "$(tr '\n' ' ' <<<"$output")" = "config admission cgroup clone namespaces mounts pivot_root ready start seccomp exec exited deleted " ]
  jq -e -s '[.[] | select(.phase)] | all(.level == "debug" and (.elapsed_ms | type) == "number" and
            (.pid | type) == "number" and (.msg | type) == "string")' "$log"
  jq -e -s '[.[] | select(.phase) | .elapsed_ms] as $t | $t == ($t | sort) and $t[0] >= 0' "$log"
  jq -e -s '[.[] | select(.phase == "seccomp")][0].msg | test("filter loaded")' "$log"
  # The init's records (namespaces ... exec) reached the same file: another pid than the runtime's.
  jq -e -s '([.[] | select(.phase == "config")][0].pid) != ([.[] | select(.phase == "exec")][0].pid)' "$log"
}

@test "debug: exec --debug traces joining, clone, cgroup and exec" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  run runtime --debug exec "$ID" echo exec-ran
  assert_success
  assert_output_contains exec-ran
  # The runtime logs clone when clone3 returns, the process namespaces when it has joined them:
  # two processes at once, either may come first; the process waits for GO (after clone) before
  # its cgroup record.
  local p
  p=$(phases)
  [ "$p" = "config namespaces clone cgroup seccomp exec " ] || [ "$p" = "config clone namespaces cgroup seccomp exec " ] ||
    { echo "phases: $p" >&2; false; }
}

@test "debug: without --debug there is no record, on stderr or in --log" {
  track_container "$ID"
  log=$BATS_TEST_TMPDIR/log.json
  run runtime --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
  assert_success
  [ "$output" = container-ran ]
  [ ! -s "$log" ]
}
