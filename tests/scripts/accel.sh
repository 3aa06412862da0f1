#!/bin/bash
# The backends side by side: tests/scripts/accel.asm (port I/O, string I/O,
# unassigned ports and MMIO, ROM write protection, HLT woken by the PIT through
# the 8259A, CPUID and MSRs) must pass under -accel interp and -accel kvm with
# the same output; and the accelerator choice on the command line: the startup
# line, -enable-kvm, -icount refused with KVM, KVM requested but unusable.
# The KVM runs print "skipped: /dev/kvm not usable" without a usable /dev/kvm.
set -u
B=${1:-build}
T=$B/tests/scripts/accel
mkdir -p "$T"
rm -f "$T"/interp/* "$T"/kvm/*
nasm -f bin -I tests/guests/ -I tests/guests/lib/ -o "$T/accel.bin" tests/scripts/accel.asm || exit 1
nasm -f bin -o "$T/post.bin" tests/scripts/post.asm || exit 1
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
run() {   # run ACCEL -> PASS/FAIL line of run-guest.sh
    GUEST_LOG_DIR="$T/$1" GUEST_EXTRA_FLAGS="-accel $1 -m 128M" \
        tests/guests/run-guest.sh "$B/tandem" "$T/accel.bin" 120
}
post() {  # post ARGS... : the command-line test guest; stderr on stdout
    timeout 20 "$B/tandem" -bios "$T/post.bin" -display none \
        -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" 2>&1 </dev/null >/dev/null
}

# ---- the guest under the interpreter
res=$(run interp)
[ "${res%% *}" = PASS ] && ok "interp: $res" || bad "interp: $res"
post_ok=$(( (0x21 << 1) | 1 ))

# ---- accelerator choice (no KVM needed)
hw=0
grep -qwE 'vmx|svm' /proc/cpuinfo && hw=1
kvm_opens=0
{ exec 3<>/dev/kvm; } 2>/dev/null && kvm_opens=1
exec 3>&-
err=$(post)
rc=$?
if [ $hw -eq 1 ] && [ $kvm_opens -eq 1 ]; then
    want="tandem: accelerator: kvm (VT-x/AMD-V and /dev/kvm available)"
elif [ $hw -eq 0 ]; then
    want="tandem: accelerator: interp (no VT-x/AMD-V on this host)"
else
    want="tandem: accelerator: interp (/dev/kvm:"
fi
if [ $rc -eq $post_ok ] && printf '%s\n' "$err" | grep -qF "$want"; then
    ok "default backend: '$(printf '%s\n' "$err" | grep "accelerator:")'"
else
    bad "default backend: status $rc, stderr: $err (wanted '$want')"
fi
err=$(post -icount shift=0)
printf '%s\n' "$err" | grep -qF "tandem: accelerator: interp" && ok "-icount picks the interpreter" ||
    bad "-icount: $err"
err=$(post -accel kvm -icount shift=0)
rc=$?
if [ $rc -ne 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
    printf '%s' "$err" | grep -q "icount needs -accel interp"; then
    ok "-icount with -accel kvm: one-line error"
else
    bad "-icount with -accel kvm: status $rc, stderr: $err"
fi
# KVM requested where /dev/kvm is not KVM (a private mount namespace)
if unshare -m true 2>/dev/null; then
    err=$(unshare -m sh -c "mount --bind /dev/null /dev/kvm && timeout 20 $B/tandem -bios $T/post.bin \
          -display none -accel kvm 2>&1 >/dev/null </dev/null")
    rc=$?
    if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
        printf '%s' "$err" | grep -q "cannot start accelerator kvm"; then
        ok "-accel kvm without KVM: '$err'"
    else
        bad "-accel kvm without KVM: status $rc, stderr: $err"
    fi
else
    echo "skipped: -accel kvm without KVM (no unshare -m here)"
fi

# ---- the guest under KVM
err=$(post -accel kvm)
rc=$?
if printf '%s' "$err" | grep -q "cannot start accelerator kvm"; then
    echo "skipped: /dev/kvm not usable ($(printf '%s' "$err" | grep "cannot start" | sed 's/.*kvm: //'))"
    exit $fails
fi
[ $rc -eq $post_ok ] && ok "-accel kvm runs the command-line guest" || bad "-accel kvm: status $rc: $err"
err=$(post -enable-kvm)
printf '%s\n' "$err" | grep -qF "tandem: accelerator: kvm (requested)" && ok "-enable-kvm selects KVM" ||
    bad "-enable-kvm: $err"
res=$(run kvm)
[ "${res%% *}" = PASS ] && ok "kvm: $res" || bad "kvm: $res"
# Same output.  A KVM that rewrites CPUID leaves says so on stderr (KVM-PVM puts
# the host's features in leaf 1): those leaves are left out, visibly.
skip=$(sed -n 's/.*KVM changed CPUID leaf 0x\([0-9a-f]*\) .*/\1/p' "$T/kvm/accel.err" 2>/dev/null)
filter="^$"
for l in $skip; do
    echo "note: this KVM rewrites CPUID leaf 0x$l: that line is not compared"
    filter="$filter|^# cpuid $(printf '%08X' $((0x$l))):"
done
# Model features the host cannot offer are reported too ("1.ECX=0x...
# 80000001h.EDX=0x..."): the guest sees them cleared, so those leaves differ.
lack=$(sed -n 's/.*the host cannot offer these CPUID features of the CPU model: //p' "$T/kvm/accel.err" 2>/dev/null |
       tr ' ' '\n' | sed -n 's/^\([0-9a-f]*\)h\{0,1\}\..*/\1/p' | sort -u)
for l in $lack; do
    echo "note: this host lacks model features of CPUID leaf 0x$l: that line is not compared"
    filter="$filter|^# cpuid $(printf '%08X' $((0x$l))):"
done
if diff <(grep -vE "$filter" "$T/interp/accel.log") <(grep -vE "$filter" "$T/kvm/accel.log") >"$T/diff"; then
    ok "same output under interp and kvm ($(wc -l < "$T/kvm/accel.log") lines)"
else
    bad "outputs differ:"
    cat "$T/diff"
fi
exit $fails
