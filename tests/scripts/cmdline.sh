#!/bin/bash
# The QEMU-style debug devices and command-line errors:
# -debugcon, -chardev + -device isa-debugcon, isa-debug-exit status, -d/-D
# traces with Capstone disassembly, and one-line errors for bad input.
set -u
B=${1:-build}
T=$B/tests/scripts
mkdir -p $T
nasm -f bin -o $T/post.bin tests/scripts/post.asm || exit 1
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }

rm -f $T/e9.log $T/post80.log $T/port402.log $T/trace.log
$B/tandem -accel interp -M pc -bios $T/post.bin -display none -debugcon file:$T/e9.log \
    -chardev file,id=post,path=$T/post80.log -device isa-debugcon,iobase=0x80,chardev=post \
    -chardev file,id=dbg,path=$T/port402.log -device isa-debugcon,iobase=0x402,chardev=dbg \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -d in_asm,int -D $T/trace.log </dev/null
rc=$?
[ $rc -eq $(( (0x21 << 1) | 1 )) ] && ok "isa-debug-exit status (0x21 << 1) | 1" || bad "exit status $rc"
[ "$(cat $T/e9.log)" = "hi" ] && ok "-debugcon file: captured port 0xe9" || bad "e9 log: '$(cat $T/e9.log)'"
[ "$(od -An -tx1 $T/post80.log | tr -d ' \n')" = "1122" ] && ok "isa-debugcon on port 0x80 (POST codes)" || bad "post80: $(od -An -tx1 $T/post80.log)"
[ "$(cat $T/port402.log)" = "x" ] && ok "isa-debugcon on port 0x402" || bad "port402"
grep -q "ljmp 0xf000:0xff00" $T/trace.log && ok "-d in_asm: 16-bit disassembly of the reset jump" || bad "trace lacks the reset jump"
grep -q "f000:ff17  66b878563412 .*mov eax, 0x12345678" $T/trace.log && ok "-d in_asm: operand-size prefix decoded in 16-bit mode" || bad "trace lacks mov eax"
grep -q "out dx, eax" $T/trace.log && ok "-d in_asm: last instruction traced" || bad "trace lacks out"

# -debugcon alone takes both 0xe9 and 0x402 (SeaBIOS's debug port)
rm -f $T/both.log
$B/tandem -accel interp -bios $T/post.bin -display none -debugcon file:$T/both.log \
    -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null 2>/dev/null
[ "$(cat $T/both.log)" = "hix" ] && ok "-debugcon captures ports 0xe9 and 0x402" || bad "debugcon both: '$(cat $T/both.log)'"

# -S: nothing runs (no output, no exit) until the monitor continues it
rm -f $T/stopped.log
timeout 2 $B/tandem -accel interp -bios $T/post.bin -display none -S -debugcon file:$T/stopped.log \
    -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null 2>/dev/null
rc=$?
[ $rc -eq 124 ] && [ ! -s $T/stopped.log ] && ok "-S starts with the CPU stopped" || bad "-S: status $rc, log '$(cat $T/stopped.log)'"

# Bad input: one line on stderr, non-zero status, nothing run.
check_err() {   # DESCRIPTION PATTERN ARGS...
    local what=$1 pat=$2; shift 2
    local err
    err=$($B/tandem "$@" 2>&1 >/dev/null </dev/null)
    local r=$?
    if [ $r -ne 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s' "$err" | grep -q "$pat"; then
        ok "error: $what"
    else
        bad "error: $what (status $r, stderr: $err)"
    fi
}
check_err "missing BIOS file" "cannot open BIOS" -bios /nonexistent.bin -display none
head -c 1000 /dev/zero > $T/odd.bin
check_err "BIOS of a bad size" "must be a non-zero multiple" -bios $T/odd.bin -display none
check_err "unknown option" "unknown option" -bios $T/post.bin -frobnicate
check_err "missing option value" "needs a value" -bios
check_err "bad memory size" "bad memory size" -bios $T/post.bin -m 12Q
check_err "unknown device" "not a known device" -bios $T/post.bin -device sb16
check_err "chardev id not found" "no -chardev with id" -bios $T/post.bin -device isa-debugcon,iobase=0x80,chardev=nope
check_err "unknown -d item" "unknown -d item" -bios $T/post.bin -d bogus
check_err "unknown accelerator" "unknown accelerator" -bios $T/post.bin -accel warp
check_err "unwritable log file" "cannot open log file" -bios $T/post.bin -d int -D /nonexistent/dir/log
check_err "bad -quit-after value" "bad value" -bios $T/post.bin -quit-after soon

# -quit-after (hidden test hook, a bounded workload for profilers): with
# -icount shift=0 the 800-million-instruction loop is cut after 20 ms of
# virtual time (20 million instructions), with status 0 and before DONE.
nasm -f bin -DITER=100000000 -o $T/longloop.bin bench/loop.asm || exit 1
rm -f $T/quit.e9
timeout 60 $B/tandem -accel interp -bios $T/longloop.bin -display none -debugcon file:$T/quit.e9 \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -icount shift=0,sleep=off -quit-after 20 \
    </dev/null 2>$T/quit.err
rc=$?
[ $rc -eq 0 ] && grep -q "test-hook: quit" $T/quit.err && ! grep -q DONE $T/quit.e9 2>/dev/null &&
    ok "-quit-after ends the run with status 0" || bad "-quit-after: status $rc, stderr '$(cat $T/quit.err)'"
[ $fails -eq 0 ]
