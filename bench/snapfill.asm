; snapfill.asm: the guest of bench/snapshot.sh.  From the reset vector into
; flat 32-bit protected mode (no paging, no interrupts), then it fills 48 MiB
; of RAM above 16 MiB: 32 MiB with each dword's own address (compresses
; well), 16 MiB with a 32-bit LCG (does not), writes "filled" LF to port
; 0xE9 and halts with interrupts off.  The rest of RAM stays zero.
bits 16
org 0

start:
    cli
    o32 lgdt [cs:gdt_desc]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:(0xf0000 + pm32)

bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    cld
    mov edi, 0x01000000
    mov ecx, 0x02000000 / 4
.addr:
    mov eax, edi
    stosd
    loop .addr
    mov ecx, 0x01000000 / 4
    mov ebx, 1
.lcg:
    imul ebx, ebx, 1103515245
    add ebx, 12345
    mov eax, ebx
    stosd
    loop .lcg
    mov esi, 0xf0000 + msg
.msg:
    mov al, [esi]
    inc esi
    or al, al
    jz .done
    out 0xe9, al
    jmp .msg
.done:
    cli
.halt:
    hlt
    jmp .halt

msg: db "filled", 10, 0

align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 0x08: code, flat 4 GiB
    dq 0x00cf92000000ffff       ; 0x10: data, flat 4 GiB
gdt_desc:
    dw gdt_desc - gdt - 1
    dd 0xf0000 + gdt

    times 0xfff0 - ($ - $$) db 0xf4
bits 16
reset:
    jmp 0xf000:start
    times 0x10000 - ($ - $$) db 0xf4
