#!/bin/bash
# Debian's SeaBIOS runs to its boot attempt ('No bootable device.') under the
# interpreter and under KVM, with its console on COM1 (-nographic) and its
# debug log on port 0x402, and the debug log is the same on both backends.
set -u
B=${1:-build}
T=$B/tests/scripts/seabios
mkdir -p $T
BIOS=/usr/share/seabios/bios.bin
[ -f $BIOS ] || { echo "FAIL - $BIOS missing (Debian package seabios)"; exit 1; }
fails=0

# boot ACCEL TIMEOUT: runs until the debug log says 'No bootable device.'
boot() {
    local accel=$1 tmo=$2
    rm -f $T/$accel.log $T/$accel.serial
    $B/tandem -accel $accel -m 128 -bios $BIOS -nographic -no-reboot -debugcon file:$T/$accel.log \
        </dev/null >$T/$accel.serial 2>$T/$accel.err &
    local pid=$! end=$((SECONDS + tmo))
    while [ $SECONDS -lt $end ] && kill -0 $pid 2>/dev/null; do
        grep -q "No bootable device" $T/$accel.log 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.5   # the rest of the line (SeaBIOS writes its log a byte at a time)
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    if grep -q "No bootable device" $T/$accel.log 2>/dev/null; then
        echo "ok - $accel: SeaBIOS reached its boot attempt"
    else
        echo "FAIL - $accel: no boot attempt within ${tmo}s"; tail -5 $T/$accel.log; cat $T/$accel.err
        fails=$((fails + 1))
        return 1
    fi
    # The console went to COM1 (sercon) on the terminal.
    if grep -q "No bootable device" $T/$accel.serial && grep -q "SeaBIOS (version" $T/$accel.serial; then
        echo "ok - $accel: SeaBIOS's console on COM1"
    else
        echo "FAIL - $accel: COM1 output lacks the banner or the boot message"; fails=$((fails + 1))
    fi
}

boot interp 60
grep -q "Found 5 PCI devices" $T/interp.log && echo "ok - interp: PCI devices found" || { echo "FAIL - PCI scan"; fails=$((fails + 1)); }
grep -q "PS2 keyboard initialized" $T/interp.log && echo "ok - interp: PS/2 keyboard initialized" || { echo "FAIL - PS/2"; fails=$((fails + 1)); }
grep -q "addr 0x0000000000000000 len 0x0000000008000000 \[RAM\]" $T/interp.log && echo "ok - interp: e820 RAM from fw_cfg matches -m 128" || { echo "FAIL - e820"; grep -i e820 $T/interp.log; fails=$((fails + 1)); }

# Is KVM usable?  (post.bin exits at once through isa-debug-exit.)
nasm -f bin -o $T/post.bin tests/scripts/post.asm || exit 1
timeout 60 $B/tandem -accel kvm -bios $T/post.bin -display none \
    -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null >/dev/null 2>&1
if [ $? -eq $(( (0x21 << 1) | 1 )) ]; then
    if boot kvm 240; then
        if diff $T/interp.log $T/kvm.log >$T/diff.txt; then
            echo "ok - the debug log is the same under both backends"
        else
            echo "FAIL - debug logs differ:"; head -20 $T/diff.txt; fails=$((fails + 1))
        fi
    fi
else
    echo "skipped: /dev/kvm not usable"
fi
exit $fails
