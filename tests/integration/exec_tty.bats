#!/usr/bin/env bats
# exec --tty without --console-socket: ocrun relays the pty to its own terminal, as `run` does
# (raw mode, window size at start and on SIGWINCH, exit status, terminal restored). The caller's
# terminal is a tmux pane: a private tmux server per test on a socket in the test's temp dir,
# killed by teardown through that socket.

load ../lib/common

setup() {
  setup_bundle "${SLEEPER[@]}"
  TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
}

teardown() {
  [ -S "$TMUX_SOCK" ] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
  cleanup_test
}

tmux_() { tmux -S "$TMUX_SOCK" "$@"; }
pane_has() { tmux_ capture-pane -p -t t | grep -q -- "$1"; }
pane_size() { tmux_ display -p -t t '#{pane_height} #{pane_width}'; }

# open_pane ARGS...: a 97x31 tmux window whose shell records the terminal's settings (stty -g),
# runs `ocrun exec -t $ID ARGS...` in the foreground, then records its exit status and the
# settings again (files in $T), and stays open so the pane can still be read.
open_pane() {
  command -v tmux >/dev/null || skip "tmux not installed (tests/lib/install-deps.sh installs it)"
  T=$BATS_TEST_TMPDIR
  local q
  q=$(printf '%q ' "$@")
  cat >"$T/pane.sh" <<EOF
stty -g >'$T/stty.before'
echo \$\$ >'$T/pane.pid'
'$RUNTIME' --root '$ROOT' exec -t '$ID' $q
echo \$? >'$T/status'
stty -g >'$T/stty.after'
exec sleep 1000
EOF
  OCRUN_TEST_MARK=$MARK tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s t -x 97 -y 31 "bash '$T/pane.sh'"
}

exec_pid() { pgrep -P "$(cat "$T/pane.pid")" -x ocrun; }

@test "exec_tty: typed input reaches the shell, its output comes back, exit status and terminal settings survive" {
  start_sleeper
  open_pane sh
  wait_for 10 pane_has '^/ #'
  # The shell computes the answer: an echo of the typed line alone would not show 42.
  tmux_ send-keys -t t 'echo relayed-$((6 * 7))' Enter
  wait_for 10 pane_has relayed-42
  # Raw mode while relaying: the outer terminal neither echoes nor cooks the input itself.
  run stty -F "$(tmux_ display -p -t t '#{pane_tty}')" -a
  [[ " ${output//$'\n'/ } " == *" -icanon "* ]]
  [[ " ${output//$'\n'/ } " == *" -echo "* ]]
  tmux_ send-keys -t t 'exit 7' Enter
  wait_for 10 test -s "$T/status"
  [ "$(cat "$T/status")" = 7 ]
  [ "$(cat "$T/stty.after")" = "$(cat "$T/stty.before")" ]
}

@test "exec_tty: the pty has the outer terminal's size, and a resize reaches the process" {
  start_sleeper
  open_pane sh
  wait_for 10 pane_has '^/ #'
  # The shell waits (a builtin a trapped signal interrupts), then prints the size again.
  tmux_ send-keys -t t 'trap "echo got-winch" WINCH; echo "size=$(stty size)"; sleep 1000 & wait; kill $!; echo "size=$(stty size)"' Enter
  wait_for 10 pane_has "^size=$(pane_size)\$"
  before=$(pane_size)
  tmux_ resize-window -t t -x 120 -y 40
  [ "$(pane_size)" != "$before" ]
  wait_for 10 pane_has '^got-winch'
  wait_for 10 pane_has "^size=$(pane_size)\$"
  tmux_ send-keys -t t 'exit' Enter
  wait_for 10 test -s "$T/status"
  [ "$(cat "$T/stty.after")" = "$(cat "$T/stty.before")" ]
}

@test "exec_tty: a signal to ocrun goes to the process; the status is 128+signal and the terminal is restored" {
  start_sleeper
  open_pane sleep 1000
  wait_for 10 exec_pid
  pid=$(exec_pid)
  # Relaying by now: the terminal is raw.
  wait_for 10 sh -c "stty -F '$(tmux_ display -p -t t '#{pane_tty}')' -a | grep -q -- -icanon"
  kill -TERM "$pid"
  wait_for 10 test -s "$T/status"
  [ "$(cat "$T/status")" = 143 ]
  [ "$(cat "$T/stty.after")" = "$(cat "$T/stty.before")" ]
}

@test "exec_tty: without a terminal on stdin the pty is still relayed, with the exit status" {
  start_sleeper
  run runtime exec -t "$ID" sh -c 'tty; test -t 0 && test -t 1 && echo all-tty; exit 3'
  [ "$status" = 3 ]
  assert_output_matches '^/dev/pts/[0-9]+'
  assert_output_contains all-tty
}

@test "exec_tty: --tty --detach without --console-socket is still refused" {
  start_sleeper
  run runtime exec -t --detach "$ID" true
  assert_failure
  assert_output_contains "cannot allocate tty without setting console socket"
}
