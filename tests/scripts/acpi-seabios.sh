#!/bin/bash
# SeaBIOS installs Tandem's ACPI tables (fw_cfg etc/table-loader): boots
# Debian's SeaBIOS under the interpreter to its boot attempt, then reads guest
# memory through the monitor (xp) the way an OS finds the tables: the RSDP in
# the F segment (OEM "TANDEM", revision 2, both checksums), the RSDT and XSDT
# it points to, and FACP, APIC and HPET through them with good checksums.
set -u
B=${1:-build}
T=$B/tests/scripts/acpi-seabios
mkdir -p $T
rm -f $T/debug.log
BIOS=/usr/share/seabios/bios.bin
[ -f $BIOS ] || { echo "FAIL - $BIOS missing (Debian package seabios)"; exit 1; }

python3 - $T $B/tandem -accel interp -m 128 -bios $BIOS -display none -serial none \
    -monitor stdio -debugcon file:$T/debug.log <<'PYEOF'
import os, re, select, struct, subprocess, sys, time

tdir, cmd = sys.argv[1], sys.argv[2:]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
buf = b""
fails = 0

def read_until(pattern, secs):
    global buf
    end = time.time() + secs
    while time.time() < end:
        m = re.search(pattern, buf)
        if m:
            out, buf = buf[:m.end()], buf[m.end():]
            return out
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            d = os.read(p.stdout.fileno(), 65536)
            if not d:
                break
            buf += d
    print("FAIL - monitor: no %r within %ds" % (pattern, secs))
    p.kill()
    sys.exit(1)

def mem(addr, n):
    """n bytes of guest-physical memory (n a multiple of 4), 4 KiB per xp."""
    data = b""
    for a in range(addr, addr + n, 4096):
        k = min(4096, addr + n - a)
        p.stdin.write(b"xp/%dxw 0x%x\n" % (k // 4, a))
        p.stdin.flush()
        out = read_until(rb"\(tandem\) ", 30)
        words = [int(w, 16) for w in re.findall(rb"0x([0-9a-f]{8})", out)]
        data += b"".join(struct.pack("<I", w) for w in words)[:k]
    return data

def check(cond, what):
    global fails
    print(("ok - " if cond else "FAIL - ") + what)
    if not cond:
        fails += 1

# wait for SeaBIOS's boot attempt
end = time.time() + 120
log = os.path.join(tdir, "debug.log")
while time.time() < end:
    if os.path.exists(log) and b"No bootable device" in open(log, "rb").read():
        break
    time.sleep(0.5)
else:
    print("FAIL - SeaBIOS did not reach its boot attempt")
    p.kill()
    sys.exit(1)
read_until(rb"\(tandem\) ", 10)
check(b"Moving pm_base to 0x600" in open(log, "rb").read(),
      "SeaBIOS found etc/table-loader (PM base moved to 0x600, as the FADT says)")

fseg = mem(0xf0000, 0x10000)
i = fseg.find(b"RSD PTR ")
while i >= 0 and i % 16:
    i = fseg.find(b"RSD PTR ", i + 1)
check(i >= 0, "RSDP in the F segment")
if i < 0:
    p.kill()
    sys.exit(1)
rsdp = fseg[i:i + 36]
check(rsdp[9:15] == b"TANDEM" and rsdp[15] == 2, "RSDP: OEM TANDEM, revision 2 (at 0x%x)" % (0xf0000 + i))
check(sum(rsdp[:20]) & 0xff == 0 and sum(rsdp) & 0xff == 0, "RSDP: both checksums")
rsdt_addr, length, xsdt_addr = struct.unpack_from("<IIQ", rsdp, 16)

def table(addr, sig):
    head = mem(addr, 36)
    n = struct.unpack_from("<I", head, 4)[0]
    t = mem(addr, (n + 3) & ~3)[:n]
    check(t[:4] == sig and sum(t) & 0xff == 0, "%s at 0x%x: signature, checksum, length %d" % (sig.decode(), addr, n))
    return t

rsdt = table(rsdt_addr, b"RSDT")
xsdt = table(xsdt_addr, b"XSDT")
rsdt_ptrs = struct.unpack_from("<%dI" % ((len(rsdt) - 36) // 4), rsdt, 36)
xsdt_ptrs = struct.unpack_from("<%dQ" % ((len(xsdt) - 36) // 8), xsdt, 36)
check(list(rsdt_ptrs) == list(xsdt_ptrs), "RSDT and XSDT list the same tables")
sigs = sorted(mem(a, 4) for a in rsdt_ptrs)
check(sigs == [b"APIC", b"FACP", b"HPET"], "tables: %s" % b" ".join(sigs).decode())
for a in rsdt_ptrs:
    t = table(a, mem(a, 4))
    if t[:4] == b"FACP":
        facs, dsdt = struct.unpack_from("<II", t, 36)
        table(dsdt, b"DSDT")
        check(mem(facs, 4) == b"FACS" and facs % 64 == 0, "FACS at 0x%x, 64-byte aligned" % facs)
p.stdin.write(b"q\n")
p.stdin.flush()
p.wait(timeout=10)
sys.exit(1 if fails else 0)
PYEOF
