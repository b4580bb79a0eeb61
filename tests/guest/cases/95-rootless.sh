# 95-rootless: an unprivileged user (uid 1000) with a cgroup delegated to it the way systemd's
# Delegate= does (the directory, its cgroup.procs and cgroup.subtree_control chowned, the user's
# processes inside it) runs `ocrun spec --rootless` bundles: the container's cgroup goes below the
# delegation, so memory and pids limits hold; lifecycle, exec, ps, kill, delete as that user.
. /tests/lib.sh

RUID=1000
RGID=1000
RUSER=ocrunrl
DELEG=$CGBASE/deleg
RHOME=/run/rl
XDG=/run/user/$RUID
RIDS=""

# sysctls that gate unprivileged user namespaces (the first is Debian's patch, absent upstream)
echo "sysctl kernel.unprivileged_userns_clone=$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo absent)" \
  "user.max_user_namespaces=$(cat /proc/sys/user/max_user_namespaces)" >&2
if [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 1 ] &&
  [ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ]; then
  pass rootless-userns-allowed
else
  fail rootless-userns-allowed "unprivileged user namespaces are off"
  exit 0
fi

# The user, its home (bundles) and runtime dir, as a login would make them.
cp /etc/passwd /etc/passwd.rl-saved
cp /etc/group /etc/group.rl-saved
echo "$RUSER:x:$RUID:$RGID::$RHOME:/bin/sh" >>/etc/passwd
echo "$RUSER:x:$RGID:" >>/etc/group
mkdir -p "$RHOME" "$XDG"
chown "$RUID:$RGID" "$RHOME" "$XDG"
chmod 700 "$XDG"

# The delegation: controllers enabled down to it, then handed over.
mkdir -p "$CG$DELEG"
for d in /ocrun-test "$CGBASE"; do
  echo "+memory +pids +cpu" >"$CG$d/cgroup.subtree_control"
done
mkdir "$CG$DELEG/shell"
chown "$RUID:$RGID" "$CG$DELEG" "$CG$DELEG/cgroup.procs" "$CG$DELEG/cgroup.subtree_control" \
  "$CG$DELEG/cgroup.threads" "$CG$DELEG/shell" "$CG$DELEG/shell/cgroup.procs"

rl_cleanup() {
  for c in $RIDS; do as_user delete --force "$c" >/dev/null 2>&1; done
  mv /etc/passwd.rl-saved /etc/passwd
  mv /etc/group.rl-saved /etc/group
  rm -rf "$RHOME" "$XDG"
  cleanup
}
trap rl_cleanup EXIT

# as_user ARGS...: ocrun ARGS as the user, from inside its delegated cgroup (root moves the shell
# there first, as systemd starts user@UID.service in it), in $RHOME.
q() { printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
as_user() {
  _cmd="cd $RHOME && exec env XDG_RUNTIME_DIR=$XDG OCRUN_POLICY=$OCRUN_POLICY ocrun"
  for _a in "$@"; do _cmd="$_cmd $(q "$_a")"; done
  sh -c 'echo $$ >"$1/cgroup.procs" && exec su -s /bin/sh -c "$2" "$3"' sh "${RL_SHELL:-$CG$DELEG/shell}" "$_cmd" "$RUSER" </dev/null
}

# A bundle the user writes with `spec --rootless`: ARGS_JSON, optional resources.
user_bundle() {
  rm -rf "$RHOME/$1"
  mkdir "$RHOME/$1"
  ln -s /bundle/rootfs "$RHOME/$1/rootfs"
  chown -h "$RUID:$RGID" "$RHOME/$1" "$RHOME/$1/rootfs"
  as_user spec --rootless --bundle "$RHOME/$1" || return 1
  jq_in="$RHOME/$1/config.json"
  # busybox has no jq: sed the two fields the cases need
  sed -i -e "s|\"terminal\": true|\"terminal\": false|" \
    -e "/\"args\": \[/,/\]/c\\    \"args\": $2," "$jq_in"
  [ -z "${3:-}" ] || sed -i "s|\"linux\": {|\"linux\": { \"resources\": { $3 },|" "$jq_in"
}

user_state() { as_user state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' | head -n 1; }
user_is() { [ "$(user_state "$1")" = "$2" ]; }
user_pid() { as_user state "$1" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -n 1; }

# 1. The limits: the container's cgroup is below the delegation, with memory.max and pids.max.
RIDS="$RIDS rl-lim"
if ! user_bundle lim '["sh", "-c", "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; exec sleep 1000"]' \
  '"memory": { "limit": 33554432 }, "pids": { "limit": 20 }'; then
  fail rootless-spec "spec --rootless failed as uid $RUID"
  exit 0
fi
pass rootless-spec
if as_user run -d --bundle "$RHOME/lim" rl-lim >"$RHOME/lim.log" 2>&1 && wait_for 10 grep -q . "$RHOME/lim.log"; then
  pid=$(user_pid rl-lim)
  cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
  expect_eq rootless-cgroup-delegated "$DELEG/ocrun/rl-lim" "$cg"
  expect_eq rootless-memory-max 33554432 "$(cgread "$cg" memory.max)"
  expect_eq rootless-pids-max 20 "$(cgread "$cg" pids.max)"
  expect_eq rootless-memory-max-inside 33554432 "$(head -n 1 "$RHOME/lim.log")"
  expect_eq rootless-cgroup-owner "$RUID" "$(stat -c %u "$CG$cg")"
  # ps, exec, kill --all, delete, through the cgroup
  as_user exec -d rl-lim sleep 999 >/dev/null 2>&1
  n=$(as_user ps --format json rl-lim | tr -cd , | wc -c)
  expect_eq rootless-ps-lists-exec 1 "$n"
  as_user kill --all rl-lim KILL
  if wait_for 10 user_is rl-lim stopped; then pass rootless-kill-all; else fail rootless-kill-all "status $(user_state rl-lim)"; fi
  as_user delete rl-lim
  if [ -d "$CG$cg" ]; then fail rootless-delete-removes-cgroup "$cg still exists"; else pass rootless-delete-removes-cgroup; fi
else
  for t in rootless-cgroup-delegated rootless-memory-max rootless-pids-max rootless-memory-max-inside \
    rootless-cgroup-owner rootless-ps-lists-exec rootless-kill-all rootless-delete-removes-cgroup; do
    fail $t "run -d failed: $(tail -n 2 "$RHOME/lim.log")"
  done
fi

# 2. The limits hold: over 32M is OOM-killed (exit 137), a fork bomb hits pids.max.
RIDS="$RIDS rl-oom"
user_bundle oom '["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]' \
  '"memory": { "limit": 33554432, "swap": 33554432 }'
as_user run --bundle "$RHOME/oom" rl-oom >"$RHOME/oom.log" 2>&1
expect_eq rootless-oom-exit-137 137 "$?"
RIDS="$RIDS rl-bomb"
user_bundle bomb '["sh", "-c", "while :; do sleep 1000 & done"]' '"pids": { "limit": 20 }'
as_user run -d --bundle "$RHOME/bomb" rl-bomb >"$RHOME/bomb.log" 2>&1
if wait_for 20 grep -q "can't fork" "$RHOME/bomb.log"; then
  pass rootless-pids-limit-holds
else
  fail rootless-pids-limit-holds "no fork failure: $(tail -n 1 "$RHOME/bomb.log")"
fi
as_user delete --force rl-bomb

# 3. Lifecycle: create, start, state, exec, kill, delete; the state is the user's.
RIDS="$RIDS rl-life"
user_bundle life '["sh", "-c", "trap exit TERM; sleep 1000 & wait"]'
as_user create --bundle "$RHOME/life" rl-life >"$RHOME/life.log" 2>&1
expect_eq rootless-create created "$(user_state rl-life)"
expect_eq rootless-state-dir-owner "$RUID" "$(stat -c %u "$XDG/ocrun/rl-life" 2>/dev/null)"
as_user start rl-life
expect_eq rootless-start running "$(user_state rl-life)"
expect_eq rootless-exec "0" "$(as_user exec rl-life id -u)"
as_user kill rl-life TERM
if wait_for 10 user_is rl-life stopped; then pass rootless-kill; else fail rootless-kill "status $(user_state rl-life)"; fi
as_user delete rl-life
if [ -e "$XDG/ocrun/rl-life" ]; then fail rootless-delete "state dir left"; else pass rootless-delete; fi
if [ -d /run/ocrun ] && [ -n "$(ls -A /run/ocrun 2>/dev/null)" ]; then
  fail rootless-nothing-in-run "/run/ocrun holds $(ls /run/ocrun)"
else
  pass rootless-nothing-in-run
fi

# 4. A controller the delegation does not pass down (hugetlb: its parent enables only memory and
# pids) is refused, naming the config key, the controller and the cgroup; nothing is left.
NODELEG=/ocrun-nodeleg
mkdir -p "$CG$NODELEG/deleg/shell"
echo "+memory +pids" >"$CG$NODELEG/cgroup.subtree_control"
chown "$RUID:$RGID" "$CG$NODELEG/deleg" "$CG$NODELEG/deleg/cgroup.procs" "$CG$NODELEG/deleg/cgroup.subtree_control" \
  "$CG$NODELEG/deleg/shell" "$CG$NODELEG/deleg/shell/cgroup.procs"
RIDS="$RIDS rl-huge"
user_bundle huge '["true"]' '"hugepageLimits": [ { "pageSize": "2MB", "limit": 4194304 } ]'
out=$(RL_SHELL=$CG$NODELEG/deleg/shell as_user run --bundle "$RHOME/huge" rl-huge 2>&1)
rc=$?
want="ocrun: linux.resources.hugepageLimits: the hugetlb cgroup controller is not enabled for /sys/fs/cgroup$NODELEG/deleg/ocrun/rl-huge (not in its cgroup.controllers: the parent does not delegate it)"
if [ "$rc" -ne 0 ] && [ "$out" = "$want" ]; then
  pass rootless-undelegated-controller-refused
else
  fail rootless-undelegated-controller-refused "exit $rc, output: $out"
fi
left=""
for d in "$CG$NODELEG/deleg"/*/; do
  [ -d "$d" ] && [ "${d%/}" != "$CG$NODELEG/deleg/shell" ] && left="$left ${d%/}"
done
if [ -z "$left" ] && [ ! -e "$XDG/ocrun/rl-huge" ]; then
  pass rootless-undelegated-nothing-left
else
  fail rootless-undelegated-nothing-left "left: ${left:-} $(ls "$XDG/ocrun" 2>/dev/null)"
fi
rmdir "$CG$NODELEG/deleg/shell" "$CG$NODELEG/deleg" "$CG$NODELEG"
