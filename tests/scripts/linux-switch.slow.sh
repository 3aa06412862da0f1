#!/bin/bash
# Issue 5's "done when" with the real Linux guest (the demo guest of
# linux-boot.sh, driven by tests/scripts/linux-switch.py over COM1 and a
# `-monitor unix:` socket): boot under the interpreter to the shell, savevm
# at the prompt; a deterministic busybox shell loop
#   s = (s * 31 + i) % 1000003 for i < 5000
# once unswitched and once with `accel kvm` / `accel interp` every 300 ms
# while it runs (the first 2 s, ending on the interpreter), the printed sum
# checked against python's; `accel kvm` at the prompt and savevm there; then
# each snapshot resumed by a new tandem under the other backend (-loadvm,
# same -m/-kernel/-initrd/-append, so the same device set): the shell
# answers `echo $((6*7))` and computes the loop again.
#
# KVM-PVM (no VT-x/AMD-V; the development host): ring 0 is emulated by KVM,
# and what its emulator lacks that Linux uses (RDTSCP, VERW, CMPXCHG16B,
# FXSAVE/LDMXCSR) runs on the interpreter for one instruction (accel/kvm.c
# step_on_interp).  But Linux's user-mode SYSCALL does not work there: PVM
# delivers it to LSTAR (entry_SYSCALL_64) with CS 0x33, CPL 3 still, so the kernel takes an
# instruction-fetch page fault (error 0x15) and kills the process (SIGSEGV;
# init: kernel panic).  So on PVM no shell command runs under KVM: the
# switched computation is reported as "known limit (KVM-PVM)" when the guest
# shows exactly that fault (a busybox shell loop calls brk() now and then),
# the shell is not asked to answer under KVM (it idles there 1 s, timer
# interrupts only), and the -loadvm under KVM runs 1 s and then switches to
# the interpreter before the shell is asked.  With VT-x/AMD-V every step runs
# under KVM itself.  Prints "skipped: /dev/kvm not usable" without KVM.
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
python3 tests/scripts/linux-switch.py $T 5000 $B/tandem -m 256 -kernel $D/vmlinuz \
    -initrd $D/initramfs.cpio.gz -append "console=ttyS0 loglevel=4"
rc=$?
echo "$rc failed"
[ $rc -eq 0 ]
