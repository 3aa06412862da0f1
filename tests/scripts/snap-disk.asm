; snap-disk.asm - for snapshot-disk.sh: reads disk sectors 5 and 6 of the
; primary master by PIO (READ SECTORS, LBA28), prints "first=SUM5" on port
; 0xE9 and waits for a byte on COM1 (the test saves the machine meanwhile);
; then reads sector 5 again, and 6, prints "again=SUM5 next=SUM6" and exits
; through isa-debug-exit with 0 (status 1).  SUM is the 32-bit sum of the
; sector's dwords; a read that ends in ERR prints "ERR" and exits with 1.
%define GUEST_MODE 32
%include "lib/common.inc"

section .text32
; read_sum: EAX = LBA -> EAX = sum of the sector's 128 dwords
read_sum:
    push ebx
    push ecx
    push edx
    mov ebx, eax
    mov dx, 0x1f6
    mov al, 0xe0                    ; LBA, master
    out dx, al
    mov dx, 0x1f2
    mov al, 1
    out dx, al
    mov dx, 0x1f3
    mov al, bl
    out dx, al
    inc dx
    mov al, bh
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, 0x1f7
    mov al, 0x20                    ; READ SECTORS
    out dx, al
.wait:
    in al, dx
    test al, 0x80                   ; BSY
    jnz .wait
    test al, 0x01                   ; ERR
    jnz .err
    test al, 0x08                   ; DRQ
    jz .wait
    mov dx, 0x1f0
    xor ebx, ebx
    mov ecx, 128
.word:
    in eax, dx
    add ebx, eax
    loop .word
    mov eax, ebx
    pop edx
    pop ecx
    pop ebx
    ret
.err:
    PRINTLN "ERR"
    jmp exit_fail32

main32:
    mov eax, 5
    call read_sum
    PRINT "first="
    call puthex32
    PRINTLN ""
    mov dx, 0x3fd                   ; COM1 line status: data ready
.rx:
    in al, dx
    test al, 1
    jz .rx
    mov dx, 0x3f8
    in al, dx
    mov eax, 5
    call read_sum
    PRINT "again="
    call puthex32
    mov eax, 6
    call read_sum
    PRINT " next="
    call puthex32
    PRINTLN ""
    xor eax, eax
    jmp exit32

gdt: GDT_STANDARD
gdt_end:
