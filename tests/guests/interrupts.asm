; interrupts.asm - hardware interrupts through an i8259A pair programmed from
; scratch (ICW1-4, vector bases 0x20/0x28) and the i8254 PIT channel 0 in
; mode 2 (~4 kHz): IRQ0 in real mode (IVT) and protected mode (IDT), the STI
; interrupt shadow, hlt wake-up, masking via OCW1, non-specific EOI, IRR/ISR
; reads via OCW3. Every wait is bounded by a counter.
%define GUEST_MODE 16
%include "lib/common.inc"

IRQCOUNT    equ 0x500           ; incremented by the IRQ0 handlers
IRQ_IP      equ 0x504           ; return IP/EIP seen by the handler
IRQ_ISR     equ 0x508           ; ISR read inside the handler (before EOI)
NOEOI       equ 0x50C           ; 1: handler does not send EOI
IRQ_FLAGS   equ 0x510           ; handler's own FLAGS / pushed EFLAGS
IRQ_PFLAGS  equ 0x514
WAITMAX     equ 0x08000000

section .text16
bits 16
; wait (IF as set by caller) until IRQCOUNT != ebx, bounded; CF=1 on timeout
; (DS=0)
wait_irq16:
    push ecx
    mov ecx, WAITMAX
.w: cmp [IRQCOUNT], ebx
    jne .ok
    dec ecx
    jnz .w
    pop ecx
    stc
    ret
.ok: pop ecx
    clc
    ret

; wait with IF=0 until IRR bit 0 is set (bounded). Returns AL = IRR.
wait_irr16:
    push ecx
    mov ecx, WAITMAX
.w: mov al, 0x0A                        ; OCW3: read IRR
    out 0x20, al
    in al, 0x20
    test al, 1
    jnz .ok
    dec ecx
    jnz .w
.ok: pop ecx
    ret

irq0_rm:
    push bp
    mov bp, sp
    push ax
    push ds
    xor ax, ax
    mov ds, ax
    inc dword [IRQCOUNT]
    mov ax, [bp + 2]
    mov [IRQ_IP], ax
    mov ax, [bp + 6]
    mov [IRQ_PFLAGS], ax
    pushf
    pop ax
    mov [IRQ_FLAGS], ax
    mov al, 0x0B                        ; OCW3: read ISR
    out 0x20, al
    in al, 0x20
    mov [IRQ_ISR], al
    cmp byte [NOEOI], 0
    jne .noeoi
    mov al, 0x20                        ; non-specific EOI
    out 0x20, al
.noeoi:
    pop ds
    pop ax
    pop bp
    iret

main16:
    PRINTLN "# interrupts: 8259A PIC + 8254 PIT, IRQ0"
    cli
    ; If the CPU has a local APIC (CPUID.1:EDX bit 9), put it in virtual-wire
    ; mode as a PC BIOS does (SVR software-enable, LINT0 = ExtINT unmasked),
    ; so the 8259A INTR output reaches the CPU. Tandem (no APIC) skips this.
    ; The APIC registers at 0xFEE00000 are reached through an unreal FS.
    mov eax, 1
    cpuid
    bt edx, 9
    jnc .noapic
    o32 lgdt [cs:gdt_pdesc16]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp KCODE16:.pm16
.pm16:
    mov ax, KDATA32
    mov fs, ax
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp RAMSEG:.rm16
.rm16:
    mov dword [fs:dword 0xFEE000F0], 0x1FF  ; SVR: APIC enabled, spurious vector 0xFF
    mov dword [fs:dword 0xFEE00350], 0x700  ; LVT LINT0: ExtINT, unmasked
    mov dword [fs:dword 0xFEE00360], 0x10000 ; LVT LINT1: masked
    PRINTLN "# local APIC present: virtual-wire mode set up (LINT0 = ExtINT)"
.noapic:
    xor ax, ax
    mov ds, ax
    mov dword [IRQCOUNT], 0
    mov word [0x20*4], irq0_rm
    mov word [0x20*4 + 2], RAMSEG
    ; master 8259A
    mov al, 0x11                        ; ICW1: edge, cascade, ICW4 needed
    out 0x20, al
    mov al, 0x20                        ; ICW2: vectors 0x20-0x27
    out 0x21, al
    mov al, 0x04                        ; ICW3: slave on IR2
    out 0x21, al
    mov al, 0x01                        ; ICW4: 8086 mode, normal EOI
    out 0x21, al
    ; slave 8259A
    mov al, 0x11
    out 0xA0, al
    mov al, 0x28                        ; vectors 0x28-0x2F
    out 0xA1, al
    mov al, 0x02                        ; cascade identity 2
    out 0xA1, al
    mov al, 0x01
    out 0xA1, al
    mov al, 0xFF                        ; OCW1: mask everything for now
    out 0x21, al
    out 0xA1, al
    in al, 0x21
    movzx eax, al
    CHECK eax, 0xFF, "OCW1: master IMR reads back 0xFF"
    mov al, 0xFB
    out 0xA1, al
    in al, 0xA1
    movzx eax, al
    CHECK eax, 0xFB, "OCW1: slave IMR reads back 0xFB"
    mov al, 0xFF
    out 0xA1, al
    ; PIT channel 0, mode 2 (rate generator), binary, lobyte/hibyte
    mov al, 0x34
    out 0x43, al
    mov ax, 298                         ; 1193182 / 298 ~ 4004 Hz
    out 0x40, al
    mov al, ah
    out 0x40, al
    ; ISR must be empty now
    mov al, 0x0B
    out 0x20, al
    in al, 0x20
    movzx eax, al
    CHECK eax, 0, "ISR empty before any interrupt (OCW3 read ISR)"
    ; masked: IRR gets set, no interrupt (IF=0 anyway)
    call wait_irr16
    movzx eax, al
    CHECKM eax, 1, 1, "IRQ0 request latched in IRR while masked (OCW3 read IRR)"
    mov al, 0xFE                        ; unmask IRQ0
    out 0x21, al
    in al, 0x21
    movzx eax, al
    CHECK eax, 0xFE, "IMR = 0xFE after unmasking IRQ0"
    CHECK [IRQCOUNT], 0, "no interrupt while IF=0"

    ; -------------------------------------------- STI shadow
    call wait_irr16                     ; an IRQ0 is pending now
    sti
    cli                                 ; the shadow covers this instruction
    CHECK [IRQCOUNT], 0, "sti; cli with a pending IRQ: no interrupt taken"
    SKIP_ON_TCG "a pending IRQ is not taken right after the STI shadow ends (TCG checks at a later TB exit)"
    sti
    nop
.after_nop:
    cli
    CHECK [IRQCOUNT], 1, "sti; nop; cli: pending interrupt taken after the nop"
    CHECK [IRQ_IP], .after_nop, "the interrupt is taken after the instruction following sti"
    END_SKIP_ON_TCG
    cmp dword [IRQCOUNT], 0
    jne .have_one
    xor ebx, ebx
    sti
    call wait_irq16
    cli
    jnc .have_one
    FAIL "timeout waiting for IRQ0"
.have_one:
    CHECKM [IRQ_ISR], 1, 1, "ISR bit 0 set inside the handler (before EOI)"
    CHECKM [IRQ_PFLAGS], 0x200, 0x200, "pushed FLAGS has IF=1"
    CHECKM [IRQ_FLAGS], 0x300, 0, "handler runs with IF=0, TF=0"
    mov al, 0x0B
    out 0x20, al
    in al, 0x20
    movzx eax, al
    CHECK eax, 0, "ISR clear after the non-specific EOI"

    ; -------------------------------------------- sti; hlt
    call wait_irr16                     ; make sure the timer is running
    mov ebx, [IRQCOUNT]
    sti
    hlt
.after_hlt:
    cli
    mov eax, [IRQCOUNT]
    sub eax, ebx
    setnz al
    movzx eax, al
    CHECK eax, 1, "sti; hlt: woken by IRQ0"
    CHECK [IRQ_IP], .after_hlt, "interrupt during hlt returns after the hlt"
    ; several interrupts in a bounded loop
    mov ebx, [IRQCOUNT]
    add ebx, 5
    mov ecx, WAITMAX
    sti
.w5: cmp [IRQCOUNT], ebx
    jae .w5ok
    dec ecx
    jnz .w5
.w5ok:
    cli
    mov eax, [IRQCOUNT]
    cmp eax, ebx
    setae al
    movzx eax, al
    CHECK eax, 1, "five more timer interrupts arrive"

    ; -------------------------------------------- mask via OCW1
    mov al, 0xFF
    out 0x21, al
    mov ebx, [IRQCOUNT]
    sti
    call wait_irr16                     ; IRR set, interrupt still masked
    mov ecx, 0x100000
.m: loop .m, ecx
    cli
    CHECK [IRQCOUNT], ebx, "masked IRQ0 (IMR=0xFF) is not delivered with IF=1"
    mov al, 0xFE
    out 0x21, al
    sti
    call wait_irq16
    cli
    setnc al
    movzx eax, al
    CHECK eax, 1, "unmasking IRQ0 delivers the pending request"

    ; -------------------------------------------- no EOI: ISR blocks IRQ0
    mov byte [NOEOI], 1
    mov ebx, [IRQCOUNT]
    sti
    call wait_irq16
    mov ecx, 0x200000                   ; several timer periods
.n: loop .n, ecx
    cli
    mov eax, [IRQCOUNT]
    sub eax, ebx
    CHECK eax, 1, "without EOI the in-service IRQ0 blocks further IRQ0"
    mov al, 0x0B
    out 0x20, al
    in al, 0x20
    movzx eax, al
    CHECK eax, 1, "ISR bit 0 stays set without EOI"
    mov byte [NOEOI], 0
    mov al, 0x20
    out 0x20, al
    mov ebx, [IRQCOUNT]
    sti
    call wait_irq16
    cli
    setnc al
    movzx eax, al
    CHECK eax, 1, "after the EOI IRQ0 is delivered again"

    ; -------------------------------------------- protected mode
    cli
    o32 lgdt [cs:gdt_pdesc16]
    o32 lidt [cs:idt_pdesc16]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword KCODE32:pm_part

section .text32
bits 32
irq0_pm:
    push eax
    push ds
    mov ax, KDATA32
    mov ds, ax
    inc dword [IRQCOUNT]
    mov eax, [esp + 8]
    mov [IRQ_IP], eax
    mov eax, [esp + 12]
    mov [IRQ_PFLAGS + 0x10], eax        ; pushed CS
    mov eax, [esp + 16]
    mov [IRQ_PFLAGS], eax
    pushfd
    pop eax
    mov [IRQ_FLAGS], eax
    mov al, 0x20
    out 0x20, al
    pop ds
    pop eax
    iretd

pm_part:
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, STACK32_TOP
    call idt_init32
    SET_IDT 0x20, irq0_pm, 0x8E
    mov ebx, [IRQCOUNT]
    sti
.w: cmp [IRQCOUNT], ebx
    jne .got
    dec dword [waitc]
    jnz .w
.got:
    cli
    mov eax, [IRQCOUNT]
    sub eax, ebx
    setnz al
    movzx eax, al
    CHECK eax, 1, "protected mode: IRQ0 delivered through IDT vector 0x20"
    CHECK [IRQ_PFLAGS + 0x10], KCODE32, "pm IRQ0: pushed CS"
    CHECKM [IRQ_PFLAGS], 0x200, 0x200, "pm IRQ0: pushed EFLAGS IF=1"
    CHECKM [IRQ_FLAGS], 0x200, 0, "pm IRQ0: interrupt gate clears IF"
    mov ebx, [IRQCOUNT]
    sti
    hlt
.after_hlt:
    cli
    mov eax, [IRQCOUNT]
    sub eax, ebx
    setnz al
    movzx eax, al
    CHECK eax, 1, "protected mode sti; hlt: IRQ0 wakes the CPU"
    CHECK [IRQ_IP], .after_hlt, "pm: return EIP after the hlt"
    ; trap gate keeps IF=1 inside the handler
    SET_IDT 0x20, irq0_pm, 0x8F
    mov ebx, [IRQCOUNT]
    mov dword [waitc], WAITMAX
    sti
.w2: cmp [IRQCOUNT], ebx
    jne .got2
    dec dword [waitc]
    jnz .w2
.got2:
    cli
    CHECKM [IRQ_FLAGS], 0x200, 0x200, "pm IRQ0 through a trap gate: IF stays 1"
    mov al, 0xFF                        ; mask everything, stop the PIT
    out 0x21, al
    mov al, 0x30
    out 0x43, al
    PASS

waitc: dd WAITMAX

gdt: GDT_STANDARD
gdt_end:
