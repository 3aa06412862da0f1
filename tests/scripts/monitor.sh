#!/bin/bash
# The monitor console (monitor/): every command over -monitor unix:PATH,
# server,nowait against tests/scripts/monitor.asm (registers and memory the
# guest set, disassembly of its loop, stop/step/break/cont moving EIP as the
# loop does, info irq against the guest's own interrupt count, snapshots,
# system_reset, one-line errors with the guest running on), under the
# interpreter and, where /dev/kvm is usable, under KVM (with a backend switch
# both ways); Ctrl-A c on a serial terminal (a pty: echo, backspace,
# history); -monitor stdio with -S.  The driver is tests/scripts/monitor.py.
set -u
B=${1:-build}
T=$B/tests/scripts/monitor
mkdir -p "$T"
nasm -f bin -o "$T/monitor.bin" tests/scripts/monitor.asm || exit 1
fails=0
for mode in "socket interp" "socket kvm" "pty" "stdio"; do
    timeout 300 python3 tests/scripts/monitor.py ${mode%% *} "$B/tandem" "$T/monitor.bin" "$T" \
        $([ "${mode#* }" != "$mode" ] && echo "${mode#* }")
    rc=$?
    [ $rc -ne 0 ] && echo "FAIL - monitor.py $mode: status $rc" && fails=$((fails + 1))
done
# Bad -monitor specifications: one line naming the problem, status 1.
for spec in bogus "unix:$T/x.sock" "unix:$T/x.sock,server,frob" unix:,server; do
    timeout 10 "$B/tandem" -bios "$T/monitor.bin" -display none -accel interp -monitor "$spec" \
        </dev/null >/dev/null 2>"$T/err.txt"
    rc=$?
    err=$(grep -v "accelerator:" "$T/err.txt")
    if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s' "$err" | grep -q -- "-monitor"; then
        echo "ok - -monitor $spec: $err"
    else
        echo "FAIL - -monitor $spec: $err"; fails=$((fails + 1))
    fi
done
exit $fails
