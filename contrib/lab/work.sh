#!/bin/sh
# work.sh MODE ARGS: the lab's workloads, the same script and binaries in a container and in a
# VM (contrib/lab/guest-init runs it in the guest; a container's process.args run it).
#   hello               stress-ng's first line is the start-up mark (E1)
#   cpu VCPUS SECONDS   VCPUS CPU hogs with bogo-op metrics (E3)
#   idle                print LAB-READY, then sleep (E2)
#   lat SECONDS         the latency-sensitive victim (E4)
#   aggr KIND N SECONDS an aggressor: cpu, mem or cache (E4)
#   alloc MB            allocate MB MiB; "alloc-exit STATUS MS" when the allocator ends (E5)
#   hold MB             allocate MB MiB and keep it (E5 admission)
m=$1
shift
case $m in
  hello) exec stress-ng --cpu 1 --timeout 1s 2>&1 ;;
  cpu) exec stress-ng --cpu "$1" --cpu-method int64 --timeout "${2}s" --metrics-brief 2>&1 ;;
  idle) echo LAB-READY; exec sleep 1000000 ;;
  lat) exec probe lat "$1" 2>&1 ;;
  aggr)
    case $1 in
      cpu) exec stress-ng --cpu "$2" --timeout "${3}s" 2>&1 ;;
      mem) exec stress-ng --vm "$2" --vm-bytes 48M --timeout "${3}s" 2>&1 ;;
      cache) exec stress-ng --cache "$2" --timeout "${3}s" 2>&1 ;;
    esac ;;
  alloc)
    t0=$(probe now)
    probe alloc "$1"
    rc=$?
    echo "alloc-exit $rc $(($(probe now) - t0))"
    [ -r /proc/vmstat ] && echo "guest-oom-kills $(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)" ;;
  hold) exec probe hold "$1" ;;
  *) echo "work.sh: unknown mode $m" >&2; exit 2 ;;
esac
