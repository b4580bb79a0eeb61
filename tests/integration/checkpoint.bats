#!/usr/bin/env bats
# checkpoint/restore on this host. Debian's criu 3.17.1 cannot run on kernel 6.18 (its `criu
# check` fails on the vDSO layout), so here only the failure paths are tested: a checkpoint that
# CRIU refuses names criu and CRIU's own error, exits non-zero, leaves the container running and
# makes nothing; a missing criu is named; bad flags are refused before anything runs; a restore
# that fails leaves no container, cgroup or ledger entry. The real round trip (counter goes on,
# memory limit and cgroup intact, --leave-running, a new id) runs in the cgroup v2 guest:
# tests/guest/cases/96-checkpoint.sh.

load ../lib/common

setup() {
  requires_ocrun "the error texts of ocrun's checkpoint"
  setup_bundle "${SLEEPER[@]}"
  export OCRUN_POLICY=$BATS_TEST_TMPDIR/policy.json
  echo '{"mode": "off"}' >"$OCRUN_POLICY"
  SCRATCH=$BATS_TEST_TMPDIR/scratch
  mkdir -p "$SCRATCH"
}

criu_works_here() { criu check >/dev/null 2>&1; }

@test "checkpoint: criu failing on this kernel names criu and its error, container keeps running" {
  command -v criu >/dev/null || skip "criu not installed (tests/lib/install-deps.sh installs it)"
  if criu_works_here; then skip "criu check passes on this kernel: the failure path cannot be provoked"; fi
  start_sleeper
  cd "$SCRATCH"
  run runtime checkpoint --image-path "$SCRATCH/img" "$ID"
  assert_failure
  [ "${#lines[@]}" -eq 1 ] || { echo "want one line, got: $output" >&2; false; }
  assert_output_contains "checkpoint $ID: criu dump failed (exit status 1): Error ("
  assert_output_contains "vdso"
  assert_equal "$(status_of "$ID")" running
  assert_equal "$(pid_of "$ID")" "$PID"
  kill -0 "$PID"
  # The image dir it made is gone again, and nothing appeared in the scratch cwd.
  [ ! -e "$SCRATCH/img" ] || { echo "image dir left: $(ls -A "$SCRATCH/img")" >&2; false; }
  assert_equal "$(ls -A "$SCRATCH")" ""
}

@test "checkpoint: an image dir that exists is kept, without ocrun's descriptors.json" {
  command -v criu >/dev/null || skip "criu not installed"
  if criu_works_here; then skip "criu check passes on this kernel"; fi
  start_sleeper
  mkdir "$SCRATCH/img"
  cd "$SCRATCH"
  run runtime checkpoint --image-path img "$ID"
  assert_failure
  assert_output_contains "criu dump failed"
  [ ! -e "$SCRATCH/img/descriptors.json" ] || { echo "descriptors.json left" >&2; false; }
  # criu's own log stays in the caller's directory, for the details.
  grep -q 'Error' "$SCRATCH/img/dump.log"
  assert_equal "$(status_of "$ID")" running
}

@test "checkpoint: a missing criu binary is named" {
  start_sleeper
  cd "$SCRATCH"
  run "$RUNTIME" --root "$ROOT" --criu "$SCRATCH/no-such-criu" checkpoint --image-path "$SCRATCH/img" "$ID"
  assert_failure
  assert_output_contains "cannot execute $SCRATCH/no-such-criu (is criu installed? apt-get install criu): No such file or directory"
  assert_equal "$(status_of "$ID")" running
  assert_equal "$(ls -A "$SCRATCH")" ""
}

@test "checkpoint: bad flags and states are refused before criu runs" {
  cd "$SCRATCH"
  run runtime checkpoint --lazy-pages --image-path "$SCRATCH/img" "$ID"
  assert_failure
  assert_output_contains "--lazy-pages is not supported by ocrun"
  run runtime checkpoint --manage-cgroups-mode bogus "$ID"
  assert_failure
  assert_output_contains 'invalid --manage-cgroups-mode "bogus": must be soft, full, strict or ignore'
  run runtime checkpoint --empty-ns ipc "$ID"
  assert_failure
  assert_output_contains 'invalid --empty-ns "ipc": only network is supported'
  run runtime checkpoint "$ID"
  assert_failure
  assert_output_contains "does not exist"
  create_container
  run runtime checkpoint --image-path "$SCRATCH/img" "$ID"
  assert_failure
  assert_output_contains "checkpoint $ID: container is created, not running"
  assert_equal "$(ls -A "$SCRATCH")" ""
}

@test "restore: a failing restore leaves no container, cgroup or ledger entry" {
  command -v criu >/dev/null || skip "criu not installed"
  if criu_works_here; then skip "criu check passes on this kernel"; fi
  cd "$SCRATCH"
  export OCRUN_LEDGER_DIR=$BATS_TEST_TMPDIR/ledger OCRUN_HOST_MEMORY_MB=4608 OCRUN_HOST_CPUS=8
  LEDGER=$OCRUN_LEDGER_DIR
  unset OCRUN_POLICY
  run runtime restore --image-path "$SCRATCH/none" --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_output_contains "--image-path $SCRATCH/none: No such file or directory"
  assert_nothing_left "$ID"
  mkdir "$SCRATCH/img"
  run runtime restore -d --image-path "$SCRATCH/img" --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_output_contains "criu restore failed (exit status 1): Error ("
  [ "${#lines[@]}" -eq 1 ] || { echo "want one line, got: $output" >&2; false; }
  assert_nothing_left "$ID"
  # The admission really ran: the ledger's totals exist, and it holds no entry for the id.
  [ -f "$LEDGER/totals.json" ]
}

@test "restore: a terminal container needs a console socket with -d and the checkpoint's pty record" {
  cd "$SCRATCH"
  update_config '.process.terminal = true'
  mkdir "$SCRATCH/img"
  run runtime restore -d --image-path "$SCRATCH/img" --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_output_contains "cannot allocate tty if ocrun will detach without setting console socket"
  assert_nothing_left "$ID"
  start_recvtty
  run runtime restore -d --console-socket "$CONSOLE_SOCKET" --image-path "$SCRATCH/img" --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_output_contains "restore: the container has a terminal but the checkpoint has no $SCRATCH/img/ocrun-tty"
  [ "${#lines[@]}" -eq 1 ] || { echo "want one line, got: $output" >&2; false; }
  assert_nothing_left "$ID"
  echo '/dev/pts/0' >"$SCRATCH/img/ocrun-tty"
  start_recvtty
  run runtime restore -d --console-socket "$CONSOLE_SOCKET" --image-path "$SCRATCH/img" --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_output_contains "restore: $SCRATCH/img/ocrun-tty is not a criu tty key"
  assert_nothing_left "$ID"
  # Nothing but what the test put there: no criu log, no work files.
  assert_equal "$(ls -A "$SCRATCH/img")" ocrun-tty
}

@test "features: checkpoint support from the build" {
  run runtime features
  assert_success
  assert_equal "$(jq -r '.annotations["org.opencontainers.runc.checkpoint.enabled"]' <<<"$output")" true
  assert_equal "$(jq -r '.annotations["io.github.ocrun.checkpoint.enabled"]' <<<"$output")" true
}
