#!/usr/bin/env python3
"""The screen survives a snapshot (run by tests/scripts/snapshot-vga.sh).

  snapshot_vga.py TANDEM DIR TEXT_KERNEL MODE13H_GUEST VBE_GUEST ACCEL...

For each picture (80x25 text written by a -kernel Multiboot guest into
0xB8000, mode 13h drawn through the VGA registers, a VBE 320x200x32 frame in
the LFB): the guest draws and halts; the monitor takes `screendump A.png`
and `savevm S`.  Then
  1. a fresh tandem started with -S -loadvm S (the guest never runs there:
     the screen can only come from the snapshot) must dump the same PNG,
     byte for byte;
  2. a fresh tandem started with -S and no snapshot dumps a different
     (blank) screen; the monitor's `loadvm S` into it must then dump the
     same PNG as A (the load marks the whole screen for redrawing).
The VBE picture is also saved under KVM when ACCEL lists kvm (the LFB is
memory KVM writes directly).  Prints ok/FAIL lines; exit status = failures."""
import os
import sys

from tandem_test import Tandem, failures, ok



def read(path):
    return open(path, "rb").read() if os.path.exists(path) else b""


def case(tandem, tdir, name, args, save_accel):
    png_a, snap = [os.path.join(tdir, name + e) for e in ("-a.png", ".snap")]
    for f in (png_a, snap):
        if os.path.exists(f):
            os.remove(f)
    t = Tandem(tandem, ["-accel", save_accel] + args, tdir, name + "-save")
    try:
        if not ok(t.wait_log("drawn"), "%s: the guest drew its picture (%s)" % (name, save_accel), t.err()):
            return
        reply = t.cmd("screendump " + png_a) + t.cmd("savevm " + snap)
        if not ok(reply == "" and read(png_a) and os.path.exists(snap),
                  "%s: screendump and savevm under %s" % (name, save_accel), reply):
            return
    finally:
        t.close()
    # 1. -S -loadvm: the guest never runs, the screen is the snapshot's
    png_b = os.path.join(tdir, name + "-b.png")
    t = Tandem(tandem, ["-accel", "interp", "-S", "-loadvm", snap] + args, tdir, name + "-loadvm")
    try:
        reply = t.cmd("screendump " + png_b)
        ok(reply == "" and read(png_b) == read(png_a),
           "%s: -loadvm into a fresh tandem (-S, saved under %s): the same screendump, byte for byte (%d bytes)"
           % (name, save_accel, len(read(png_a))), reply + t.err())
    except (OSError, EOFError) as e:
        ok(False, "%s: -loadvm" % name, "%s %s" % (e, t.err()))
    finally:
        t.close()
    # 2. a blank screen first, then the monitor's loadvm
    png_c0, png_c1 = [os.path.join(tdir, name + e) for e in ("-c0.png", "-c1.png")]
    t = Tandem(tandem, ["-accel", "interp", "-S"] + args, tdir, name + "-mon")
    try:
        reply = t.cmd("screendump " + png_c0)
        ok(reply == "" and read(png_c0) and read(png_c0) != read(png_a),
           "%s: a fresh tandem shows another screen before the load" % name, reply)
        reply = t.cmd("loadvm " + snap) + t.cmd("screendump " + png_c1)
        ok(reply == "" and read(png_c1) == read(png_a),
           "%s: monitor loadvm over a drawn screen: the same screendump, byte for byte" % name, reply)
    except (OSError, EOFError) as e:
        ok(False, "%s: monitor loadvm" % name, "%s %s" % (e, t.err()))
    finally:
        t.close()


def main():
    tandem, tdir, text_kernel, m13, vbe = sys.argv[1:6]
    accels = sys.argv[6:]
    case(tandem, tdir, "text", ["-m", "32", "-kernel", text_kernel], "interp")
    case(tandem, tdir, "mode13h", ["-bios", m13], "interp")
    for a in accels:
        case(tandem, tdir, "vbe-" + a, ["-bios", vbe], a)
    print("%d failed" % failures())
    sys.exit(failures())


main()
