#!/usr/bin/env python3
"""The monitor console end to end (run by tests/scripts/monitor.sh).

  monitor.py socket TANDEM GUEST DIR ACCEL   -monitor unix:...: every command
                                              against tests/scripts/monitor.asm
  monitor.py pty TANDEM GUEST DIR            Ctrl-A c on a serial terminal
  monitor.py stdio TANDEM GUEST DIR          -monitor stdio from a pipe, -S

Prints "ok - ..." / "FAIL - ..." lines (and "skipped: ..."); exit status =
number of failures."""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

from tandem_test import PROMPT, Monitor as Mon, failures, ok, wait_file



def regs(m):
    text = m.cmd("info registers")
    vals = {}
    for k, v in re.findall(r"\b([A-Z][A-Z0-9]*) ?=([0-9a-f]+)", text):
        vals.setdefault(k, v)       # the first: SYSENTER's ESP/EIP come later
    return text, vals


def one_line(text):
    return text.count("\n") == 1 and text.strip() != ""


NEXT = {0x100: 0x102, 0x102: 0x107, 0x107: 0x100}    # the guest's loop


def socket_test(tandem, guest, d, accel):
    sock = os.path.join(d, "mon-%s.sock" % accel)
    con = os.path.join(d, "con-%s.txt" % accel)
    err = open(os.path.join(d, "err-%s.txt" % accel), "w+")
    for p in (sock, con):
        if os.path.exists(p):
            os.unlink(p)
    snap = os.path.join(d, "snap-%s.tvm" % accel)
    proc = subprocess.Popen([tandem, "-bios", guest, "-display", "none", "-accel", accel, "-m", "32M",
                             "-debugcon", "file:" + con, "-monitor", "unix:%s,server,nowait" % sock],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    try:
        time.sleep(0.3)
        if proc.poll() is not None:
            err.seek(0)
            text = err.read()
            if accel == "kvm" and "cannot start accelerator kvm" in text:
                print("skipped: /dev/kvm not usable (%s)" % text.strip().splitlines()[-1])
                return
            ok(False, "%s: tandem started" % accel, text)
            return
        m = Mon(sock)
        ok("Tandem monitor" in m.banner, "%s: banner and prompt on connect" % accel, m.banner)
        if not ok(wait_file(con, "ready\n"), "%s: the guest says ready" % accel):
            return
        session(m, accel, con, snap)
        m.s.sendall(b"quit\n")
        rc = proc.wait(20)
        ok(rc == 0 and not os.path.exists(sock), "%s: quit: status 0, socket removed" % accel,
           "status %s" % rc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def session(m, accel, con, snap):
    A = accel + ": "
    # ---- state the guest set
    text, r = regs(m)
    ok(r.get("EAX") == "12345678" and r.get("EBX") == "cafebabe" and r.get("EDX") == "0badf00d" and
       "mode: real mode" in text and re.search(r"CS =f000 base=0+f0000 limit=0000ffff", text),
       A + "info registers: the guest's EAX/EBX/EDX, real mode, CS descriptor", text)
    out = m.cmd("x/2xw 0x1000")
    ok("00001000: 0xdeadbeef 0x11223344" in out, A + "x/2xw: the words the guest wrote", out)
    out = m.cmd("xp/8xb 0x1000")
    ok("0xef 0xbe 0xad 0xde 0x44 0x33 0x22 0x11" in out, A + "xp/8xb: bytes, little-endian", out)
    out = m.cmd("x/2dw 0x1000")
    ok("-559038737 287454020" in out, A + "x/2dw: signed decimal", out)
    out = m.cmd("x/1xg 0x1000")
    ok("0x11223344deadbeef" in out, A + "x/1xg: a quadword", out)
    out = m.cmd("x/s 0x2000")
    ok('"Tandem monitor"' in out, A + "x/s: the string the guest copied", out)
    out = m.cmd("x/3c 0x2000")
    ok("'T' 'a' 'n'" in out, A + "x/3c: characters", out)
    out = m.cmd("x/3i 0xf0100")
    ok("inc ecx" in out and "mov dword ptr [0x3000], ecx" in out and "jmp" in out and
       "0x000f0102:" in out and "0x000f0107:" in out, A + "x/3i: the guest's loop in 16-bit code", out)
    # ---- interrupts: the guest counted its IRQ0s at 0x4000
    n = int(m.cmd("x/1uh 0x4000").split()[-1])
    out = m.cmd("info irq")
    line = [l for l in out.splitlines() if l.strip().startswith("0x08")]
    ok(n >= 5 and line and int(line[0].split()[1]) == n and "IRQ0 (8259 master IR0)" in line[0],
       A + "info irq: vector 0x08 = IRQ0 taken as often as the guest counted (%d)" % n, out)
    out = m.cmd("info pic")
    ok("master: irr=" in out and "imr=ff" in out and "vectors=08-0f" in out and "vectors=70-77" in out,
       A + "info pic: masks and the guest's base vectors", out)
    # ---- stop / step / break / cont
    m.cmd("stop")
    _, r1 = regs(m)
    time.sleep(0.2)
    _, r2 = regs(m)
    eip = int(r1["EIP"], 16)
    ok(r1["ECX"] == r2["ECX"] and eip in NEXT, A + "stop: ECX stays %s, EIP %04x in the loop" % (r1["ECX"], eip))
    out = m.cmd("step")
    _, r3 = regs(m)
    ok(int(r3["EIP"], 16) == NEXT[eip] and "0x%08x:" % (0xf0000 + NEXT[eip]) in out,
       A + "step: EIP %04x -> %04x, shown with its instruction" % (eip, NEXT[eip]), out)
    m.cmd("step 3")
    _, r4 = regs(m)
    ok(r4["EIP"] == r3["EIP"] and int(r4["ECX"], 16) == int(r3["ECX"], 16) + 1,
       A + "step 3: once around the loop (ECX + 1)", "%s %s" % (r3, r4))
    out = m.cmd("x/1i $pc")
    ok("0x%08x:" % (0xf0000 + int(r4["EIP"], 16)) in out, A + "x/1i $pc follows CS:EIP", out)
    out = m.cmd("break 0xf0107")
    ok("breakpoint 1 at 0xf0107" in out, A + "break", out)
    m.cmd("cont")
    hit = m.until(PROMPT)
    _, r5 = regs(m)
    ok("breakpoint hit, stopped at 0x000f0107" in hit and r5["EIP"] == "00000107",
       A + "cont runs to the breakpoint", hit)
    m.cmd("cont")
    hit = m.until(PROMPT)
    _, r6 = regs(m)
    ok("0x000f0107" in hit and r6["EIP"] == "00000107" and int(r6["ECX"], 16) == int(r5["ECX"], 16) + 1,
       A + "cont from the breakpoint: once around the loop to it again", "%s %s" % (r5, r6))
    m.cmd("delete")
    out = m.cmd("info breakpoints")
    ok("no breakpoints" in out, A + "delete", out)
    # ---- snapshots: save while stopped, run on, load: the registers come back
    out = m.cmd("savevm " + snap)
    ok(out == "" and os.path.exists(snap), A + "savevm", out)
    m.cmd("cont")
    time.sleep(0.3)
    m.cmd("stop")
    _, r7 = regs(m)
    out = m.cmd("loadvm " + snap)
    _, r8 = regs(m)
    ok(out == "" and r7["ECX"] != r6["ECX"] and r8["ECX"] == r6["ECX"] and r8["EIP"] == r6["EIP"],
       A + "loadvm restores ECX/EIP (%s)" % r6["ECX"], out + str(r7) + str(r8))
    out = m.cmd("loadvm " + snap + ".missing")
    ok(one_line(out), A + "loadvm of a missing file: one line", out)
    m.cmd("cont")
    # ---- errors: one line each, the guest keeps running
    mmio = re.search(r"^  ([0-9a-f]+)-[0-9a-f]+  mmio", m.cmd("info mtree"), re.M)
    ok(mmio, A + "info mtree shows an MMIO range")
    for bad in ("foo", "x/q 0x1000", "x/2x $nosuch", "info nothing", "step abc", "delete 9",
                "break", "xp/1x 0x" + (mmio.group(1) if mmio else "a0000"), "accel nosuch"):
        out = m.cmd(bad)
        ok(one_line(out) and not re.match(r"[0-9a-f]+:", out), A + "'%s': %s" % (bad, out.strip()), repr(out))
    _, r9 = regs(m)
    time.sleep(0.2)
    _, r10 = regs(m)
    ok(r9["ECX"] != r10["ECX"], A + "the guest runs on after the errors (ECX %s -> %s)" % (r9["ECX"], r10["ECX"]))
    # ---- the other info commands
    out = m.cmd("info registers -a")
    ok("FCW=" in out and "MXCSR=00001f80" in out and "XMM07=" in out and "EAX=" in out,
       A + "info registers -a: x87/SSE too", out[-300:])
    out = m.cmd("info fpu")
    ok("ST0=" in out and "XMM00=" in out and "EAX=" not in out, A + "info fpu", out)
    out = m.cmd("info accel")
    ok("accelerator: " + accel in out and "state: running" in out, A + "info accel", out)
    out = m.cmd("info mtree")
    ok("ram-below-4g" in out and "isa-bios" in out and re.search(r"0020-0021 +i8259-master", out) and
       "prio" in out, A + "info mtree: regions with priorities, flat view, ports", out[:300])
    out = m.cmd("info pci")
    ok("ID 8086:1237" in out and "ISA bridge" in out and "IRQ pin INTA" in out and "BAR4: I/O" in out,
       A + "info pci: IDs, classes, BARs, pins", out)
    out = m.cmd("info dev i8259")
    ok(re.search(r"m\.icw2 +0x08", out) and re.search(r"s\.icw2 +0x70", out), A + "info dev i8259", out)
    out = m.cmd("info dev cpu")
    ok("0x0000000012345678" in out and "cpuid_version" in out, A + "info dev cpu: the CPU state table", out[:200])
    out = m.cmd("info dev")
    ok("i8259" in out and "mc146818" in out, A + "info dev: the device list", out)
    if "  lapic\n" in out:
        lapic = m.cmd("info lapic")
        dev = m.cmd("info dev lapic")
        ok(lapic.split("\n")[0] == dev.split("\n")[0] and lapic.count("\n") > 3, A + "info lapic", lapic[:200])
    out = m.cmd("help")
    ok(all(c in out for c in ("info WHAT", "x/FMT ADDR", "xp/FMT ADDR", "stop", "cont", "step [N]",
                              "break ADDR", "delete [N]", "system_reset", "accel interp|kvm",
                              "savevm FILE", "loadvm FILE", "quit")), A + "help lists the commands", out)
    out = m.cmd("help info")
    ok("info registers [-a]" in out and "info mtree" in out, A + "help info", out)
    # ---- backend switch (KVM run only: there both exist)
    if accel == "kvm":
        out = m.cmd("accel interp")
        _, ra = regs(m)
        time.sleep(0.2)
        _, rb = regs(m)
        ok("accelerator: interp" in out and "accelerator: interp" in m.cmd("info accel") and
           ra["ECX"] != rb["ECX"], A + "accel interp: the guest runs on under the interpreter", out)
        out = m.cmd("accel kvm")
        ok("accelerator: kvm" in out, A + "accel kvm: and back", out)
    # ---- system_reset while stopped: at the reset vector, then it boots again
    m.cmd("stop")
    m.cmd("system_reset")
    text, r = regs(m)
    ok(r.get("EIP") == "0000fff0" and re.search(r"CS =f000 base=0+ffff0000", text),
       A + "system_reset: CPU at F000:FFF0 (stopped)", text)
    m.cmd("cont")
    ok(wait_file(con, "ready\n", 2), A + "after system_reset and cont the guest starts again")


def pty_test(tandem, guest, d):
    """Ctrl-A c on -serial stdio (a terminal): into the monitor and back."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(tandem, [tandem, "-bios", guest, "-display", "none", "-accel", "interp", "-m", "32M",
                          "-serial", "stdio"])
    out = b""

    def read_until(marker, timeout=20):
        nonlocal out
        end = time.time() + timeout
        while marker not in out and time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        return marker in out

    try:
        time.sleep(0.5)
        os.write(fd, b"\x01c")
        ok(read_until(PROMPT), "pty: C-a c shows the monitor prompt", repr(out[-200:]))
        # typed with a mistake fixed by backspace: the terminal echoes and edits
        os.write(fd, b"info regXX\x7f\x7fisters\r")
        ok(read_until(b"EAX=12345678") and b"info regXX\b \b\b \bisters" in out,
           "pty: echo, backspace, info registers", repr(out[-300:]))
        out = b""
        os.write(fd, b"\x1b[A\r")       # up arrow: the last command again
        ok(read_until(b"EAX=12345678"), "pty: history (up arrow) repeats info registers", repr(out[-200:]))
        os.write(fd, b"\x01c")           # back to the serial console
        time.sleep(0.3)
        out = b""
        os.write(fd, b"info pic\r")      # now the guest's (it ignores COM1)
        time.sleep(0.5)
        read_until(b"never", 0.5)
        ok(b"master:" not in out, "pty: C-a c again gives the terminal back to the guest", repr(out))
        os.write(fd, b"\x01x")
        _, status = os.waitpid(pid, 0)
        pid = 0
        ok(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "pty: C-a x quits with status 0")
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


def stdio_test(tandem, guest, d):
    """-monitor stdio from a pipe, with -S: stopped at the reset vector until cont."""
    con = os.path.join(d, "con-stdio.txt")
    p = subprocess.Popen([tandem, "-bios", guest, "-display", "none", "-accel", "interp", "-m", "32M", "-S",
                          "-debugcon", "file:" + con, "-monitor", "stdio"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdin.write(b"info accel\ninfo registers\ncont\n")
        p.stdin.flush()
        started = wait_file(con, "ready\n", 1, 30)
        p.stdin.write(b"info accel\nquit\n")
        p.stdin.close()
        out = p.stdout.read().decode(errors="replace")
        rc = p.wait(20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    ok(out.startswith("Tandem monitor") and "state: stopped" in out and "EIP=0000fff0" in out and
       started and "state: running" in out and rc == 0,
       "-monitor stdio with -S: stopped at F000:FFF0, cont starts the guest, quit", out[-400:])


def main():
    mode, tandem, guest, d = sys.argv[1:5]
    if mode == "socket":
        socket_test(tandem, guest, d, sys.argv[5])
    elif mode == "pty":
        pty_test(tandem, guest, d)
    else:
        stdio_test(tandem, guest, d)
    sys.exit(failures())


if __name__ == "__main__":
    main()
