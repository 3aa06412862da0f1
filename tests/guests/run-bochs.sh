#!/bin/bash
# run-bochs.sh IMAGE.bin [timeout_s]
# Optional second reference: runs a guest image under Bochs (Debian package
# "bochs", display via the rfb plugin with no client). Bochs has no
# isa-debug-exit device, so the result is read from the port 0xE9 output:
# a line "PASS" or "FAIL: ..." ends the run. Prints PASS NAME / FAIL NAME.
set -u
img=$(readlink -f "$1")
tmo=${2:-60}
name=$(basename "$img" .bin)
dir=$(mktemp -d "${TMPDIR:-/tmp}/bochs-$name.XXXXXX")
head -c 32768 /dev/zero > "$dir/vga.bin"
cat > "$dir/bochsrc" <<RC
megs: 32
romimage: file=$img
vgaromimage: file=$dir/vga.bin
cpu: count=1, ips=50000000, ignore_bad_msrs=0
display_library: rfb, options="timeout=0"
port_e9_hack: enabled=1
speaker: enabled=0
mouse: type=imps2
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: $dir/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
RC
: > "$dir/out"
echo c > "$dir/cmds"
bochs -q -f "$dir/bochsrc" < "$dir/cmds" > "$dir/out" 2>&1 &
pid=$!
end=$((SECONDS + tmo))
res=""
while [ $SECONDS -lt $end ]; do
    if grep -q '^PASS$' "$dir/out"; then res=PASS; break; fi
    if grep -q '^FAIL' "$dir/out"; then res=FAIL; break; fi
    if ! kill -0 $pid 2>/dev/null; then break; fi
    sleep 0.3
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
grep -a -E '^(ok|not ok|#|FAIL|PASS|unexpected)' "$dir/out" > "$dir/guest.log"
[ -n "${GUEST_LOG_DIR:-}" ] && mkdir -p "$GUEST_LOG_DIR" && cp "$dir/guest.log" "$GUEST_LOG_DIR/$name.bochs.log"
if [ "$res" = PASS ] && ! grep -q '^not ok' "$dir/guest.log"; then
    echo "PASS $name ($(grep -c '^ok ' "$dir/guest.log") checks, bochs)"
    rm -rf "$dir"; exit 0
fi
echo "FAIL $name (bochs): ${res:-no PASS/FAIL line (timeout or crash)}"
tail -n 8 "$dir/guest.log"; tail -n 5 "$dir/bochs.log" 2>/dev/null
rm -rf "$dir"; exit 1
