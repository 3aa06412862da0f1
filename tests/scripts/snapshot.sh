#!/bin/bash
# Snapshots from the command line (the hidden -savevm-after hook stands in for
# the monitor's savevm; -loadvm is the real option): switch-sum.asm saved in
# the middle of its checksum under one backend resumes under either and
# finishes with the unswitched run's checksum, then answers on its serial
# console.  Refusals: truncated, corrupt and foreign files, a missing file,
# another RAM size or device set: exit status 1 and one line naming the
# problem.  A failed save (the target is a directory) leaves no temporary
# file and the guest goes on.  The monitor's loadvm/savevm into a running
# guest (tests/scripts/switch-mon.py).  Runs involving KVM print "skipped: /dev/kvm not
# usable" without it.
set -u
B=${1:-build}
T=$B/tests/scripts/snapshot
mkdir -p "$T"
rm -f "$T"/*.snap "$T"/*.tmp.*
. tests/scripts/switch-sum.bash

session ref -accel interp
if [ $? -eq 1 ] && grep -q '^echo: hello$' "$T/ref.out"; then
    ok "reference run: $(grep sum= "$T/ref.out")"
else
    bad "reference run: $(cat "$T/ref.out")"
    exit 1
fi
tail -n +2 "$T/ref.out" > "$T/resumed.want"   # all but "switch-sum: start"

# save_under ACCEL MS: a snapshot after MS ms, the run itself undisturbed
save_under() {
    if expect_session "save-$1" "$T/ref.out" -accel "$1" -savevm-after "$2,$T/$1.snap" &&
       grep -q "test-hook: saved $T/$1.snap" "$T/save-$1.err" && [ -s "$T/$1.snap" ]; then
        ok "saved under $1 after $2 ms ($(stat -c %s "$T/$1.snap") bytes), the run went on unchanged"
    fi
}
# resume FROM TO
resume() {
    expect_session "load-$1-$2" "$T/resumed.want" -accel "$2" -loadvm "$T/$1.snap" &&
        ok "taken under $1, resumed under $2: same checksum, answers on COM1"
}
save_under interp 50
resume interp interp
kvm=0
kvm_usable && kvm=1
if [ $kvm -eq 1 ]; then
    resume interp kvm
    save_under kvm 150
    resume kvm interp
    resume kvm kvm
fi

# refused: LOADVM-FILE WANT ARGS... -> status 1, one "-loadvm:" line with WANT
refused() {
    local file=$1 want=$2; shift 2
    local err
    err=$(timeout 20 "$B/tandem" -M pc -bios "$T/switch-sum.bin" -display none -accel interp \
          -device isa-debug-exit,iobase=0xf4,iosize=4 -serial null "$@" -loadvm "$file" 2>&1 \
          </dev/null >/dev/null)
    local rc=$? lines
    lines=$(printf '%s\n' "$err" | grep -c "^tandem: -loadvm: ")
    if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && printf '%s' "$err" | grep -q -- "-loadvm: .*$want"; then
        ok "refused: $(printf '%s\n' "$err" | grep -- "-loadvm:")"
    else
        bad "not refused as expected (status $rc, want '$want'): $err"
    fi
}
size=$(stat -c %s "$T/interp.snap")
head -c $((size / 2)) "$T/interp.snap" > "$T/half.snap"
refused "$T/half.snap" "checksum mismatch"
cp "$T/interp.snap" "$T/flip.snap"
printf '\x55' | dd of="$T/flip.snap" bs=1 seek=$((size / 3)) conv=notrunc 2>/dev/null
cmp -s "$T/flip.snap" "$T/interp.snap" && printf '\xaa' | dd of="$T/flip.snap" bs=1 seek=$((size / 3)) conv=notrunc 2>/dev/null
refused "$T/flip.snap" "checksum mismatch"
refused "$T/switch-sum.bin" "not a Tandem snapshot"
refused "$T/no-such.snap" "cannot open"
refused "$T/interp.snap" "this machine 65536 KiB" -m 64M
refused "$T/interp.snap" "device set differs" -device isa-debug-exit,iobase=0x501,iosize=2

# a save that cannot be written: one line, nothing left behind, the guest goes on
mkdir -p "$T/adir"
if expect_session save-fail "$T/ref.out" -accel interp -savevm-after 50,"$T/adir" &&
   grep -q "test-hook: savevm failed: $T/adir: cannot write" "$T/save-fail.err" &&
   [ -z "$(ls "$T" | grep '\.tmp\.')" ] && [ -d "$T/adir" ]; then
    ok "save onto a directory: $(grep "savevm failed" "$T/save-fail.err")"
else
    bad "save onto a directory: $(grep test-hook "$T/save-fail.err")"
fi
# through the monitor: loadvm into the running guest (back to mid-computation:
# it computes and says ready again), savevm/loadvm, a foreign file refused
head -n 3 "$T/ref.out" > "$T/mon.want"
cat "$T/resumed.want" >> "$T/mon.want"
for a in interp $([ $kvm -eq 1 ] && echo kvm); do
    timeout 120 python3 tests/scripts/switch-mon.py loadvm "$B/tandem" "$T/switch-sum.bin" "$T" $a \
        "$T/mon.want" "$T/interp.snap" || fails=$((fails + 1))
done
[ $kvm -eq 1 ] || echo "skipped: /dev/kvm not usable (the KVM resumes)"
echo "$fails failed"
[ $fails -eq 0 ]
