"""What the python test drivers in tests/scripts share: the ok/FAIL lines
and their count, the monitor's unix-socket client, and a guest's serial
console on a pipe.

    import tandem_test as tt
    tt.ok(cond, "what", "detail shown on failure")
    m = tt.Monitor(path); m.cmd("info registers")
    ...
    sys.exit(tt.failures())
"""
import os
import re
import select
import socket
import subprocess
import sys
import time

PROMPT = b"(tandem) "
_fails = [0]


def ok(cond, what, detail=""):
    """Prints "ok - what" or "FAIL - what: detail"; counts the failures."""
    if not cond:
        _fails[0] += 1
    print(("ok - " if cond else "FAIL - ") + what + ("" if cond or not detail else ": " + detail))
    sys.stdout.flush()
    return cond


def failures():
    return _fails[0]


def wait_file(path, text, count=1, timeout=60):
    """Whether the file comes to hold text (count times) within timeout s."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with open(path, errors="replace") as f:
                if f.read().count(text) >= count:
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


class Monitor:
    """A -monitor unix:PATH,server client.  cmd() sends a line and returns
    the text up to the next prompt; until() waits for text that comes on its
    own (a breakpoint hit); banner is what preceded the first prompt."""

    def __init__(self, path, connect_timeout=30):
        self.s = socket.socket(socket.AF_UNIX)
        end = time.time() + connect_timeout
        while True:
            try:
                self.s.connect(path)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.banner = self.until(PROMPT)

    def until(self, marker, timeout=30):
        """The text before marker (which is consumed)."""
        end = time.time() + timeout
        while marker not in self.buf:
            self.s.settimeout(max(0.01, end - time.time()))
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                raise TimeoutError("no %r; got %r" % (marker, self.buf[-300:])) from None
            if not data:
                raise EOFError("monitor closed; got %r" % self.buf[-300:])
            self.buf += data
        i = self.buf.index(marker)
        out, self.buf = self.buf[:i], self.buf[i + len(marker):]
        return out.decode(errors="replace")

    def cmd(self, line, timeout=30):
        self.s.sendall(line.encode() + b"\n")
        return self.until(PROMPT, timeout)


def monitor_session(path, cmds, timeout=30):
    """Connects, runs cmds, returns their output joined."""
    m = Monitor(path)
    try:
        return "".join(m.cmd(c, timeout) for c in cmds)
    except EOFError:
        return ""       # "quit" closes the socket
    finally:
        m.s.close()


class Console:
    """A guest's serial console on a pipe (-serial stdio): what it printed
    is kept in buf (and copied to log); expect() finds a pattern after the
    previous match."""

    def __init__(self, proc, log):
        self.p, self.log = proc, log
        self.buf, self.pos = b"", 0
        self.start = self.last_data = time.time()

    def read(self, secs):
        """Waits up to secs for output; False once the pipe is closed."""
        r, _, _ = select.select([self.p.stdout], [], [], secs)
        if not r:
            return True
        data = os.read(self.p.stdout.fileno(), 65536)
        if not data:
            return False
        self.buf += data
        self.last_data = time.time()
        self.log.write(data)
        self.log.flush()
        return True

    def expect(self, pattern, secs):
        """The match of pattern (bytes regex) after the previous one, or None."""
        rx, end = re.compile(pattern), time.time() + secs
        while True:
            m = rx.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = end - time.time()
            if left <= 0 or not self.read(min(left, 0.05)):
                return None

    def quiet(self, secs, limit=60):
        """Reads until the console has been silent for secs."""
        end = time.time() + limit
        while time.time() < end and time.time() - self.last_data < secs:
            self.read(0.2)

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()


class Tandem:
    """A tandem process for a test: its debug console (port 0xE9) in
    DIR/NAME.log, stderr in NAME.err, the monitor on NAME.sock (connected at
    the first cmd()); ARGS are the rest of its command line."""

    def __init__(self, tandem, args, tdir, name, stdin=subprocess.DEVNULL):
        self.log, self.sock, self.errpath = (os.path.join(tdir, name + e) for e in (".log", ".sock", ".err"))
        for f in (self.log, self.sock):
            if os.path.exists(f):
                os.remove(f)
        self.p = subprocess.Popen([tandem, "-display", "none", "-no-reboot", "-debugcon", "file:" + self.log,
                                   "-monitor", "unix:%s,server,nowait" % self.sock] + list(args),
                                  stdin=stdin, stdout=subprocess.DEVNULL, stderr=open(self.errpath, "w"))
        self.mon = None

    def text(self):
        """The debug console so far."""
        return open(self.log, errors="replace").read() if os.path.exists(self.log) else ""

    def wait_log(self, what, timeout=30):
        """Whether the debug console shows what (before timeout, while running)."""
        end = time.time() + timeout
        while time.time() < end and self.p.poll() is None:
            if what in self.text():
                return True
            time.sleep(0.05)
        return what in self.text()

    def cmd(self, line, timeout=60):
        """A monitor command's reply, stripped."""
        if not self.mon:
            self.mon = Monitor(self.sock, connect_timeout=10)
        return self.mon.cmd(line, timeout).strip()

    def err(self):
        return open(self.errpath).read()

    def finish(self, timeout=30):
        """The exit status (None: killed after timeout)."""
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None

    def close(self):
        """quit through the monitor, then wait (or kill)."""
        try:
            self.cmd("quit")
        except (OSError, EOFError, TimeoutError):
            pass
        self.finish(10)
