#!/usr/bin/env python3
"""Pixel-exact display tests (run by tests/scripts/vga-modes.sh).

  vga_check.py TANDEM VBE_GUEST MODE13H_GUEST DIR ACCEL...
  vga_check.py sdl TANDEM DIR

1. VBE: VBE_GUEST (vga-vbe.asm) draws a 320x200x32 picture by formula in the
   LFB; `screendump` must give exactly that picture.
   MODE13H_GUEST (vga-13h.asm) sets mode 13h through the registers alone
   and draws a picture through chain-4 with its own DAC palette.
2. Text: SeaBIOS boots with its VGA BIOS (-nographic: its console goes to
   COM1 and the VGA text screen alike); `screendump` must equal the text that
   reached COM1 drawn here with the 8x16 font found in vgabios-stdvga.bin, in
   9-dot cells, light grey on black, with the mode-3 underline cursor;
   then `sendkey ctrl-alt-delete` must make SeaBIOS reset the machine.
3. sdl: under Xvfb, -display sdl's window (read back from SDL's renderer)
   must equal the screendump of the same SeaBIOS screen.
The PNG is decoded here (zlib + the five PNG filters), independently of
ui/png.c.  Prints ok/FAIL/skipped lines; exit status = number of failures."""
import os
import re
import subprocess
import sys
import time
import zlib

from tandem_test import failures, ok
from tandem_test import monitor_session as monitor

VGABIOS = "/usr/share/seabios/vgabios-stdvga.bin"


def png_read(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        typ, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        crc = int.from_bytes(data[pos + 8 + n:pos + 12 + n], "big")
        assert zlib.crc32(typ + body) == crc, "bad CRC in " + typ.decode()
        if typ == b"IHDR":
            w, h = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            assert body[8:13] == bytes([8, 2, 0, 0, 0]), "not 8-bit RGB"
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev, rows = zlib.decompress(idat), w * 3, bytearray(w * 3), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], prev[i - 3] if i >= 3 else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[3 * x:3 * x + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def compare(path, expect_w, expect_h, expect_px, what):
    try:
        w, h, rows = png_read(path)
    except Exception as e:
        return ok(False, what, "cannot read %s: %s" % (path, e))
    if not ok((w, h) == (expect_w, expect_h), what + ": size %dx%d" % (expect_w, expect_h), "got %dx%d" % (w, h)):
        return False
    bad = [(x, y) for y in range(h) for x in range(w) if rows[y][x] != expect_px(x, y)]
    detail = ""
    if bad:
        x, y = bad[0]
        detail = "%d pixels differ, first at (%d,%d): %s, expected %s" % (len(bad), x, y, rows[y][x], expect_px(x, y))
    return ok(not bad, what + ": every pixel as expected", detail)


def wait_for(path, text, proc, timeout):
    end = time.time() + timeout
    while time.time() < end and proc.poll() is None:
        try:
            if text in open(path, errors="replace").read():
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.1)
    return False


def run(tandem, args, tdir, name, ready, timeout, after=("quit",), env=None, settle=0):
    """Starts tandem, waits for `ready` in the debug log (then `settle`
    seconds), dumps the screen, sends the `after` monitor commands."""
    log, sock, png = [os.path.join(tdir, name + e) for e in (".log", ".sock", ".png")]
    for f in (log, sock, png):
        if os.path.exists(f):
            os.remove(f)
    out = open(os.path.join(tdir, name + ".out"), "w")
    err = open(os.path.join(tdir, name + ".err"), "w")
    p = subprocess.Popen([tandem, "-debugcon", "file:" + log, "-no-reboot",
                          "-monitor", "unix:%s,server,nowait" % sock] + args,
                         stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
    try:
        if not wait_for(log, ready, p, timeout):
            ok(False, name + ": guest reached '%s'" % ready, open(os.path.join(tdir, name + ".err")).read()[-300:])
            return None
        time.sleep(settle)
        reply = monitor(sock, ["screendump " + png] + list(after))
        if not ok(os.path.exists(png), name + ": screendump wrote " + png, reply):
            return None
    finally:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return png


def vbe_test(tandem, guest, tdir, accel):
    png = run(tandem, ["-accel", accel, "-bios", guest, "-display", "none"], tdir, "vbe-" + accel, "drawn", 30)
    if png:
        compare(png, 320, 200, lambda x, y: ((x * 4) & 255, (y * 5) & 255, (x ^ y) & 255),
                "VBE 320x200x32 LFB picture (%s)" % accel)


def mode13_test(tandem, guest, tdir, accel):
    png = run(tandem, ["-accel", accel, "-bios", guest, "-display", "none"], tdir, "mode13h-" + accel, "drawn", 30)
    six = lambda v: (v << 2) | (v >> 4)

    def px(x, y):
        i = (x + 2 * y) & 255
        return six(i & 63), six(i >> 2), six(63 - (i & 63))
    if png:
        compare(png, 320, 200, px, "mode 13h 320x200x256 picture through chain-4 and the DAC (%s)" % accel)


def find_font():
    rom = open(VGABIOS, "rb").read()
    glyph_a = bytes([0, 0, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe, 0xc6, 0xc6, 0xc6, 0xc6, 0, 0, 0, 0])
    at = rom.find(glyph_a)
    assert at >= 0x41 * 16, "8x16 font not found in " + VGABIOS
    base = at - 0x41 * 16
    return [rom[base + 16 * c:base + 16 * c + 16] for c in range(256)]


def text_screen(serial):
    """The 80x25 screen and cursor the console text leaves."""
    text = re.sub(r"\x1b(\[[0-9;?]*[A-Za-z]|c)", "", serial)
    screen = [[" "] * 80 for _ in range(25)]
    row = col = 0
    for ch in text:
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
        elif row < 25 and col < 80:
            screen[row][col] = ch
            col += 1
    return screen, row, col


def text_test(tandem, tdir):
    # The whole line and a second to settle: the debug log, COM1 and the
    # screen are written one character at a time.
    png = run(tandem, ["-accel", "interp", "-m", "128", "-nographic"], tdir, "seabios-text",
              "No bootable device.\n", 90, after=["sendkey ctrl-alt-delete"], settle=1)
    if not png:
        return
    # SeaBIOS's keyboard handler resets on Ctrl-Alt-Del; -no-reboot exits.
    err = open(os.path.join(tdir, "seabios-text.err")).read()
    ok("guest requested a reset" in err, "sendkey ctrl-alt-delete: SeaBIOS reset the machine", err[-200:])
    serial = open(os.path.join(tdir, "seabios-text.out"), errors="replace", newline="").read()
    end = serial.find("No bootable device.\r\n")
    if not ok(end >= 0, "COM1 has SeaBIOS's boot messages", serial[-200:]):
        return
    serial = serial[:end] + "No bootable device.\r\n"
    screen, crow, ccol = text_screen(serial)
    font = find_font()
    fg, bg = (0xaa, 0xaa, 0xaa), (0, 0, 0)

    def px(x, y):
        r, c, line, dot = y // 16, x // 9, y % 16, x % 9
        if (r, c) == (crow, ccol) and 13 <= line <= 14:
            return fg
        bits = font[ord(screen[r][c]) & 255][line]
        return fg if dot < 8 and bits & (0x80 >> dot) else bg
    compare(png, 720, 400, px, "SeaBIOS text screen 80x25 (9x16 cells, VGA BIOS font)")


def start_xvfb():
    """(Xvfb process, display number) or (None, None) with no free display;
    raises OSError when Xvfb cannot run."""
    # An explicit display number away from :0 (which a host X server, or
    # another one sharing the abstract socket namespace, may hold).
    for n in range(100 + os.getpid() % 300, 100 + os.getpid() % 300 + 20):
        if os.path.exists("/tmp/.X%d-lock" % n):
            continue
        xvfb = subprocess.Popen(["Xvfb", ":%d" % n, "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.time() + 5
        while time.time() < end and xvfb.poll() is None and not os.path.exists("/tmp/.X11-unix/X%d" % n):
            time.sleep(0.05)
        if xvfb.poll() is None and os.path.exists("/tmp/.X11-unix/X%d" % n):
            return xvfb, str(n)
        xvfb.kill()
        xvfb.wait()
    return None, None


def sdl_test(tandem, tdir):
    """Under Xvfb: the SDL window shows what screendump shows."""
    try:
        xvfb, num = start_xvfb()
    except OSError as e:
        print("skipped: SDL window test: cannot start Xvfb (%s)" % e)
        return
    try:
        if not ok(num is not None, "Xvfb started", "no free display"):
            return
        readback = os.path.join(tdir, "sdl-window.png")
        if os.path.exists(readback):
            os.remove(readback)
        env = dict(os.environ, DISPLAY=":" + num, TANDEM_SDL_READBACK=readback, SDL_VIDEODRIVER="x11")
        png = run(tandem, ["-accel", "interp", "-m", "128", "-display", "sdl"], tdir, "sdl", "No bootable device",
                  90, env=env, settle=1)
        if not png or not ok(os.path.exists(readback), "SDL window contents read back"):
            return
        w_, h_, rows = png_read(png)
        compare(readback, w_, h_, lambda x, y: rows[y][x], "SDL window under Xvfb shows the SeaBIOS screen")
    finally:
        if xvfb and xvfb.poll() is None:
            xvfb.terminate()
            xvfb.wait()


def main():
    if sys.argv[1] == "sdl":
        sdl_test(sys.argv[2], sys.argv[3])
        return failures()
    tandem, guest, guest13, tdir, accels = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
    os.makedirs(tdir, exist_ok=True)
    for a in accels:
        vbe_test(tandem, guest, tdir, a)
    mode13_test(tandem, guest13, tdir, "interp")
    text_test(tandem, tdir)
    return failures()


if __name__ == "__main__":
    sys.exit(main())
