#!/bin/bash
# System resets from the 8042 (command FE, output port bit 0) and port 0x92
# (bit 0): each one restarts the machine at the reset vector with RAM kept
# and the A20 gate open again (see kbcreset.asm).
set -u
B=${1:-build}
T=$B/tests/scripts
mkdir -p $T
nasm -f bin -o $T/kbcreset.bin tests/scripts/kbcreset.asm || exit 1
timeout 20 $B/tandem -accel interp -bios $T/kbcreset.bin -display none -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null
rc=$?
if [ $rc -eq $(( (0x42 << 1) | 1 )) ]; then
    echo "ok - resets by 8042 FE, 8042 output port bit 0 and port 0x92 bit 0, A20 open after each"
    exit 0
fi
printf "FAIL - exit status %d (guest code 0x%x: " $rc $(( rc >> 1 )); echo "0x1N = A20 still closed / gate not closed on boot N, 0x2N = boot N did not reset)"
exit 1
