#!/bin/sh
# run-guest.sh EMULATOR_BINARY IMAGE.bin [timeout_s]
#
# Runs a Tandem guest test image (64 KiB flat ROM) under EMULATOR_BINARY
# (qemu-system-i386, qemu-system-x86_64 or build/tandem, which accepts the
# same flags), with the debugcon log on port 0xE9 and isa-debug-exit on 0xF4.
# Prints "PASS NAME" (exit 0) or "FAIL NAME: reason" (exit 1).
# Extra emulator flags may be given in $GUEST_EXTRA_FLAGS (e.g. "-accel kvm").
# The log is kept in $GUEST_LOG_DIR/NAME.log if GUEST_LOG_DIR is set, the
# emulator's stderr in $GUEST_LOG_DIR/NAME.err.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 EMULATOR_BINARY IMAGE.bin [timeout_s]" >&2
    exit 2
fi
emu=$1
img=$2
tmo=${3:-20}
name=$(basename "$img" .bin)
if [ ! -f "$img" ]; then
    echo "FAIL $name: image $img not found"
    exit 1
fi
if [ -n "${GUEST_LOG_DIR:-}" ]; then
    mkdir -p "$GUEST_LOG_DIR"
    log="$GUEST_LOG_DIR/$name.log"
    keep=1
else
    log=$(mktemp "${TMPDIR:-/tmp}/guest-$name.XXXXXX")
    keep=0
fi
: > "$log"
errf=$(mktemp "${TMPDIR:-/tmp}/guest-$name-err.XXXXXX")
# shellcheck disable=SC2086
timeout -k 5 "$tmo" "$emu" -M pc -bios "$img" -display none \
    -debugcon "file:$log" \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot \
    ${GUEST_EXTRA_FLAGS:-} </dev/null >"$errf" 2>&1
rc=$?
tail_log() {
    if [ -s "$log" ]; then
        echo "--- last lines of the guest log:"
        tail -n 8 "$log"
    else
        echo "--- guest log is empty"
    fi
    if [ -s "$errf" ]; then
        echo "--- emulator stderr:"
        tail -n 5 "$errf"
    fi
}
last=$(tail -n 1 "$log" 2>/dev/null)
result=0
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "FAIL $name: timeout after ${tmo}s"
    tail_log
    result=1
elif [ $rc -ne 1 ]; then
    code=$(( rc >> 1 ))
    if [ $(( rc & 1 )) -eq 1 ]; then
        echo "FAIL $name: guest exit code $code (status $rc)"
    else
        echo "FAIL $name: emulator exit status $rc (no guest exit: reset, crash or shutdown?)"
    fi
    tail_log
    result=1
elif [ "$last" != "PASS" ]; then
    echo "FAIL $name: exit status 1 but log does not end with PASS"
    tail_log
    result=1
elif grep -q '^not ok\|^FAIL' "$log"; then
    echo "FAIL $name: log has failing checks"
    tail_log
    result=1
else
    n=$(grep -c '^ok ' "$log")
    echo "PASS $name ($n checks)"
fi
[ $keep -eq 1 ] || rm -f "$log"
[ $keep -eq 1 ] && cp "$errf" "$GUEST_LOG_DIR/$name.err"
rm -f "$errf"
exit $result
