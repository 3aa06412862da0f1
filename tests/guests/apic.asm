; apic.asm - the local APIC, the IOAPIC and the HPET from flat 32-bit
; protected mode (Intel SDM vol. 3 ch. 11 "APIC"; 82093AA datasheet; IA-PC
; HPET 1.0a): IA32_APIC_BASE, the version register, a periodic LAPIC timer
; counted by its interrupt handler (EOI each), the PIT routed through IOAPIC
; pin 2 (the MADT's IRQ0 override) to a vector of our choice with the 8259
; masked, the HPET's timer 0 on the legacy replacement route (IOAPIC pin 2),
; and ISR/IRR/TPR behaviour with a self IPI.  Every wait is bounded.
%define GUEST_MODE 32
%include "lib/common.inc"

LAPIC       equ 0xFEE00000
IOAPIC      equ 0xFEC00000
HPET        equ 0xFED00000
CNT_TIMER   equ 0x500           ; LAPIC timer interrupts (vector 0x40)
CNT_PIT     equ 0x504           ; IOAPIC pin 2 interrupts (vector 0x50)
CNT_HPET    equ 0x508           ; HPET timer 0 interrupts (vector 0x51)
CNT_IPI     equ 0x50C           ; self IPIs (vector 0x60)
IPI_ISR     equ 0x510           ; ISR register 3 seen inside the IPI handler
PIT_SEEN    equ 0x514           ; CNT_PIT once pin 2 is masked and quiet
WAITMAX     equ 0x08000000

section .text32

; EOI to the local APIC
%macro LAPIC_EOI 0
    mov dword [LAPIC + 0xB0], 0
%endmacro

timer_isr:
    inc dword [CNT_TIMER]
    LAPIC_EOI
    iretd
pit_isr:
    inc dword [CNT_PIT]
    LAPIC_EOI
    iretd
hpet_isr:
    inc dword [CNT_HPET]
    LAPIC_EOI
    iretd
ipi_isr:
    push eax
    inc dword [CNT_IPI]
    mov eax, [LAPIC + 0x130]
    mov [IPI_ISR], eax
    LAPIC_EOI
    pop eax
    iretd
spurious_isr:
    iretd

; wait_count: sti and spin until dword [ESI] >= EBX (bounded), then cli.
; CF=1 on timeout.
wait_count:
    push ecx
    mov ecx, WAITMAX
    sti
.w: cmp [esi], ebx
    jae .ok
    dec ecx
    jnz .w
    cli
    pop ecx
    stc
    ret
.ok: cli
    pop ecx
    clc
    ret

; IOAPIC register EAX <- EDX
ioapic_write:
    mov [IOAPIC], eax
    mov [IOAPIC + 0x10], edx
    ret
; EAX <- IOAPIC register EAX
ioapic_read:
    mov [IOAPIC], eax
    mov eax, [IOAPIC + 0x10]
    ret

main32:
    PRINTLN "# apic: local APIC, IOAPIC, HPET"
    SET_IDT 0x40, timer_isr, 0x8E
    SET_IDT 0x50, pit_isr, 0x8E
    SET_IDT 0x51, hpet_isr, 0x8E
    SET_IDT 0x60, ipi_isr, 0x8E
    SET_IDT 0xFF, spurious_isr, 0x8E
    mov dword [CNT_TIMER], 0
    mov dword [CNT_PIT], 0
    mov dword [CNT_HPET], 0
    mov dword [CNT_IPI], 0

    mov eax, 1
    cpuid
    CHECKM edx, 1 << 9, 1 << 9, "CPUID.1:EDX.APIC"
    mov ecx, 0x1B
    rdmsr
    CHECKM eax, 0xFFFFF900, 0xFEE00900, "IA32_APIC_BASE: 0xFEE00000, enabled, BSP"
    mov eax, [LAPIC + 0x30]
    CHECKM eax, 0x00FF00FF, 0x00050014, "version 0x14, max LVT 5"

    ; the 8259 pair initialised (vectors 0x20/0x28) and fully masked: every
    ; interrupt below comes through the APICs
    PIC_MASK_ALL

    mov dword [LAPIC + 0xF0], 0x1FF            ; SVR: enabled, spurious 0xFF
    mov dword [LAPIC + 0x80], 0                ; TPR
    CHECK [LAPIC + 0xF0], 0x1FF, "SVR reads back"

; ------------------------------------------------------------ LAPIC timer
    mov dword [LAPIC + 0x3E0], 0xB             ; divide by 1
    mov dword [LAPIC + 0x320], 0x20040         ; periodic, vector 0x40
    mov dword [LAPIC + 0x380], 1000000         ; 1 ms at 1 GHz
    mov eax, [LAPIC + 0x390]
    CHECKM eax, 0xFFF00000, 0, "timer current count <= initial"
    mov esi, CNT_TIMER
    mov ebx, 5
    call wait_count
    CHECKF 1, 0, "five periodic LAPIC timer interrupts"
    mov dword [LAPIC + 0x380], 0               ; stop
    mov dword [LAPIC + 0x320], 0x10040         ; masked
    CHECK [LAPIC + 0x390], 0, "a stopped timer's current count is 0"
    CHECK [LAPIC + 0x100 + 0x40], 0, "ISR empty after the EOIs"

; ------------------------------------------------------------ self IPI, TPR
    mov dword [LAPIC + 0x80], 0x70             ; TPR class 7 blocks 0x60
    mov dword [LAPIC + 0x300], 0x40060         ; self, fixed, vector 0x60
    CHECKM [LAPIC + 0x230], 1, 1, "self IPI 0x60 pending in IRR"
    mov esi, CNT_IPI
    mov ebx, 1
    mov ecx, 1000                              ; a short window: it must not come
    sti
.tpr_w: dec ecx
    jnz .tpr_w
    cli
    CHECK [CNT_IPI], 0, "TPR 0x70 holds vector 0x60 back"
    CHECK [LAPIC + 0xA0], 0x70, "PPR = TPR"
    mov dword [LAPIC + 0x80], 0
    call wait_count
    CHECK [CNT_IPI], 1, "TPR 0 lets it through"
    CHECKM [IPI_ISR], 1, 1, "vector 0x60 in service inside the handler"
    CHECK [LAPIC + 0x130], 0, "ISR clear after EOI"
    CHECK [LAPIC + 0x230], 0, "IRR clear"

; ------------------------------------------------------------ IOAPIC + PIT
    mov eax, 1
    call ioapic_read
    CHECKM eax, 0x00FF0000, 0x00170000, "IOAPIC: 24 redirection entries"
    mov eax, 0x10 + 2 * 2
    call ioapic_read
    CHECKM eax, 1 << 16, 1 << 16, "IOAPIC pin 2 masked at reset"
    mov eax, 0x11 + 2 * 2
    xor edx, edx                               ; destination APIC 0
    call ioapic_write
    mov eax, 0x10 + 2 * 2
    mov edx, 0x50                              ; fixed, physical, edge, high, unmasked
    call ioapic_write
    mov al, 0x34                               ; PIT counter 0, mode 2, ~1 kHz
    out 0x43, al
    mov ax, 1193
    out 0x40, al
    mov al, ah
    out 0x40, al
    mov esi, CNT_PIT
    mov ebx, 3
    call wait_count
    CHECKF 1, 0, "PIT IRQ0 through IOAPIC pin 2 as vector 0x50"
    mov eax, 0x10 + 2 * 2
    mov edx, 0x10050                           ; masked again
    call ioapic_write
    mov al, 0x30                               ; PIT counter 0 mode 0: stops after one count
    out 0x43, al
    mov al, 0xFF
    out 0x40, al
    out 0x40, al
    ; an interrupt that the LAPIC took before the mask may still come (late
    ; where the CPU is slow, e.g. emulated by KVM-PVM): let it, then count
    mov ecx, 20000
.quiet: loop .quiet
    mov eax, [CNT_PIT]
    mov [PIT_SEEN], eax

; ------------------------------------------------------------ HPET
    mov eax, [HPET + 4]
    CHECK eax, 10000000, "HPET period 10 ns (in fs)"
    mov eax, [HPET]
    CHECKM eax, 0x8000, 0x8000, "HPET legacy replacement capable"
    mov dword [HPET + 0x10], 2                 ; legacy route, halted
    mov dword [HPET + 0xF0], 0
    mov dword [HPET + 0xF4], 0
    ; timer 0: 32-bit mode, set value, periodic, enable, edge (as Linux does)
    mov dword [HPET + 0x100], 0x14C
    mov dword [HPET + 0x104], 0
    mov dword [HPET + 0x108], 100000           ; first match: 1 ms
    mov dword [HPET + 0x108], 100000           ; period: 1 ms
    CHECK [HPET + 0x108], 100000, "HPET comparator 0 (32-bit mode)"
    mov eax, 0x10 + 2 * 2
    mov edx, 0x51
    call ioapic_write                          ; pin 2 -> vector 0x51
    mov dword [HPET + 0x10], 3                 ; enable
    mov eax, [HPET + 0xF0]
    mov ecx, 1000
.spin: loop .spin
    mov ebx, [HPET + 0xF0]
    sub ebx, eax
    CHECKM ebx, 0x80000000, 0, "HPET main counter runs"
    mov esi, CNT_HPET
    mov ebx, 3
    call wait_count
    CHECKF 1, 0, "HPET timer 0 (legacy route) through IOAPIC pin 2 as vector 0x51"
    mov dword [HPET + 0x10], 0                 ; halt
    mov eax, 0x10 + 2 * 2
    mov edx, 0x10051
    call ioapic_write
    mov eax, [CNT_PIT]
    sub eax, [PIT_SEEN]
    CHECK eax, 0, "the PIT stayed cut off... (no stray vector 0x50)"
    PASS

gdt:
    GDT_STANDARD
gdt_end:
