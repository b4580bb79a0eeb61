#!/usr/bin/env bats
# The overcommit policy through the real binary: admission by the host-wide ledger (exact under
# concurrency, reconciled after kill -9, released on delete/failure, delta on update), every
# no_limit_policy, mode, preset and policy error, `capacity`, `create --dry-run`, the sizing flags
# and the memory cap of ocrun's parent cgroup /ocrun.
# Every test runs on a fake node (OCRUN_HOST_MEMORY_MB, OCRUN_HOST_CPUS) with its own ledger
# (OCRUN_LEDGER_DIR in the test's temp dir): the host's real ledger is never touched.

load ../lib/common

GIB=1073741824
MIB=1048576

setup() {
  requires_ocrun "overcommit policy"
  setup_bundle "${SLEEPER[@]}"
  fake_node
}

teardown() {
  cleanup_test
  restore_parent
}

# ---- helpers ----

# policy JSON: write the policy file $POLICY.
policy() { printf '%s\n' "$1" > "$POLICY"; }

cid() { echo "$ID-$1"; }
bdir() { echo "$BATS_TEST_TMPDIR/b-$1"; }

# mkb NAME LIMIT [JQ_EXPR [JQ_ARGS...]]: bundle for container $(cid NAME) sharing $BUNDLE's rootfs,
# cgroupsPath /ocrun-test/<id>, memory limit LIMIT bytes ("none": no memory limit).
mkb() {
  local name=$1 limit=$2 extra=${3:-.}
  shift 3 2>/dev/null || shift $#
  local id dir
  id=$(cid "$name")
  dir=$(bdir "$name")
  mkdir -p "$dir"
  track_container "$id"
  jq --arg r "$BUNDLE/rootfs" --arg cg "/ocrun-test/$id" --arg lim "$limit" "$@" \
    '.root.path = $r | .linux.cgroupsPath = $cg |
     if $lim == "none" then del(.linux.resources.memory)
     else .linux.resources.memory = {limit: ($lim | tonumber)} end | '"$extra" \
    "$BUNDLE/config.json" > "$dir/config.json"
}

# cr NAME [FLAGS...]: create container NAME; sets status and output like `run`. The output goes
# through a file: a created container's init keeps the runtime's stdout open.
cr() {
  local name=$1
  shift
  _create "$name" runtime create --bundle "$(bdir "$name")" "$@" "$(cid "$name")"
}
# crp NAME [FLAGS...]: the same under the policy file.
crp() {
  local name=$1
  shift
  _create "$name" runtime --policy "$POLICY" create --bundle "$(bdir "$name")" "$@" "$(cid "$name")"
}
_create() {
  local out=$BATS_TEST_TMPDIR/$1.create.out
  shift
  status=0
  "$@" >"$out" 2>&1 || status=$?
  output=$(cat "$out")
}

_stale_is() { [ "$(cap_json .counts.stale)" = "$1" ]; }
ledger_ids() { ledger_doc | jq -r '.entries[].id' | sort; }
ledger_count() { ledger_doc | jq '.entries | length'; }
ledger_has() { ledger_doc | jq -e --arg id "$1" 'any(.entries[]; .id == $id)' >/dev/null; }
# cap_json JQ: a field of `capacity --format json`.
cap_json() { runtime capacity --format json | jq -r "$1"; }
# memcg ID FILE: a file of the container's v1 memory cgroup.
memcg() { cat "/sys/fs/cgroup/memory/ocrun-test/$1/$2"; }

needs_v1_memory() {
  [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] || skip "no v1 memory hierarchy (the guest cases cover v2)"
}

# The parent /ocrun may be shared with other tests running at the same time: remember whether it
# existed and its limit, remove it only when this test made it and it has no child cgroup left,
# else put its limit back.
PARENT_SAVED=
save_parent() {
  local d=/sys/fs/cgroup/memory/ocrun
  if [ -d "$d" ]; then
    PARENT_SAVED=$(cat "$d/memory.limit_in_bytes")
  else
    PARENT_SAVED=none
  fi
  PARENT_CREATED=()
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -d "${h}ocrun" ] || PARENT_CREATED+=("${h}ocrun")
  done
}
restore_parent() {
  [ -n "$PARENT_SAVED" ] || return 0
  local d
  for d in "${PARENT_CREATED[@]}"; do
    [ -d "$d" ] && [ -z "$(find "$d" -mindepth 1 -maxdepth 1 -type d)" ] && rmdir "$d" 2>/dev/null
  done
  d=/sys/fs/cgroup/memory/ocrun
  if [ "$PARENT_SAVED" != none ] && [ -d "$d" ]; then
    echo "$PARENT_SAVED" > "$d/memory.limit_in_bytes" 2>/dev/null
  fi
  return 0
}

# ---- admission under concurrency ----

@test "policy: 40 parallel creates of 1 GiB containers on a 20 GiB node admit exactly 20" {
  local i
  for i in $(seq 1 40); do mkb "c$i" "$GIB"; done
  local pids=()
  for i in $(seq 1 40); do
    ( rc=0
      runtime create --bundle "$(bdir "c$i")" "$(cid "c$i")" >"$BATS_TEST_TMPDIR/c$i.out" 2>&1 || rc=$?
      echo "$rc" >"$BATS_TEST_TMPDIR/c$i.rc" ) 3>&- &
    pids+=($!)
  done
  # Only these: bats has background jobs of its own.
  wait "${pids[@]}"
  local ok=0 refused=0
  for i in $(seq 1 40); do
    if [ "$(cat "$BATS_TEST_TMPDIR/c$i.rc")" = 0 ]; then
      ok=$((ok + 1))
      [ "$(status_of "$(cid "c$i")")" = created ]
    else
      refused=$((refused + 1))
      grep -qF "insufficient MEMORY_MB" "$BATS_TEST_TMPDIR/c$i.out" ||
        { echo "c$i failed otherwise:" >&2; cat "$BATS_TEST_TMPDIR/c$i.out" >&2; false; }
      assert_nothing_left "$(cid "c$i")"
    fi
  done
  assert_equal "$ok $refused" "20 20"
  run runtime list --quiet
  assert_success
  assert_equal "$(grep -c "^$ID-c" <<<"$output")" 20
  assert_equal "$(ledger_count)" 20
  assert_equal "$(cap_json '.resources.MEMORY_MB | "\(.capacity) \(.allocated) \(.free)"')" "20480 20480 0"
  for i in $(seq 1 40); do runtime delete --force "$(cid "c$i")" 2>/dev/null || true; done
  assert_equal "$(ledger_count)" 0
  run runtime list --quiet
  assert_equal "$(grep -c "^$ID-c" <<<"$output")" 0
}

# ---- reconcile, release, update ----

@test "policy: kill -9 of ocrun in the middle of create, then the next admission reconciles" {
  export OCRUN_HOST_MEMORY_MB=1536 # capacity 1024 MB: one 1 GiB container
  local fifo=$BATS_TEST_TMPDIR/hook.fifo hookpid=$BATS_TEST_TMPDIR/hook.pid
  mkfifo "$fifo"
  mkb a "$GIB" '.hooks = {createRuntime: [{path: "/bin/sh",
      args: ["sh", "-c", "echo $$ > \($pidf); exec cat \($fifo) > /dev/null"]}]}' \
    --arg fifo "$fifo" --arg pidf "$hookpid"
  mkb b "$GIB"
  runtime create --bundle "$(bdir a)" "$(cid a)" >"$BATS_TEST_TMPDIR/a.out" 2>&1 3>&- &
  wait_for_file "$hookpid"
  track_bg "$(cat "$hookpid")"
  # ocrun is blocked in the hook; the ledger names it as the creator.
  local creator
  creator=$(ledger_doc | jq -r --arg id "$(cid a)" '.entries[] | select(.id == $id) | .creator_pid')
  [ -n "$creator" ] && [ "$(cat "/proc/$creator/comm")" = ocrun ]
  cr b
  assert_failure
  assert_output_contains "insufficient MEMORY_MB: requested 1024, free 0 of capacity 1024"
  kill -9 "$creator"
  wait_for 10 _gone "$creator"
  # The entry stays until someone looks: capacity sees it as stale, the next admission drops it.
  wait_for 10 _stale_is 1
  cr b
  assert_success
  assert_equal "$(ledger_ids)" "$(cid b)"
  kill -9 "$(cat "$hookpid")" 2>/dev/null || true
}

@test "policy: kill -9 of a running container's init frees its capacity at the next admission" {
  export OCRUN_HOST_MEMORY_MB=1536
  mkb a "$GIB"
  mkb b "$GIB"
  runtime run --detach --bundle "$(bdir a)" "$(cid a)" >"$BATS_TEST_TMPDIR/a.out" 2>&1
  wait_for_status "$(cid a)" running
  cr b
  assert_failure
  assert_output_contains "insufficient MEMORY_MB"
  kill -9 "$(pid_of "$(cid a)")"
  wait_for_status "$(cid a)" stopped
  cr b
  assert_success
  assert_equal "$(ledger_ids)" "$(cid b)"
}

@test "policy: delete and a failed create release their capacity" {
  export OCRUN_HOST_MEMORY_MB=1536
  mkb a "$GIB"
  mkb b "$GIB"
  mkb bad "$GIB" '.hooks = {createRuntime: [{path: "/bin/false"}]}'
  cr a
  assert_success
  cr b
  assert_failure
  assert_output_contains "insufficient MEMORY_MB"
  runtime delete "$(cid a)"
  assert_equal "$(ledger_count)" 0
  # Admitted, then the hook fails: everything is undone, the ledger entry included.
  cr bad
  assert_failure
  assert_output_contains -i "hook"
  assert_nothing_left "$(cid bad)"
  cr b
  assert_success
  assert_equal "$(ledger_ids)" "$(cid b)"
}

@test "policy: update --memory admits only the delta and refuses an increase that does not fit" {
  needs_v1_memory
  export OCRUN_HOST_MEMORY_MB=2560 # capacity 2048 MB
  mkb a "$GIB"
  mkb b $((512 * MIB))
  cr a
  assert_success
  cr b
  assert_success
  # 1024 + 512 allocated, 512 free: growing a by 512 fits (its whole new size would not).
  run runtime update --memory 1536m "$(cid a)"
  assert_success
  assert_equal "$(memcg "$(cid a)" memory.limit_in_bytes)" $((1536 * MIB))
  assert_equal "$(cap_json '.resources.MEMORY_MB.allocated')" 2048
  run runtime update --memory 1g "$(cid b)"
  assert_failure
  assert_output_contains "insufficient MEMORY_MB: requested 512 more, free 0 of capacity 2048"
  assert_equal "$(memcg "$(cid b)" memory.limit_in_bytes)" $((512 * MIB))
  assert_equal "$(ledger_doc | jq --arg id "$(cid b)" '.entries[] | select(.id == $id) | .memory')" $((512 * MIB))
  # Shrinking always fits and gives the difference back.
  run runtime update --memory 512m "$(cid a)"
  assert_success
  assert_equal "$(cap_json '.resources.MEMORY_MB.allocated')" 1024
}

# ---- no_limit_policy ----

@test "policy: no_limit_policy reject refuses a container without a memory limit" {
  policy '{"no_limit_policy": "reject"}'
  mkb a none
  crp a
  assert_failure
  assert_output_contains "no memory limit"
  assert_nothing_left "$(cid a)"
  # With a limit it is admitted.
  mkb b "$GIB"
  crp b
  assert_success
}

@test "policy: no_limit_policy default applies default_memory_limit_mb" {
  needs_v1_memory
  policy '{"no_limit_policy": "default", "default_memory_limit_mb": 256}'
  mkb a none
  crp a
  assert_success
  assert_equal "$(memcg "$(cid a)" memory.limit_in_bytes)" $((256 * MIB))
  assert_equal "$(ledger_doc | jq '.entries[0].memory')" $((256 * MIB))
  assert_equal "$(cap_json '.resources.MEMORY_MB.allocated')" 256
}

@test "policy: built-in default: no memory limit gets 1 GiB, swap off, charged in the ledger" {
  needs_v1_memory
  [ ! -e /etc/ocrun/policy.json ] || skip "/etc/ocrun/policy.json exists: not the built-in default"
  mkb a none
  cr a
  assert_success
  assert_equal "$(memcg "$(cid a)" memory.limit_in_bytes)" "$GIB"
  if [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
    assert_equal "$(memcg "$(cid a)" memory.memsw.limit_in_bytes)" "$GIB"
  fi
  assert_equal "$(ledger_doc | jq '.entries[0].memory')" "$GIB"
  assert_equal "$(cap_json '.resources.MEMORY_MB.allocated')" 1024
  # mode off is runc's behaviour: no limit, nothing charged.
  policy '{"mode": "off"}'
  mkb b none
  crp b
  assert_success
  [ "$(memcg "$(cid b)" memory.limit_in_bytes)" -gt $((1 << 62)) ]
}

@test "policy: a refusal, a warn-mode admission and --dry-run read differently, with their exit codes" {
  export OCRUN_HOST_MEMORY_MB=2560 # capacity 2048 MB
  mkb big $((1536 * MIB))
  cr big
  assert_success
  mkb e "$GIB"
  policy '{}'
  crp e
  [ "$status" -eq 1 ] || { echo "enforce: status $status" >&2; false; }
  assert_output_contains "ocrun: refused: insufficient MEMORY_MB: requested 1024, free 512"
  run runtime --policy "$POLICY" create --dry-run --bundle "$(bdir e)" "$(cid e)"
  [ "$status" -eq 2 ] || { echo "dry-run refused: status $status" >&2; false; }
  assert_output_contains "would be refused: insufficient MEMORY_MB: requested 1024, free 512"
  assert_nothing_left "$(cid e)"
  policy '{"mode": "warn"}'
  run runtime --policy "$POLICY" create --dry-run --bundle "$(bdir e)" "$(cid e)"
  assert_success
  assert_output_contains "fits, with a warning: over capacity (mode warn, admitted): insufficient MEMORY_MB"
  assert_nothing_left "$(cid e)"
  mkb w "$GIB"
  crp w
  assert_success
  assert_output_contains "ocrun: warning: over capacity (mode warn, admitted): insufficient MEMORY_MB"
  mkb f $((256 * MIB))
  policy '{}'
  run runtime --policy "$POLICY" create --dry-run --bundle "$(bdir f)" "$(cid f)"
  [ "$status" -eq 2 ] || { echo "dry-run after warn: status $status" >&2; false; }
  export OCRUN_HOST_MEMORY_MB=20992
  run runtime --policy "$POLICY" create --dry-run --bundle "$(bdir f)" "$(cid f)"
  assert_success
  assert_equal "$output" "fits"
}

@test "policy: update keeps swap off: --memory, --memory -1 and --resources without a swap value" {
  needs_v1_memory
  [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "no swap accounting (memsw) on this kernel"
  mkb a "$GIB"
  cr a
  assert_success
  run runtime update --memory 512m "$(cid a)"
  assert_success
  assert_equal "$(memcg "$(cid a)" memory.limit_in_bytes) $(memcg "$(cid a)" memory.memsw.limit_in_bytes)" \
    "$((512 * MIB)) $((512 * MIB))"
  # -1 means "no limit": under the built-in policy that is the default size, still without swap.
  run runtime update --memory -1 "$(cid a)"
  assert_success
  assert_equal "$(memcg "$(cid a)" memory.limit_in_bytes) $(memcg "$(cid a)" memory.memsw.limit_in_bytes)" \
    "$GIB $GIB"
  # As containerd calls it: the resources JSON on stdin (runtime() reads /dev/null).
  printf '%s' '{"memory": {"limit": 805306368}}' >"$BATS_TEST_TMPDIR/res.json"
  run timeout 10 "$RUNTIME" --root "$ROOT" update --resources - "$(cid a)" <"$BATS_TEST_TMPDIR/res.json"
  assert_success
  assert_equal "$(memcg "$(cid a)" memory.limit_in_bytes) $(memcg "$(cid a)" memory.memsw.limit_in_bytes)" \
    "805306368 805306368"
  assert_equal "$(ledger_doc | jq '.entries[0].memory')" 805306368
}

@test "policy: no_limit_policy unbounded admits, charges nothing and capacity counts it" {
  policy '{"no_limit_policy": "unbounded"}'
  mkb a none
  crp a
  assert_success
  run runtime capacity --format json
  assert_success
  assert_equal "$(jq '.counts.unbounded' <<<"$output")" 1
  assert_equal "$(jq '.resources.MEMORY_MB.allocated' <<<"$output")" 0
  assert_equal "$(jq -r '.containers[0] | "\(.id) \(.unbounded) \(.memory_limit_bytes)"' <<<"$output")" \
    "$(cid a) true null"
}

# ---- modes ----

@test "policy: mode enforce refuses, warn admits with the same text as a warning, off admits" {
  export OCRUN_HOST_MEMORY_MB=2560 # capacity 2048 MB
  mkb big $((1536 * MIB))
  cr big
  assert_success
  local text="insufficient MEMORY_MB: requested 1024, free 512 of capacity 2048 = (2560 − 512) × 1.0 × (1 − 0)"
  mkb e "$GIB"
  policy '{"mode": "enforce"}'
  crp e
  assert_failure
  assert_output_contains "$text"
  assert_nothing_left "$(cid e)"

  mkb w "$GIB"
  policy '{"mode": "warn"}'
  crp w
  assert_success
  assert_output_contains "$text"
  ledger_has "$(cid w)"

  mkb o "$GIB"
  policy '{"mode": "off"}'
  crp o
  assert_success
  [ -z "$output" ] || { echo "mode off printed: $output" >&2; false; }
  [ "$(status_of "$(cid o)")" = created ]
}

# ---- presets ----

@test "policy: preset openstack-legacy (ram ratio 1.5) lets 1.5x the memory in" {
  export OCRUN_HOST_MEMORY_MB=2560 # (2560 − 512) × 1.5 = 3072 MB
  policy '{"preset": "openstack-legacy"}'
  local i
  for i in 1 2 3 4; do mkb "m$i" "$GIB"; done
  for i in 1 2 3; do
    crp "m$i"
    assert_success
  done
  crp m4
  assert_failure
  assert_output_contains "free 0 of capacity 3072 = (2560 − 512) × 1.5 × (1 − 0)"
  # The same node without the preset takes only two of them.
  assert_equal "$(runtime capacity --format json | jq .resources.MEMORY_MB.capacity)" 2048
}

@test "policy: presets as --policy-dump shows them; a file key overrides its preset" {
  policy '{"preset": "openstack-legacy"}'
  run runtime capacity --policy "$POLICY" --policy-dump
  assert_success
  assert_equal "$(jq -c '[.preset, .cpu_allocation_ratio, .ram_allocation_ratio]' <<<"$output")" \
    '["openstack-legacy",16,1.5]'
  policy '{"preset": "openstack"}'
  run runtime --policy "$POLICY" capacity --policy-dump
  assert_equal "$(jq -c '[.preset, .cpu_allocation_ratio, .ram_allocation_ratio]' <<<"$output")" \
    '["openstack",4,1]'
  policy '{"ram_allocation_ratio": 1.2, "preset": "vm"}'
  run env OCRUN_POLICY="$POLICY" "$RUNTIME" capacity --policy-dump
  assert_success
  assert_equal "$(jq -c '[.preset, .no_limit_policy, .swap, .oom_group, .ram_allocation_ratio]' <<<"$output")" \
    '["vm","reject","off",true,1.2]'
  # vm rejects a container without a memory limit (oom_group off: this host's memory
  # controller is v1, where oom_group is refused; the next test shows that).
  policy '{"preset": "vm", "oom_group": false}'
  mkb a none
  crp a
  assert_failure
  assert_output_contains "refused: no memory limit"
  assert_nothing_left "$(cid a)"
}

@test "policy: oom_group on a cgroup v1 memory controller is refused, never ignored" {
  [ -d /sys/fs/cgroup/memory ] || skip "the memory controller is not on cgroup v1 here (the v2 guest tests oom.group)"
  policy '{"preset": "vm"}'
  mkb a "$GIB"
  crp a
  assert_failure
  assert_output_contains 'oom_group needs cgroup v2 (memory.oom.group)'
  [[ "$output" != *$'\n'* ]] || { echo "more than one line: $output" >&2; false; }
  assert_nothing_left "$(cid a)"
  policy '{"preset": "vm", "oom_group": false}'
  crp a
  assert_success
}

# ---- policy errors ----

# bad_policy JSON KEY: create under it fails naming KEY, exits non-zero, creates nothing.
bad_policy() {
  policy "$1"
  mkb "p$N" "$GIB"
  crp "p$N"
  assert_failure
  assert_output_contains "$2"
  assert_output_contains "$POLICY"
  assert_nothing_left "$(cid "p$N")"
  assert_equal "$(ledger_count)" 0
  run runtime --policy "$POLICY" capacity
  assert_failure
  assert_output_contains "$2"
  N=$((N + 1))
}

@test "policy: every policy error names the key, exits non-zero and creates nothing" {
  N=0
  bad_policy '{"mode": "enforce",' "policy $POLICY: invalid JSON"
  bad_policy '{"ram_allocation_ratio": 1.0, "colour": "blue"}' 'unknown key "colour"'
  bad_policy '{"ram_allocation_ratio": 0}' "ram_allocation_ratio: 0 is out of range"
  bad_policy '{"cpu_allocation_ratio": -2}' "cpu_allocation_ratio: -2 is out of range"
  bad_policy '{"reserved_host_memory_mb": 30000}' "reserved_host_memory_mb: 30000 MB leaves nothing"
  bad_policy '{"reserved_host_cpus": 8}' "reserved_host_cpus: 8 leaves nothing"
  bad_policy '{"mode": "strict"}' 'mode: invalid value "strict"'
  bad_policy '{"no_limit_policy": "maybe"}' 'no_limit_policy: invalid value "maybe"'
  bad_policy '{"preset": "nova"}' 'preset: unknown preset "nova"'
  # A policy given by name must exist.
  mkb missing "$GIB"
  run runtime --policy "$BATS_TEST_TMPDIR/nope.json" create --bundle "$(bdir missing)" "$(cid missing)"
  assert_failure
  assert_output_contains "nope.json"
  assert_nothing_left "$(cid missing)"
}

# ---- capacity ----

@test "policy: capacity --format json reports the arithmetic, the containers and the counts" {
  mkb a "$GIB"
  cr a --vcpus 2
  assert_success
  mkb k "$GIB" '.annotations["io.kubernetes.cri.container-type"] = "container"'
  cr k
  assert_success
  run runtime capacity --format json
  assert_success
  local j=$output
  assert_equal "$(jq -c '.policy | [.source, .mode, .preset]' <<<"$j")" '["built-in defaults","enforce",null]'
  assert_equal "$(jq -c '.resources.VCPU | [.total, .reserved, .ratio, .ha_reserve, .capacity, .allocated, .free, .largest_fit]' <<<"$j")" \
    '[8,0,16,0,128,3,125,8]'
  assert_equal "$(jq -c '.resources.MEMORY_MB | [.total, .reserved, .ratio, .ha_reserve, .capacity, .allocated, .free, .largest_fit]' <<<"$j")" \
    '[20992,512,1,0,20480,2048,18432,18432]'
  assert_equal "$(jq -r .resources.MEMORY_MB.formula <<<"$j")" "(20992 − 512) × 1.0 × (1 − 0)"
  assert_equal "$(jq .effective_overcommit <<<"$j")" 0.375
  assert_equal "$(jq -c '.counts | [.containers, .unbounded, .orchestrated, .opt_out, .stale]' <<<"$j")" '[2,0,1,0,0]'
  local a
  a=$(jq -c --arg id "$(cid a)" '.containers[] | select(.id == $id)' <<<"$j")
  assert_equal "$(jq -c '[.vcpus, .memory_limit_bytes, .memory_charged_mb, .weight, .unbounded, .orchestrated]' <<<"$a")" \
    "[2,$GIB,1024,200,false,false]"
  assert_equal "$(jq -r .cgroup <<<"$a")" "/ocrun-test/$(cid a)"
  [ "$(jq .pid <<<"$a")" -eq "$(pid_of "$(cid a)")" ]
  # Live use comes from the cgroup.
  [ "$(jq .memory_usage_bytes <<<"$a")" -gt 0 ]
  # An HA reserve of 25 % shrinks both capacities.
  policy '{"ha_reserve_percent": 25}'
  assert_equal "$(runtime --policy "$POLICY" capacity --format json | jq -c '[.resources.MEMORY_MB.capacity, .resources.VCPU.capacity]')" \
    '[15360,96]'
  policy '{"ha_host_failures": 1, "ha_cluster_size": 4}'
  assert_equal "$(runtime --policy "$POLICY" capacity --format json | jq -c '.resources.MEMORY_MB.capacity')" 15360
}

@test "policy: capacity --explain shows the formula; --policy-dump the effective policy" {
  mkb a "$GIB"
  cr a
  assert_success
  run runtime capacity --explain
  assert_success
  assert_output_contains "capacity    20480 = (total − reserved) × ratio × (1 − HA) = (20992 − 512) × 1.0 × (1 − 0)"
  assert_output_contains "allocated   1024 = sum over 1 containers"
  assert_output_contains "free        19456 = 20480 − 1024"
  assert_output_contains "largest fit 19456"
  assert_output_contains "$(cid a)"
  run runtime capacity --policy-dump
  assert_success
  assert_equal "$(jq -c '[.source, .mode, .cpu_allocation_ratio, .ram_allocation_ratio, .reserved_host_memory_mb, .no_limit_policy, .swap]' <<<"$output")" \
    '["built-in defaults","enforce",16,1,512,"default","off"]'
  policy '{"mode": "warn", "reserved_host_memory_mb": 1024}'
  run runtime --policy "$POLICY" capacity --policy-dump
  assert_success
  assert_equal "$(jq -c '[.source, .mode, .reserved_host_memory_mb]' <<<"$output")" "[\"$POLICY\",\"warn\",1024]"
}

# ---- create --dry-run ----

@test "policy: create --dry-run answers fits / refused and creates nothing" {
  export OCRUN_HOST_MEMORY_MB=1536
  mkb a "$GIB"
  cr a --dry-run
  assert_success
  assert_output_contains "fits"
  assert_nothing_left "$(cid a)"
  assert_equal "$(ledger_count)" 0
  mkb big $((2 * GIB))
  cr big --dry-run
  assert_failure
  assert_output_contains "insufficient MEMORY_MB: requested 2048, larger than the host's 1024"
  assert_nothing_left "$(cid big)"
  # With a: a second one no longer fits.
  cr a
  assert_success
  mkb b "$GIB"
  cr b --dry-run
  assert_failure
  assert_output_contains "insufficient MEMORY_MB: requested 1024, free 0 of capacity 1024"
  assert_nothing_left "$(cid b)"
  assert_equal "$(ledger_ids)" "$(cid a)"
}

# ---- sizing flags and what they write (v1 host) ----

@test "policy: --vcpus 2 --cpu-cap sets cpu.cfs_quota_us 200000" {
  [ -d /sys/fs/cgroup/cpu ] || skip "no v1 cpu hierarchy"
  mkb a "$GIB"
  cr a --vcpus 2 --cpu-cap
  assert_success
  local d=/sys/fs/cgroup/cpu/ocrun-test/$(cid a)
  assert_equal "$(cat "$d/cpu.cfs_quota_us") $(cat "$d/cpu.cfs_period_us")" "200000 100000"
  assert_equal "$(ledger_doc | jq '.entries[0].vcpus')" 2
}

@test "policy: --vcpus 4 without shares gives cpu.shares 4096; explicit shares win" {
  [ -d /sys/fs/cgroup/cpu ] || skip "no v1 cpu hierarchy"
  mkb a "$GIB"
  cr a --vcpus 4
  assert_success
  assert_equal "$(cat "/sys/fs/cgroup/cpu/ocrun-test/$(cid a)/cpu.shares")" 4096
  assert_equal "$(cap_json '.resources.VCPU.allocated')" 4
  mkb b "$GIB" '.linux.resources.cpu = {shares: 512}'
  cr b --vcpus 4
  assert_success
  assert_equal "$(cat "/sys/fs/cgroup/cpu/ocrun-test/$(cid b)/cpu.shares")" 512
}

@test "policy: explicit cpu.shares size a container shares/1024 vCPUs (256 shares = 0.25)" {
  mkb a "$GIB" '.linux.resources.cpu = {shares: 256}'
  cr a
  assert_success
  assert_equal "$(ledger_doc | jq '.entries[0].vcpus')" 0.25
  assert_equal "$(cap_json '.resources.VCPU.allocated')" 0.25
}

@test "policy: swap off sets memory.memsw.limit_in_bytes to the memory limit; --memory sizes it" {
  needs_v1_memory
  [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "no swap accounting (memsw) on this kernel"
  mkb a "$GIB"
  cr a
  assert_success
  assert_equal "$(memcg "$(cid a)" memory.memsw.limit_in_bytes)" "$GIB"
  assert_equal "$(memcg "$(cid a)" memory.limit_in_bytes)" "$GIB"
  mkb b none
  cr b --memory 300m
  assert_success
  assert_equal "$(memcg "$(cid b)" memory.limit_in_bytes) $(memcg "$(cid b)" memory.memsw.limit_in_bytes)" \
    "$((300 * MIB)) $((300 * MIB))"
  # swap allow leaves memsw alone.
  policy '{"swap": "allow"}'
  mkb c "$GIB"
  crp c
  assert_success
  [ "$(memcg "$(cid c)" memory.memsw.limit_in_bytes)" -gt "$GIB" ]
}

# ---- Kubernetes containers ----

@test "policy: a Kubernetes container is admitted even when it does not fit, counted, with a warning" {
  export OCRUN_HOST_MEMORY_MB=1536
  mkb a "$GIB"
  cr a
  assert_success
  mkb k "$GIB" '.annotations["io.kubernetes.cri.container-type"] = "container"'
  cr k
  assert_success
  assert_output_contains "admitted anyway (Kubernetes container"
  assert_output_contains "insufficient MEMORY_MB"
  assert_equal "$(ledger_count)" 2
  run runtime capacity --format json
  assert_equal "$(jq -c '[.counts.orchestrated, .resources.MEMORY_MB.allocated]' <<<"$output")" '[1,2048]'
  # orchestrated: enforce refuses it like any other.
  policy '{"orchestrated": "enforce"}'
  mkb k2 "$GIB" '.annotations["io.kubernetes.cri.container-type"] = "container"'
  crp k2
  assert_failure
  assert_output_contains "insufficient MEMORY_MB"
  assert_nothing_left "$(cid k2)"
}

# ---- the parent cgroup's memory cap ----

@test "policy: a container without cgroupsPath sits under /ocrun, capped at the memory capacity" {
  needs_v1_memory
  save_parent
  export OCRUN_HOST_MEMORY_MB=20992
  mkb a "$GIB" '.linux.cgroupsPath = ""'
  CGROUPS+=("/ocrun/$(cid a)")
  cr a
  assert_success
  [ -d "/sys/fs/cgroup/memory/ocrun/$(cid a)" ]
  assert_equal "$(cat /sys/fs/cgroup/memory/ocrun/memory.limit_in_bytes)" $((20480 * MIB))
  # The cap follows the policy: with a 25 % HA reserve the next create lowers it.
  policy '{"ha_reserve_percent": 25}'
  mkb b "$GIB" '.linux.cgroupsPath = ""'
  CGROUPS+=("/ocrun/$(cid b)")
  crp b
  assert_success
  assert_equal "$(cat /sys/fs/cgroup/memory/ocrun/memory.limit_in_bytes)" $((15360 * MIB))
  # A container with a cgroupsPath of its own leaves the parent alone.
  mkb c "$GIB"
  crp c
  assert_success
  assert_equal "$(cat /sys/fs/cgroup/memory/ocrun/memory.limit_in_bytes)" $((15360 * MIB))
  # --dry-run writes nothing.
  mkb d "$GIB" '.linux.cgroupsPath = ""'
  cr d --dry-run
  assert_success
  assert_equal "$(cat /sys/fs/cgroup/memory/ocrun/memory.limit_in_bytes)" $((15360 * MIB))
}
