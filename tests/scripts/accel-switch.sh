#!/bin/bash
# Run-time backend switching (machine_switch_accel, the monitor's `accel`):
# switch-sum.asm computes a checksum with the PIT interrupting it at 1 kHz,
# HLT between chunks and an RDTSC monotonicity check, while the hidden
# -accel-switch-every hook moves it interp <-> kvm every 40 ms (and every
# 5 ms), starting under either backend; and through the monitor's 'accel'
# command every 50 ms (tests/scripts/switch-mon.py).  Its output (the
# checksum, zero TSC steps backwards, then echoing COM1 input) must be that of
# an unswitched run.
# Prints "skipped: /dev/kvm not usable" (after the reference run) without KVM.
set -u
B=${1:-build}
T=$B/tests/scripts/accel-switch
mkdir -p "$T"
. tests/scripts/switch-sum.bash

session ref -accel interp
rc=$?
if [ $rc -eq 1 ] && grep -q '^sum=[0-9a-f]\{8\} tsc-backwards=00000000$' "$T/ref.out" &&
   grep -q '^echo: hello$' "$T/ref.out"; then
    ok "reference run under the interpreter: $(grep sum= "$T/ref.out")"
else
    bad "reference run: status $rc, output: $(cat "$T/ref.out")"
    exit 1
fi
kvm_usable || exit $fails

# switches NAME MIN: the hook's switch count, at least MIN, and no failure
switches() {
    local n
    n=$(grep -c "test-hook: switch [0-9]*: now" "$T/$1.err")
    if [ "$n" -ge "$2" ] && ! grep -q "cannot switch" "$T/$1.err"; then
        ok "$1: $n switches, same output as the reference"
    else
        bad "$1: $n switches (want >= $2): $(grep -m1 "cannot switch" "$T/$1.err")"
    fi
}
expect_session from-interp "$T/ref.out" -accel interp -accel-switch-every 40 && switches from-interp 3
expect_session from-kvm "$T/ref.out" -accel kvm -accel-switch-every 40 && switches from-kvm 3
expect_session fast "$T/ref.out" -accel interp -accel-switch-every 5 && switches fast 10
# -icount keeps the guest on the interpreter: the switch is refused, it goes on
expect_session icount "$T/ref.out" -icount shift=0 -accel-switch-every 10
if grep -q "cannot switch to kvm: KVM needs the host clock" "$T/icount.err"; then
    ok "-icount: the switch to KVM is refused with a reason, the guest goes on"
else
    bad "-icount: no refusal: $(head -3 "$T/icount.err")"
fi
# the same through the monitor's 'accel' command
for a in interp kvm; do
    timeout 120 python3 tests/scripts/switch-mon.py switch "$B/tandem" "$T/switch-sum.bin" "$T" $a \
        "$T/ref.out" || fails=$((fails + 1))
done
echo "$fails failed"
[ $fails -eq 0 ]
