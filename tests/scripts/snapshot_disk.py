#!/usr/bin/env python3
"""Disks in snapshots (run by tests/scripts/snapshot-disk.sh).

  snapshot_disk.py TANDEM DIR GUEST

GUEST (snap-disk.asm) reads disk sectors 5 and 6 by PIO, prints "first=",
waits for a byte on COM1, reads them again and prints "again= next=".
  1. It is saved (monitor savevm) while waiting; the byte lets it finish:
     the reference "again=" line (checked against the image's sums here).
  2. -loadvm into a fresh tandem with the same image (also under -snapshot):
     the guest continues where it was (no "first=" again), reads the sectors
     again and prints the reference line.
  3. The image modified (a sector the guest never reads): -loadvm is refused
     with one line naming the drive, status 1; the monitor's loadvm into a
     running guest is refused with one line, the guest runs on untouched, and
     once the image is restored the same loadvm works.
  4. Another drive set (the image as -hdb, no disk): refused, one line.
  5. (with qemu-img) a qcow2 overlay over the image: saved and resumed; the
     base image changed under the unchanged overlay file: refused.
Prints ok/FAIL lines; exit status = failures."""
import os
import re
import shutil
import struct
import subprocess
import sys
import time

from tandem_test import Tandem, failures, ok

DISK_SIZE = 1 << 20


def sector_sum(img, lba):
    return sum(struct.unpack("<128I", img[lba * 512:(lba + 1) * 512])) & 0xffffffff


class Guest(Tandem):
    """snap-disk.asm on the interpreter, COM1 on a pipe (key() sends the byte
    it waits for)."""

    def __init__(self, tandem, guest, tdir, name, args):
        super().__init__(tandem, ["-accel", "interp", "-bios", guest, "-serial", "stdio",
                                  "-device", "isa-debug-exit,iobase=0xf4,iosize=4"] + list(args),
                         tdir, name, stdin=subprocess.PIPE)

    def key(self):
        self.p.stdin.write(b"x")
        self.p.stdin.flush()


def again_line(text):
    m = re.search(r"again=\S+ next=\S+", text)
    return m.group(0) if m else None


def refused(tandem, guest, tdir, name, args, want):
    """-loadvm ARGS must end with status 1 and exactly one -loadvm line with want."""
    t = Guest(tandem, guest, tdir, name, args)
    rc = t.finish()
    lines = [l for l in t.err().splitlines() if l.startswith("tandem: -loadvm: ")]
    ok(rc == 1 and len(lines) == 1 and re.search(want, lines[0]) and "first=" not in t.text(),
       "%s: refused with one line: %s" % (name, lines[0] if lines else "(none)"),
       "status %s, stderr %r" % (rc, t.err()[-300:]))


def qcow2_case(tandem, guest, tdir, img_path, img, want):
    ov, snap = os.path.join(tdir, "ov.qcow2"), os.path.join(tdir, "ov.snap")
    for f in (ov, snap):
        if os.path.exists(f):
            os.remove(f)
    r = subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", os.path.abspath(img_path),
                        "-F", "raw", ov], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) \
        if shutil.which("qemu-img") else None
    if not r or r.returncode:
        print("skipped: qemu-img not usable (the qcow2 overlay case)")
        return
    drive = ["-drive", "file=%s,format=qcow2" % ov]
    t = Guest(tandem, guest, tdir, "ov-save", drive)
    t.wait_log("first=")
    reply = t.cmd("savevm " + snap)
    t.key()
    t.finish()
    ok(reply == "" and again_line(t.text()) == want, "qcow2 overlay over the raw image: saved", reply)
    t = Guest(tandem, guest, tdir, "ov-load", drive + ["-loadvm", snap])
    time.sleep(0.3)
    t.key()
    rc = t.finish()
    ok(rc == 1 and again_line(t.text()) == want and "first=" not in t.text(),
       "qcow2 overlay: -loadvm goes on: %s" % again_line(t.text()), t.err()[-300:])
    changed = bytearray(img)
    changed[20 * 512] ^= 1
    open(img_path, "wb").write(changed)
    refused(tandem, guest, tdir, "ov-base-changed", drive + ["-loadvm", snap],
            r"drive ide0-hd0: content changed since the snapshot")
    open(img_path, "wb").write(img)


def main():
    tandem, tdir, guest = sys.argv[1:4]
    img_path, snap = os.path.join(tdir, "disk.img"), os.path.join(tdir, "disk.snap")
    img = bytes((i * 7 + (i >> 9) * 3) & 255 for i in range(DISK_SIZE))
    open(img_path, "wb").write(img)
    want = "again=%08X next=%08X" % (sector_sum(img, 5), sector_sum(img, 6))
    for f in (snap,):
        if os.path.exists(f):
            os.remove(f)
    hda = ["-drive", "file=%s,format=raw,index=0" % img_path]

    # 1. save while the guest waits, then let it finish
    t = Guest(tandem, guest, tdir, "save", hda)
    if not ok(t.wait_log("first=%08X" % sector_sum(img, 5)), "the guest read sector 5", t.text() + t.err()):
        t.finish(1)
        return
    reply = t.cmd("savevm " + snap)
    ok(reply == "" and os.path.getsize(snap) > 0, "savevm with a disk attached (%d bytes)"
       % (os.path.getsize(snap) if os.path.exists(snap) else 0), reply)
    t.key()
    rc = t.finish()
    ok(rc == 1 and again_line(t.text()) == want, "reference run: %s" % again_line(t.text()),
       "status %s, log %r" % (rc, t.text()))

    # 2. resumed in fresh tandems with the same image
    for name, extra in (("load", []), ("load-snapshot", ["-snapshot"])):
        t = Guest(tandem, guest, tdir, name, hda + extra + ["-loadvm", snap])
        time.sleep(0.3)
        t.key()
        rc = t.finish()
        ok(rc == 1 and again_line(t.text()) == want and "first=" not in t.text(),
           "-loadvm %s: the guest went on from the snapshot and read the sectors again: %s"
           % (" ".join(extra) or "(same image)", again_line(t.text())),
           "status %s, log %r, stderr %r" % (rc, t.text(), t.err()[-300:]))

    # 3. the image changed since the snapshot
    changed = bytearray(img)
    changed[9 * 512 + 100] ^= 0x5a
    open(img_path, "wb").write(changed)
    refused(tandem, guest, tdir, "load-changed", hda + ["-loadvm", snap],
            r"drive ide0-hd0: content changed since the snapshot \(the hash of '.*disk\.img' differs\)")
    t = Guest(tandem, guest, tdir, "mon-changed", hda)
    t.wait_log("first=")
    reply = t.cmd("loadvm " + snap)
    ok(reply.startswith("loadvm: ") and "\n" not in reply and "changed since the snapshot" in reply,
       "monitor loadvm with the image changed: one line: " + reply)
    ok(t.p.poll() is None and t.cmd("info accel") != "", "the monitor and the guest keep running")
    open(img_path, "wb").write(img)
    reply = t.cmd("loadvm " + snap)
    ok(reply == "", "monitor loadvm once the image is restored", reply)
    t.key()
    rc = t.finish()
    ok(rc == 1 and again_line(t.text()) == want, "the loaded guest finishes: %s" % again_line(t.text()),
       "status %s, log %r" % (rc, t.text()))

    # 4. other drive sets
    refused(tandem, guest, tdir, "load-hdb", ["-drive", "file=%s,format=raw,index=1" % img_path,
                                              "-loadvm", snap], "drive set differs")
    refused(tandem, guest, tdir, "load-nodisk", ["-loadvm", snap],
            "drive set differs: the snapshot has drive 'ide0-hd0', this machine does not")

    # 5. a qcow2 overlay: the hash is of what the guest sees, so a change to
    # its backing file (the overlay file untouched) is a change too
    qcow2_case(tandem, guest, tdir, img_path, img, want)
    print("%d failed" % failures())


main()
sys.exit(failures())
