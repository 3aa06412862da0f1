#!/bin/bash
# The SDL window for real under Xvfb (driver: tests/scripts/vga_check.py sdl):
# SeaBIOS's screen as the window presents it equals the monitor's screendump.
# Without Xvfb or SDL in this build: a visible 'skipped' line.
set -u
B=${1:-build}
T=$B/tests/scripts/vga
mkdir -p $T
if ! grep -q '^CONFIG_SDL = yes' config.mk 2>/dev/null; then
    echo "skipped: SDL window test: this build has no SDL (./configure found no SDL2)"
    exit 0
fi
if ! command -v Xvfb >/dev/null; then
    echo "skipped: SDL window test: no Xvfb (package xvfb; scripts/install-deps installs it)"
    exit 0
fi
timeout 200 python3 tests/scripts/vga_check.py sdl $B/tandem $T
