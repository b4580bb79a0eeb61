# containers/common's seccomp.json to an OCI linux.seccomp, as podman converts it: keep the rules
# whose includes match x86_64 and the bounding capabilities $caps, drop those their excludes
# name. $drop: syscall names to leave out; $eperm: true drops defaultErrnoRet (denials EPERM).
# Used by tests/integration/seccomp.bats, conformance.bats, tests/bench/scenarios.sh and
# tests/guest/run.sh (for tests/bench/guest-scenarios.sh).
def arch_ok: (.includes.arches // []) as $a | ($a | length == 0) or ($a | index("amd64") != null);
def caps_ok: (.includes.caps // []) | all(. as $c | $caps | index($c) != null);
def not_excluded: ((.excludes.caps // []) | any(. as $c | $caps | index($c) != null)) | not;
{defaultAction}
+ (if $eperm then {} else {defaultErrnoRet} end)
+ {architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
   syscalls: [.syscalls[] | select(arch_ok and caps_ok and not_excluded)
              | {names: (.names - $drop), action} + (if .args then {args} else {} end)
              + (if .errnoRet then {errnoRet} else {} end)
              | select(.names | length > 0)]}
