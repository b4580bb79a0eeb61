#!/bin/bash
# lab.sh [--smoke|--quick|--full] [--out DIR] [--only "E1 E3"]: the same workloads in ocrun
# containers and in QEMU VMs under the cloud's overcommit policy (contrib/lab/README.md).
# Writes DIR (default lab-results/<timestamp>): one CSV per experiment, env.json, PNG plots
# (gnuplot) and report.md. One progress line per step. Root, a hybrid cgroup v1 host.
# Environment: LAB_CPUS (the cpuset all instances share; default: the last CPU),
# LAB_VM_OVERHEAD_MB (host memory a VM's cgroup may use above its guest RAM, default 192).
set -uo pipefail

LAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$LAB_TOP/contrib/lab
mode=quick out='' only='E1 E2 E3 E4 E5 E6'
while [ $# -gt 0 ]; do
  case $1 in
    --smoke|--quick|--full) mode=${1#--} ;;
    --out) out=$2; shift ;;
    --only) only=$2; shift ;;
    *) echo "usage: $0 [--smoke|--quick|--full] [--out DIR] [--only 'E1 E2 ...']" >&2; exit 2 ;;
  esac
  shift
done

. "$here/lib.sh"
. "$LAB_TOP/tests/lib/guest-qemu.sh"

[ "$(id -u)" = 0 ] || die "run as root (cgroups, containers)"
[ -d "$CG/cpu" ] && [ -d "$CG/memory" ] && [ -d "$CG/cpuacct" ] && [ -d "$CG/cpuset" ] ||
  die "needs the cgroup v1 cpu, cpuacct, cpuset and memory controllers (a hybrid host); a pure cgroup v2 host is not supported yet"
for t in jq gnuplot stress-ng qemu-system-x86_64; do
  command -v "$t" >/dev/null || die "$t not found (make deps)"
done
OCRUN=$LAB_TOP/ocrun VMCG=$here/vmcg PROBE=$here/probe
for b in "$OCRUN" "$VMCG" "$PROBE"; do [ -x "$b" ] || die "$b not built (make lab builds it)"; done

"$here/build.sh" || die "build.sh failed"
LAB_WORK=${LAB_WORK:-$LAB_TOP/tests/.work/lab}
LAB_ROOTFS=$LAB_WORK/rootfs LAB_INITRD=$LAB_WORK/initrd
LAB_VMLINUX=${OCRUN_GUEST_WORK:-$LAB_TOP/tests/.work/guest}/vmlinux
LAB_CPUS=${LAB_CPUS:-$(($(nproc) - 1))}
LAB_NCPUS=$(awk -v l="$LAB_CPUS" 'BEGIN { n = split(l, p, ","); c = 0
  for (i = 1; i <= n; i++) { if (split(p[i], r, "-") == 2) c += r[2] - r[1] + 1; else c++ } print c }')
LAB_VM_OVERHEAD_MB=${LAB_VM_OVERHEAD_MB:-192}
LAB_TB_MB=64   # TCG translation cache per VM (MiB); bounds QEMU's own memory

[ -n "$out" ] || out=$LAB_TOP/lab-results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out" || die "cannot make $out"
LAB_OUT=$(cd "$out" && pwd)
LAB_TMP=$(mktemp -d /tmp/ocrun-lab.XXXXXX) || die "mktemp failed"
LAB_POLICY_DIR=$LAB_OUT/policies
mkdir -p "$LAB_TMP/ledger" "$LAB_TMP/root" "$LAB_TMP/b" "$LAB_TMP/vm" "$LAB_POLICY_DIR"
trap 'lab_cleanup' EXIT
trap 'exit 130' INT TERM

. "$here/accel.sh"
lab_accel
. "$here/env.sh"
lab_env > "$LAB_OUT/env.json"
echo "lab: $mode mode, accelerator $LAB_ACCEL, cpuset $LAB_CPUS ($LAB_NCPUS core(s)), results in $LAB_OUT"

t_all=$SECONDS
for e in $only; do
  case $e in
    E1) . "$here/e1-startup.sh"; e1 ;;
    E2) . "$here/e2-density.sh"; e2 ;;
    E3) . "$here/e3-fairness.sh"; e3 ;;
    E4) . "$here/e4-noisy.sh"; e4 ;;
    E5) . "$here/e5-memlimit.sh"; e5 ;;
    E6) . "$here/e6-admission.sh"; e6 ;;
    *) die "unknown experiment $e" ;;
  esac
done
. "$here/plots.sh"
plots "$LAB_OUT" "$LAB_ACCEL" || warn "some plots failed (see $LAB_OUT/plots.log)"
"$here/report.sh" "$LAB_OUT" > "$LAB_OUT/report.md" || die "report.sh failed"
echo "lab: done in $((SECONDS - t_all)) s: $LAB_OUT/report.md"
