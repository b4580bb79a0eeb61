#!/usr/bin/env bats
# Bad input: one specific error line on stderr, a JSON error record in --log, a non-zero exit,
# and nothing left behind (state dir, cgroup, process, mount).
# The kill forms and the escaping are issue 13's bad-input class. Shown to fail on weakened
# builds: tests/security/weaken/bad_input.patch (signals read with atol: ' 9', '+9' kill) and
# bad_input.escape.patch (nothing escaped): tests/security/prove.sh bad_input.

load ../lib/common

setup() {
  setup_bundle true
  LOG=$BATS_TEST_TMPDIR/log.json
}

# check_error PATTERN: after `run --separate-stderr`, a failure whose stderr is one non-empty
# line matching PATTERN (extended regexp, case-insensitive), also logged as a JSON error record.
check_error() {
  assert_failure
  local n
  n=$(grep -c . <<<"$stderr" || true)
  if [ "$n" -ne 1 ]; then
    echo "expected one error line on stderr, got $n:" >&2
    printf '%s\n' "$stderr" >&2
    return 1
  fi
  grep -qiE -- "$1" <<<"$stderr" || { echo "stderr '$stderr' does not match /$1/" >&2; return 1; }
  [ -s "$LOG" ] || { echo "no log file $LOG" >&2; return 1; }
  local msg
  msg=$(jq -rs 'map(select(.level == "error")) | last | .msg // empty' "$LOG") ||
    { echo "log is not a stream of JSON records:" >&2; cat "$LOG" >&2; return 1; }
  [ -n "$msg" ] || { echo "no error record in the log:" >&2; cat "$LOG" >&2; return 1; }
  grep -qiE -- "$1" <<<"$msg" || { echo "log msg '$msg' does not match /$1/" >&2; return 1; }
  jq -se 'map(select(.level == "error")) | last | has("time")' "$LOG" >/dev/null
}

# bad_create PATTERN [ID]: create must fail cleanly with an error matching PATTERN.
bad_create() {
  local id=${2-$ID}
  run_runtime_via_files --separate-stderr --log "$LOG" --log-format json create --bundle "$BUNDLE" "$id"
  check_error "$1"
  assert_nothing_left
}

# check_log_lines FILE: every line of the --log-format json log FILE is one well-formed UTF-8 JSON
# record whose msg holds no control character (C0, DEL, C1, U+2028/9): nothing can fake a record or
# a line, or drive a terminal.
check_log_lines() {
  "$PYTHON" - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n"), "log does not end with a newline: %r" % data[-80:]
for raw in data.split(b"\n")[:-1]:
    rec = json.loads(raw.decode("utf-8"))  # strict: raises on bad UTF-8 or a broken record
    assert isinstance(rec, dict) and {"level", "msg", "time"} <= set(rec), raw
    bad = [c for c in rec["msg"] if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029"]
    assert not bad, "control characters %r in %r" % (bad, rec["msg"])
PY
}

# one_escaped_line TEXT: $stderr (after run --separate-stderr) holds TEXT literally and no
# control character.
one_escaped_line() {
  grep -aqF -- "$1" <<<"$stderr" || { echo "stderr '$stderr' lacks '$1'" >&2; return 1; }
  if LC_ALL=C grep -aq $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$stderr"; then
    echo "control characters on stderr: $(od -c <<<"$stderr")" >&2
    return 1
  fi
}

@test "badinput: malformed config.json" {
  echo '{"ociVersion": "1.2.0", "process": {' > "$BUNDLE/config.json"
  bad_create 'json|config|unexpected|parse'
}

@test "badinput: config.json that is not an object" {
  echo '[1, 2]' > "$BUNDLE/config.json"
  bad_create 'json|config|object|unmarshal'
}

@test "badinput: a field of the wrong type (process.args a string)" {
  update_config '.process.args = "notarray"'
  bad_create 'args'
}

@test "badinput: empty process.args" {
  update_config '.process.args = []'
  bad_create 'args'
}

@test "badinput: missing config.json" {
  rm "$BUNDLE/config.json"
  bad_create 'config\.json'
}

@test "badinput: unknown major ociVersion 2.0.0" {
  requires_ocrun "runc 1.1.5 does not check ociVersion"
  update_config '.ociVersion = "2.0.0"'
  bad_create 'ociVersion|version'
}

@test "badinput: missing bundle" {
  BUNDLE=$BATS_TEST_TMPDIR/no-such-bundle
  bad_create 'no-such-bundle'
  BUNDLE=$BATS_TEST_TMPDIR/bundle
}

@test "badinput: missing rootfs" {
  rm -rf "$BUNDLE/rootfs"
  bad_create 'rootfs'
}

@test "badinput: unknown namespace type" {
  update_config '.linux.namespaces += [{type: "foo"}]'
  bad_create 'foo'
}

@test "badinput: unknown mount type" {
  update_config '.mounts += [{destination: "/x", type: "nosuchfs", source: "none"}]'
  bad_create 'nosuchfs|no such device'
}

@test "badinput: missing executable (name looked up in PATH)" {
  set_args no-such-command
  bad_create 'executable file not found'
}

@test "badinput: missing executable (absolute path)" {
  set_args /no/such/binary
  bad_create 'no such file or directory'
}

@test "badinput: executable that is not executable" {
  set_args /etc/passwd
  bad_create 'permission denied'
}

@test "badinput: invalid id 'a/b'" {
  bad_create 'invalid|id' 'a/b'
  [ ! -e "$ROOT/a" ]
}

@test "badinput: invalid id '..'" {
  bad_create 'invalid|id' '..'
}

@test "badinput: invalid id ''" {
  bad_create 'invalid|id|empty' ''
}

@test "badinput: invalid id 'bad id'" {
  bad_create 'invalid|id' 'bad id'
}

@test "badinput: invalid ids are refused by state, start, kill and delete too" {
  for cmd in state start "kill" delete; do
    run runtime "$cmd" 'a/b'
    assert_failure
  done
  run runtime delete --force '../x'
  assert_failure
}

@test "badinput: duplicate id: the second create fails and the first is untouched" {
  create_container
  pid=$(pid_of "$ID")
  run_runtime_via_files --separate-stderr --log "$LOG" --log-format json create --bundle "$BUNDLE" "$ID"
  check_error 'already exists|exists'
  [ "$(status_of "$ID")" = created ]
  [ "$(pid_of "$ID")" = "$pid" ]
  [ -d "/proc/$pid" ]
  [ -n "$(cgroup_dirs "/ocrun-test/$ID")" ]
}

@test "badinput: bad signal name" {
  set_args "${SLEEPER[@]}"
  run_detached
  wait_for_status "$ID" running
  run --separate-stderr runtime --log "$LOG" --log-format json kill "$ID" SIGFOO
  check_error 'signal|SIGFOO'
  run --separate-stderr runtime kill "$ID" 99999
  assert_failure
  [ "$(status_of "$ID")" = running ]
}

# refuse_signal SIG: kill $ID SIG fails with one "invalid signal" line, and $ID (a sleeper) is
# still running: nothing was signalled.
refuse_signal() {
  run --separate-stderr runtime --log "$LOG" --log-format json kill "$ID" "$1"
  check_error 'signal|invalid' || { echo "signal '$1'" >&2; return 1; }
  [ "$(status_of "$ID")" = running ] || { echo "signal '$1': container is $(status_of "$ID")" >&2; return 1; }
  kill -0 "$PID"
}

@test "badinput: kill refuses a signal that is not exactly a number or a name" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  for sig in ' 9' '9 ' '9x' '65' '99999' 'SIGFOO' 'SIG' ' KILL' ''; do
    refuse_signal "$sig"
  done
  check_log_lines "$LOG"
}

@test "badinput: kill refuses '+9', '-9', '-0' and 'RTMIN+ 1'" {
  requires_ocrun "runc takes what Go's strconv.Atoi takes: '+9' is SIGKILL"
  set_args "${SLEEPER[@]}"
  start_sleeper
  for sig in '+9' '-9' '-0' '09x' 'RTMIN+ 1' 'RTMIN++1' 'RTMAX-+1'; do
    refuse_signal "$sig"
  done
}

@test "badinput: kill ID 0 only checks that the container runs, as runc and kill(2)" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  run --separate-stderr runtime kill "$ID" 0
  assert_success
  [ "$(status_of "$ID")" = running ]
  run --separate-stderr runtime kill --all "$ID" 0
  assert_success
  [ "$(status_of "$ID")" = running ]
}

@test "badinput: kill accepts KILL, SIGKILL, sigkill and 9" {
  set_args "${SLEEPER[@]}"
  for sig in KILL SIGKILL sigkill 9; do
    start_sleeper
    run --separate-stderr runtime kill "$ID" "$sig"
    assert_success
    wait_for_status "$ID" stopped
    runtime delete "$ID"
  done
}

@test "badinput: an id with a newline is refused with one escaped line" {
  bad_create 'invalid container id' $'a\nb'
  one_escaped_line 'a\nb'
  check_log_lines "$LOG"
  for cmd in state start "kill" delete; do
    run --separate-stderr runtime --log "$LOG" --log-format json "$cmd" $'a\nb'
    check_error 'invalid container id'
    one_escaped_line 'a\nb'
  done
  check_log_lines "$LOG"
}

@test "badinput: an id that is not UTF-8, and control characters, are escaped byte by byte" {
  bad_create 'invalid container id' $'x\xff\e[2J\ty\x7f'
  one_escaped_line 'x\xff\x1b[2J\ty\x7f'
  check_log_lines "$LOG"
}

@test "badinput: valid UTF-8 in an error is kept as it is" {
  bad_create 'invalid container id' 'caf€-ü'
  one_escaped_line 'caf€-ü'
  grep -qF 'caf€-ü' "$LOG"
  check_log_lines "$LOG"
}

@test "badinput: a newline in an id cannot fake a record in a text log" {
  run_runtime_via_files --separate-stderr --log "$LOG" create --bundle "$BUNDLE" $'a\nerror: fake'
  assert_failure
  [ "$(wc -l < "$LOG")" -eq 1 ] || { echo "log:" >&2; cat -A "$LOG" >&2; return 1; }
  grep -qF 'a\nerror: fake' "$LOG"
  one_escaped_line 'a\nerror: fake'
}

@test "badinput: a config value with a newline and an escape sequence is escaped" {
  update_config '.linux.namespaces += [{type: $t}]' --arg t $'foo\n\e[31mbar'
  bad_create 'namespace type'
  one_escaped_line 'foo\n\x1b[31mbar'
  check_log_lines "$LOG"
}

@test "badinput: a program name with a newline, reported by the container's init, is escaped" {
  set_args $'no-such\ncommand\e[0m'
  bad_create 'executable file not found'
  one_escaped_line 'no-such\ncommand\x1b[0m'
  check_log_lines "$LOG"
}

@test "badinput: a startContainer hook that fails: the init's error, read by start, is escaped" {
  update_config '.hooks = {startContainer: [{path: $p}]}' --arg p $'/no/such\nhook\e[0m'
  create_container
  run --separate-stderr runtime --log "$LOG" --log-format json start "$ID"
  check_error 'startContainer hook'
  one_escaped_line '/no/such\nhook\x1b[0m'
  check_log_lines "$LOG"
}

@test "badinput: exec of a program name with a newline: the exec process's error is escaped" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  run --separate-stderr runtime --log "$LOG" --log-format json exec "$ID" $'no-such\ncommand\e[0m'
  check_error 'executable file not found'
  one_escaped_line 'no-such\ncommand\x1b[0m'
  run --separate-stderr runtime --log "$LOG" --log-format json exec --cwd $'rel\ndir' "$ID" true
  check_error 'absolute'
  one_escaped_line 'rel\ndir'
  check_log_lines "$LOG"
  [ "$(status_of "$ID")" = running ]
}

@test "badinput: a global flag value with a newline is escaped" {
  run --separate-stderr runtime --log "$LOG" --log-format $'json\nerror: fake' state "$ID"
  assert_failure
  [ "$(grep -ac . <<<"$stderr")" -eq 1 ] || { echo "stderr: $stderr" >&2; return 1; }
  one_escaped_line 'json\nerror: fake'
}

@test "badinput: unknown flag and unknown command" {
  run_runtime_via_files --separate-stderr create --bogus-flag "$ID"
  assert_failure
  grep -qi bogus-flag <<<"$stderr"
  assert_nothing_left
  run --separate-stderr runtime frobnicate
  assert_failure
  grep -qi frobnicate <<<"$stderr$output"
}

@test "badinput: run with bad input fails the same way" {
  set_args no-such-command
  run --separate-stderr runtime --log "$LOG" --log-format json run --bundle "$BUNDLE" "$ID"
  check_error 'executable file not found'
  assert_nothing_left
}

@test "badinput: text log format" {
  set_args no-such-command
  run_runtime_via_files --separate-stderr --log "$LOG" create --bundle "$BUNDLE" "$ID"
  assert_failure
  grep -qi 'executable file not found' "$LOG"
  assert_nothing_left
}

@test "badinput: a cgroupsPath with .. is refused or stays under the hierarchy" {
  update_config '.linux.cgroupsPath = "/ocrun-test/../../../ocrun-escape-" + $id' --arg id "$ID"
  CGROUPS+=("/ocrun-escape-$ID")
  run runtime run "$ID"
  # Either refused, or cleaned to /ocrun-escape-<id> inside the hierarchy: never outside it.
  [ ! -e "/sys/fs/ocrun-escape-$ID" ]
  [ ! -e "/sys/ocrun-escape-$ID" ]
  [ ! -e "/ocrun-escape-$ID" ]
}
