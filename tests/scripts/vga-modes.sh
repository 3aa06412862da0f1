#!/bin/bash
# The display, pixel-exact (driver: tests/scripts/vga_check.py): a VBE
# 320x200x32 picture drawn in the LFB by tests/scripts/vga-vbe.asm (under the
# interpreter and, when usable, KVM: the LFB is RAM the backend writes
# directly), a mode 13h picture set up and drawn by tests/scripts/vga-13h.asm
# through the VGA registers, and SeaBIOS's text screen drawn by its VGA BIOS, each saved with
# the monitor's screendump and compared with an independent rendering.
set -u
B=${1:-build}
T=$B/tests/scripts/vga
mkdir -p $T
for g in vga-vbe vga-13h; do
    nasm -f bin -I tests/guests/ -I tests/guests/lib/ -o $T/$g.bin tests/scripts/$g.asm || exit 1
done
accels=interp
nasm -f bin -o $T/post.bin tests/scripts/post.asm || exit 1
timeout 60 $B/tandem -accel kvm -bios $T/post.bin -display none \
    -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null >/dev/null 2>&1
if [ $? -eq $(( (0x21 << 1) | 1 )) ]; then
    accels="interp kvm"
else
    echo "skipped: KVM not usable here, the VBE picture is checked under the interpreter only"
fi
timeout 300 python3 tests/scripts/vga_check.py $B/tandem $T/vga-vbe.bin $T/vga-13h.bin $T $accels
