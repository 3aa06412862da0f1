; A tiny guest for the command-line tests: POST codes on port 0x80, text on
; 0xE9 and on 0x402, then an exit through isa-debug-exit with value 0x21.
bits 16
org 0
times 0xff00 db 0
start:
    mov al, 0x11
    out 0x80, al
    mov al, 0x22
    out 0x80, al
    mov dx, 0xe9
    mov al, 'h'
    out dx, al
    mov al, 'i'
    out dx, al
    mov dx, 0x402
    mov al, 'x'
    out dx, al
    mov eax, 0x12345678
    add eax, eax
    mov dx, 0xf4
    mov eax, 0x21
    out dx, eax
    hlt
times 0xfff0 - ($-$$) db 0
    jmp 0xf000:start
times 0x10000 - ($-$$) db 0
