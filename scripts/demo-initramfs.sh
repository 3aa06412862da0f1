#!/bin/sh
# Builds the demo guest from Debian packages into OUT (default build/demo):
#   OUT/vmlinuz          the kernel of linux-image-amd64 (/boot/vmlinuz-*)
#   OUT/initramfs.cpio.gz  busybox-static's /bin/busybox and an /init that
#                        mounts proc, sys and devtmpfs, prints
#                        "tandem-demo: init started" and runs a shell on the
#                        console (ttyS0 with console=ttyS0).
# Used by scripts/demo.sh (make demo), tests/scripts/linux-boot.sh and
# bench/boot.sh.  Needs cpio and gzip; scripts/install-deps installs all three.
set -eu
OUT=${1:-build/demo}
mkdir -p "$OUT"
kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$kernel" ]; then
    echo "demo: no /boot/vmlinuz-*: install linux-image-amd64 (scripts/install-deps does)" >&2
    exit 1
fi
if [ ! -r "$kernel" ]; then
    echo "demo: $kernel is readable by root only (Debian installs it mode 0600):" \
         "run as root, or: sudo install -m 644 $kernel $OUT/vmlinuz" >&2
    exit 1
fi
if [ ! -x /bin/busybox ] || ! command -v cpio >/dev/null; then
    echo "demo: needs /bin/busybox (busybox-static) and cpio: run scripts/install-deps" >&2
    exit 1
fi
cp "$kernel" "$OUT/vmlinuz.new" && mv "$OUT/vmlinuz.new" "$OUT/vmlinuz"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root"
cp /bin/busybox "$root/bin/busybox"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin HOME=/root PS1='tandem-demo# '
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "tandem-demo: init started"
echo "tandem-demo: a busybox shell; 'poweroff -f' turns the machine off"
cd /root
# init must never exit: a shell with job control on the console, again and again
while true; do
    setsid cttyhack sh
done
INIT
chmod 755 "$root/init"
# No /dev/console node needed: the kernel's built-in initramfs (unpacked
# before this one) has it, for init's stdio before devtmpfs is mounted.
(cd "$root" && find . | sort | cpio -o -H newc --quiet) > "$OUT/initramfs.cpio"
gzip -9 -n -f "$OUT/initramfs.cpio"
echo "demo: $OUT/vmlinuz ($(basename "$kernel")), $OUT/initramfs.cpio.gz"
