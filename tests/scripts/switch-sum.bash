# Shared by tests/scripts/accel-switch.sh and snapshot.sh (sourced; not a test
# by itself): builds the switch-sum guest and runs sessions with it.
# Needs B (build dir) and T (scratch dir).
nasm -f bin -o "$T/switch-sum.bin" tests/scripts/switch-sum.asm || exit 1
nasm -f bin -o "$T/post.bin" tests/scripts/post.asm || exit 1
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }

# kvm_usable: 0 when -accel kvm starts (tandem's own error says why not)
kvm_usable() {
    local err
    err=$(timeout 20 "$B/tandem" -accel kvm -bios "$T/post.bin" -display none \
          -device isa-debug-exit,iobase=0xf4,iosize=4 2>&1 </dev/null >/dev/null)
    if printf '%s' "$err" | grep -q "cannot start accelerator kvm"; then
        echo "skipped: /dev/kvm not usable ($(printf '%s' "$err" | grep "cannot start" | sed 's/.*kvm: //'))"
        return 1
    fi
    return 0
}

# session NAME ARGS...: runs the guest with ARGS; once it says "ready" on
# COM1 it gets "hello" and "quit".  COM1 output in $T/NAME.out, stderr in
# $T/NAME.err; returns tandem's exit status (1 after "quit").
session() {
    local name=$1; shift
    local fifo="$T/$name.in" out="$T/$name.out"
    rm -f "$fifo"
    mkfifo "$fifo"
    : > "$out"
    ( exec 3>"$fifo"
      for _ in $(seq 600); do grep -q '^ready' "$out" && break; sleep 0.1; done
      printf 'hello\nquit\n' >&3 ) &
    local feeder=$!
    timeout -k 5 60 "$B/tandem" -M pc -bios "$T/switch-sum.bin" -display none \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot -serial stdio "$@" \
        <"$fifo" >"$out" 2>"$T/$name.err"
    local rc=$?
    kill $feeder 2>/dev/null
    wait $feeder 2>/dev/null
    rm -f "$fifo"
    return $rc
}

# expect_session NAME WANT-FILE ARGS...: status 1 and COM1 output == WANT-FILE
expect_session() {
    local name=$1 want=$2; shift 2
    session "$name" "$@"
    local rc=$?
    if [ $rc -eq 1 ] && cmp -s "$T/$name.out" "$want"; then
        return 0
    fi
    bad "$name ($*): status $rc, output:"
    sed 's/^/    /' "$T/$name.out" | head -8
    echo "  expected:"
    sed 's/^/    /' "$want"
    grep -v "kvm: \(KVM changed\|the host cannot\|this KVM does not\)" "$T/$name.err" | head -5
    return 1
}
