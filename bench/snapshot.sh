#!/bin/bash
# Snapshot and backend-switch times for a 256 MiB guest: bench/snapfill.asm
# fills 48 MiB of its RAM (32 MiB compressible, 16 MiB not) and halts.  Once
# it has, this script drives the monitor (-monitor unix:): 'accel kvm' /
# 'accel interp' 3 times each, 'savevm', 'loadvm' of that file into the
# running machine (3 times each), timing every command from send to prompt.
# Prints the times with units.  Without a usable /dev/kvm only the snapshot
# times are measured.
# Then the disk content hash (snapshots keep disks by reference and hash): a
# small stopped machine (-S -m 16M) with and without a 64 MiB raw disk of
# random bytes (in the host's page cache), savevm and loadvm 5 times each;
# the difference of the means is the time the hash of the disk takes (once
# per savevm, once per loadvm).
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
out=$B/bench
mkdir -p "$out"
nasm -f bin -o "$out/snapfill.bin" bench/snapfill.asm || exit 1
rm -f "$out/snapfill.snap" "$out/snapfill.log" "$out/snapshot.sock"
"$B/tandem" -m 256M -bios "$out/snapfill.bin" -accel interp -display none \
    -debugcon "file:$out/snapfill.log" -monitor "unix:$out/snapshot.sock,server,nowait" \
    2>"$out/snapshot.err" </dev/null &
pid=$!
timeout 120 python3 - "$out" <<'PYEOF'
import os, socket, sys, time
out = sys.argv[1]
end = time.time() + 60
while not os.path.exists(out + "/snapfill.log") or "filled" not in open(out + "/snapfill.log").read():
    if time.time() > end:
        sys.exit("the guest did not fill its RAM in 60 s")
    time.sleep(0.05)
s = socket.socket(socket.AF_UNIX)
for _ in range(200):
    try:
        s.connect(out + "/snapshot.sock")
        break
    except OSError:
        time.sleep(0.05)
buf = b""
def until_prompt():
    global buf
    while b"(tandem) " not in buf:
        buf += s.recv(65536)
    text, buf = buf.split(b"(tandem) ", 1)
    return text.decode(errors="replace").strip()
def timed(cmd):
    t = time.time()
    s.sendall(cmd.encode() + b"\n")
    reply = until_prompt()
    return (time.time() - t) * 1000, reply
until_prompt()
snap = out + "/snapfill.snap"
print("256 MiB guest, 48 MiB of it non-zero")
rows = {"switch interp -> kvm": [], "switch kvm -> interp": [], "savevm": [], "loadvm (into the running VM)": []}
for _ in range(3):
    ms, reply = timed("accel kvm")
    if reply != "accelerator: kvm":
        print("backend switch: skipped (%s)" % reply)
        break
    rows["switch interp -> kvm"].append(ms)
    ms, reply = timed("accel interp")
    rows["switch kvm -> interp"].append(ms)
for _ in range(3):
    ms, reply = timed("savevm " + snap)
    if reply:
        sys.exit("savevm: " + reply)
    rows["savevm"].append(ms)
    ms, reply = timed("loadvm " + snap)
    if reply:
        sys.exit("loadvm: " + reply)
    rows["loadvm (into the running VM)"].append(ms)
for name, v in rows.items():
    if v:
        print("%-30s %8.1f ms (best %.1f, of %d)" % (name, sum(v) / len(v), min(v), len(v)))
print("%-30s %8.1f MiB" % ("snapshot file", os.path.getsize(snap) / 1048576))
s.sendall(b"quit\n")
PYEOF
rc=$?
sleep 0.5
kill $pid 2>/dev/null
wait $pid 2>/dev/null
[ $rc -eq 0 ] || { echo "bench failed; tandem said:"; grep -v "kvm: " "$out/snapshot.err" | head -5; }
[ $rc -eq 0 ] || exit $rc

head -c 64M /dev/urandom > "$out/hash-disk.raw"
timeout 120 python3 - "$B/tandem" "$out" <<'PYEOF'
import os, socket, subprocess, sys, time
tandem, out = sys.argv[1:3]
def session(extra):
    sock = out + "/hash.sock"
    if os.path.exists(sock):
        os.remove(sock)
    p = subprocess.Popen([tandem, "-S", "-m", "16M", "-bios", out + "/snapfill.bin", "-accel", "interp",
                          "-display", "none", "-monitor", "unix:%s,server,nowait" % sock] + extra,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s = socket.socket(socket.AF_UNIX)
    for _ in range(200):
        try:
            s.connect(sock)
            break
        except OSError:
            time.sleep(0.05)
    buf = b""
    def cmd(c):
        nonlocal buf
        t = time.time()
        if c:
            s.sendall(c.encode() + b"\n")
        while b"(tandem) " not in buf:
            buf += s.recv(65536)
        text, buf = buf.split(b"(tandem) ", 1)
        if c and text.strip():
            sys.exit("%s: %s" % (c, text.decode(errors="replace").strip()))
        return (time.time() - t) * 1000
    cmd(None)
    snap = out + "/hash.snap"
    save = [cmd("savevm " + snap) for _ in range(5)]
    load = [cmd("loadvm " + snap) for _ in range(5)]
    s.sendall(b"quit\n")
    p.wait(10)
    return sum(save) / len(save), sum(load) / len(load)
s0, l0 = session([])
s1, l1 = session(["-drive", "file=%s/hash-disk.raw,format=raw" % out])
print("16 MiB stopped guest, 64 MiB raw disk (page cache)")
print("%-30s %8.1f ms without the disk, %.1f ms with it" % ("savevm", s0, s1))
print("%-30s %8.1f ms without the disk, %.1f ms with it" % ("loadvm", l0, l1))
h = ((s1 - s0) + (l1 - l0)) / 2
print("%-30s %8.1f ms (%.0f MiB/s)" % ("disk hash, 64 MiB raw", h, 64 / (h / 1000) if h > 0 else 0))
PYEOF
rc=$?
rm -f "$out/hash-disk.raw" "$out/hash.snap"
exit $rc
