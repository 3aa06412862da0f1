#!/bin/bash
# Builds bootable test images from Debian packages (syslinux, syslinux-common,
# isolinux, mtools, dosfstools, xorriso), without root:
#   OUT/syslinux.img  MBR-partitioned disk (syslinux mbr.bin), one FAT16
#                     partition at 1 MiB with syslinux installed
#   OUT/isolinux.iso  El Torito (no emulation) ISO with isolinux
# Both boot FILE (a boot-sector image, "KERNEL payload.bin") or, with a
# kernel, "KERNEL vmlinuz" + initrd and APPEND.
# usage: mk-boot-images.sh OUT PAYLOAD.bin [VMLINUZ INITRD "APPEND"]
set -eu
out=$1 payload=$2 kernel=${3:-} initrd=${4:-} append=${5:-console=ttyS0}
SYSLINUX_MODS=/usr/lib/syslinux/modules/bios
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "$kernel" ]; then
    cfg="SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND $append"
else
    cfg="SERIAL 0 115200
DEFAULT payload
PROMPT 0
TIMEOUT 0
LABEL payload
  KERNEL /payload.bin"
fi

# ---- disk: 16 MiB, or room for the kernel and initrd; partition 1 from 1 MiB ----
size_mb=16
if [ -n "$kernel" ]; then
    size_mb=$(( ($(stat -c %s "$kernel") + $(stat -c %s "$initrd")) / 1048576 + 16 ))
fi
img=$work/disk.img
part_off=$((2048 * 512))
truncate -s ${size_mb}M "$img"
truncate -s $((size_mb * 1024 * 1024 - part_off)) "$work/part.img"
mkfs.vfat -F 16 -h 2048 -n TANDEM "$work/part.img" >/dev/null
printf '%s\n' "$cfg" > "$work/syslinux.cfg"
mcopy -i "$work/part.img" "$work/syslinux.cfg" ::/syslinux.cfg
mcopy -i "$work/part.img" "$payload" ::/payload.bin
if [ -n "$kernel" ]; then
    mcopy -i "$work/part.img" "$kernel" ::/vmlinuz
    mcopy -i "$work/part.img" "$initrd" ::/initrd.img
fi
syslinux --install "$work/part.img"
dd if="$work/part.img" of="$img" bs=512 seek=2048 conv=notrunc status=none
# MBR: syslinux's boot code, one active FAT16 (LBA, type 0x0e) partition.
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" conv=notrunc status=none
python3 - "$img" $((size_mb * 2048 - 2048)) <<'PY'
import struct, sys
path, nsect = sys.argv[1], int(sys.argv[2])
entry = struct.pack('<B3sB3sII', 0x80, b'\xfe\xff\xff', 0x0e, b'\xfe\xff\xff', 2048, nsect)
with open(path, 'r+b') as f:
    f.seek(446); f.write(entry + bytes(48)); f.write(b'\x55\xaa')
PY
mv "$img" "$out/syslinux.img"

# ---- ISO with isolinux ----
iso=$work/iso
mkdir -p "$iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin $SYSLINUX_MODS/ldlinux.c32 "$iso/isolinux/"
printf '%s\n' "$cfg" > "$iso/isolinux/isolinux.cfg"
cp "$payload" "$iso/payload.bin"
if [ -n "$kernel" ]; then
    cp "$kernel" "$iso/vmlinuz"
    cp "$initrd" "$iso/initrd.img"
fi
xorriso -as mkisofs -quiet -o "$out/isolinux.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table -V TANDEM "$iso" 2>/dev/null
echo "mk-boot-images: $out/syslinux.img $out/isolinux.iso"
