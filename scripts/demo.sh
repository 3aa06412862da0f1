#!/bin/sh
# make demo: boots the demo guest on this terminal: Debian's linux-image-amd64
# kernel with a busybox initramfs (scripts/demo-initramfs.sh builds both into
# $B/demo), COM1 as the console on stdio.  The accelerator is Tandem's
# default: KVM where the host has VT-x/AMD-V, else the interpreter.
# Quit with 'poweroff -f' in the guest or C-a x.
# `scripts/demo.sh mandelbrot` runs the older, tiny demo: a 64 KiB ROM that
# draws the Mandelbrot set on the debug console in protected mode.
set -e
cd "$(dirname "$0")/.."
B=${B:-build}
mkdir -p $B
if [ "${1:-}" = mandelbrot ]; then
    nasm -f bin -o $B/demo-guest.bin scripts/demo-guest.asm
    status=0
    $B/tandem -M pc -bios $B/demo-guest.bin -nographic -debugcon stdio \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot || status=$?
    # The guest exits with value 0, i.e. status (0 << 1) | 1 = 1.
    [ $status -eq 1 ] || { echo "demo guest failed (exit status $status)"; exit 1; }
    exit 0
fi
scripts/demo-initramfs.sh $B/demo
echo "Booting Linux under Tandem: 'poweroff -f' or C-a x quits."
exec $B/tandem -M pc -m 256 -nographic -kernel $B/demo/vmlinuz -initrd $B/demo/initramfs.cpio.gz \
    -append "console=ttyS0 loglevel=4 ${DEMO_APPEND:-}"
