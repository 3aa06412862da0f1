; vme.asm - virtual-8086 mode extensions (SDM vol. 3 20.3-20.4, CR4.VME):
; with IOPL < 3, CLI/STI and 16-bit PUSHF/POPF work on VIF instead of
; trapping (the FLAGS image shows VIF as IF and IOPL as 3), 32-bit
; PUSHFD/POPFD still trap, POPF/IRET images with TF set trap, and with VIP
; pending STI and POPF/IRET enabling interrupts trap; INT n is redirected to
; the 8086 program's IVT when its bit in the TSS redirection bitmap is clear
; (real-mode frame, VIF cleared) and traps (#GP(0)) when set; the 16-bit IRET
; back loads VIF.  Skipped (passes) if CPUID does not report VME.
;
; The v86 code runs at RAMSEG with IOPL=0 and uses the 16-bit library: its
; PUSHF/POPF and port output (allowed by the TSS I/O bitmap) work under VME,
; and expected exceptions go to the 32-bit catcher, which returns to v86.
%define GUEST_MODE 32
%define TEXT32_START 0x6000
%include "lib/common.inc"

TSS0        equ 0x3000
SEL_TSS0    equ 0x40
REDIR       equ 0x68            ; interrupt redirection bitmap (32 bytes)
IOMAP       equ REDIR + 32      ; I/O permission bitmap
RING0_ESP   equ 0x9E000
V86_SS      equ 0x8000
V86_SP      equ 0xFFF0
REC         equ 0x5000          ; the redirected handler's records
VM_FLAG     equ 0x20000
VIF_FLAG    equ 0x80000
VIP_FLAG    equ 0x100000

section .text32
main32:
    PRINTLN "# vme: virtual-8086 mode extensions"
    mov eax, 1
    cpuid
    test edx, 2
    jnz .have_vme
    PRINTLN "# CPUID.1:EDX.VME=0: nothing to test"
    PASS
.have_vme:
    mov dword [TSS0 + 4], RING0_ESP
    mov dword [TSS0 + 8], KDATA32
    mov word [TSS0 + 0x66], IOMAP
    mov edi, TSS0 + REDIR
    mov al, 0xFF
    mov ecx, 32 + 0x81                  ; nothing redirected, no port allowed
    rep stosb
    mov eax, 0x21
    btr [TSS0 + REDIR], eax             ; int 0x21: to the 8086 handler
%macro ALLOW 1
    mov eax, %1
    btr [TSS0 + IOMAP], eax
%endmacro
    ALLOW 0xE9
    ALLOW 0xF4
    ALLOW 0xF5
    ALLOW 0xF6
    ALLOW 0xF7
    mov ax, SEL_TSS0
    ltr ax
    mov eax, cr4
    or eax, 1                           ; VME
    mov cr4, eax
    ; the 8086 program's IVT entry for int 0x21
    mov word [0x21*4], v86_int21
    mov word [0x21*4 + 2], RAMSEG
    SET_IDT 3, mon_exit, 0xEE           ; int3 leaves v86 (DPL3 gate)

    mov dword [vf_ip], v86_main
    mov dword [vf_flags], VIF_FLAG      ; IOPL 0, IF 0, VIF 1
    call run_v86
    CHECKM [exit_efl], VM_FLAG | VIF_FLAG | 0x3200, VM_FLAG | VIF_FLAG, "int3 frame: VM=1, VIF=1 (sti), IF=0 and IOPL=0 untouched"

    mov dword [vf_ip], v86_vip
    mov dword [vf_flags], VIP_FLAG      ; VIF 0, a virtual interrupt pending
    call run_v86
    CHECKM [exit_efl], VM_FLAG | VIF_FLAG | VIP_FLAG | 0x200, VM_FLAG | VIP_FLAG, "VIP session ends with VIF=0, VIP=1, IF=0"
    mov eax, cr4
    and eax, ~1
    mov cr4, eax
    PASS

; run_v86: enter v86 at RAMSEG:[vf_ip], EFLAGS [vf_flags] | VM; returns when
; the v86 code executes int3.
run_v86:
    pushad
    mov [saved_esp], esp
    push dword 0                        ; GS
    push dword 0                        ; FS
    push dword RAMSEG                   ; DS
    push dword RAMSEG                   ; ES
    push dword V86_SS
    push dword V86_SP
    mov eax, [vf_flags]
    or eax, VM_FLAG
    push eax
    push dword RAMSEG
    push dword [vf_ip]
    iretd

mon_exit:
    mov eax, [ss:esp + 8]
    mov [ss:exit_efl], eax
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov esp, [saved_esp]
    popad
    ret

saved_esp: dd 0
vf_ip:     dd 0
vf_flags:  dd 0
exit_efl:  dd 0

gdt:
    GDT_STANDARD
    DESC TSS0, IOMAP + 0x80, 0x89, 0    ; 0x40
gdt_end:

; ===========================================================================
section .text16
bits 16
; v86, IOPL 0, VIF 1, VIP 0
v86_main:
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x3200, 0x3200, "v86 pushf with VME: IOPL reads 3, IF reads VIF (1)"
    cli
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x0200, 0, "cli at IOPL 0 does not trap: clears VIF (pushf IF=0)"
    sti
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x0200, 0x0200, "sti sets VIF (pushf IF=1)"
    push word 0
    popf
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x0200, 0, "popf with IF=0 clears VIF"
    push word 0x0200
    popf
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x0200, 0x0200, "popf with IF=1 sets VIF (no VIP)"
    ; traps that remain
    push word 0x0100
    EXPECT 13, .r1
.t1: popf
.r1:
    add sp, 2
    CHECKV EXC_EIP, .t1, "popf setting TF: #GP"
    CHECKV EXC_ERR, 0, "  ... #GP(0)"
    EXPECT 13, .r2
.t2: pushfd
.r2:
    CHECKV EXC_EIP, .t2, "pushfd (32-bit) still traps under VME"
    push dword 0
    EXPECT 13, .r3
.t3: popfd
.r3:
    add sp, 4
    CHECKV EXC_EIP, .t3, "popfd (32-bit) still traps under VME"
    ; INT n redirected to the 8086 handler
    sti
.i21: int 0x21
.i21_after:
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x0200, 0x0200, "iret from the redirected handler restores VIF=1"
    CHECKV REC + 0, .i21_after, "redirected int 0x21: pushed IP = next instruction"
    CHECKV REC + 4, RAMSEG, "  ... pushed CS"
    CHECKV REC + 8, 0x3202, "  ... pushed FLAGS: IF = VIF (1), IOPL 3"
    CHECKV REC + 12, 0x3002, "  ... handler runs with VIF=0 (pushf IF=0), TF=0"
    EXPECT 13, .r4
.t4: int 0x22
.r4:
    CHECKV EXC_EIP, .t4, "int 0x22 (redirection bit set, IOPL 0): #GP to the monitor"
    CHECKV EXC_ERR, 0, "  ... #GP(0)"
    ; IRET images
    pushf
    push cs
    push word .r5
    or word [esp + 4], 0x0100           ; TF in the image
    EXPECT 13, .r5
.t5: iret
.r5:
    add sp, 6
    CHECKV EXC_EIP, .t5, "iret with TF set in the image: #GP"
    push word 0
    push cs
    push word .iret_ok
    cli
    iret                                ; image IF=0: VIF=0
.iret_ok:
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x0200, 0, "16-bit iret loads VIF from the image (0)"
    EXPECT 13, .r6
    push dword 0
    push dword RAMSEG
    push dword .r6
.t6: iretd
.r6:
    add sp, 12
    CHECKV EXC_EIP, .t6, "iretd (32-bit) still traps under VME"
    sti
    int3

; v86, IOPL 0, VIF 0, VIP 1
v86_vip:
    EXPECT 13, .r1
.t1: sti
.r1:
    CHECKV EXC_EIP, .t1, "sti with VIP=1: #GP (the monitor delivers the pending interrupt)"
    push word 0x0200
    EXPECT 13, .r2
.t2: popf
.r2:
    add sp, 2
    CHECKV EXC_EIP, .t2, "popf setting IF with VIP=1: #GP"
    push word 0x0200
    push cs
    push word .r3
    EXPECT 13, .r3
.t3: iret
.r3:
    add sp, 6
    CHECKV EXC_EIP, .t3, "iret setting IF with VIP=1: #GP"
    cli
    push word 0
    popf
    OKMSG "cli and popf with IF=0 do not trap with VIP=1"
    int3

; the 8086 program's int 0x21 handler (reached through the IVT)
v86_int21:
    push bp
    mov bp, sp
    push eax
    push ds
    xor ax, ax
    mov ds, ax
    movzx eax, word [bp + 2]
    mov [REC + 0], eax
    movzx eax, word [bp + 4]
    mov [REC + 4], eax
    movzx eax, word [bp + 6]
    and eax, 0x3302                     ; IOPL, IF, TF and the fixed bit 1
    mov [REC + 8], eax
    pushf
    pop ax
    movzx eax, ax
    and eax, 0x3302
    mov [REC + 12], eax
    pop ds
    pop eax
    pop bp
    iret
