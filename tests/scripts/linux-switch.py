#!/usr/bin/env python3
"""The demo Linux guest switched between backends and snapshotted, for
tests/scripts/linux-switch.slow.sh (see its header for what and why).

  linux-switch.py DIR N TANDEM ARGS...

ARGS are the machine (-m, -kernel/-initrd/-append ...); this adds -accel,
-serial stdio, -display none and -monitor unix:DIR/NAME.sock.  N is the
shell loop's iteration count.  Prints "ok - ..." / "FAIL - ..." lines and
the measured numbers; exit status = number of failures."""
import os
import re
import subprocess
import sys
import time

from tandem_test import Console, Monitor, failures, ok

PROMPT = b"tandem-demo# "
BOOT_TIMEOUT = float(os.environ.get("LINUX_BOOT_TIMEOUT", "900"))
# KVM-PVM host (no VT-x/AMD-V): Linux's user-mode SYSCALL cannot run on KVM
PVM = os.environ.get("LINUX_SWITCH_PVM") == "1"


class Guest:
    """One tandem process: COM1 on its stdin/stdout (con), the monitor on a
    socket (mon)."""

    def __init__(self, d, name, tandem, machine, accel, extra=()):
        self.name, self.log = name, os.path.join(d, name)
        sock = self.log + ".sock"
        if os.path.exists(sock):
            os.unlink(sock)
        cmd = [tandem, "-accel", accel, "-display", "none", "-serial", "stdio", "-no-reboot",
               "-monitor", "unix:%s,server,nowait" % sock] + machine + list(extra)
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(self.log + ".err", "wb"))
        self.con = Console(self.p, open(self.log + ".out", "wb"))
        self.start = time.time()
        self.mon = Monitor(sock)

    def cmd(self, line):
        """A monitor command's reply, stripped."""
        return self.mon.cmd(line, 120).strip()

    def expect(self, pattern, secs):
        return self.con.expect(pattern, secs)

    def type(self, line):
        self.con.send(line)

    @property
    def buf(self):
        return self.con.buf

    def tail(self):
        err = open(self.log + ".err", "rb").read().decode("latin-1")
        return "\n--- %s COM1 tail:\n%s\n--- stderr:\n%s" % (
            self.name, self.buf[-800:].decode("latin-1"), err[-1500:])

    def shell(self, cmd, pattern, secs=120):
        """Types cmd; returns the match of pattern (then waits for the prompt)."""
        self.type(cmd)
        m = self.expect(pattern, secs)
        if m and not self.expect(re.escape(PROMPT), 60):
            return None
        return m

    def stop(self):
        try:
            self.mon.cmd("quit")
            self.p.wait(30)
        except Exception:  # noqa: BLE001 - it is going away whatever happened
            self.p.kill()
            self.p.wait()


def expected_sum(n):
    s = 0
    for i in range(n):
        s = (s * 31 + i) % 1000003
    return s


def loop(n):
    return ("i=0; s=0; while [ $i -lt %d ]; do s=$(( (s * 31 + i) %% 1000003 )); "
            "i=$((i+1)); done; echo sum=$s" % n)


SUM = rb"sum=(\d+)\r?\n|Segmentation fault"


def compute(g, n, switch_ms=0, switch_secs=0.0):
    """Runs the loop; with switch_ms, 'accel kvm'/'accel interp' alternately
    every switch_ms for the first switch_secs, ending on the interpreter
    (KVM-PVM: the shell's final write() must not run there, see the .sh).
    Returns (sum or None, seconds, switches, switch times in ms by target,
    bad monitor reply)."""
    g.type(loop(n))
    t0, nsw, bad, times = time.time(), 0, "", {"kvm": [], "interp": []}
    while True:
        m = g.expect(SUM, switch_ms / 1000.0 if switch_ms else 180)
        if m or bad or time.time() - t0 > 180:
            break
        on_kvm = nsw % 2 == 1
        if switch_ms and (time.time() - t0 < switch_secs or on_kvm):
            to = "interp" if on_kvm else "kvm"
            ts = time.time()
            reply = g.cmd("accel " + to)
            times[to].append((time.time() - ts) * 1000)
            if reply != "accelerator: " + to:
                bad = reply
            nsw += 1
    secs = time.time() - t0
    g.expect(re.escape(PROMPT), 60)
    return (int(m.group(1)) if m and m.group(1) else None), secs, nsw, times, bad


def expected_sumloop(n):
    """sumloop.asm's computation (slow in python: for small n, or when the
    host cannot run the program itself)."""
    m64 = (1 << 64) - 1
    a, b, l0, l1, f = 0x0123456789ABCDEF, 1, 0, 0, 0
    for i in range(n):
        a = (a * 6364136223846793005 + i) & m64
        b ^= a
        b = (((b << 13) | (b >> 51)) + i) & m64
        l0, l1 = l1, (l0 + a) & m64
        f += i & 0xFFFF
    return "%016x" % (a ^ b ^ l0 ^ l1 ^ f)


SUMLOOP = rb"sum=([0-9a-f]{16})\r?\n|sumloop: busy\r?\n"


class Accel:
    """Backend switches through the monitor, counted and timed."""

    def __init__(self, g, now):
        self.g, self.now, self.n, self.bad = g, now, 0, ""
        self.times = {"kvm": [], "interp": []}

    def to(self, target):
        if self.now == target:
            return
        ts = time.time()
        reply = self.g.cmd("accel " + target)
        self.times[target].append((time.time() - ts) * 1000)
        if reply != "accelerator: " + target:
            self.bad = self.bad or reply
        self.now, self.n = target, self.n + 1

    def summary(self):
        t = self.times
        return "to kvm %.0f-%.0f ms, to interp %.0f-%.0f ms" % (
            min(t["kvm"] or [0]), max(t["kvm"] or [0]), min(t["interp"] or [0]), max(t["interp"] or [0]))


def ask(g, acc):
    """Moves to the interpreter (the program's answer is a system call) and
    asks sumloop: its sum (hex string), "busy", or None (no answer)."""
    acc.to("interp")
    g.type("")
    m = g.expect(SUMLOOP, 120)
    if not m:
        return None
    return m.group(1).decode() if m.group(1) else "busy"


def sumloop_finish(g, acc, on, switch_ms=0, phase=2.0, limit=600):
    """Lets a started sumloop run: phases of `phase` s on `on` (with
    switch_ms: toggling every switch_ms), each ended by ask(), until the sum.
    Returns (sum or None, seconds)."""
    t0, s = time.time(), "busy"
    while s == "busy" and not acc.bad and time.time() - t0 < limit:
        acc.to(on)
        end = time.time() + phase
        while switch_ms and time.time() < end and not acc.bad:
            time.sleep(switch_ms / 1000.0)
            acc.to("kvm" if acc.now == "interp" else "interp")
        time.sleep(max(0.0, end - time.time()))
        s = ask(g, acc)
    secs = time.time() - t0
    g.expect(re.escape(PROMPT), 60)
    return (None if s == "busy" else s), secs


def sumloop(g, n, acc, on="interp", switch_ms=0, save=None):
    """/sumloop n from the shell (on the interpreter), then run on `on`
    (see sumloop_finish).  With save=FILE: savevm just after the move to
    `on`, then ask() must say busy (the snapshot is mid-computation).
    Returns (sum or None, seconds, savevm problem or "")."""
    g.type("/sumloop %d" % n)
    if not g.expect(rb"sumloop: start\r?\n", 120):
        return None, 0.0, "no start line"
    problem = ""
    if save:
        acc.to(on)
        problem = g.cmd("savevm " + save)
        state = ask(g, acc)
        if state != "busy":
            problem = problem or "after the savevm sumloop answered %r, not busy" % state
    s, secs = sumloop_finish(g, acc, on, switch_ms)
    return s, secs, problem


def answers(g, what):
    m = g.shell("echo $((6*7))", rb"\r?\n42\r?\n", 120)
    ok(m is not None, what, "" if m else g.tail())
    return m is not None


def sumloop_want():
    """(N, expected sum): the host CPU's answer (the .sh runs sumloop on the
    host), checked against python's model for a small N."""
    n = int(os.environ.get("SUMLOOP_N", "30000000"))
    small = os.environ.get("SUMLOOP_SMALL", "")
    ok(small == expected_sumloop(1000), "sumloop 1000 on the host CPU: %s (python: %s)"
       % (small, expected_sumloop(1000)))
    return n, os.environ.get("SUMLOOP_SUM") or expected_sumloop(n)


def sumloop_phase(g, d, n, want):
    """sumloop (no system call while it computes, see sumloop.asm) on the
    interpreter, on KVM, switched every 300 ms, and snapshotted in the
    middle under each backend (for sumloop_resume)."""
    for on in ("interp", "kvm"):
        acc = Accel(g, "interp")
        s, secs, _ = sumloop(g, n, acc, on)
        ok(s == want and not acc.bad, "sumloop %d on %s: sum=%s in %.1f s (host CPU: %s)"
           % (n, on, s, secs, want), acc.bad or g.tail())
    acc = Accel(g, "interp")
    s, secs, _ = sumloop(g, n, acc, "interp", switch_ms=300)
    ok(s == want and acc.n >= 6 and not acc.bad,
       "sumloop %d switched %d times every 300 ms while computing: sum=%s in %.1f s; %s"
       % (n, acc.n, s, secs, acc.summary()), acc.bad or g.tail())
    for on in ("interp", "kvm"):
        snap = os.path.join(d, "sumloop-%s.snap" % on)
        acc = Accel(g, "interp")
        s, secs, problem = sumloop(g, n, acc, on, save=snap)
        ok(s == want and not problem and not acc.bad,
           "sumloop on %s, savevm in the middle: sum=%s" % (on, s), problem or acc.bad or g.tail())


def sumloop_resume(d, tandem, machine, n, want):
    """Each mid-computation snapshot resumed under the other backend: the
    program computes on there and gives the right sum; then the shell
    answers (on the interpreter, see sumloop.asm)."""
    for frm, to in (("interp", "kvm"), ("kvm", "interp")):
        snap = os.path.join(d, "sumloop-%s.snap" % frm)
        if not os.path.exists(snap):
            continue
        g = Guest(d, "sumloop-" + to, tandem, machine, to, ["-loadvm", snap])
        acc = Accel(g, to)
        s, secs = sumloop_finish(g, acc, to)
        ok(s == want and not acc.bad, "sumloop savevm'd under %s, -loadvm under %s: sum=%s after %.1f s"
           % (frm, to, s, secs), acc.bad or g.tail())
        answers(g, "  then the shell answers on the interpreter")
        g.stop()


def main():
    d, n, tandem, machine = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    want = expected_sum(n)
    snap_i, snap_k = os.path.join(d, "at-prompt-interp.snap"), os.path.join(d, "at-prompt-kvm.snap")
    # LINUX_SWITCH_START=FILE: start from a snapshot taken at the prompt
    # instead of booting (for debugging; the boot takes a minute or more)
    start = os.environ.get("LINUX_SWITCH_START")
    g = Guest(d, "boot", tandem, machine, "interp", ["-loadvm", start] if start else [])
    if start:
        g.type("")
    if not ((start or g.expect(rb"tandem-demo: init started", BOOT_TIMEOUT)) and
            g.expect(re.escape(PROMPT), 120)):
        ok(False, "boot to the shell under the interpreter", g.tail())
        g.stop()
        return failures()
    ok(True, "shell prompt under the interpreter (%.0f s after start)" % (time.time() - g.start))
    answers(g, "interp: the shell answers")
    g.type("dmesg -n 8")   # user-mode faults (segfault lines) on the console
    g.expect(re.escape(PROMPT), 60)
    ts = time.time()
    r = g.cmd("savevm " + snap_i)
    ok(r == "", "interp: savevm at the shell prompt (%.2f s, %d KiB)"
       % (time.time() - ts, os.path.getsize(snap_i) // 1024 if os.path.exists(snap_i) else 0), r)

    s, secs, _, _, _ = compute(g, n, 0)
    ok(s == want, "interp, no switches: sum=%s in %.1f s (python: %d)" % (s, secs, want), g.tail())
    s, secs, nsw, times, bad = compute(g, n, 300, 2.0)
    lim = re.search(rb"segfault at (\w+) ip \1 ", g.buf) if PVM and s != want else None
    if lim:
        print("known limit (KVM-PVM) - %d switches: the shell's SYSCALL on KVM landed at LSTAR "
              "0x%s with CPL 3 (page fault on the kernel's entry_SYSCALL_64, SIGSEGV)"
              % (nsw, lim.group(1).decode()))
        g.type("")
        g.expect(re.escape(PROMPT), 60)
    else:
        ok(s == want and nsw >= 6 and not bad,
           "%d switches every 300 ms while computing: sum=%s in %.1f s (python: %d); "
           "to kvm %.0f-%.0f ms, to interp %.0f-%.0f ms"
           % (nsw, s, secs, want, min(times["kvm"] or [0]), max(times["kvm"] or [0]),
              min(times["interp"] or [0]), max(times["interp"] or [0])), bad or g.tail())
    sumloop_n, sumloop_sum = sumloop_want()
    sumloop_phase(g, d, sumloop_n, sumloop_sum)
    r = g.cmd("accel kvm")
    ok(r == "accelerator: kvm", "switch to kvm at the prompt", r)
    if PVM:
        time.sleep(1)   # the guest idles on KVM (timer interrupts), no system call
    elif answers(g, "kvm: the shell answers"):
        s, secs, _, _, _ = compute(g, n)
        ok(s == want, "kvm, no switches: sum=%s in %.1f s" % (s, secs), g.tail())
    ts = time.time()
    r = g.cmd("savevm " + snap_k)
    ok(r == "", "kvm: savevm at the shell prompt (%.2f s)" % (time.time() - ts), r)
    g.stop()

    sumloop_resume(d, tandem, machine, sumloop_n, sumloop_sum)
    for snap, frm, to in ((snap_i, "interp", "kvm"), (snap_k, "kvm", "interp")):
        if not os.path.exists(snap):
            continue
        g = Guest(d, "loadvm-" + to, tandem, machine, to, ["-loadvm", snap])
        what = "savevm under %s, -loadvm under %s" % (frm, to)
        if to == "kvm" and PVM:
            time.sleep(1)
            r = g.cmd("accel interp")
            ok(r == "accelerator: interp" and g.p.poll() is None,
               what + ": runs 1 s, then to interp", r)
            what += " (then interp)"
        if answers(g, what + ": the shell answers"):
            s, secs, _, _, _ = compute(g, n)
            ok(s == want, "%s: sum=%s in %.1f s" % (what, s, secs), g.tail())
        g.stop()
    return failures()


if __name__ == "__main__":
    sys.exit(main())
