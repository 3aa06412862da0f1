#!/bin/bash
# Benchmarks Tandem against QEMU (TCG, and KVM where usable) and Bochs, side by
# side in one run, and prints MIPS and ratios.
#
# loop: bench/loop.asm, a guest loop of a known instruction count.  Each
# emulator runs it at two sizes; MIPS = (instruction difference) / (time
# difference), so start-up time cancels out.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
TANDEM=$B/tandem
out=$B/bench
mkdir -p "$out"
SMALL=${SMALL:-2000000}
LARGE=${LARGE:-50000000}
PER_ITER=8

nasm -f bin -DITER=$SMALL -o $out/loop-small.bin bench/loop.asm
nasm -f bin -DITER=$LARGE -o $out/loop-large.bin bench/loop.asm

now() { date +%s%N; }

# time_cmd IMAGE CMD... -> seconds (float) on stdout
time_run() {
    local t0=$(now)
    timeout 120 "$@" >/dev/null 2>&1 </dev/null
    local rc=$? t1=$(now)
    if [ $rc -ne 1 ]; then echo 999999999; return; fi   # the guest did not finish
    echo $(( (t1 - t0) / 1000 ))   # microseconds
}

# Bochs has no exit device: watch the 0xE9 output for DONE, then stop it.
bochs_run() {
    local img=$(readlink -f "$1") dir
    dir=$(mktemp -d)
    head -c 32768 /dev/zero > "$dir/vga.bin"
    cat > "$dir/bochsrc" <<RC
megs: 32
romimage: file=$img
vgaromimage: file=$dir/vga.bin
cpu: count=1, ips=100000000
display_library: rfb, options="timeout=0"
port_e9_hack: enabled=1
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: /dev/null
RC
    : > "$dir/out"
    echo c > "$dir/cmds"
    local t0=$(now)
    bochs -q -f "$dir/bochsrc" < "$dir/cmds" > "$dir/out" 2>&1 &
    local pid=$!
    local end=$((SECONDS + 120))
    while kill -0 $pid 2>/dev/null && ! grep -q DONE "$dir/out" && [ $SECONDS -lt $end ]; do sleep 0.01; done
    local t1=$(now)
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    rm -rf "$dir"
    echo $(( (t1 - t0) / 1000 ))
}

mips() {   # mips SMALL_US LARGE_US
    awk -v a="$1" -v b="$2" -v n=$(( (LARGE - SMALL) * PER_ITER )) \
        'BEGIN { d = (b - a) / 1e6; if (d <= 0 || b >= 999999999) print "n/a"; else printf "%.0f", n / d / 1e6 }'
}

declare -A RES
EMUS=${EMUS:-tandem tandem-kvm qemu-tcg qemu-kvm bochs}
want() { [[ " $EMUS " == *" $1 "* ]]; }

bench_emu() {   # NAME RUNNER...
    local name=$1; shift
    local best_s=999999999 best_l=999999999 s l
    for i in 1 2 3; do
        s=$("$@" $out/loop-small.bin); [ "$s" -lt "$best_s" ] && best_s=$s
        l=$("$@" $out/loop-large.bin); [ "$l" -lt "$best_l" ] && best_l=$l
    done
    RES[$name]=$(mips $best_s $best_l)
    printf '%-22s %8s MIPS   (%d.%03d s for %d M instructions)\n' "$name" "${RES[$name]}" \
        $((best_l / 1000000)) $(((best_l / 1000) % 1000)) $(( LARGE * PER_ITER / 1000000 ))
}

tandem_run() { time_run $TANDEM -M pc -accel interp -bios "$1" -display none -device isa-debug-exit,iobase=0xf4,iosize=4; }
tandem_kvm_run() { time_run $TANDEM -M pc -accel kvm -bios "$1" -display none -device isa-debug-exit,iobase=0xf4,iosize=4; }
qemu_tcg_run() { time_run qemu-system-i386 -M pc -accel tcg -bios "$1" -display none -device isa-debug-exit,iobase=0xf4,iosize=4; }
qemu_kvm_run() { time_run qemu-system-i386 -M pc -accel kvm -bios "$1" -display none -device isa-debug-exit,iobase=0xf4,iosize=4; }

echo "== loop: $PER_ITER-instruction loop, 32-bit protected mode, ($LARGE - $SMALL) iterations =="
want tandem && bench_emu "tandem (interp)" tandem_run
if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
    want tandem-kvm && echo "tandem kvm             skipped: /dev/kvm not usable"
elif ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
    # KVM-PVM: 32-bit code is emulated (~0.5 MIPS), the large run would take an hour
    want tandem-kvm && echo "tandem kvm             skipped: no VT-x/AMD-V (KVM-PVM emulates 32-bit code)"
else
    want tandem-kvm && bench_emu "tandem kvm" tandem_kvm_run
fi
if command -v qemu-system-i386 >/dev/null; then
    want qemu-tcg && bench_emu "qemu tcg" qemu_tcg_run
    if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
        echo "qemu kvm               skipped: /dev/kvm not usable"
    elif ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
        want qemu-kvm && echo "qemu kvm               skipped: no VT-x/AMD-V (KVM-PVM emulates 32-bit code)"
    else
        want qemu-kvm && bench_emu "qemu kvm" qemu_kvm_run
    fi
fi
if command -v bochs >/dev/null; then
    want bochs && bench_emu "bochs" bochs_run
fi
echo
for k in "qemu tcg" "qemu kvm" "bochs"; do
    [ -n "${RES[$k]:-}" ] && [ "${RES[$k]}" != n/a ] && [ "${RES[tandem (interp)]:-n/a}" != n/a ] &&
        awk -v t="${RES[tandem (interp)]}" -v o="${RES[$k]}" -v k="$k" \
            'BEGIN { printf "tandem / %-10s = %.2f\n", k, t / o }'
done

echo
bench/seabios.sh
echo
bench/boot.sh
