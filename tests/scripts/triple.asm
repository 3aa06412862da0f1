; Triple fault and reset: on the first boot, mark RAM and triple-fault (an
; exception with an empty IDT, whose #GP and #DF cannot be delivered either).
; After the reset (RAM survives a reset), exit with value 0x42.
bits 16
org 0
times 0xff00 db 0
start:
    xor ax, ax
    mov ds, ax
    cmp word [0x500], 0x1234
    je .second
    mov word [0x500], 0x1234
    lidt [cs:empty_idt]
    int3                         ; no IVT entry within the limit -> #GP -> #DF -> shutdown
    hlt
.second:
    mov dx, 0xf4
    mov eax, 0x42
    out dx, eax
    hlt
empty_idt:
    dw 0
    dd 0
times 0xfff0 - ($-$$) db 0
    jmp 0xf000:start
times 0x10000 - ($-$$) db 0
