#!/bin/bash
# Time from start to the demo guest's /init marker line ("tandem-demo: init
# started" on COM1): Debian's linux-image-amd64 kernel and the busybox
# initramfs of scripts/demo-initramfs.sh, the same -kernel/-initrd/-append,
# 256 MiB, under Tandem (interpreter; KVM where the host has VT-x/AMD-V) and
# QEMU (TCG; KVM where /dev/kvm is usable), side by side with the ratios.
# QEMU boots through SeaBIOS and its linuxboot option ROM; Tandem loads the
# kernel itself, so its time has no firmware in it.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
D=$B/demo
RUNS=${RUNS:-3}
LIMIT=${LIMIT:-600}
scripts/demo-initramfs.sh $D >/dev/null || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MARK="tandem-demo: init started"
GUEST=(-m 256 -kernel $D/vmlinuz -initrd $D/initramfs.cpio.gz -append "console=ttyS0 loglevel=4"
       -display none -no-reboot -serial file:$T/com1)

now() { date +%s%N; }

# one_run CMD... -> milliseconds to the marker (or "fail")
one_run() {
    rm -f $T/com1
    local t0=$(now)
    "$@" </dev/null >/dev/null 2>&1 &
    local pid=$! end=$((SECONDS + LIMIT)) ms=fail
    while [ $SECONDS -lt $end ] && kill -0 $pid 2>/dev/null; do
        if grep -q "$MARK" $T/com1 2>/dev/null; then
            ms=$(( ($(now) - t0) / 1000000 ))
            break
        fi
        sleep 0.005
    done
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    echo $ms
}

declare -A BEST
bench() {   # NAME RUNS CMD...
    local name=$1 runs=$2; shift 2
    local best=fail
    for i in $(seq $runs); do
        local ms
        ms=$(one_run "$@")
        [ "$ms" = fail ] && break       # a failed boot fails again: do not wait LIMIT twice
        if [ "$best" = fail ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    BEST[$name]=$best
    if [ "$best" = fail ]; then
        printf '%-18s %10s\n' "$name" "failed (no marker in ${LIMIT} s)"
    else
        printf '%-18s %7d.%03d s\n' "$name" $((best / 1000)) $((best % 1000))
    fi
}

kvm_ok=no
[ -r /dev/kvm ] && [ -w /dev/kvm ] && kvm_ok=yes
hw_virt=no
grep -qwE 'vmx|svm' /proc/cpuinfo && hw_virt=yes

echo "== Linux (demo guest) from start to /init (best of $RUNS) =="
bench "tandem interp" $RUNS $B/tandem -accel interp "${GUEST[@]}"
if [ $kvm_ok = yes ] && [ $hw_virt = yes ]; then
    bench "tandem kvm" $RUNS $B/tandem -accel kvm "${GUEST[@]}"
else
    echo "tandem kvm          skipped: needs VT-x/AMD-V and /dev/kvm"
fi
bench "qemu tcg" $RUNS qemu-system-x86_64 -accel tcg -vga none -nic none "${GUEST[@]}"
if [ $kvm_ok = yes ] && [ $hw_virt = yes ]; then
    bench "qemu kvm" $RUNS qemu-system-x86_64 -accel kvm -vga none -nic none "${GUEST[@]}"
else
    # KVM-PVM (no VT-x/AMD-V) emulates SeaBIOS's real mode: minutes, not seconds
    echo "qemu kvm            skipped: needs VT-x/AMD-V and /dev/kvm"
fi
echo
for k in "qemu tcg" "qemu kvm"; do
    t=${BEST[tandem interp]:-fail} o=${BEST[$k]:-fail}
    [ "$t" != fail ] && [ "$o" != fail ] && awk -v t=$t -v o=$o -v k="$k" 'BEGIN { printf "tandem interp / %-9s time ratio = %.2f\n", k, t / o }'
done
t=${BEST[tandem kvm]:-fail} o=${BEST[qemu kvm]:-fail}
[ "$t" != fail ] && [ "$o" != fail ] && awk -v t=$t -v o=$o 'BEGIN { printf "tandem kvm    / qemu kvm  time ratio = %.2f\n", t / o }'
exit 0
