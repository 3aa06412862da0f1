#!/bin/bash
# check-slow: build with AddressSanitizer + UBSan and run the unit tests and
# guest programs under it.
set -u
B=${1:-build}
S=$B-asan
# A separate build directory; the flags override config.mk's.
make -s -j"$(nproc)" B=$S SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" tests || exit 1
ASAN_OPTIONS=detect_leaks=0 B=$S tests/run-tests.sh sanitize-none
