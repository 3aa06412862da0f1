; snap-text.asm - a Multiboot 1 kernel (a.out kludge) for snapshot-vga.sh:
; booted with -kernel, the VGA is in mode 3 as its BIOS leaves it (the
; loader's POST state), so this writes 25 rows of text in 16 colours on 8
; backgrounds straight into 0xB8000, moves the cursor to row 12, column 40,
; prints "drawn" on port 0xE9 and halts with interrupts off, waiting for the
; test's savevm / screendump.
bits 32
%define LOAD 0x100000
%define MB_FLAGS 0x00010000     ; a.out kludge: the header places the file
        org LOAD
file_start:
        align 4
mbhdr:  dd 0x1badb002, MB_FLAGS, -(0x1badb002 + MB_FLAGS)
        dd mbhdr, LOAD, file_end, file_end, start

start:  cli
        mov edi, 0xb8000
        xor ecx, ecx            ; cell index 0..1999
.cell:  mov eax, ecx
        xor edx, edx
        mov ebx, 26
        div ebx                 ; edx = (cell % 26)
        lea eax, [edx + 'A']
        mov ebx, ecx
        shr ebx, 3
        and ebx, 0x7f           ; attribute: foreground and background vary
        or ebx, 0x01            ; never black on black
        mov ah, bl
        mov [edi + ecx * 2], ax
        inc ecx
        cmp ecx, 2000
        jb .cell
        ; cursor at 12 * 80 + 40 (CRTC 0x0E/0x0F)
        mov dx, 0x3d4
        mov ax, ((12 * 80 + 40) >> 8) << 8 | 0x0e
        out dx, ax
        mov ax, ((12 * 80 + 40) & 0xff) << 8 | 0x0f
        out dx, ax
        mov esi, msg
        mov dx, 0xe9
.msg:   lodsb
        test al, al
        jz .halt
        out dx, al
        jmp .msg
.halt:  hlt
        jmp .halt
msg:    db "drawn", 10, 0
file_end:
