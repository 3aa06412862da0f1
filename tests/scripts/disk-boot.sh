#!/bin/bash
# Disks through SeaBIOS and the PIIX IDE: a syslinux hard-disk image and an
# isolinux El Torito ISO built from Debian packages (scripts/mk-boot-images.sh,
# cached in the build dir) boot tests/scripts/disk-payload.asm, which writes a
# sector through INT 13h and reads it back.  Checks: the raw image gets exactly
# that sector; -snapshot and a qcow2 overlay (qemu-img create -b) keep the base
# byte-identical, and qemu-img check/compare accept what Tandem wrote (also in
# a zlib-compressed qcow2);
# readonly=on refuses the write; -boot and bootindex= pick the device; a
# corrupt image is refused with one line.
set -u
B=${1:-build}
T=$B/tests/scripts/disk
mkdir -p $T
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
for tool in syslinux mcopy mkfs.vfat xorriso qemu-img; do
    command -v $tool >/dev/null || PATH=$PATH:/usr/sbin:/sbin command -v $tool >/dev/null ||
        { echo "FAIL - $tool missing (scripts/install-deps installs it)"; exit 1; }
done
export PATH=$PATH:/usr/sbin:/sbin

nasm -f bin -o $T/payload.new tests/scripts/disk-payload.asm || exit 1
if ! cmp -s $T/payload.new $T/payload.bin || [ ! -f $T/syslinux.img ] || [ ! -f $T/isolinux.iso ] ||
   [ scripts/mk-boot-images.sh -nt $T/syslinux.img ]; then
    mv $T/payload.new $T/payload.bin
    scripts/mk-boot-images.sh $T $T/payload.bin || { echo "FAIL - cannot build the images"; exit 1; }
fi
BASE=$T/syslinux.img
ISO=$T/isolinux.iso

# boot NAME ARGS...: runs Tandem to the payload's exit; sets $rc, log in $T/NAME.log
boot() {
    local name=$1; shift
    rm -f $T/$name.log
    timeout 120 $B/tandem -accel interp -m 64 -display none -serial none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon file:$T/$name.log "$@" \
        </dev/null >$T/$name.out 2>$T/$name.err
    rc=$?
}
WROTE=99     # (0x31 << 1) | 1
WFAIL=101    # (0x32 << 1) | 1
sector1() { dd if="$1" bs=512 skip=1 count=1 status=none | head -c 16; }

# 1. raw image, written
cp $BASE $T/rw.img
boot raw -drive file=$T/rw.img,format=raw,if=ide,media=disk
if [ $rc -eq $WROTE ] && grep -q "sector written and read back" $T/raw.log; then
    ok "raw disk: SeaBIOS -> syslinux -> payload, INT 13h write read back"
else
    bad "raw disk boot (status $rc)"; tail -5 $T/raw.log; cat $T/raw.err
fi
[ "$(sector1 $T/rw.img)" = "TANDEM-WROTE-IT!" ] && ok "raw disk: the sector reached the image" ||
    bad "raw disk: sector 1 not written"
python3 - $BASE $T/rw.img <<'PY' && ok "raw disk: nothing else changed" || bad "raw disk: other bytes changed"
import sys
a, b = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
sys.exit(0 if len(a) == len(b) and a[:512] == b[:512] and a[1024:] == b[1024:] else 1)
PY

# 2. -snapshot: the same boot, the image untouched
cp $BASE $T/snap.img
boot snapshot -hda $T/snap.img -snapshot
[ $rc -eq $WROTE ] && ok "-snapshot: the guest's write reads back" || bad "-snapshot boot (status $rc)"
cmp -s $BASE $T/snap.img && ok "-snapshot: base image byte-identical" || bad "-snapshot changed the image"

# 3. qcow2 overlay over the raw base
cp $BASE $T/base.img
rm -f $T/ov.qcow2
qemu-img create -q -f qcow2 -b base.img -F raw $T/ov.qcow2
boot qcow2 -drive file=$T/ov.qcow2,format=qcow2
[ $rc -eq $WROTE ] && ok "qcow2 overlay: boots, write reads back" || { bad "qcow2 overlay boot (status $rc)"; cat $T/qcow2.err; }
cmp -s $BASE $T/base.img && ok "qcow2 overlay: backing file byte-identical" || bad "qcow2 overlay changed its backing file"
qemu-img check -q $T/ov.qcow2 && ok "qcow2 overlay: qemu-img check finds no errors or leaks" || bad "qemu-img check"
qemu-img compare -q -f qcow2 -F raw $T/ov.qcow2 $T/rw.img && ok "qcow2 overlay: same contents as the written raw image" ||
    bad "qcow2 overlay contents differ from the raw run"
boot qcow2b -hda $T/ov.qcow2 -snapshot
[ $rc -eq $WROTE ] && qemu-img check -q $T/ov.qcow2 && ok "qcow2 overlay: boots again (probed format), under -snapshot" ||
    bad "second qcow2 boot (status $rc)"

# 3b. a compressed qcow2 (qemu-img convert -c): read through zlib, the guest's
# write moves cluster 0 out of the compressed data, refcounts stay exact
rm -f $T/comp.qcow2
qemu-img convert -c -f raw -O qcow2 $BASE $T/comp.qcow2
boot comp -hda $T/comp.qcow2
[ $rc -eq $WROTE ] && ok "compressed qcow2: boots, write reads back" || { bad "compressed qcow2 boot (status $rc)"; cat $T/comp.err; }
qemu-img check -q $T/comp.qcow2 && ok "compressed qcow2: qemu-img check finds no errors or leaks" || bad "qemu-img check (compressed)"
qemu-img compare -q -f qcow2 -F raw $T/comp.qcow2 $T/rw.img && ok "compressed qcow2: same contents as the written raw image" ||
    bad "compressed qcow2 contents differ from the raw run"

# 4. readonly=on: the write fails in the guest, the image stays
cp $BASE $T/ro.img
boot ro -drive file=$T/ro.img,format=raw,readonly=on
[ $rc -eq $WFAIL ] && cmp -s $BASE $T/ro.img && ok "readonly=on: write refused, image unchanged" ||
    bad "readonly=on (status $rc)"

# 5. CD-ROM: El Torito through isolinux
boot cd -cdrom $ISO -boot d
if [ $rc -eq $WROTE ] && grep -q "Booting from DVD/CD" $T/cd.log && grep -q "payload: loaded" $T/cd.log; then
    ok "-cdrom -boot d: El Torito boot through isolinux"
else
    bad "CD boot (status $rc)"; tail -5 $T/cd.log; cat $T/cd.err
fi

# 6. boot order: -boot c / order=dc, and bootindex= (fw_cfg bootorder) over it
boot order1 -hda $T/snap.img -cdrom $ISO -boot order=dc -snapshot
grep -q "Booting from DVD/CD" $T/order1.log && ok "-boot order=dc: CD first" || bad "-boot order=dc"
boot order2 -hda $T/snap.img -cdrom $ISO -boot c -snapshot
grep -q "Booting from Hard Disk" $T/order2.log && ok "-boot c: disk first" || bad "-boot c"
boot order3 -drive file=$T/snap.img,bootindex=2 -drive file=$ISO,media=cdrom,bootindex=1 -boot c -snapshot
grep -q "Booting from DVD/CD" $T/order3.log && grep -q "/pci@i0cf8/\*@1,1/drive@0/disk@1" $T/order3.log &&
    ok "bootindex: the CD (ide 0:1) before the disk despite -boot c" || bad "bootindex"

# 7. bad images and options: one line, non-zero exit
head -c 100 $T/ov.qcow2 > $T/trunc.qcow2
boot bad1 -hda $T/trunc.qcow2
[ $rc -eq 1 ] && [ $(wc -l < $T/bad1.err) -eq 1 ] && grep -q "truncated" $T/bad1.err &&
    ok "truncated qcow2 refused: $(cat $T/bad1.err)" || { bad "truncated qcow2 (status $rc)"; cat $T/bad1.err; }
boot bad2 -drive file=$T/rw.img,if=scsi
[ $rc -eq 1 ] && grep -q "if=ide" $T/bad2.err && ok "if=scsi refused" || bad "if=scsi (status $rc)"
boot bad3 -hda $T/rw.img -drive file=$T/rw.img,index=0
[ $rc -eq 1 ] && grep -q "taken" $T/bad3.err && ok "two drives on one slot refused" || bad "slot clash (status $rc)"
boot bad4 -boot x
[ $rc -eq 1 ] && ok "-boot x refused" || bad "-boot x (status $rc)"
exit $fails
