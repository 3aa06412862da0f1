; Benchmark guest: a loop of a known instruction count, for MIPS figures.
; Assemble with -DITER=N.  Runs in 32-bit protected mode (flat), then reports
; "DONE" on port 0xE9 and exits through isa-debug-exit (port 0xF4).
; Instructions executed: SETUP + ITER * 8 (the loop body below).
%ifndef ITER
%define ITER 1000000
%endif
bits 16
org 0
times 0xfe00 db 0

; The descriptors are marked accessed: this GDT is in ROM, and under KVM the
; CPU's accessed-bit write to a read-only memory slot is retried forever by
; KVM's instruction emulator (the guest hangs at the first segment load).
gdt:
    dq 0
    dq 0x00cf9b000000ffff      ; 0x08: flat 32-bit code
    dq 0x00cf93000000ffff      ; 0x10: flat 32-bit data
gdtr:
    dw gdtr - gdt - 1
    dd 0xf0000 + gdt

start16:
    cli
    lgdt [cs:gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:(0xf0000 + start32)

bits 32
start32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x10000
    mov ebx, 0x8000
    mov ecx, ITER
    xor edx, edx
.loop:                         ; 8 instructions per iteration
    mov eax, [ebx]
    add eax, ecx
    mov [ebx + 4], eax
    xor edx, eax
    shl eax, 1
    sub [ebx + 8], edx
    dec ecx
    jnz .loop
    mov dx, 0xe9
    mov al, 'D'
    out dx, al
    mov al, 'O'
    out dx, al
    mov al, 'N'
    out dx, al
    mov al, 'E'
    out dx, al
    mov al, 10
    out dx, al
    mov dx, 0xf4
    xor eax, eax
    out dx, eax
    hlt
    jmp $

bits 16
times 0xfff0 - ($-$$) db 0
    jmp 0xf000:start16
times 0x10000 - ($-$$) db 0
