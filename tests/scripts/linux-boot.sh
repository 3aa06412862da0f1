#!/bin/bash
# Boots the demo guest (Debian's linux-image-amd64 kernel and a busybox
# initramfs, built by scripts/demo-initramfs.sh) with -kernel/-initrd/-append
# under the interpreter, COM1 on stdio driven from python3: waits for init's
# marker and the shell prompt, types commands and checks their output, then
# `poweroff -f` must end the emulator with status 0 (ACPI S5 through the
# PIIX4 PM device, found through the ACPI tables).  Without the kernel
# package it fails and says how to install it.  It is long: on a busy 2-core
# host /init starts after ~7 minutes, 6 of them in the kernel's XZ
# decompressor (the interpreter ran it at ~25 MIPS there).
set -u
B=${1:-build}
D=$B/demo
T=$B/tests/scripts
mkdir -p $T
scripts/demo-initramfs.sh $D || { echo "FAIL - cannot build the demo guest (see above)"; exit 1; }
TIMEOUT=${LINUX_BOOT_TIMEOUT:-900}

# Errors in the boot files or options: one line, status 1, before anything runs.
fails=0
expect_error() {   # NAME PATTERN ARGS...
    local name=$1 pat=$2; shift 2
    timeout 20 $B/tandem -accel interp -display none "$@" </dev/null >/dev/null 2>$T/linux-boot-err.txt
    local rc=$?
    if [ $rc -eq 1 ] && [ "$(wc -l < $T/linux-boot-err.txt)" -eq 1 ] && grep -q -- "$pat" $T/linux-boot-err.txt; then
        echo "ok - $name: $(cat $T/linux-boot-err.txt)"
    else
        echo "FAIL - $name: status $rc, stderr:"; cat $T/linux-boot-err.txt; fails=1
    fi
}
# Debian's kernel takes 2047 bytes of command line and needs ~80 MiB of RAM
# (pref_address 16 MiB + init_size) for its decompressor.
expect_error "command line over cmdline_size" "command line too long (3000 bytes, the kernel takes 2047)" \
    -kernel $D/vmlinuz -append "$(head -c 3000 /dev/zero | tr '\0' x)"
expect_error "RAM too small for the decompressor" "needs RAM up to" -m 32 -kernel $D/vmlinuz
truncate -s 32M $T/linux-boot-big.img
expect_error "initrd too big" "too big" -m 96 -kernel $D/vmlinuz -initrd $T/linux-boot-big.img
head -c 100000 $D/vmlinuz > $T/linux-boot-trunc.img
expect_error "truncated bzImage" "truncated" -kernel $T/linux-boot-trunc.img
[ $fails -eq 0 ] || exit 1

python3 - "$TIMEOUT" "$T/linux-boot" $B/tandem -accel interp -m 256 -display none -serial stdio -no-reboot \
    -kernel $D/vmlinuz -initrd $D/initramfs.cpio.gz -append "console=ttyS0 loglevel=4" <<'EOF'
import os, re, select, subprocess, sys, time

timeout, logbase, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
err = open(logbase + ".err", "wb")
out = open(logbase + ".out", "wb")
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
buf, pos, fails, start = b"", 0, 0, time.time()

def fail(msg):
    print("FAIL - %s (%.1f s)\n--- last serial output:\n%s" % (msg, time.time() - start,
          buf[-1500:].decode("latin-1")))
    p.kill()
    sys.exit(1)

def expect(pattern, what, secs):
    """Reads COM1 until pattern appears after the previous match."""
    global buf, pos
    rx, end = re.compile(pattern.encode()), time.time() + secs
    while True:
        m = rx.search(buf, pos)
        if m:
            pos = m.end()
            return m
        left = end - time.time()
        if left <= 0 or time.time() - start > timeout:
            fail("no %s" % what)
        r, _, _ = select.select([p.stdout], [], [], min(left, 1.0))
        if r:
            data = os.read(p.stdout.fileno(), 65536)
            if not data:
                fail("the emulator exited (status %s) before %s" % (p.wait(), what))
            buf += data
            out.write(data)
            out.flush()

def run(command, pattern, what):
    p.stdin.write(command.encode() + b"\n")
    p.stdin.flush()
    expect(pattern, what, 120)
    print("ok - %s" % what)
    expect(r"tandem-demo# ", "prompt after '%s'" % command, 120)

expect(r"tandem-demo: init started", "init marker line", timeout)
print("ok - /init started (%.1f s after start)" % (time.time() - start))
expect(r"tandem-demo# ", "shell prompt", 120)
print("ok - shell prompt on ttyS0")
run("echo $((6*7))", r"\r?\n42\r?\n", "arithmetic in the shell: 42")
run("echo R=$(uname -m)", r"R=x86_64", "uname -m is x86_64")
run("echo N=$(grep -c ^processor /proc/cpuinfo)", r"N=1\r?\n", "one processor in /proc/cpuinfo")
p.stdin.write(b"poweroff -f\n")
p.stdin.flush()
try:
    rc = p.wait(120)
except subprocess.TimeoutExpired:
    fail("poweroff -f did not end the emulator")
err.close()
msg = open(logbase + ".err", "rb").read().decode("latin-1")
if rc != 0 or "powered off" not in msg:
    fail("poweroff -f: status %d, stderr: %s" % (rc, msg.strip()))
print("ok - poweroff -f ends the emulator with status 0 (%.1f s in all)" % (time.time() - start))
EOF
