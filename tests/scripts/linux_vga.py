#!/usr/bin/env python3
"""Linux's console on the VGA text screen and in the SDL window under Xvfb
(run by tests/scripts/linux-vga.slow.sh).

  linux_vga.py TANDEM VMLINUZ INITRAMFS DIR TIMEOUT

The demo guest boots with -kernel (no firmware runs: the loader leaves the
VGA in mode 3 with the VGA BIOS's font and says so in screen_info) and
`console=tty0 console=ttyS0`, with -display sdl on an Xvfb display and the
shell on COM1 (stdio).  Checks:
1. at the shell prompt the screen, decoded cell by cell with the font of
   vgabios-stdvga.bin, holds the kernel's log: every non-blank row is text
   that also reached ttyS0 (each printk goes to both consoles), including
   'Run /init as init process';
2. after `dmesg -n 1` (no more kernel messages on the consoles) the shell
   clears /dev/tty1 with an escape sequence vgacon interprets and writes a
   line computed by the shell: the screen must then be exactly that line,
   light grey on black, with the underline cursor below it, pixel for pixel;
3. both times the SDL window's contents (TANDEM_SDL_READBACK) equal the
   monitor's screendump.
Prints ok/FAIL lines; exit status = number of failures."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vga_check  # noqa: E402
from vga_check import png_read, compare  # noqa: E402
from tandem_test import Console, failures, ok  # noqa: E402
from tandem_test import monitor_session as monitor  # noqa: E402

tandem, vmlinuz, initrd, tdir, timeout = sys.argv[1:6]
timeout = float(timeout)
os.makedirs(tdir, exist_ok=True)
FG, BG = (0xaa, 0xaa, 0xaa), (0, 0, 0)


class Guest:
    def __init__(self, env):
        self.sock = os.path.join(tdir, "linux-vga.sock")
        self.readback = env["TANDEM_SDL_READBACK"]
        for f in (self.sock, self.readback):
            if os.path.exists(f):
                os.remove(f)
        self.err = open(os.path.join(tdir, "linux-vga.err"), "wb")
        self.p = subprocess.Popen(
            [tandem, "-accel", "interp", "-m", "256", "-display", "sdl", "-serial", "stdio", "-no-reboot",
             "-monitor", "unix:%s,server,nowait" % self.sock, "-kernel", vmlinuz, "-initrd", initrd,
             "-append", "console=tty0 console=ttyS0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, env=env)
        self.con = Console(self.p, open(os.path.join(tdir, "linux-vga.out"), "wb"))

    def expect(self, pattern, what, secs):
        if self.con.expect(pattern.encode(), secs):
            return True
        ok(False, "ttyS0 shows %s" % what, "after %.0f s, status %s, last output: %r" %
           (time.time() - self.con.start, self.p.poll(), self.con.buf[-300:].decode("latin-1")))
        return False

    def quiet(self, secs, limit=60):
        self.con.quiet(secs, limit)

    def send(self, line):
        self.con.send(line)

    def dump(self, name):
        """screendump, then the window's readback once the window caught up."""
        png = os.path.join(tdir, name + ".png")
        if os.path.exists(png):
            os.remove(png)
        reply = monitor(self.sock, ["screendump " + png])
        if not ok(os.path.exists(png), "%s: screendump wrote %s" % (name, png), reply):
            return None
        w, h, rows = png_read(png)
        same, end = False, time.time() + 5
        while not same and time.time() < end:
            time.sleep(0.3)
            try:
                same = png_read(self.readback) == (w, h, rows)
            except (OSError, AssertionError, ValueError):
                pass
        compare(self.readback, w, h, lambda x, y: rows[y][x],
                "%s: the SDL window under Xvfb shows what screendump shows" % name)
        return w, h, rows

    def stop(self):
        if self.p.poll() is None:
            self.send("poweroff -f")
            try:
                self.p.wait(60)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def glyph_table():
    """Cell bitmap (16 rows of 8 dots) -> character; printable ASCII wins
    over other codes with the same glyph."""
    font = vga_check.find_font()
    table = {}
    for c in list(range(128, 256)) + list(range(0, 32)) + list(range(32, 127)):
        table[bytes(font[c])] = chr(c) if 32 <= c < 127 else "?"
    return font, table


def decode(rows, table):
    """The 80x25 text of a 720x400 screen (9x16 cells, lit = not black);
    the cursor's lines 13-14 are ignored when a cell matches no glyph."""
    text = []
    for r in range(25):
        line = ""
        for c in range(80):
            cell = bytes(sum(0x80 >> x for x in range(8) if rows[r * 16 + y][c * 9 + x] != BG)
                         for y in range(16))
            ch = table.get(cell)
            if ch is None:
                ch = next((v for k, v in table.items() if k[:13] == cell[:13] and k[15:] == cell[15:]), "?")
            line += ch
        text.append(line.rstrip())
    return text


def check_kernel_log(shot, table, serial):
    w, h, rows = shot
    if not ok((w, h) == (720, 400), "kernel console: the screen is 80x25 text (720x400)", "%dx%d" % (w, h)):
        return
    text = decode(rows, table)
    open(os.path.join(tdir, "linux-vga-screen.txt"), "w").write("\n".join(text) + "\n")
    lines = [t for t in text if t.strip()]
    missing = [t for t in lines if t not in serial]
    ok(len(lines) >= 15, "kernel console: %d of 25 rows hold text" % len(lines), "\n".join(text))
    ok(not missing, "kernel console: every row on the VGA screen also reached ttyS0",
       "not on ttyS0: %r" % missing[:3])
    ok(any("Run /init as init process" in t for t in lines),
       "kernel console: 'Run /init as init process' is on the VGA screen", "\n".join(text))


def check_tty1(shot, font, marker):
    w, h, rows = shot

    def px(x, y):
        r, c, line, dot = y // 16, x // 9, y % 16, x % 9
        if (r, c) == (1, 0) and 13 <= line <= 14:
            return FG
        ch = marker[c] if r == 0 and c < len(marker) else " "
        return FG if dot < 8 and font[ord(ch)][line] & (0x80 >> dot) else BG
    compare_ok = (w, h) == (720, 400)
    ok(compare_ok, "tty1: the screen is 80x25 text", "%dx%d" % (w, h))
    if compare_ok:
        png = os.path.join(tdir, "linux-vga-tty1.png")
        compare(png, 720, 400, px, "tty1: '%s' on a cleared screen, cursor below, pixel for pixel" % marker)


def main():
    try:
        xvfb, num = vga_check.start_xvfb()
    except OSError as e:
        print("skipped: Linux VGA console test: cannot start Xvfb (%s)" % e)
        return 0
    if not ok(num is not None, "Xvfb started", "no free display"):
        return failures()
    env = dict(os.environ, DISPLAY=":" + num, SDL_VIDEODRIVER="x11",
               TANDEM_SDL_READBACK=os.path.join(tdir, "linux-vga-window.png"))
    g = Guest(env)
    try:
        if not g.expect(r"tandem-demo# ", "the shell prompt", timeout):
            return failures()
        ok(True, "shell prompt on ttyS0 (%.0f s)" % (time.time() - g.con.start))
        g.quiet(3)
        font, table = glyph_table()
        serial = g.con.buf.decode("latin-1").replace("\r", "")
        shot = g.dump("linux-vga-kernel")
        if shot:
            check_kernel_log(shot, table, serial)
        g.send("dmesg -n 1")
        g.expect(r"tandem-demo# ", "a prompt after dmesg -n 1", 60)
        # The shell computes the number: the typed command (echoed on ttyS0)
        # does not hold the text the screen must show.
        g.send(r"""printf '\033[H\033[J%s\n' "tandem on tty1: $((6*7))" > /dev/tty1""")
        if g.expect(r"tandem-demo# ", "a prompt after writing to /dev/tty1", 60):
            g.quiet(1)
            shot = g.dump("linux-vga-tty1")
            if shot:
                check_tty1(shot, font, "tandem on tty1: 42")
    finally:
        g.stop()
        if xvfb.poll() is None:
            xvfb.terminate()
            xvfb.wait()
    return failures()


if __name__ == "__main__":
    sys.exit(main())
