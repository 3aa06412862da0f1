; vga-13h.asm - mode 13h set up through the VGA registers alone (no BIOS)
; for vga-modes.sh: the IBM register set for 320x200x256, DAC entry i =
; (i & 63, i >> 2, 63 - (i & 63)), pixel (x, y) = (x + 2 * y) & 255 written
; through the chain-4 window at 0xA0000; prints "drawn" on port 0xE9 and
; halts, waiting for the test's screendump.
%define GUEST_MODE 32
%include "lib/common.inc"

section .text32
; mode 13h (IBM VGA BIOS parameter table)
misc_val:   db 0x63
seq_regs:   db 0x03, 0x01, 0x0F, 0x00, 0x0E
crtc_regs:  db 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0, 0, 0, 0, 0, 0
            db 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF
gc_regs:    db 0, 0, 0, 0, 0, 0x40, 0x05, 0x0F, 0xFF
ar_regs:    db 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x41, 0, 0x0F, 0, 0

; index/data pairs: DX = index port, ESI = table, ECX = count
write_indexed:
    xor ebx, ebx
.next:
    mov al, bl
    mov ah, [esi + ebx]
    out dx, ax                      ; index in AL, data in AH
    inc ebx
    cmp ebx, ecx
    jb .next
    ret

main32:
    mov dx, 0x3C2
    mov al, [misc_val]
    out dx, al
    mov dx, 0x3C4
    mov esi, seq_regs
    mov ecx, 5
    call write_indexed
    mov dx, 0x3D4
    mov ax, 0x0011                  ; unprotect CRTC 0-7
    out dx, ax
    mov esi, crtc_regs
    mov ecx, 25
    call write_indexed
    mov dx, 0x3CE
    mov esi, gc_regs
    mov ecx, 9
    call write_indexed
    mov dx, 0x3DA
    in al, dx                       ; attribute flip-flop to index
    mov dx, 0x3C0
    xor ecx, ecx
.ar:
    mov al, cl
    out dx, al
    mov al, [ar_regs + ecx]
    out dx, al
    inc ecx
    cmp ecx, 21
    jb .ar
    mov al, 0x20                    ; palette address source: display on
    out dx, al

    mov dx, 0x3C8                   ; DAC from entry 0
    xor al, al
    out dx, al
    mov dx, 0x3C9
    xor ecx, ecx
.dac:
    mov al, cl
    and al, 63
    out dx, al                      ; R = i & 63
    mov al, cl
    shr al, 2
    out dx, al                      ; G = i >> 2
    mov al, cl
    and al, 63
    neg al
    add al, 63
    out dx, al                      ; B = 63 - (i & 63)
    inc ecx
    cmp ecx, 256
    jb .dac

    mov edi, 0xA0000
    xor ecx, ecx                    ; y
.row:
    xor ebx, ebx                    ; x
.px:
    lea eax, [ebx + ecx * 2]
    stosb
    inc ebx
    cmp ebx, 320
    jb .px
    inc ecx
    cmp ecx, 200
    jb .row
    PRINTLN "drawn"
.halt:
    cli
    hlt
    jmp .halt

gdt: GDT_STANDARD
gdt_end:
