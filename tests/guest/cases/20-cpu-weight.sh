# 20-cpu-weight: two busy containers pinned to CPU 0 split it by weight, measured from
# cpu.stat usage_usec: shares 1024 vs 2048 → weights 100 vs 174; unified cpu.weight 100 vs 300.
. /tests/lib.sh

BUSY='["sh", "-c", "while :; do :; done"]'

# pair NAME RES_A RES_B LO HI WANT_WA WANT_WB: ratio B/A of CPU time (×100) within LO..HI.
pair() {
  _a=$(mkbundle "$1-a" "$CGBASE/$1/a" "$BUSY" "$2")
  _b=$(mkbundle "$1-b" "$CGBASE/$1/b" "$BUSY" "$3")
  if ! start_detached "$1-a" "$_a" || ! start_detached "$1-b" "$_b"; then
    fail "$1-weights" "containers did not start"
    fail "$1-split" "containers did not start"
    return
  fi
  expect_eq "$1-weights" "$6 $7" "$(cgread "$CGBASE/$1/a" cpu.weight) $(cgread "$CGBASE/$1/b" cpu.weight)"
  usleep 500000
  a0=$(cgkey "$CGBASE/$1/a" cpu.stat usage_usec)
  b0=$(cgkey "$CGBASE/$1/b" cpu.stat usage_usec)
  sleep 2
  a1=$(cgkey "$CGBASE/$1/a" cpu.stat usage_usec)
  b1=$(cgkey "$CGBASE/$1/b" cpu.stat usage_usec)
  echo "$1: a used $(((a1 - a0) / 1000)) ms, b used $(((b1 - b0) / 1000)) ms" >&2
  if [ $((a1 - a0)) -le 0 ]; then
    fail "$1-split" "container a got no CPU time"
  else
    expect_range "$1-split" $(((b1 - b0) * 100 / (a1 - a0))) "$4" "$5" "ratio b/a ×100"
  fi
  ocrun delete -f "$1-a" >/dev/null 2>&1
  ocrun delete -f "$1-b" >/dev/null 2>&1
}

# 174/100 ± 15 %
pair shares '"cpu": { "shares": 1024, "cpus": "0" }' '"cpu": { "shares": 2048, "cpus": "0" }' 148 200 100 174
# 300/100 ± 15 %
pair unified '"cpu": { "cpus": "0" }, "unified": { "cpu.weight": "100" }' \
  '"cpu": { "cpus": "0" }, "unified": { "cpu.weight": "300" }' 255 345 100 300
