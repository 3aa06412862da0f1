; monitor.asm - the guest behind tests/scripts/monitor.sh: a real-mode ROM
; (mapped at 0xF0000, entry F000:FFF0) that takes five PIT interrupts through
; the 8259A (IRQ0 = vector 8, counted at 0x4000 for `info irq`), masks them,
; sets registers and memory to values the monitor test looks for, says
; "ready" on port 0xE9, then counts in ECX forever in a three-instruction
; loop at a fixed address (0xF0100).  Real mode throughout, so it runs under
; KVM-PVM too.
bits 16
org 0

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7000
    mov word [8 * 4], irq0              ; IVT[8]: IRQ0 after the ICW2 below
    mov word [8 * 4 + 2], 0xF000
    mov al, 0x11                        ; 8259A pair: edge, cascade, ICW4
    out 0x20, al
    out 0xA0, al
    mov al, 0x08                        ; master vectors 08-0F
    out 0x21, al
    mov al, 0x70                        ; slave vectors 70-77
    out 0xA1, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01                        ; 8086 mode
    out 0x21, al
    out 0xA1, al
    mov al, 0xFE                        ; only IRQ0
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0x34                        ; PIT counter 0: mode 2, 1193 (1 ms)
    out 0x43, al
    mov al, 1193 & 0xFF
    out 0x40, al
    mov al, 1193 >> 8
    out 0x40, al
    sti
.wait:
    hlt
    cmp word [0x4000], 5
    jb .wait
    cli
    mov al, 0xFF                        ; no more interrupts
    out 0x21, al
    mov dword [0x1000], 0xDEADBEEF      ; x/xp read these back
    mov dword [0x1004], 0x11223344
    mov si, text                        ; "Tandem monitor" at 0x2000 (x/s)
    mov di, 0x2000
    mov cx, text_len
    cs rep movsb
    mov dx, 0xE9
    mov si, ready
    mov cx, ready_len
    cs rep outsb
    mov eax, 0x12345678                 ; info registers
    mov ebx, 0xCAFEBABE
    mov edx, 0x0BADF00D
    mov esi, 0x1000
    xor ecx, ecx
    jmp loop

irq0:
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    inc word [0x4000]
    mov al, 0x20                        ; non-specific EOI
    out 0x20, al
    pop ds
    pop ax
    iret

text: db "Tandem monitor", 0
text_len equ $ - text
ready: db "ready", 10
ready_len equ $ - ready

    times 0x100 - ($ - $$) db 0x90
loop:                                   ; 0xF0100
    inc ecx                             ; 66 41
    mov [0x3000], ecx                   ; 66 89 0e 00 30   (0xF0102)
    jmp loop                            ; eb f7            (0xF0107)

    times 0xFFF0 - ($ - $$) db 0xF4
reset:
    jmp 0xF000:start
    times 0x10000 - ($ - $$) db 0xF4
