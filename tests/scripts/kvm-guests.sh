#!/bin/bash
# The guest programs of tests/guests/ under -accel kvm (through run-guest.sh and
# GUEST_EXTRA_FLAGS).  Without a usable /dev/kvm: prints "skipped: /dev/kvm not
# usable" and passes.
#
# With VT-x/AMD-V every program must pass but kbc, which stops at its first
# A20 check: the A20 gate is not emulated under KVM (by design, see
# docs/internals.md), and x87 on a host CPU that zeroes the x87 FCS/FDS
# (CPUID.7.EBX[13], as this development host's Xeon does): its FNSTENV check
# of FCS then reads 0.
#
# KVM without VT-x/AMD-V (KVM-PVM) runs only 64-bit ring-3 code natively and
# emulates everything else with KVM's instruction emulator, which has gaps, and
# it cannot run 32-bit paging at all.  What the emulator cannot do at all
# (IRET in protected mode, DAA, call gates, FNSTSW...) runs one instruction
# at a time on the interpreter (accel/kvm.c step_on_interp).  user64 (64-bit
# ring 3 under a small kernel: interrupts, exceptions, INVLPG), realmode,
# apic, sse and the programs without a limit below must pass whole.  Each
# other one must pass every check that the interpreter passes up to its first
# known PVM limit (the "ok" lines must be the interpreter's, in order, at
# least as many as listed) and then stop with exactly that limit:
#
#   integer       AAM's SF: KVM's emulator sets it from AH:AL (check 101)
#   exceptions    a data breakpoint (DR1) on an access KVM's emulator makes:
#                 no #DB (check 21)
#   farsys        the TF trap one instruction late after MOV SS: not in KVM's
#                 emulator (check 20)
#   pmode         #SS with a stack segment whose base is not 0 (check 49): the
#                 exception frame is not where SS:ESP says, so the handler's
#                 IRETD returns to garbage and faults
#   v86, vme      code in virtual-8086 mode: #GP under PVM
#   gates         INT n from ring 3 (a DPL-3 interrupt gate): #UD under PVM,
#                 as INT 0x80 for Linux (linux-switch.slow.sh)
#   smc_and_misc, paging, taskswitch
#                 32-bit paging: mov cr0 with PG raises #GP under PVM
#   interrupts    'sti; nop; cli' with a pending IRQ: PVM emulates up to 130
#                 instructions before it looks at the interrupt window again
#   x87           FCS in FNSTENV (check 38): the host CPU zeroes it (above)
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
    local unexp="^unexpected exception: vector 0x0000000D error 0x00000000 at CS:EIP"
    case "$1" in
    integer) echo "100|^not ok 101 - aam: SZP|AAM's SF in KVM's emulator" ;;
    exceptions) echo "20|^not ok 21 - DR1 write breakpoint|no data breakpoints on emulated accesses" ;;
    farsys) echo "19|^not ok 20 - TF: no single-step trap right after mov ss|TF after MOV SS: not in KVM's emulator" ;;
    pmode) echo "48|$unexp=00000008:|#SS on a stack segment with a non-zero base" ;;
    v86) echo "1|$unexp=00001000:|virtual-8086 mode code: #GP under PVM" ;;
    vme) echo "0|$unexp=00001000:|virtual-8086 mode code: #GP under PVM" ;;
    gates) echo "23|^unexpected exception: vector 0x00000006 error 0x00000000 at CS:EIP=0000002B:|INT n from ring 3: #UD under PVM" ;;
    interrupts) echo "7|^not ok 8 - sti; nop; cli|interrupt window checked every 130 emulated instructions" ;;
    smc_and_misc) echo "168|$unexp|32-bit paging: #GP on mov cr0 with PG" ;;
    paging | taskswitch) echo "0|$unexp|32-bit paging: #GP on mov cr0 with PG" ;;
    long64) echo "56|^# unexpected exception 0+D error 0+ at 0+33:|SYSCALL from ring 3 stays at CPL 3 under PVM" ;;
    *) kvm_limits "$1" ;;
    esac
}
# The same for every KVM: NAME -> min|pattern|why
kvm_limits() {
    case "$1" in
    kbc) echo "16|^FAIL: check 17: 8042 gate and port 0x92 bit 1 off|A20 gate not emulated under KVM" ;;
    x87) echo "37|^not ok 38 - environment: FCS|the host CPU zeroes the x87 FCS (CPUID.7.EBX[13])" ;;
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
