#!/bin/bash
# The guest programs of tests/guests/ under -accel kvm (through run-guest.sh and
# GUEST_EXTRA_FLAGS).  Without a usable /dev/kvm: prints "skipped: /dev/kvm not
# usable" and passes.
#
# With VT-x/AMD-V every program must pass but kbc, which stops at its first
# A20 check: the A20 gate is not emulated under KVM (by design, see
# docs/internals.md).
#
# KVM without VT-x/AMD-V (KVM-PVM) runs only 64-bit ring-3 code natively and
# emulates everything else with KVM's instruction emulator, which has gaps, and
# it cannot run 32-bit paging at all.  user64 (64-bit ring 3 under a small
# kernel: interrupts, exceptions, INVLPG) and the programs without a limit
# below must pass whole.  Each other one must pass every check that the
# interpreter passes up to its first known PVM limit (the "ok" lines must be
# the interpreter's, in order, at least as many as listed) and then stop with
# exactly that limit:
#
#   realmode      DAA: not in KVM's instruction emulator
#   integer, pmode, exceptions, farsys
#                 protected-mode IRET (the exception catcher returns with
#                 iretd): KVM's emulator does IRET in real mode only
#   apic          the same: the first LAPIC timer interrupt arrives, its
#                 handler's EOI is done, its iretd is the limit (5 checks)
#   v86, vme      IRET into virtual-8086 mode (same gap)
#   gates         far call through a call gate: not emulated
#   smc_and_misc  #UD for cmpxchg8b with a register operand: not emulated
#   interrupts    'sti; nop; cli' with a pending IRQ: PVM emulates up to 130
#                 instructions before it looks at the interrupt window again
#   paging, taskswitch
#                 32-bit paging: mov cr0 with PG raises #GP under PVM
#   x87           FNSTSW AX, its second instruction: not in KVM's emulator
#   sse           IRET (the fault catcher's iretd) after the 4 CPUID checks;
#                 its SSE instructions run on the interpreter (accel/kvm.c)
#   long64        SYSCALL from ring 3 (after 56 checks: ring 0 emulated, then
#                 ring 3 natively with Linux's selectors, which the program
#                 uses because PVM's ring 3 has them in hardware): PVM jumps to
#                 LSTAR with RCX/R11/FMASK right but stays at CPL 3 (CS 0x33),
#                 so the kernel entry's first OUT raises #GP from CS 0x33 (the
#                 same as Linux's user SYSCALL in linux-switch.slow.sh)
#   rtc           not run: its UIP wait wants two port reads within 150000
#                 TSC ticks, too short for emulated code at the host's TSC
#                 rate, and its bounded waits then take a minute to give up
set -u
B=${1:-build}
T=$B/tests/scripts/kvm-guests
mkdir -p "$T"
rm -rf "$T/interp" "$T/kvm"
nasm -f bin -o "$T/post.bin" tests/scripts/post.asm || exit 1

# Is KVM usable?  (tandem's own error tells why not)
err=$(timeout 20 "$B/tandem" -accel kvm -bios "$T/post.bin" -display none \
      -device isa-debug-exit,iobase=0xf4,iosize=4 2>&1 </dev/null >/dev/null)
rc=$?
if printf '%s' "$err" | grep -q "cannot start accelerator kvm"; then
    echo "skipped: /dev/kvm not usable ($(printf '%s' "$err" | grep "cannot start" | sed 's/.*kvm: //'))"
    exit 0
fi
if [ $rc -ne $(( (0x21 << 1) | 1 )) ]; then
    echo "FAIL - KVM opens but the smallest guest does not run (status $rc): $err"
    exit 1
fi
pvm=0
grep -qwE 'vmx|svm' /proc/cpuinfo || pvm=1
[ $pvm -eq 1 ] && echo "# KVM without VT-x/AMD-V (KVM-PVM): checking each program up to its known limit"

# NAME -> min_ok_checks|pattern (grep -E, in the emulator's stderr and the
# guest log)|what PVM lacks
limits() {
    local iret="instruction bytes cf |IRET outside real mode: not in KVM's emulator"
    case "$1" in
    realmode) echo "47|instruction bytes 27 |DAA: not in KVM's emulator" ;;
    integer) echo "78|$iret" ;;
    pmode) echo "15|$iret" ;;
    apic) echo "5|$iret" ;;
    exceptions | farsys | vme) echo "0|$iret" ;;
    v86) echo "1|$iret" ;;
    gates) echo "1|instruction bytes 9a |far call through a call gate: not in KVM's emulator" ;;
    smc_and_misc) echo "110|instruction bytes 0f c7 c8|#UD for cmpxchg8b reg: not in KVM's emulator" ;;
    interrupts) echo "7|^not ok 8 - sti; nop; cli|interrupt window checked every 130 emulated instructions" ;;
    paging | taskswitch) echo "0|^unexpected exception: vector 0x0000000D|32-bit paging: #GP on mov cr0 with PG" ;;
    long64) echo "56|^# unexpected exception 0+D error 0+ at 0+33:|SYSCALL from ring 3 stays at CPL 3 under PVM" ;;
    x87) echo "0|instruction bytes df e0 |FNSTSW AX (x87): not in KVM's emulator" ;;
    sse) echo "4|$iret" ;;   # its SSE instructions run on the interpreter (kvm.c step_on_interp)
    *) kvm_limits "$1" ;;
    esac
}
# The same for every KVM: NAME -> min|pattern|why
kvm_limits() {
    case "$1" in
    kbc) echo "16|^FAIL: check 17: 8042 gate and port 0x92 bit 1 off|A20 gate not emulated under KVM" ;;
    *) echo "" ;;
    esac
}

fails=0
for g in "$B"/tests/guests/*.bin; do
    [ -f "$g" ] || continue
    name=$(basename "$g" .bin)
    if [ $pvm -eq 1 ] && [ "$name" = rtc ]; then
        echo "skipped under KVM-PVM - rtc: its UIP wait (two port reads within 150000 TSC ticks) is too tight for emulated code"
        continue
    fi
    res=$(GUEST_LOG_DIR="$T/kvm" GUEST_EXTRA_FLAGS="-accel kvm" tests/guests/run-guest.sh "$B/tandem" "$g" 120)
    if [ "${res%% *}" = PASS ]; then
        echo "ok - $name under KVM: $res"
        continue
    fi
    if [ $pvm -eq 1 ]; then lim=$(limits "$name"); else lim=$(kvm_limits "$name"); fi
    if [ -z "$lim" ]; then
        echo "FAIL - $name under KVM: $res"
        fails=$((fails + 1))
        continue
    fi
    # The checks before the limit are the interpreter's, then the limit.
    GUEST_LOG_DIR="$T/interp" GUEST_EXTRA_FLAGS="-accel interp" tests/guests/run-guest.sh "$B/tandem" "$g" 120 >/dev/null
    min=${lim%%|*}
    pat=${lim#*|}
    why=${pat#*|}
    pat=${pat%%|*}
    grep '^ok ' "$T/kvm/$name.log" > "$T/$name.kvm-ok"
    n=$(wc -l < "$T/$name.kvm-ok")
    grep '^ok ' "$T/interp/$name.log" | head -n "$n" > "$T/$name.interp-ok"
    if ! cmp -s "$T/$name.kvm-ok" "$T/$name.interp-ok"; then
        echo "FAIL - $name under KVM: the checks differ from the interpreter's:"
        diff "$T/$name.interp-ok" "$T/$name.kvm-ok" | head -5
        fails=$((fails + 1))
    elif [ "$n" -lt "$min" ]; then
        echo "FAIL - $name under KVM: $n checks passed, expected at least $min before the known limit"
        tail -n 3 "$T/kvm/$name.log" "$T/kvm/$name.err" 2>/dev/null
        fails=$((fails + 1))
    elif ! grep -qE "$pat" "$T/kvm/$name.err" "$T/kvm/$name.log"; then
        echo "FAIL - $name under KVM: stopped after $n checks, but not at the known limit ($pat)"
        grep -h "kvm:\|^unexpected\|^not ok\|^FAIL" "$T/kvm/$name.err" "$T/kvm/$name.log" | head -3
        fails=$((fails + 1))
    else
        echo "ok - $name under KVM: $n checks as under the interpreter, then the known limit ($why)"
    fi
done
exit $fails
