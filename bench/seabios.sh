#!/bin/bash
# Time from start to SeaBIOS's boot attempt ('No bootable device.' in its debug
# log on port 0x402), Debian's bios.bin, 128 MiB, no disks, no VGA, no NIC, under
# Tandem (interpreter and KVM) and QEMU (TCG and KVM), side by side.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
BIOS=/usr/share/seabios/bios.bin
RUNS=${RUNS:-5}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now() { date +%s%N; }

# one_run LOG CMD... -> milliseconds to the boot attempt (or "fail")
one_run() {
    local log=$1; shift
    rm -f "$log"
    local t0=$(now)
    "$@" </dev/null >/dev/null 2>&1 &
    local pid=$! end=$((SECONDS + 300)) ms=fail
    while [ $SECONDS -lt $end ] && kill -0 $pid 2>/dev/null; do
        if grep -q "No bootable device" "$log" 2>/dev/null; then
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
        ms=$(one_run $T/log "$@")
        [ "$ms" = fail ] && continue
        if [ "$best" = fail ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    BEST[$name]=$best
    if [ "$best" = fail ]; then
        printf '%-18s %10s\n' "$name" "failed"
    else
        printf '%-18s %7d.%03d s\n' "$name" $((best / 1000)) $((best % 1000))
    fi
}

DBG=(-chardev file,id=d,path=$T/log -device isa-debugcon,iobase=0x402,chardev=d)
kvm_ok=no
[ -r /dev/kvm ] && [ -w /dev/kvm ] && kvm_ok=yes
hw_virt=no
grep -qwE 'vmx|svm' /proc/cpuinfo && hw_virt=yes

echo "== SeaBIOS to its boot attempt (best of $RUNS; KVM runs: best of 2) =="
bench "tandem interp" $RUNS $B/tandem -accel interp -m 128 -bios $BIOS -display none -no-reboot "${DBG[@]}"
if [ $kvm_ok = yes ]; then
    bench "tandem kvm" 2 $B/tandem -accel kvm -m 128 -bios $BIOS -display none -no-reboot "${DBG[@]}"
else
    echo "tandem kvm          skipped: /dev/kvm not usable"
fi
bench "qemu tcg" $RUNS qemu-system-x86_64 -accel tcg -m 128 -bios $BIOS -display none -vga none -nic none -no-reboot "${DBG[@]}"
if [ $kvm_ok = yes ]; then
    bench "qemu kvm" 2 qemu-system-x86_64 -accel kvm -m 128 -bios $BIOS -display none -vga none -nic none -no-reboot "${DBG[@]}"
else
    echo "qemu kvm            skipped: /dev/kvm not usable"
fi
[ $hw_virt = no ] && echo "(this host has no VT-x/AMD-V: its /dev/kvm is KVM-PVM, which emulates real and protected mode slowly)"
echo
for k in "qemu tcg" "qemu kvm"; do
    t=${BEST[tandem interp]:-fail} o=${BEST[$k]:-fail}
    [ "$t" != fail ] && [ "$o" != fail ] && awk -v t=$t -v o=$o -v k="$k" 'BEGIN { printf "tandem interp / %-9s time ratio = %.2f\n", k, t / o }'
done
t=${BEST[tandem kvm]:-fail} o=${BEST[qemu kvm]:-fail}
[ "$t" != fail ] && [ "$o" != fail ] && awk -v t=$t -v o=$o 'BEGIN { printf "tandem kvm    / qemu kvm  time ratio = %.2f\n", t / o }'
exit 0
