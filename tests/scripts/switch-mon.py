#!/usr/bin/env python3
"""switch-sum.asm driven through the monitor (-monitor unix:), for
tests/scripts/accel-switch.sh and snapshot.sh.

  switch-mon.py switch TANDEM GUEST DIR ACCEL WANT
      'accel kvm' / 'accel interp' every 50 ms until the guest's checksum is
      out; COM1 output must equal WANT.
  switch-mon.py loadvm TANDEM GUEST DIR ACCEL WANT SNAP
      once the guest is done computing, 'loadvm SNAP' (taken mid-computation):
      it computes again from there; 'savevm' of the finished state and a
      reload of that too.  COM1 output must equal WANT.

Prints "ok - ..." / "FAIL - ..." lines; exit status = number of failures."""
import os
import subprocess
import sys
import time

from tandem_test import Monitor as Mon, failures, ok



def count(path, text):
    with open(path, errors="replace") as f:
        return f.read().count(text)


def main():
    mode, tandem, guest, d, accel, want = sys.argv[1:7]
    name = "mon-%s-%s" % (mode, accel)
    sock, out, err = (os.path.join(d, name + ext) for ext in (".sock", ".out", ".err"))
    if os.path.exists(sock):
        os.unlink(sock)
    p = subprocess.Popen([tandem, "-M", "pc", "-bios", guest, "-display", "none", "-accel", accel,
                          "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-no-reboot",
                          "-serial", "stdio", "-monitor", "unix:%s,server,nowait" % sock],
                         stdin=subprocess.PIPE, stdout=open(out, "wb"), stderr=open(err, "wb"))
    try:
        m = Mon(sock)
        if mode == "switch":
            n, bad = 0, ""
            while not count(out, "ready") and n < 400:
                to = ("kvm", "interp")[n % 2]
                reply = m.cmd("accel " + to)
                if reply.strip() != "accelerator: " + to:
                    bad = reply.strip()
                    break
                n += 1
                time.sleep(0.05)
            ok(n >= 3 and not bad, "%s: %d switches through the monitor while computing" % (accel, n), bad)
        else:
            snap = sys.argv[7]
            ok(wait_ready(out, 1), "%s: first run done" % accel)
            reply = m.cmd("loadvm " + snap)
            ok(reply == "", "%s: loadvm of a snapshot taken mid-computation" % accel, reply)
            ok(wait_ready(out, 2), "%s: the guest computed on from the snapshot" % accel)
            done = os.path.join(d, name + ".snap")
            reply = m.cmd("savevm " + done) + m.cmd("loadvm " + done)
            ok(reply == "", "%s: savevm + loadvm of the finished state" % accel, reply)
            reply = m.cmd("loadvm " + guest)
            ok(reply.count("\n") == 1 and "not a Tandem snapshot" in reply,
               "%s: loadvm of a foreign file: one line, the guest runs on" % accel, reply)
        p.stdin.write(b"hello\nquit\n")
        p.stdin.flush()
        rc = p.wait(60)
    except Exception as e:  # noqa: BLE001 - any failure is a test failure
        p.kill()
        p.wait()
        ok(False, "%s %s: %s" % (mode, accel, e))
        return failures()
    with open(want, "rb") as f:
        w = f.read()
    with open(out, "rb") as f:
        got = f.read()
    ok(rc == 1 and got == w, "%s %s: status %d, COM1 output as expected" % (mode, accel, rc),
       "got %r, want %r" % (got, w))
    return failures()


def wait_ready(out, n, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if count(out, "ready") >= n:
            return True
        time.sleep(0.05)
    return False


if __name__ == "__main__":
    sys.exit(main())
