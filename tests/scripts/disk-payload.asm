; A boot-sector image that syslinux/isolinux load at 0000:7C00 (KERNEL x.bin)
; from the disk or CD built by scripts/mk-boot-images.sh.  It reports on port
; 0xE9; booted from a hard disk (DL = 0x80) it also writes a marker sector to
; LBA 1 (in the MBR gap) through INT 13h (SeaBIOS -> ATA writes), reads it
; back and compares.  Exits through isa-debug-exit (0xF4) with status
; (0x31 << 1) | 1 on success, (0x32 << 1) | 1 when the write or read-back
; failed.
bits 16
org 0x7c00
BUF equ 0x8000
start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    mov [drive], dl
    mov si, msg
    call print
    cmp byte [drive], 0x80
    jne ok
    ; fill BUF with the marker and write it to C/H/S 0/0/2 = LBA 1
    mov di, BUF
    mov cx, 512
    xor bx, bx
.fill:
    mov al, [marker + bx]
    stosb
    inc bx
    and bx, 15
    loop .fill
    mov ax, 0x0301
    mov cx, 0x0002
    xor dh, dh
    mov dl, [drive]
    mov bx, BUF
    int 0x13
    jc fail
    ; read it back into BUF + 512 and compare
    mov ax, 0x0201
    mov cx, 0x0002
    xor dh, dh
    mov dl, [drive]
    mov bx, BUF + 512
    int 0x13
    jc fail
    mov si, BUF
    mov di, BUF + 512
    mov cx, 256
    repe cmpsw
    jne fail
    mov si, wmsg
    call print
ok:
    mov al, 0x31
    jmp exit
fail:
    mov si, fmsg
    call print
    mov al, 0x32
exit:
    out 0xf4, al
    hlt
    jmp exit

print:
    lodsb
    test al, al
    jz .done
    out 0xe9, al
    jmp print
.done:
    ret

drive: db 0
marker: db "TANDEM-WROTE-IT!"
msg: db "payload: loaded by syslinux", 10, 0
wmsg: db "payload: sector written and read back", 10, 0
fmsg: db "payload: INT 13h write/read-back failed", 10, 0
times 510 - ($ - $$) db 0
dw 0xaa55
