#!/bin/bash
# -kernel with a Multiboot 1 kernel of our own (multiboot.asm), as an a.out
# kludge image and as ELF32, under the interpreter and (when /dev/kvm is
# usable) KVM: the guest prints the information structure on port 0xe9
# (compared here), resets the machine and checks the loader loaded it again.  Then the command-line
# errors: one line on stderr and status 1 before anything runs.
set -u
B=${1:-build}
T=$B/tests/scripts
mkdir -p $T
nasm -f bin -o $T/mb-aout.bin tests/scripts/multiboot.asm || exit 1
nasm -f bin -DELF -o $T/mb-elf.bin tests/scripts/multiboot.asm || exit 1
printf 'module-one\n' > $T/mb-mod1.txt
printf 'second\n' > $T/mb-mod2.txt
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }

# -m 32: RAM to 0x9fc00, the EBDA..1 MiB hole, RAM to 32 MiB less the 64 KiB
# of ACPI tables, the 256 KiB BIOS.
cat > $T/mb-want.txt <<EOF
flags 0000024d
mem 0000027f 00007bc0
mods 00000002
mod 00000000 0000000b $T/mb-mod1.txt arg1=x module-one
mod 00000000 00000007 $T/mb-mod2.txt second
mmap 0000000000000000 000000000009fc00 00000001
mmap 000000000009fc00 0000000000060400 00000002
mmap 0000000000100000 0000000001ef0000 00000001
mmap 0000000001ff0000 0000000000010000 00000003
mmap 00000000fffc0000 0000000000040000 00000002
loader Tandem
cmdline hello=world 42
second boot: .data and .bss reloaded
EOF

accels=interp
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accels="interp kvm"; else echo "kvm: skipped, /dev/kvm not usable"; fi
for accel in $accels; do
    for kind in aout elf; do
        out=$T/mb-$kind-$accel
        rm -f $out.out
        timeout 60 $B/tandem -accel $accel -m 32 -display none -kernel $T/mb-$kind.bin \
            -initrd "$T/mb-mod1.txt arg1=x,$T/mb-mod2.txt" -append "hello=world 42" \
            -debugcon file:$out.out -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null 2>$out.err
        rc=$?
        if [ $rc -eq 67 ] && cmp -s $out.out $T/mb-want.txt; then
            ok "Multiboot $kind ($accel): info structure as expected, reloaded after a reset"
        else
            bad "Multiboot $kind ($accel): status $rc (want 67)"
            diff $T/mb-want.txt $out.out
            cat $out.err
        fi
    done
done

# expect_error NAME GREP-PATTERN ARGS...: status 1 and one line naming the problem.
expect_error() {
    local name=$1 pat=$2; shift 2
    timeout 20 $B/tandem -accel interp -display none "$@" </dev/null >/dev/null 2>$T/mb-err.txt
    local rc=$?
    if [ $rc -eq 1 ] && [ "$(wc -l < $T/mb-err.txt)" -eq 1 ] && grep -q -- "$pat" $T/mb-err.txt; then
        ok "$name"
    else
        bad "$name: status $rc, stderr:"
        cat $T/mb-err.txt
    fi
}
# a bad checksum: flip a bit of the header's flags word
python3 - "$T/mb-aout.bin" "$T/mb-badsum.bin" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[4] ^= 1
open(sys.argv[2], 'wb').write(d)
EOF
head -c 100 $T/mb-elf.bin > $T/mb-trunc.bin
printf 'not a kernel at all\n' > $T/mb-text.bin
expect_error "bad Multiboot checksum" "bad checksum" -kernel $T/mb-badsum.bin
expect_error "truncated ELF" "truncated" -kernel $T/mb-trunc.bin
expect_error "not a kernel" "nor a Multiboot kernel" -kernel $T/mb-text.bin
expect_error "missing kernel file" "cannot open" -kernel $T/no-such-file
expect_error "missing initrd file" "-initrd $T/no-such-file: cannot open" -kernel $T/mb-aout.bin -initrd $T/no-such-file
expect_error "module too big for RAM" "does not fit" -m 2 -kernel $T/mb-aout.bin -initrd $B/tandem
expect_error "-initrd without -kernel" "only allowed with -kernel" -initrd $T/mb-mod1.txt
exit $fails
