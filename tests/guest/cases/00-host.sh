# 00-host: the guest is a pure cgroup v2 host with every controller the cases need.
. /tests/lib.sh

expect_eq cgroup2-mounted cgroup2 "$(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)"
missing=""
for c in cpuset cpu io memory pids hugetlb; do
  grep -qw "$c" "$CG/cgroup.subtree_control" || missing="$missing $c"
done
if [ -z "$missing" ]; then pass controllers-enabled; else fail controllers-enabled "missing:$missing"; fi
if ocrun --version >/dev/null 2>&1; then pass runtime-runs; else fail runtime-runs "ocrun --version failed: $(ocrun --version 2>&1 | head -n 1)"; fi
