; accel.asm - the backend test guest (tests/scripts/accel.sh): what a CPU
; backend must route to the machine, with output that is the same under every
; backend (-accel interp and -accel kvm): port I/O (in/out of each size,
; rep outsb/outsw/insb), unassigned ports and MMIO (all ones, writes dropped),
; MMIO string moves, ROM write protection at 0xF0000 and below 4 GiB, RAM above
; 1 MiB, HLT woken by the PIT through the 8259A, an interrupt taken while
; running, the CPU model's CPUID leaves and MSRs (printed, so a difference shows
; in the comparison).  Interrupts are taken in real mode only (KVM-PVM cannot
; emulate a protected-mode IRET).  Conventions: tests/guests/README.md.
%define GUEST_MODE 16
%include "lib/common.inc"

IRQCOUNT        equ 0x500       ; incremented by the IRQ0 handler
IRQ_IP          equ 0x504       ; return IP seen by the handler
UNASSIGNED_PORT equ 0x0EE0
UNASSIGNED_MMIO equ 0x40000000  ; 1 GiB: nothing there with -m 128M
SCRATCH         equ 0x200000    ; RAM above 1 MiB
WAITMAX         equ 0x04000000

section .text16
bits 16
irq0_rm:
    push bp
    mov bp, sp                  ; [bp+2] = IP, [bp+4] = CS, [bp+6] = FLAGS
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    inc dword [IRQCOUNT]
    mov ax, [bp + 2]
    mov [IRQ_IP], ax
    mov al, 0x20                ; non-specific EOI
    out 0x20, al
    pop ds
    pop ax
    pop bp
    iret

msg_outsb: db "# rep outsb: one instruction, many port writes", 10
msg_outsb_len equ $ - msg_outsb
; rep outsw to port 0xE9: the low byte of each word goes to 0xE9 (the
; debugcon), the high byte to 0xEA (unassigned, dropped)
%define OUTSW_TEXT "# rep outsw: low bytes to port 0xE9, high bytes to 0xEA"
%strlen OUTSW_LEN OUTSW_TEXT
msg_outsw:
%assign i 1
%rep OUTSW_LEN
%substr ch OUTSW_TEXT i
    db ch, 0x80
%assign i i + 1
%endrep
    db 10, 0x80
msg_outsw_len equ $ - msg_outsw
inbuf: times 16 db 0x5A
mtrr_bit: dd 0

main16:
    PRINTLN "# accel: port I/O, MMIO, ROM, HLT with PIT/PIC, CPUID (same output on every backend)"
    ; ------------------------------------------------ port I/O
    mov dx, UNASSIGNED_PORT
    in al, dx
    movzx eax, al
    CHECK eax, 0xFF, "in al from an unassigned port: 0xFF"
    in ax, dx
    movzx eax, ax
    CHECK eax, 0xFFFF, "in ax from an unassigned port: 0xFFFF"
    in eax, dx
    CHECK eax, 0xFFFFFFFF, "in eax from an unassigned port: all ones"
    mov al, 0x12
    out dx, al                  ; dropped
    mov si, msg_outsb
    mov cx, msg_outsb_len
    mov dx, 0xE9
    rep outsb
    movzx ecx, cx
    CHECK ecx, 0, "rep outsb: CX counted down"
    movzx esi, si
    CHECK esi, msg_outsb + msg_outsb_len, "rep outsb: SI advanced"
    mov si, msg_outsw
    mov cx, msg_outsw_len / 2
    rep outsw
    movzx esi, si
    CHECK esi, msg_outsw + msg_outsw_len, "rep outsw: SI advanced by words"
    mov di, inbuf
    mov cx, 16
    mov dx, UNASSIGNED_PORT
    rep insb
    CHECK [inbuf], 0xFFFFFFFF, "rep insb from an unassigned port: all ones (first dword)"
    CHECK [inbuf + 12], 0xFFFFFFFF, "rep insb: all ones (last dword)"
    movzx edi, di
    CHECK edi, inbuf + 16, "rep insb: DI advanced"

    ; ------------------------------------------------ ROM below 1 MiB
    push ds
    mov ax, 0xF000
    mov ds, ax
    mov ebx, [0xFFF0]           ; the reset vector: jmp far (EA ...)
    mov dword [0xFFF0], 0x12345678
    mov byte [0x0000], 0x99
    mov ecx, [0xFFF0]
    pop ds
    CHECKM ebx, 0xFF, 0xEA, "ROM at F000:FFF0 holds the reset jump"
    CHECK ecx, ebx, "ROM at F000:FFF0 is write-protected"

    ; ------------------------------------------------ MSRs and the CPU model
    ; IA32_MTRR_DEF_TYPE exists exactly when CPUID says MTRR (the model: no;
    ; a KVM that puts the host's features in CPUID leaf 1: yes)
    mov eax, 1
    cpuid
    shr edx, 12
    and edx, 1
    mov [cs:mtrr_bit], edx
    EXPECT 13, .after_rdmsr
    mov ecx, 0x2FF
    rdmsr
.after_rdmsr:
    push ds
    xor ax, ax
    mov ds, ax
    mov eax, [EXC_VEC]
    pop ds
    cmp eax, 13
    setne al
    movzx eax, al               ; 1: no fault
    CHECK eax, [cs:mtrr_bit], "rdmsr IA32_MTRR_DEF_TYPE faults exactly when CPUID.1:EDX.MTRR is clear"
    EXPECT 13, .after_wrmsr
    mov ecx, 0x12345678         ; no such MSR
    xor eax, eax
    xor edx, edx
    wrmsr
.after_wrmsr:
    CHECKV EXC_VEC, 13, "wrmsr of a nonexistent MSR: #GP"
    EXPECT 13, .after_apic
    mov ecx, 0x1B               ; IA32_APIC_BASE: reserved bit 63
    xor eax, eax
    mov edx, 0x80000000
    wrmsr
.after_apic:
    CHECKV EXC_VEC, 13, "wrmsr IA32_APIC_BASE with a reserved bit: #GP"

    ; ------------------------------------------------ 8259A + 8254, HLT
    cli
    xor ax, ax
    mov ds, ax
    mov dword [IRQCOUNT], 0
    mov word [0x20*4], irq0_rm
    mov word [0x20*4 + 2], RAMSEG
    mov al, 0x11                ; master: ICW1 edge, cascade, ICW4
    out 0x20, al
    mov al, 0x20                ; ICW2: vectors 0x20-0x27
    out 0x21, al
    mov al, 0x04                ; ICW3: slave on IR2
    out 0x21, al
    mov al, 0x01                ; ICW4: 8086 mode
    out 0x21, al
    mov al, 0x11                ; slave
    out 0xA0, al
    mov al, 0x28
    out 0xA1, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0xA1, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0xFE                ; only IRQ0
    out 0x21, al
    in al, 0x21
    movzx eax, al
    CHECK eax, 0xFE, "PIC IMR reads back 0xFE"
    mov al, 0x34                ; PIT counter 0, lo/hi, mode 2
    out 0x43, al
    mov ax, 11932               ; 100 Hz
    out 0x40, al
    mov al, ah
    out 0x40, al
    ; HLT until the timer wakes the CPU, five times
    mov ecx, 5
.hlt:
    mov ebx, [IRQCOUNT]
    sti
    hlt
.after_hlt:
    cli
    cmp [IRQCOUNT], ebx
    je .hlt                     ; (no other interrupt source: not reached)
    loop .hlt, ecx
    mov eax, [IRQCOUNT]
    cmp eax, 5
    setae al
    movzx eax, al
    CHECK eax, 1, "sti; hlt: five halts, each ended by IRQ0"
    CHECK [IRQ_IP], .after_hlt, "the interrupt returns after the hlt"
    ; an interrupt taken while the CPU runs (not halted)
    mov ebx, [IRQCOUNT]
    mov ecx, WAITMAX
    sti
.spin:
    cmp [IRQCOUNT], ebx
    jne .spun
    dec ecx
    jnz .spin
.spun:
    cli
    mov eax, [IRQCOUNT]
    cmp eax, ebx
    setne al
    movzx eax, al
    CHECK eax, 1, "IRQ0 taken in a running loop with IF=1"
    mov al, 0x0B                ; OCW3: read ISR
    out 0x20, al
    in al, 0x20
    movzx eax, al
    CHECK eax, 0, "ISR empty after the handlers' EOIs"
    mov al, 0xFF                ; mask everything again
    out 0x21, al
    mov al, 0x30                ; PIT counter 0: mode 0, stop at terminal count
    out 0x43, al

    ; ------------------------------------------------ flat 32-bit protected mode
    o32 lgdt [cs:gdt_pdesc16]
    o32 lidt [cs:idt_pdesc16]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword KCODE32:pm_part

section .text32
bits 32
; print_cpuid: EAX = leaf, ECX = subleaf; prints "# cpuid LEAF: EAX EBX ECX EDX"
print_cpuid:
    pushad
    push eax
    cpuid
    mov [LIBSCRATCH], eax
    mov [LIBSCRATCH + 4], ebx
    mov [LIBSCRATCH + 8], ecx
    mov [LIBSCRATCH + 12], edx
    pop eax
    PRINT "# cpuid "
    call puthex32
    PRINT ":"
    mov esi, LIBSCRATCH
    mov ecx, 4
.r: PRINT " "
    mov eax, [esi]
    call puthex32
    add esi, 4
    loop .r
    PRINTLN ""
    popad
    ret

; print_msr: ECX = MSR; prints "# msr NUM: EDX:EAX"
print_msr:
    pushad
    PRINT "# msr "
    mov eax, ecx
    call puthex32
    rdmsr
    PRINT ": "
    push eax
    mov eax, edx
    call puthex32
    pop eax
    PRINT ":"
    call puthex32
    PRINTLN ""
    popad
    ret

pm_part:
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, STACK32_TOP
    call idt_init32
    PRINTLN "# flat 32-bit protected mode, no paging"
    ; ------------------------------------------------ unassigned MMIO
    mov eax, [UNASSIGNED_MMIO]
    CHECK eax, 0xFFFFFFFF, "dword read of unassigned MMIO: all ones"
    movzx eax, byte [UNASSIGNED_MMIO + 5]
    CHECK eax, 0xFF, "byte read of unassigned MMIO: 0xFF"
    movzx eax, word [UNASSIGNED_MMIO + 6]
    CHECK eax, 0xFFFF, "word read of unassigned MMIO: 0xFFFF"
    mov dword [UNASSIGNED_MMIO], 0
    mov eax, [UNASSIGNED_MMIO]
    CHECK eax, 0xFFFFFFFF, "a write to unassigned MMIO is dropped"
    mov dword [SCRATCH], 0
    mov dword [SCRATCH + 12], 0
    mov esi, UNASSIGNED_MMIO
    mov edi, SCRATCH
    mov ecx, 4
    cld
    rep movsd
    CHECK [SCRATCH], 0xFFFFFFFF, "rep movsd from unassigned MMIO to RAM: all ones (first)"
    CHECK [SCRATCH + 12], 0xFFFFFFFF, "rep movsd from unassigned MMIO: all ones (last)"
    mov edi, UNASSIGNED_MMIO
    xor eax, eax
    mov ecx, 4
    rep stosd
    CHECK ecx, 0, "rep stosd into unassigned MMIO completes"
    ; ------------------------------------------------ ROM below 4 GiB
    mov ebx, [0xFFFFFFF0]
    CHECK ebx, [0xFFFF0], "ROM at 0xFFFFFFF0 = its alias at 0xFFFF0"
    mov dword [0xFFFFFFF0], 0
    mov byte [0xFFFF0000], 0x77
    mov word [0xFFFFFFFE], 0x55AA
    CHECK [0xFFFFFFF0], ebx, "ROM at 0xFFFFFFF0 is write-protected"
    movzx eax, byte [0xFFFF0000]
    movzx edx, byte [0xF0000]
    CHECK eax, edx, "ROM at 0xFFFF0000 is write-protected"
    ; rep movsd out of the ROM
    mov esi, 0xFFFFFFF0
    mov edi, SCRATCH
    mov ecx, 4
    rep movsd
    CHECK [SCRATCH], ebx, "rep movsd from ROM to RAM"
    ; ------------------------------------------------ RAM above 1 MiB
    mov dword [0x100000], 0xC0FFEE11
    mov dword [0x000000], 0x22222222
    CHECK [0x100000], 0xC0FFEE11, "RAM at 1 MiB is not the low 64K (A20 on)"
    mov dword [0x7FFFFFC], 0x600DF00D
    CHECK [0x7FFFFFC], 0x600DF00D, "the last dword of 128 MiB of RAM"
    ; ------------------------------------------------ 32-bit port I/O
    mov dx, UNASSIGNED_PORT
    in eax, dx
    CHECK eax, 0xFFFFFFFF, "32-bit code: in eax from an unassigned port"
    mov esi, ABS32(msg32)
    mov ecx, msg32_len
    mov dx, 0xE9
    rep outsb
    CHECK ecx, 0, "32-bit rep outsb: ECX counted down"
    ; long string I/O: more data than one exit carries
    mov edi, SCRATCH
    mov ecx, 10000
    mov dx, UNASSIGNED_PORT
    rep insb
    CHECK ecx, 0, "rep insb of 10000 bytes: ECX counted down"
    CHECK edi, SCRATCH + 10000, "rep insb of 10000 bytes: EDI advanced"
    CHECK [SCRATCH + 9996], 0xFFFFFFFF, "rep insb of 10000 bytes: the last dword is all ones"
    mov esi, SCRATCH
    mov ecx, 5000
    rep outsw
    CHECK esi, SCRATCH + 10000, "rep outsw of 5000 words: ESI advanced"
    ; ------------------------------------------------ the CPU model
    xor ecx, ecx
    mov eax, 0
    call print_cpuid
    mov eax, 1
    call print_cpuid
    mov eax, 2
    call print_cpuid
    mov eax, 3                  ; beyond the last basic leaf
    call print_cpuid
    mov eax, 0x40000000         ; no hypervisor leaves in the model
    call print_cpuid
    mov eax, 0x80000000
    call print_cpuid
    mov eax, 0x80000001
    call print_cpuid
    mov eax, 0x80000002
    call print_cpuid
    mov eax, 0x80000004
    call print_cpuid
    mov eax, 0x80000008         ; beyond the last extended leaf
    call print_cpuid
    mov ecx, 0x1B               ; IA32_APIC_BASE
    call print_msr
    mov ecx, 0x277              ; IA32_PAT
    call print_msr
    mov ecx, 0x174              ; IA32_SYSENTER_CS
    call print_msr
    mov eax, 0x1234
    xor edx, edx
    wrmsr
    call print_msr
    ; the TSC moves forward
    rdtsc
    mov ebx, eax
    mov esi, edx
    mov ecx, 1000
.t: loop .t
    rdtsc
    sub eax, ebx
    sbb edx, esi
    or eax, edx
    setnz al
    movzx eax, al
    CHECK eax, 1, "rdtsc advances"
    PASS

msg32: db "# rep outsb from 32-bit code", 10
msg32_len equ $ - msg32

gdt: GDT_STANDARD
gdt_end:
