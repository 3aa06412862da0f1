#!/bin/bash
# Disks in snapshots, by reference and content hash (driver:
# tests/scripts/snapshot_disk.py with the guest tests/scripts/snap-disk.asm):
# a guest saved between two PIO reads of a raw disk resumes in a fresh tandem
# with the same image (also under -snapshot) and reads the same data; a
# changed image or another drive set is refused with one line (-loadvm:
# status 1; the monitor's loadvm: the guest runs on untouched); with
# qemu-img, a qcow2 overlay whose backing image changed is refused too.
set -u
B=${1:-build}
T=$B/tests/scripts/snapshot-disk
mkdir -p "$T"
nasm -f bin -I tests/guests/ -I tests/guests/lib/ -o "$T/snap-disk.bin" tests/scripts/snap-disk.asm || exit 1
timeout 300 python3 tests/scripts/snapshot_disk.py "$B/tandem" "$T" "$T/snap-disk.bin"
