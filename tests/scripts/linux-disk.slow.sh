#!/bin/bash
# The Debian kernel boots from a syslinux hard disk (scripts/mk-boot-images.sh:
# SeaBIOS -> syslinux -> vmlinuz + initrd over INT 13h/IDE) under the
# interpreter, with the demo busybox initramfs (scripts/demo-initramfs.sh)
# plus the IDE/SCSI/FAT/ISO9660 modules of the same kernel appended.  In the
# shell it loads ata_piix, sd_mod and sr_mod, checks libata chose MWDMA2,
# mounts the CD-ROM (-cdrom, the isolinux ISO) and the second disk (-hdb, a
# FAT image made with mtools), reads files back, writes one; after poweroff
# the host reads that file from the image with mtools.  Slow: a whole Linux boot in
# the interpreter.
set -u
B=${1:-build}
D=$B/demo
T=$B/tests/scripts/linux-disk
mkdir -p $T
export PATH=$PATH:/usr/sbin:/sbin
TIMEOUT=${LINUX_BOOT_TIMEOUT:-2400}
scripts/demo-initramfs.sh $D >/dev/null || { echo "FAIL - cannot build the demo guest"; exit 1; }
K=/lib/modules/$(basename $(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1) | sed 's/^vmlinuz-//')
MODS="drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/ata/libata drivers/ata/ata_piix
crypto/crct10dif_common crypto/crct10dif_generic lib/crc-t10dif lib/crc64 crypto/crc64_rocksoft_generic
lib/crc64-rocksoft block/t10-pi drivers/scsi/sd_mod fs/fat/fat fs/fat/vfat fs/nls/nls_cp437 fs/nls/nls_ascii
drivers/cdrom/cdrom drivers/scsi/sr_mod fs/isofs/isofs"

# Modules appended to the initramfs as a second cpio archive.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p $root/lib/modules $root/mnt
order=""
for m in $MODS; do
    f=$K/kernel/$m.ko
    [ -f $f ] || { echo "FAIL - $f missing (linux-image-amd64)"; exit 1; }
    cp $f $root/lib/modules/
    order="$order $(basename $m)"
done
echo "$order" > $root/lib/modules/order
(cd $root && find . | sort | cpio -o -H newc --quiet) | gzip -n > $T/mods.cpio.gz
cat $D/initramfs.cpio.gz $T/mods.cpio.gz > $T/initrd.img

nasm -f bin -o $T/payload.bin tests/scripts/disk-payload.asm || exit 1
scripts/mk-boot-images.sh $T $T/payload.bin $D/vmlinuz $T/initrd.img "console=ttyS0 loglevel=4" >/dev/null ||
    { echo "FAIL - cannot build the boot disk"; exit 1; }
rm -f $T/data.img
truncate -s 8M $T/data.img
mkfs.vfat -n DATA $T/data.img >/dev/null
echo "hello from the second disk" > $T/hello.txt
mcopy -i $T/data.img $T/hello.txt ::/hello.txt

python3 - "$TIMEOUT" "$T/run" $B/tandem -accel interp -m 256 -display none -serial stdio -no-reboot \
    -hda $T/syslinux.img -hdb $T/data.img -cdrom $T/isolinux.iso <<'PY'
import os, re, select, subprocess, sys, time

timeout, logbase, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
err = open(logbase + ".err", "wb")
out = open(logbase + ".out", "wb")
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
buf, pos, start = b"", 0, time.time()

def fail(msg):
    print("FAIL - %s (%.1f s)\n--- last serial output:\n%s" % (msg, time.time() - start,
          buf[-1500:].decode("latin-1")))
    p.kill()
    sys.exit(1)

def expect(pattern, what, secs):
    global buf, pos
    rx, end = re.compile(pattern.encode()), time.time() + secs
    while True:
        m = rx.search(buf, pos)
        if m:
            pos = m.end()
            return m
        left = end - time.time()
        if left <= 0 or time.time() - start > timeout:
            fail("no %s" % what)
        r, _, _ = select.select([p.stdout], [], [], min(left, 1.0))
        if r:
            data = os.read(p.stdout.fileno(), 65536)
            if not data:
                fail("the emulator exited (status %s) before %s" % (p.wait(), what))
            buf += data
            out.write(data)
            out.flush()

def run(command, pattern, what, secs=300):
    p.stdin.write(command.encode() + b"\n")
    p.stdin.flush()
    expect(pattern, what, secs)
    print("ok - %s (%.0f s)" % (what, time.time() - start))
    expect(r"tandem-demo# ", "prompt after '%s'" % command, secs)

expect(r"Loading /initrd.img\.\.\.ok", "syslinux loading the kernel and initrd from the IDE disk", 300)
print("ok - SeaBIOS -> syslinux loaded vmlinuz and initrd.img over INT 13h (%.0f s)" % (time.time() - start))
expect(r"tandem-demo: init started", "init from the initramfs loaded by syslinux", timeout)
print("ok - Linux runs init (%.0f s)" % (time.time() - start))
expect(r"tandem-demo# ", "shell prompt", timeout)
print("ok - shell prompt (%.0f s)" % (time.time() - start))
# The patterns are computed by the guest ($((...))) so that the echo of the
# typed command cannot match them.
run("insmod /lib/modules/scsi_common.ko; echo first-insmod-$((6*7))", r"first-insmod-42",
    "the first module loads", 600)
run("for m in $(cat /lib/modules/order); do [ -d /sys/module/$m ] || insmod /lib/modules/$m.ko ||"
    " echo insmod-failed-$m; done; echo mods-$((6*7))", r"mods-42", "ata_piix, sd_mod, vfat loaded", 900)
run("sleep 3; cat /proc/partitions", r" sr0\r?\n", "both IDE disks and the CD-ROM found (/proc/partitions)")
# libata's view of the drives (transfer modes) for the log.
run("dmesg | grep -E 'ata[0-9]' | tail -n 12; grep . /sys/class/ata_device/*/xfer_mode; echo ata-$((6*7))",
    r"ata-42", "libata messages")
# Both disks and the CD-ROM in a DMA mode (the empty secondary slave slot
# shows a PIO mode): the reads below go through the bus master.
modes = re.findall(rb"xfer_mode:(\S+)", buf)
print("%s - libata transfer modes: %s" % ("ok" if sum(b"DMA" in x for x in modes) >= 3 else "note",
      b" ".join(modes).decode() or "not in sysfs"))
run("mkdir -p /cd && mount -t iso9660 /dev/sr0 /cd && cat /cd/isolinux/isolinux.cfg", r"DEFAULT linux",
    "ATAPI CD-ROM (sr0) mounted, file read back")
# Disk names depend on probe order: the data disk is the 8 MiB one.
run("d=$(awk '$3 == 8192 { print $4 }' /proc/partitions); echo data-disk-$d; "
    "mount -t vfat /dev/$d /mnt && cat /mnt/hello.txt", r"hello from the second disk",
    "second disk mounted, file read back")
run("echo written by linux > /mnt/out.txt && umount /mnt && echo umount-$((6*7))", r"umount-42",
    "file written, disk unmounted")
p.stdin.write(b"poweroff -f\n")
p.stdin.flush()
try:
    code = p.wait(120)
except subprocess.TimeoutExpired:
    fail("no power-off")
print("ok - powered off (status %d)" % code)
PY
[ $? -eq 0 ] || exit 1
got=$(mtype -i $T/data.img ::/out.txt 2>/dev/null)
[ "$got" = "written by linux" ] && echo "ok - the host reads the guest's file from the image" ||
    { echo "FAIL - out.txt on the image: '$got'"; exit 1; }
