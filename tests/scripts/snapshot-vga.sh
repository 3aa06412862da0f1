#!/bin/bash
# The display survives savevm/loadvm (driver: tests/scripts/snapshot_vga.py):
# a text screen (tests/scripts/snap-text.asm, -kernel), a mode 13h picture
# (vga-13h.asm) and a VBE LFB picture (vga-vbe.asm, also saved under KVM when
# usable) are dumped, saved, and loaded into fresh tandems (-S -loadvm, and
# the monitor's loadvm over another screen): every screendump must equal the
# original PNG byte for byte.
set -u
B=${1:-build}
T=$B/tests/scripts/snapshot-vga
mkdir -p "$T"
for g in vga-vbe vga-13h; do
    nasm -f bin -I tests/guests/ -I tests/guests/lib/ -o "$T/$g.bin" tests/scripts/$g.asm || exit 1
done
nasm -f bin -o "$T/snap-text.bin" tests/scripts/snap-text.asm || exit 1
nasm -f bin -o "$T/post.bin" tests/scripts/post.asm || exit 1
accels=interp
timeout 60 "$B/tandem" -accel kvm -bios "$T/post.bin" -display none \
    -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null >/dev/null 2>&1
if [ $? -eq $(( (0x21 << 1) | 1 )) ]; then
    accels="interp kvm"
else
    echo "skipped: KVM not usable here, the VBE picture is saved under the interpreter only"
fi
timeout 300 python3 tests/scripts/snapshot_vga.py "$B/tandem" "$T" "$T/snap-text.bin" \
    "$T/vga-13h.bin" "$T/vga-vbe.bin" $accels
