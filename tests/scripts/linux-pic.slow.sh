#!/bin/bash
# Linux with the 8259 alone: the demo guest (see linux-boot.sh) booted with
# `noapic` (local APIC on, IOAPIC unused: the 8259 reaches the CPU through
# LINT0 in virtual-wire mode) and with `nolapic` (no APIC at all: PIC mode),
# each to its init and a shell command, then `poweroff -f` must end the
# emulator with status 0 (ACPI S5).  Slow: two interpreted kernel boots.
set -u
B=${1:-build}
D=$B/demo
T=$B/tests/scripts/linux-pic
mkdir -p $T
scripts/demo-initramfs.sh $D >/dev/null || { echo "FAIL - cannot build the demo guest"; exit 1; }
TIMEOUT=${LINUX_BOOT_TIMEOUT:-900}
fails=0
for opt in noapic nolapic; do
    python3 - "$TIMEOUT" "$T/$opt" "$opt" $B/tandem -accel interp -m 256 -display none -serial stdio \
        -no-reboot -kernel $D/vmlinuz -initrd $D/initramfs.cpio.gz \
        -append "console=ttyS0 loglevel=4 $opt" <<'PYEOF' || fails=$((fails + 1))
import os, re, select, subprocess, sys, time

timeout, logbase, opt, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = open(logbase + ".out", "wb")
buf, start = b"", time.time()

def expect(pattern, what):
    global buf
    while time.time() - start < timeout:
        m = re.search(pattern.encode(), buf)
        if m:
            buf = buf[m.end():]
            return
        r, _, _ = select.select([p.stdout], [], [], 1.0)
        if r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d:
                break
            buf += d
            out.write(d)
            out.flush()
    print("FAIL - %s: no %s (%.0f s)" % (opt, what, time.time() - start))
    p.kill()
    sys.exit(1)

expect(r"tandem-demo: init started", "init")
expect(r"tandem-demo# ", "shell prompt")
p.stdin.write(b"echo V=$((40+2))\n")
p.stdin.flush()
expect(r"V=42", "shell output")
print("ok - %s: init and a shell command (%.0f s)" % (opt, time.time() - start))
p.stdin.write(b"poweroff -f\n")
p.stdin.flush()
try:
    rc = p.wait(timeout=120)
except subprocess.TimeoutExpired:
    rc = None
    p.kill()
if rc == 0:
    print("ok - %s: poweroff -f ends the emulator with status 0" % opt)
else:
    print("FAIL - %s: poweroff -f: emulator status %s" % (opt, rc))
    sys.exit(1)
PYEOF
done
exit $((fails > 0))
