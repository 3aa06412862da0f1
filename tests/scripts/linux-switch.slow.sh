#!/bin/bash
# Issue 5's "done when" with the real Linux guest (the demo guest of
# linux-boot.sh, driven by tests/scripts/linux-switch.py over COM1 and a
# `-monitor unix:` socket): boot under the interpreter to the shell, savevm
# at the prompt; then
#  - a deterministic busybox shell loop  s = (s * 31 + i) % 1000003, i < 5000,
#    unswitched and with `accel kvm` / `accel interp` every 300 ms;
#  - /sumloop (tests/scripts/sumloop.asm, a static 64-bit program in the
#    initramfs: a checksum kept in general, SSE and x87 registers) on the
#    interpreter, on KVM, switched every 300 ms while it computes, and
#    snapshotted in the middle of its computation under each backend; each
#    of those snapshots resumed by a new tandem under the other backend
#    (-loadvm, same -m/-kernel/-initrd/-append, so the same device set)
#    finishes the computation there.  Every sum is checked against the host
#    CPU running the same program;
#  - `accel kvm` at the prompt and savevm there; each prompt snapshot
#    resumed under the other backend: the shell answers `echo $((6*7))` and
#    runs the shell loop again.
#
# KVM-PVM (no VT-x/AMD-V; the development host): ring 0 is emulated by KVM,
# and what its emulator lacks that Linux uses (RDTSCP, VERW, CMPXCHG16B,
# FXSAVE/LDMXCSR, FWAIT) runs on the interpreter for one instruction
# (accel/kvm.c step_on_interp).  But no system call from Linux's user mode
# works there: PVM delivers SYSCALL to LSTAR (entry_SYSCALL_64) with CS 0x33,
# CPL 3 still, so the kernel takes an instruction-fetch page fault (error
# 0x15) and kills the process (SIGSEGV), and INT 0x80 raises #UD.  Interrupts
# and exceptions from user mode do reach the kernel.  So on PVM: the shell
# loop switched is reported as "known limit (KVM-PVM)" when the guest shows
# exactly that fault; sumloop makes no system call while it computes and
# answers (a system call) only when asked, which the test does after moving
# the guest back to the interpreter; the shell is not asked to answer under
# KVM (it idles there 1 s, timer interrupts only), and the prompt snapshot
# -loadvm'd under KVM runs 1 s and then moves to the interpreter before the
# shell is asked.  With VT-x/AMD-V the same steps run (sumloop is asked on
# the interpreter there too) and the shell also answers under KVM.
# Prints "skipped: /dev/kvm not usable" without KVM.
set -u
B=${1:-build}
D=$B/demo
T=$B/tests/scripts/linux-switch
mkdir -p $T
scripts/demo-initramfs.sh $D >/dev/null || { echo "FAIL - cannot build the demo guest"; exit 1; }
err=$(timeout 10 $B/tandem -accel kvm -display none -S -monitor none 2>&1 </dev/null >/dev/null)
if printf '%s' "$err" | grep -q "cannot start accelerator kvm"; then
    echo "skipped: /dev/kvm not usable ($(printf '%s' "$err" | grep "cannot start" | sed 's/.*kvm: //'))"
    exit 0
fi
if ! grep -qw -e vmx -e svm /proc/cpuinfo; then
    echo "note: no vmx/svm: /dev/kvm is KVM-PVM (see the header for what it cannot run)"
    export LINUX_SWITCH_PVM=1
fi
# /sumloop (tests/scripts/sumloop.asm) added to the demo initramfs as a second
# archive (Linux unpacks concatenated cpio archives; the next one must start
# 4-byte aligned).  Its expected output comes from running it on the host
# CPU, and the host's answer for a small N is checked against python's model.
nasm -f elf64 -o $T/sumloop.o tests/scripts/sumloop.asm && ld -o $T/sumloop $T/sumloop.o ||
    { echo "FAIL - cannot build sumloop"; exit 1; }
mkdir -p $T/extra && cp $T/sumloop $T/extra/sumloop
cp $D/initramfs.cpio.gz $T/initrd
size=$(stat -c %s $T/initrd)
head -c $(( (4 - size % 4) % 4 )) /dev/zero >> $T/initrd
(cd $T/extra && echo sumloop | cpio -o -H newc 2>/dev/null) >> $T/initrd
host_sum() {   # sumloop answers when asked by a line on stdin
    (while sleep 0.2; do echo; done) | $T/sumloop $1 | sed -n 's/^sum=//p'
}
export SUMLOOP_N=${SUMLOOP_N:-30000000}
export SUMLOOP_SUM=$(host_sum $SUMLOOP_N)
export SUMLOOP_SMALL=$(host_sum 1000)
python3 tests/scripts/linux-switch.py $T 5000 $B/tandem -m 256 -kernel $D/vmlinuz \
    -initrd $T/initrd -append "console=ttyS0 loglevel=4"
rc=$?
echo "$rc failed"
[ $rc -eq 0 ]
