; vga-vbe.asm - draws a known picture in a Bochs VBE mode for vga-modes.sh:
; places the VGA's LFB (PCI 00:02.0 BAR0) at 0xE0000000, sets 320x200x32
; through the DISPI ports, writes pixel (x, y) = R (x * 4), G (y * 5),
; B (x xor y) (low bytes) into the LFB, prints "drawn" on port 0xE9 and
; halts, waiting for the test's screendump.
%define GUEST_MODE 32
%include "lib/common.inc"

LFB         equ 0xE0000000
XRES        equ 320
YRES        equ 200

section .text32
vbe_wr:                             ; AX = index, BX = value
    push edx
    mov dx, 0x1CE
    out dx, ax
    mov dx, 0x1CF
    mov ax, bx
    out dx, ax
    pop edx
    ret

main32:
    mov dx, 0xCF8                   ; 00:02.0 BAR0 = LFB
    mov eax, 0x80001010
    out dx, eax
    mov dx, 0xCFC
    mov eax, LFB
    out dx, eax
    mov dx, 0xCF8
    mov eax, 0x80001004             ; command: memory and I/O decode
    out dx, eax
    mov dx, 0xCFC
    mov eax, 3
    out dx, eax

    mov ax, 0                       ; ID: ask for version 5
    mov bx, 0xB0C5
    call vbe_wr
    mov dx, 0x1CF
    in ax, dx
    movzx eax, ax
    CHECK eax, 0xB0C5, "VBE ID B0C5"
    mov ax, 1
    mov bx, XRES
    call vbe_wr
    mov ax, 2
    mov bx, YRES
    call vbe_wr
    mov ax, 3
    mov bx, 32
    call vbe_wr
    mov ax, 4
    mov bx, 0x41                    ; ENABLED | LFB_ENABLED
    call vbe_wr

    mov edi, LFB
    xor ecx, ecx                    ; y
.row:
    xor ebx, ebx                    ; x
.px:
    mov eax, ebx
    shl eax, 2
    and eax, 0xFF
    shl eax, 16                     ; R = x * 4
    mov edx, ecx
    imul edx, edx, 5
    and edx, 0xFF
    shl edx, 8                      ; G = y * 5
    or eax, edx
    mov edx, ebx
    xor edx, ecx
    and edx, 0xFF                   ; B = x ^ y
    or eax, edx
    stosd
    inc ebx
    cmp ebx, XRES
    jb .px
    inc ecx
    cmp ecx, YRES
    jb .row
    PRINTLN "drawn"
.halt:
    cli
    hlt
    jmp .halt

gdt: GDT_STANDARD
gdt_end:
