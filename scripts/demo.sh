#!/bin/sh
# make demo: boots Tandem's demo guest on this terminal.
set -e
cd "$(dirname "$0")/.."
B=${B:-build}
mkdir -p $B
nasm -f bin -o $B/demo-guest.bin scripts/demo-guest.asm
echo "Booting the demo guest under Tandem (interpreter):"
status=0
$B/tandem -M pc -bios $B/demo-guest.bin -nographic -debugcon stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot || status=$?
# The guest exits with value 0, i.e. status (0 << 1) | 1 = 1.
[ $status -eq 1 ] || { echo "demo guest failed (exit status $status)"; exit 1; }
