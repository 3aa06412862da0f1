#!/bin/bash
# Triple fault: the machine resets (RAM kept, CPU at the reset vector), or with
# -no-reboot the emulator exits with status 0 and says why.
set -u
B=${1:-build}
T=$B/tests/scripts
mkdir -p $T
nasm -f bin -o $T/triple.bin tests/scripts/triple.asm || exit 1
fails=0
timeout 20 $B/tandem -accel interp -bios $T/triple.bin -display none -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null
rc=$?
if [ $rc -eq $(( (0x42 << 1) | 1 )) ]; then echo "ok - triple fault resets the machine, RAM kept"; else echo "FAIL - reset: status $rc"; fails=1; fi
err=$(timeout 20 $B/tandem -accel interp -bios $T/triple.bin -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 2>&1 </dev/null)
rc=$?
if [ $rc -eq 0 ] && printf '%s' "$err" | grep -q "triple-faulted"; then echo "ok - -no-reboot exits on a triple fault"; else echo "FAIL - -no-reboot: status $rc ($err)"; fails=1; fi
# -d int shows the fault chain
timeout 20 $B/tandem -accel interp -bios $T/triple.bin -display none -no-reboot -d int -D $T/triple.log </dev/null 2>/dev/null
if grep -q "v=0d" $T/triple.log && grep -q "v=08" $T/triple.log && grep -q "triple fault" $T/triple.log; then
    echo "ok - -d int logs #GP, #DF and the triple fault"
else
    echo "FAIL - -d int log:"; cat $T/triple.log; fails=1
fi
exit $fails
