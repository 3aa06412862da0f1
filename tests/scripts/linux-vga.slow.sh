#!/bin/bash
# Issue 6's last item: the SDL window under Xvfb shows the Linux console.
# The demo guest (see linux-boot.sh) boots by -kernel with
# `console=tty0 console=ttyS0`: no firmware runs, so the loader leaves the
# VGA in mode 3 with its BIOS's font (hw/vga-post.c) and fills screen_info;
# tests/scripts/linux_vga.py then checks the kernel's log on the VGA text
# screen (decoded with the VGA BIOS font, each row also on ttyS0), a line
# the shell writes to /dev/tty1 pixel for pixel, and the SDL window against
# the screendump.  Slow: an interpreted kernel boot.  Without Xvfb or SDL in
# this build: a visible 'skipped' line.
set -u
B=${1:-build}
D=$B/demo
T=$B/tests/scripts/linux-vga
mkdir -p $T
if ! grep -q '^CONFIG_SDL = yes' config.mk 2>/dev/null; then
    echo "skipped: Linux VGA console test: this build has no SDL (./configure found no SDL2)"
    exit 0
fi
if ! command -v Xvfb >/dev/null; then
    echo "skipped: Linux VGA console test: no Xvfb (package xvfb; scripts/install-deps installs it)"
    exit 0
fi
scripts/demo-initramfs.sh $D >/dev/null || { echo "FAIL - cannot build the demo guest"; exit 1; }
TIMEOUT=${LINUX_BOOT_TIMEOUT:-900}
timeout $((TIMEOUT + 300)) python3 tests/scripts/linux_vga.py $B/tandem $D/vmlinuz $D/initramfs.cpio.gz $T $TIMEOUT
