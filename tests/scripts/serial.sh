#!/bin/bash
# COM1 through the whole machine: serial-echo.asm answers every line it gets
# on COM1 with "echo: LINE" using interrupts through the 8259A (16550A FIFO,
# trigger level and character timeout, THRE interrupts).  Backends:
# -serial stdio fed from a pipe (and -nographic, which implies it), -serial
# pty driven from python3, -serial file:, the default port, -serial none;
# the Ctrl-A escapes; -debugcon stdio sharing stdout; and, on a pseudo-
# terminal as the controlling tty, raw mode and its restoration on every exit
# path (guest exit, Ctrl-A x, SIGTERM, Ctrl-C).
set -u
B=${1:-build}
T=$B/tests/scripts
mkdir -p $T
nasm -f bin -o $T/serial-echo.bin tests/scripts/serial-echo.asm || exit 1
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
EMU=("$B/tandem" -M pc -bios "$T/serial-echo.bin" -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot)
ICOUNT=(-icount shift=0,sleep=off)     # idle time passes at once: the 5 s timeout is instant

# expect_out NAME STATUS EXPECTED-PRINTF-FORMAT INPUT-PRINTF-FORMAT ARGS...
expect_out() {
    local name=$1 want_rc=$2 want=$3 input=$4; shift 4
    printf "$want" > $T/serial-want.txt
    printf "$input" | timeout 20 "${EMU[@]}" "$@" > $T/serial-out.txt 2>$T/serial-err.txt
    local rc=$?
    if [ $rc -eq $want_rc ] && cmp -s $T/serial-out.txt $T/serial-want.txt; then
        ok "$name"
    else
        bad "$name: status $rc (want $want_rc), output:"
        od -c $T/serial-out.txt | head -20
        echo "  expected:"
        od -c $T/serial-want.txt | head -20
        head -5 $T/serial-err.txt
    fi
}

R='ready\r\n'
expect_out "-serial stdio from a pipe: lines echoed through IRQ4" 1 \
    "${R}echo: hello\r\necho: world\r\necho: quit\r\nbye\r\n" 'hello\nworld\r\nquit\n' \
    -display none -serial stdio
expect_out "-nographic puts COM1 on stdio" 1 \
    "${R}echo: 12345678901234567890\r\necho: quit\r\nbye\r\n" '12345678901234567890\nquit\n' -nographic
expect_out "C-a C-a sends one C-a to the guest" 1 \
    "${R}echo: a\001b\r\necho: quit\r\nbye\r\n" 'a\001\001b\nquit\n' -display none -serial stdio
expect_out "-debugcon stdio shares stdout with the serial port" 1 \
    "guest up\n${R}echo: x\r\necho: quit\r\nbye\r\n" 'x\nquit\n' -display none -serial stdio -debugcon stdio
expect_out "-serial none -serial stdio: stdio is COM1" 1 \
    "${R}echo: quit\r\nbye\r\n" 'quit\n' -display none -serial none -serial stdio
expect_out "-serial null -serial stdio: COM1 is null, COM2 on stdio" 33 "" 'quit\n' \
    -display none -serial null -serial stdio "${ICOUNT[@]}"
expect_out "no input for 5 s (virtual): the guest gives up" 33 "${R}timeout\r\n" '' \
    -display none -serial stdio "${ICOUNT[@]}"
expect_out "default with -display none: COM1 on null" 33 "" 'quit\n' -display none "${ICOUNT[@]}"
expect_out "-serial none: no COM1" 35 "" 'quit\n' -display none -serial none "${ICOUNT[@]}"

# Ctrl-A h prints the escapes, Ctrl-A c switches to the monitor and back,
# Ctrl-A x ends the emulator with status 0 at once.
printf 'x\n\001h\001cinfo pic\n\001cquit\n' | timeout 20 "${EMU[@]}" -display none -serial stdio > $T/serial-out.txt 2>/dev/null
rc=$?
if [ $rc -eq 1 ] && grep -q "C-a x *exit" $T/serial-out.txt && grep -q "^(tandem) " $T/serial-out.txt &&
   grep -q "master: irr=" $T/serial-out.txt && grep -q "echo: quit" $T/serial-out.txt; then
    ok "C-a h prints the escapes, C-a c switches to the monitor (info pic) and back"
else
    bad "C-a h / C-a c: status $rc"; cat -v $T/serial-out.txt
fi
# (The input then ends: without C-a x the guest would time out, status 33.)
(printf 'x\n'; sleep 0.5; printf '\001x') | timeout 20 "${EMU[@]}" -display none -serial stdio > $T/serial-out.txt 2>/dev/null
rc=$?
if [ $rc -eq 0 ] && grep -q "echo: x" $T/serial-out.txt && grep -q "terminated" $T/serial-out.txt; then
    ok "C-a x quits with status 0"
else
    bad "C-a x: status $rc"; cat -v $T/serial-out.txt
fi

# -serial file:PATH (output only)
rm -f $T/serial-file.txt
timeout 20 "${EMU[@]}" -display none -serial file:$T/serial-file.txt "${ICOUNT[@]}" </dev/null >$T/serial-out.txt 2>/dev/null
rc=$?
printf "${R}timeout\r\n" > $T/serial-want.txt
if [ $rc -eq 33 ] && cmp -s $T/serial-file.txt $T/serial-want.txt && [ ! -s $T/serial-out.txt ]; then
    ok "-serial file: gets the output"
else
    bad "-serial file: status $rc"; od -c $T/serial-file.txt | head
fi
check_err() {   # DESCRIPTION PATTERN ARGS...
    local what=$1 pat=$2; shift 2
    local err
    err=$(timeout 20 "${EMU[@]}" "$@" 2>&1 >/dev/null </dev/null)
    local r=$?
    if [ $r -ne 0 ] && [ "$(printf '%s\n' "$err" | grep -vc "accelerator")" -eq 1 ] &&
       printf '%s' "$err" | grep -q "$pat"; then
        ok "error: $what"
    else
        bad "error: $what (status $r, stderr: $err)"
    fi
}
check_err "unwritable -serial file" "cannot open" -display none -serial file:/nonexistent/dir/x
check_err "unknown -serial backend" "unknown character device" -display none -serial tcp:1234
check_err "stdio for two ports" "stdio is already in use by serial0" -display none -serial stdio -serial stdio

# -serial pty, and the terminal tests: python3 drives pseudo-terminals.
if ! command -v python3 >/dev/null; then
    bad "python3 is needed for the pty tests"
    exit 1
fi
python3 - "$B/tandem" "$T/serial-echo.bin" <<'EOF'
import os, re, select, signal, subprocess, sys, termios, time, tty
emu = [sys.argv[1], '-M', 'pc', '-bios', sys.argv[2], '-device',
       'isa-debug-exit,iobase=0xf4,iosize=4', '-no-reboot', '-display', 'none']
fails = 0
def ok(c, what, detail=''):
    global fails
    if c:
        print('ok - ' + what)
    else:
        fails += 1
        print('FAIL - %s %s' % (what, detail))

def read_until(fd, want, secs=10):
    buf = b''
    end = time.time() + secs
    while want not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                d = os.read(fd, 4096)
            except OSError:
                break
            if not d:
                break
            buf += d
    return buf

# -serial pty: the guest's greeting waits in the pty until we connect.
p = subprocess.Popen(emu + ['-serial', 'pty'], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
line = b''
while not line.endswith(b'\n'):
    c = p.stderr.read(1)
    if not c:
        break
    line += c
if b'accelerator' in line:
    line = p.stderr.readline()
m = re.match(rb'char device redirected to (/dev/pts/\d+) \(label serial0\)\n', line)
ok(m is not None, '-serial pty announces its device as QEMU does', repr(line))
if m:
    time.sleep(0.3)
    fd = os.open(m.group(1), os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd, termios.TCSANOW)     # TCSAFLUSH would drop what waits
    os.write(fd, b'ping\r')
    got = read_until(fd, b'echo: ping\r\n')
    ok(got == b'ready\r\necho: ping\r\n', '-serial pty: echo through the pty', repr(got))
    os.write(fd, b'\x01x quit\r')   # no escapes on a pty: C-a is data
    got = read_until(fd, b'quit\r\n')
    ok(got == b'echo: \x01x quit\r\n', '-serial pty: C-a is plain data', repr(got))
    os.write(fd, b'quit\n')
    got = read_until(fd, b'bye\r\n')
    ok(got == b'echo: quit\r\nbye\r\n', '-serial pty: quit', repr(got))
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    ok(rc == 1, '-serial pty: guest exit status', rc)
    os.close(fd)
else:
    p.kill()

# The emulator on a terminal: raw while running, restored however it ends.
def on_tty(args, action, want_rc, what):
    master, slave = os.openpty()
    orig = termios.tcgetattr(slave)
    def ctty():
        # as from an interactive shell: a background runner may ignore SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setsid()
        import fcntl
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    p = subprocess.Popen(emu + args, stdin=slave, stdout=slave, stderr=slave,
                         preexec_fn=ctty)
    got = read_until(master, b'ready')
    mode = termios.tcgetattr(slave)
    raw = not (mode[3] & termios.ECHO) and not (mode[3] & termios.ICANON)
    ok(b'ready' in got and raw, what + ': raw terminal while running', repr(got))
    action(master, p)
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    after = termios.tcgetattr(slave)
    ok(rc == want_rc, what + ': exit status', '%r, want %r' % (rc, want_rc))
    ok(after == orig, what + ': terminal restored', '%r\n  was %r' % (after, orig))
    tail = read_until(master, b'\x00', 0.3)
    os.close(master)
    os.close(slave)
    return got + tail

out = on_tty(['-serial', 'stdio'], lambda fd, p: os.write(fd, b'quit\r'), 1, 'guest exit')
ok(b'echo: quit' in out, 'guest exit: CR from the terminal reaches the guest untranslated', repr(out))
on_tty(['-serial', 'stdio'], lambda fd, p: os.write(fd, b'\x01x'), 0, 'C-a x')
on_tty(['-serial', 'stdio'], lambda fd, p: p.terminate(), -signal.SIGTERM, 'SIGTERM')
on_tty(['-serial', 'stdio'], lambda fd, p: os.write(fd, b'\x03'), -signal.SIGINT, 'C-c with -serial stdio')
out = on_tty(['-nographic'], lambda fd, p: os.write(fd, b'\x03\rquit\r'), 1, '-nographic')
ok(b'echo: \x03' in out, '-nographic: C-c goes to the guest', repr(out))

# SeaBIOS with -nographic: its console on COM1 (fw_cfg etc/sercon-port),
# polled output, clean up to 'No bootable device.'; C-a x ends it.
bios = '/usr/share/seabios/bios.bin'
if os.path.exists(bios):
    p = subprocess.Popen([sys.argv[1], '-bios', bios, '-nographic'], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    got = read_until(p.stdout.fileno(), b'No bootable device.', 60)
    p.stdin.write(b'\x01x')
    p.stdin.flush()
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    ok(b'No bootable device.' in got and b'SeaBIOS (version ' in got and rc == 0,
       'SeaBIOS -nographic: console on COM1 up to "No bootable device."', repr(got[-300:]) + ' rc=%r' % rc)
    # A re-entered console repeats characters and cursor moves (ESC[rr;ccH).
    ok(re.search(rb'\x1b\[\d\d;\d\dH', got) is None, 'SeaBIOS -nographic: output not garbled', repr(got))
else:
    print('# ' + bios + ' missing: SeaBIOS check skipped')
sys.exit(1 if fails else 0)
EOF
[ $? -eq 0 ] || fails=$((fails + 1))
[ $fails -eq 0 ]
