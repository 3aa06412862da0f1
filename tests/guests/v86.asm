; v86.asm - virtual-8086 mode (SDM vol. 3 ch. 20 "8086 Emulation", ch. 6):
; entry from a 32-bit ring-0 monitor with iret (VM=1 frame with GS/FS/DS/ES),
; real-mode segment semantics in v86 (base = selector*16, 64 KiB limits, no
; descriptor lookups), int n from v86 with IOPL=3 through the IDT to ring 0
; (9-dword frame on the TSS ss0:esp0 stack, null DS/ES/FS/GS in the handler,
; iretd back to v86), IOPL-sensitive instructions with IOPL<3 (cli, sti,
; pushf, popf, int n, iret -> #GP(0) to the monitor), instructions that are
; not IOPL-sensitive (int3, I/O), I/O through the TSS permission bitmap
; regardless of IOPL, instructions invalid in v86 (#UD), privileged ones
; (#GP), a monitor that emulates cli and resumes v86, leaving v86 via the
; monitor. CR4.VME stays 0 (no virtual-8086 mode extensions).
;
; With IOPL=3 the v86 code uses the 16-bit library directly (CHECK needs
; pushf/popf; port 0xE9/0xF4 are allowed in the I/O bitmap). With IOPL<3 the
; v86 snippets trap to the monitor (#GP handler mon_gp) which records the
; frame in REC and returns to the 32-bit caller of run_v86; the checks are
; then made in 32-bit code.
%define GUEST_MODE 32
%define TEXT32_START 0x8000
%include "lib/common.inc"

TSS0        equ 0x3000
SEL_TSS0    equ 0x40
IOMAP       equ 0x68
RING0_ESP   equ 0x9E000         ; TSS esp0: ring-0 stack for traps from v86
V86_SS      equ 0x8000
V86_SP      equ 0xFFF0
V86_ES      equ 0x2000
V86_DS      equ RAMSEG
V86_FS      equ 0x3000
V86_GS      equ 0x4000
MARK_ES     equ 0xE5E50001      ; at linear 0x20000
MARK_ES2    equ 0xE5E50002      ; at linear 0x20010
MARK_FS     equ 0xF5F50003      ; at linear 0x30000
MARK_GS     equ 0x65650004      ; at linear 0x40000
MARK_HI     equ 0x1A201A20      ; at linear 0x100000
VM_FLAG     equ 0x20000

; monitor records (linear, below 64 KiB so v86 code can read them)
REC     equ 0x5000
R_EIP   equ REC + 0x00          ; frame copied from the ring-0 stack:
R_CS    equ REC + 0x04          ;   EIP CS EFLAGS ESP SS ES DS FS GS
R_EFL   equ REC + 0x08
R_ESP   equ REC + 0x0C
R_SS    equ REC + 0x10
R_ES    equ REC + 0x14
R_DS    equ REC + 0x18
R_FS    equ REC + 0x1C
R_GS    equ REC + 0x20
R_ERR   equ REC + 0x24          ; error code (0 if none)
R_VEC   equ REC + 0x28
R_HDS   equ REC + 0x30          ; handler's DS ES FS GS at entry (16-bit stores)
R_HES   equ REC + 0x34
R_HFS   equ REC + 0x38
R_HGS   equ REC + 0x3C
R_HCS   equ REC + 0x40
R_HSS   equ REC + 0x44
R_HESP  equ REC + 0x48          ; address of the EIP slot of the frame
R_HEFL  equ REC + 0x4C          ; handler EFLAGS at entry
R_COUNT equ REC + 0x50          ; traps since run_v86
R_EAX   equ REC + 0x54          ; v86 EAX/EBX at the trap
R_EBX   equ REC + 0x58
R_SKIP  equ REC + 0x60          ; #GPs to resume past (1 byte) before leaving
R_NEWDS equ REC + 0x64          ; int 0x40: if nonzero, DS to return to v86 with

; V86 label, eflags: run v86 code at RAMSEG:label (see run_v86)
%macro V86 2
    mov dword [vf_ip], %1
    mov dword [vf_flags], %2
    call run_v86
%endmacro

section .text32
main32:
    PRINTLN "# v86: virtual-8086 mode"
    ; TSS: ring-0 stack and an I/O bitmap for ports 0..0x3FF
    mov dword [TSS0 + 4], RING0_ESP
    mov dword [TSS0 + 8], KDATA32
    mov word [TSS0 + 0x66], IOMAP
    mov edi, TSS0 + IOMAP
    mov al, 0xFF
    mov ecx, 0x81                       ; all denied + terminator byte
    rep stosb
%macro ALLOW 1
    mov eax, %1
    btr [TSS0 + IOMAP], eax
%endmacro
    ALLOW 0xE9                          ; debugcon (CHECK output from v86)
    ALLOW 0xF4                          ; isa-debug-exit (dword)
    ALLOW 0xF5
    ALLOW 0xF6
    ALLOW 0xF7
    ALLOW 0x70                          ; test ports
    ALLOW 0x71
    mov ax, SEL_TSS0
    ltr ax
    mov eax, cr4
    CHECKM eax, 1, 0, "CR4.VME=0 (no v86 mode extensions)"
    ; markers seen through v86 segments
    mov dword [0x20000], MARK_ES
    mov dword [0x20010], MARK_ES2
    mov dword [0x30000], MARK_FS
    mov dword [0x40000], MARK_GS
    mov dword [0x100000], MARK_HI
    ; gates used from v86
    SET_IDT 0x31, mon_int31, 0xEE       ; leave v86 (DPL3)
    SET_IDT 0x40, mon_int40, 0xEE       ; record and return to v86 (DPL3)
    SET_IDT 0x41, mon_int40, 0x8E       ; DPL0: int from CPL3 -> #GP
    ; 0x42: DPL3 gate to a DPL3 code segment (not allowed from v86)
    mov eax, mon_int40
    mov [IDT_BASE + 0x42*8], ax
    mov word [IDT_BASE + 0x42*8 + 2], UCODE32 & ~3
    mov word [IDT_BASE + 0x42*8 + 4], 0xEE00
    shr eax, 16
    mov [IDT_BASE + 0x42*8 + 6], ax

; ------------------------------------------------ session 1: IOPL=3
    mov dword [R_NEWDS], 0
    mov dword [R_SKIP], 0
    mov eax, 0x12345678
    V86 v86_main, 0x3002
    mov ax, cs
    movzx eax, ax
    CHECK eax, KCODE32, "left v86: back in the ring-0 monitor (CS = 0x08)"
    CHECK [R_VEC], 0x31, "left v86 through int 0x31 (DPL3 gate)"
    CHECK [R_EIP], v86_main.exit_ret, "int 0x31 frame: EIP after the int"
    CHECK [R_EAX], 0x600D, "v86 EAX seen by the monitor"
    CHECKM [R_EFL], VM_FLAG | 0x3000, VM_FLAG | 0x3000, "int 0x31 frame: VM=1 IOPL=3"

; ------------------------------------------------ IOPL<3: monitor #GP handler
    SET_IDT 13, mon_gp, 0x8E
    V86 v86_cli, 0x0002
    CHECK [R_VEC], 13, "cli in v86 with IOPL=0: #GP"
    CHECK [R_ERR], 0, "#GP(0)"
    CHECK [R_EIP], v86_cli, "saved EIP at the cli"
    CHECKM [R_CS], 0xFFFF, RAMSEG, "#GP frame: CS"
    CHECKM [R_EFL], 0x27200, VM_FLAG, "#GP frame: EFLAGS VM=1, IOPL=0, IF=0"
    SKIP_ON_TCG "RF is pushed as 0 in the frame of a fault"
    CHECKM [R_EFL], 0x10000, 0x10000, "#GP frame: RF=1 (pushed for fault-class exceptions)"
    END_SKIP_ON_TCG
    CHECK [R_ESP], V86_SP, "#GP frame: ESP"
    CHECKM [R_SS], 0xFFFF, V86_SS, "#GP frame: SS"
    CHECKM [R_ES], 0xFFFF, V86_ES, "#GP frame: ES"
    CHECKM [R_DS], 0xFFFF, V86_DS, "#GP frame: DS"
    CHECKM [R_FS], 0xFFFF, V86_FS, "#GP frame: FS"
    CHECKM [R_GS], 0xFFFF, V86_GS, "#GP frame: GS"
    CHECK [R_HESP], RING0_ESP - 36, "#GP frame (with error code below it) ends at TSS esp0"
    CHECKM [R_HDS], 0xFFFF, 0, "#GP handler: DS null"
    CHECKM [R_HES], 0xFFFF, 0, "#GP handler: ES null"
    CHECKM [R_HFS], 0xFFFF, 0, "#GP handler: FS null"
    CHECKM [R_HGS], 0xFFFF, 0, "#GP handler: GS null"
    CHECK [R_HCS], KCODE32, "#GP handler: CS = 0x08"
    CHECK [R_HSS], KDATA32, "#GP handler: SS = TSS ss0"
    CHECKM [R_HEFL], VM_FLAG | 0x4100, 0, "#GP handler: VM=0 NT=0 TF=0"

%macro SENS 3                           ; v86 label, EFLAGS, "desc"
    V86 %1, %2
    CHECK [R_EIP], %1, %3
    CHECK [R_VEC], 13, "  ... #GP"
    CHECK [R_ERR], 0, "  ... error code 0"
%endmacro
    SENS v86_sti, 0x0002, "sti in v86 with IOPL=0: #GP(0) at the sti"
    CHECKM [R_EFL], 0x200, 0, "sti did not set IF"
    SENS v86_pushf, 0x0002, "pushf in v86 with IOPL=0: #GP(0)"
    CHECK [R_ESP], V86_SP, "pushf: nothing pushed"
    SENS v86_pushfd, 0x0002, "pushfd in v86 with IOPL=0: #GP(0)"
    SENS v86_popf, 0x0002, "popf in v86 with IOPL=0: #GP(0)"
    CHECK [R_ESP], V86_SP, "popf: nothing popped"
    SENS v86_popfd, 0x0002, "popfd in v86 with IOPL=0: #GP(0)"
    SENS v86_int, 0x0002, "int 0x40 in v86 with IOPL=0: #GP(0) (not through the IDT)"
    SENS v86_iret, 0x0002, "iret in v86 with IOPL=0: #GP(0)"
    SENS v86_iretd, 0x0002, "iretd in v86 with IOPL=0: #GP(0)"
    SENS v86_cli, 0x2002, "cli in v86 with IOPL=2: #GP(0)"
    CHECKM [R_EFL], 0x3000, 0x2000, "#GP frame: IOPL=2"
    SENS v86_pushf, 0x1002, "pushf in v86 with IOPL=1: #GP(0)"
    SENS v86_hlt, 0x3002, "hlt in v86 (CPL3) even with IOPL=3: #GP(0)"
    SENS v86_movcr, 0x3002, "mov eax, cr0 in v86: #GP(0)"
    ; not IOPL-sensitive with IOPL=0
    V86 v86_io_ok, 0x0002
    CHECK [R_EIP], v86_io_ok.end, "in/out to allowed ports with IOPL=0: no fault (bitmap only)"
    CHECK [R_COUNT], 1, "  ... only the final hlt trapped"
    SENS v86_io_bad, 0x0002, "out to a denied port with IOPL=0: #GP(0)"
    mov edx, 0x61
    SENS v86_io_bad2, 0x0002, "in from a denied port (dx) with IOPL=0: #GP(0)"
    SET_IDT 3, mon_int3, 0xEE
    V86 v86_int3, 0x0002
    SET_IDT 3, pm_stubs + 3*15, 0x8E
    CHECK [R_VEC], 3, "int3 in v86 with IOPL=0: #BP through a DPL3 gate (not IOPL-sensitive)"
    CHECK [R_EIP], v86_int3.after, "#BP frame: EIP after the int3"
    CHECKM [R_EFL], VM_FLAG, VM_FLAG, "#BP frame: VM=1"
    ; exception through the library catcher, resumed in v86
    EXPECT 0, v86_de.after
    mov dword [EXC_COUNT], 0
    V86 v86_de, 0x0002
    CHECK [EXC_VEC], 0, "div by 0 in v86: #DE through the IDT"
    CHECK [EXC_EIP], v86_de.div, "#DE frame: EIP at the div"
    CHECKM [EXC_CS], 0xFFFF, RAMSEG, "#DE frame: CS = 0x1000"
    CHECKM [EXC_FRAME + 24], 0xFFFF, V86_DS, "#DE frame: DS slot"
    CHECKM [EXC_FRAME + 32], 0xFFFF, V86_GS, "#DE frame: GS slot"
    CHECK [R_EIP], v86_de.after, "handler iret resumed v86 at the new EIP (then hlt -> monitor)"
    ; a monitor that emulates cli: skip it and resume v86
    mov dword [R_SKIP], 2
    V86 v86_cli2, 0x0002
    CHECK [R_COUNT], 3, "monitor emulated two cli (#GP, EIP+1, iretd to v86), then hlt"
    CHECK [R_EIP], v86_cli2.end, "left v86 at the hlt"
    CHECK [R_SKIP], 0, "  ... skip counter used up"
    ; monitor changes the v86 registers in the frame
    mov dword [R_NEWDS], 0x5000
    V86 v86_newds, 0x3002
    mov dword [R_NEWDS], 0
    CHECK [R_EAX], 0x5000, "iretd to v86 loads DS from the monitor-modified frame (0x5000)"
    SET_IDT 13, pm_stubs + 13*15, 0x8E
    mov ax, ds
    movzx eax, ax
    CHECK eax, KDATA32, "monitor DS intact"
    PASS

; run_v86: enter v86 at RAMSEG:[vf_ip] with EFLAGS [vf_flags] | VM and the
; segment registers below; GPRs are passed unchanged. Returns (all registers
; preserved) when the monitor leaves v86; the last trap is recorded in REC.
run_v86:
    pushad
    mov [v86_saved_esp], esp
    mov dword [R_COUNT], 0
    mov dword [R_HDS], -1
    mov dword [R_HES], -1
    mov dword [R_HFS], -1
    mov dword [R_HGS], -1
    mov dword [R_VEC], -1
    push dword V86_GS
    push dword V86_FS
    push dword V86_DS
    push dword V86_ES
    push dword V86_SS
    push dword V86_SP
    push eax
    mov eax, [vf_flags]
    or eax, VM_FLAG
    xchg eax, [esp]
    push dword RAMSEG
    push dword [vf_ip]
    iretd

; monitor entry points (ring 0, DS/ES/FS/GS null when coming from v86)
mon_gp:                                 ; #GP: CPU pushed an error code
    push dword 13
    jmp mon_common
mon_int31:
    push dword 0
    push dword 0x31
    jmp mon_common
mon_int40:
    push dword 0
    push dword 0x40
    jmp mon_common
mon_int3:
    push dword 0
    push dword 3
    jmp mon_common
; stack: vec, err, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS
mon_common:
    mov [ss:R_HDS], ds
    mov [ss:R_HES], es
    mov [ss:R_HFS], fs
    mov [ss:R_HGS], gs
    pushad                              ; [esp+32]=vec [esp+36]=err [esp+40]=EIP
    pushfd
    pop eax
    mov [ss:R_HEFL], eax
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    cld
    mov eax, [esp + 32]
    mov [R_VEC], eax
    mov eax, [esp + 36]
    mov [R_ERR], eax
    lea esi, [esp + 40]
    mov [R_HESP], esi
    mov edi, REC
    mov ecx, 9
    rep movsd
    mov ax, cs
    movzx eax, ax
    mov [R_HCS], eax
    mov ax, ss
    movzx eax, ax
    mov [R_HSS], eax
    mov eax, [esp + 28]
    mov [R_EAX], eax
    mov eax, [esp + 16]
    mov [R_EBX], eax
    inc dword [R_COUNT]
    cmp dword [R_VEC], 0x40
    je .to_v86
    cmp dword [R_VEC], 13
    jne .leave
    cmp dword [R_SKIP], 0
    je .leave
    dec dword [R_SKIP]
    inc dword [esp + 40]                ; emulate a 1-byte instruction
    jmp .iret
.to_v86:
    mov eax, [R_NEWDS]
    test eax, eax
    jz .iret
    mov [esp + 40 + 24], eax            ; DS slot of the v86 frame
.iret:
    popad
    add esp, 8
    iretd
.leave:
    mov ax, KDATA32
    mov fs, ax
    mov gs, ax
    mov esp, [v86_saved_esp]
    popad
    ret

v86_saved_esp: dd 0
vf_ip:      dd 0
vf_flags:   dd 0

gdt:
    GDT_STANDARD
    DESC TSS0, IOMAP + 0x80, 0x89, 0    ; 0x40 TSS with I/O bitmap
gdt_end:

; ===========================================================================
; v86 code (CS = 0x1000: .text16 offsets are the v86 IPs)
; ===========================================================================
section .text16
bits 16

; CHECKVM libvar, mask, expected, "desc" (any DS, libvar below 64 KiB)
%macro CHECKVM 4
    push dword %2
    push dword %3
    push dword %1
    call check16v
    db %4, 0
%endmacro
%macro SEGCHECK 3                       ; sreg, expected, "desc"
    mov ax, %1
    movzx eax, ax
    CHECK eax, %2, %3
%endmacro

; session 1: IOPL=3, the library works from v86
v86_main:
    CHECK eax, 0x12345678, "v86 entry: GPRs passed through the iret"
    SEGCHECK cs, RAMSEG, "v86 entry: CS = 0x1000 from the iret frame"
    SEGCHECK ss, V86_SS, "v86 entry: SS = 0x8000"
    mov eax, esp
    CHECK eax, V86_SP, "v86 entry: ESP = 0x0000FFF0"
    SEGCHECK ds, V86_DS, "v86 entry: DS from the frame"
    SEGCHECK es, V86_ES, "v86 entry: ES from the frame"
    SEGCHECK fs, V86_FS, "v86 entry: FS from the frame"
    SEGCHECK gs, V86_GS, "v86 entry: GS from the frame"
    CHECK [es:0], MARK_ES, "ES=0x2000: base 0x20000"
    CHECK [fs:0], MARK_FS, "FS=0x3000: base 0x30000"
    CHECK [gs:0], MARK_GS, "GS=0x4000: base 0x40000"
    pushfd
    pop eax
    CHECKM eax, 0x37200, 0x3000, "pushfd in v86 (IOPL=3): IOPL=3, IF=0, VM and RF read as 0"
    smsw ax
    movzx eax, ax
    CHECKM eax, 1, 1, "smsw in v86: PE=1"

    ; ---------------------------------------- real-mode segment semantics
    mov ax, 0x2001
    mov es, ax
    CHECK [es:0], MARK_ES2, "mov es, 0x2001: base 0x20010 (no descriptor lookup)"
    mov ax, 0x0008                      ; KCODE32 in protected mode
    mov es, ax
    CHECK [es:0], (RAMSEG << 16) + rm_stubs + 0x20*6, "mov es, 0x0008: base 0x80 (IVT entry 0x20), not the GDT"
    mov ax, 0xFFFF
    mov es, ax
    CHECK [es:0x10], MARK_HI, "segment 0xFFFF, offset 0x10: linear 0x100000 (A20 on)"
    mov ax, V86_ES
    mov es, ax
    mov dword [es:0x0002], 0x5A5A1234
    mov bx, 0xFFFF
    mov si, 3
    CHECK [es:bx+si], 0x5A5A1234, "16-bit effective address wraps at 64K ([bx+si])"
    mov word [es:0x100], 0x0010
    mov word [es:0x102], V86_ES
    les di, [es:0x100]
    CHECK [es:di], MARK_ES2, "les in v86: ES = 0x2000 loaded as base 0x20000"
    mov ax, V86_ES
    mov es, ax
    SKIP_ON_TCG "segment limits are not checked for data accesses"
    EXPECT 13, .lim_r
.lim: mov ax, [es:0xFFFF]
.lim_r:
    CHECKV EXC_VEC, 13, "v86: word read at offset 0xFFFF: #GP (64 KiB limit)"
    CHECKV EXC_ERR, 0, "#GP(0)"
    CHECKV EXC_EIP, .lim, "saved EIP at the access"
    EXPECT 13, .lim2_r
.lim2: mov eax, [es:dword 0x10000]
.lim2_r:
    CHECKV EXC_EIP, .lim2, "v86: 32-bit offset 0x10000: #GP (64 KiB limit)"
    END_SKIP_ON_TCG

    ; ---------------------------------------- int n through the IDT
    mov ebp, esp
    stc
.i40: int 0x40
.i40_ret:
    CHECKV R_EIP, .i40_ret, "int 0x40 from v86: pushed EIP = next instruction"
    CHECKVM R_CS, 0xFFFF, RAMSEG, "int 0x40 frame: CS = 0x1000"
    CHECKVM R_EFL, 0x37301, VM_FLAG | 0x3001, "int 0x40 frame: EFLAGS VM=1 IOPL=3 CF=1 IF=TF=NT=RF=0"
    CHECKV R_ESP, ebp, "int 0x40 frame: ESP"
    CHECKVM R_SS, 0xFFFF, V86_SS, "int 0x40 frame: SS"
    CHECKVM R_ES, 0xFFFF, V86_ES, "int 0x40 frame: ES"
    CHECKVM R_DS, 0xFFFF, V86_DS, "int 0x40 frame: DS"
    CHECKVM R_FS, 0xFFFF, V86_FS, "int 0x40 frame: FS"
    CHECKVM R_GS, 0xFFFF, V86_GS, "int 0x40 frame: GS"
    CHECKV R_HESP, RING0_ESP - 36, "int 0x40: 9-dword frame on the TSS ss0:esp0 stack"
    CHECKV R_HCS, KCODE32, "int 0x40 handler: CS = 0x08"
    CHECKV R_HSS, KDATA32, "int 0x40 handler: SS = TSS ss0"
    CHECKVM R_HDS, 0xFFFF, 0, "int 0x40 handler: DS = 0 (null)"
    CHECKVM R_HES, 0xFFFF, 0, "int 0x40 handler: ES = 0"
    CHECKVM R_HFS, 0xFFFF, 0, "int 0x40 handler: FS = 0"
    CHECKVM R_HGS, 0xFFFF, 0, "int 0x40 handler: GS = 0"
    CHECKVM R_HEFL, 0x37300, 0x3000, "int 0x40 handler (interrupt gate): VM=0 IF=0 TF=0 NT=0 RF=0"
    SEGCHECK ds, V86_DS, "after iretd to v86: DS restored"
    SEGCHECK es, V86_ES, "after iretd to v86: ES restored"
    SEGCHECK fs, V86_FS, "after iretd to v86: FS restored"
    SEGCHECK gs, V86_GS, "after iretd to v86: GS restored"
    SEGCHECK ss, V86_SS, "after iretd to v86: SS restored"
    CHECK [fs:0], MARK_FS, "after iretd to v86: FS base 0x30000 again"
    CHECKF 1, 1, "after iretd to v86: CF=1 kept"
    EXPECT 13, .i41_r
.i41: int 0x41
.i41_r:
    CHECKV EXC_VEC, 13, "int 0x41 (DPL0 gate) from v86: #GP"
    CHECKV EXC_ERR, 0x41*8 + 2, "#GP error code = vector*8 + 2"
    CHECKV EXC_EIP, .i41, "saved EIP at the int"
    CHECKVM EXC_CS, 0xFFFF, RAMSEG, "#GP frame: CS = 0x1000"
    CHECKVM EXC_EFLAGS, VM_FLAG, VM_FLAG, "#GP frame: EFLAGS.VM=1"
    CHECKVM EXC_FRAME + 20, 0xFFFF, V86_ES, "#GP frame: ES slot"
    CHECKVM EXC_FRAME + 28, 0xFFFF, V86_FS, "#GP frame: FS slot"
    EXPECT 13, .i42_r
.i42: int 0x42
.i42_r:
    CHECKV EXC_VEC, 13, "int 0x42 (DPL3 gate to a DPL3 code segment) from v86: #GP"
    CHECKV EXC_ERR, UCODE32 & ~3, "#GP error code = code segment selector"
    EXPECT 13, .i3_r
.i3: int3
.i3_r:
    CHECKV EXC_ERR, 3*8 + 2, "int3 from v86 through the DPL0 gate 3: #GP(3*8+2)"

    ; ---------------------------------------- IOPL=3: flags instructions
    cli
    OKMSG "cli in v86 with IOPL=3: no fault"
    push word 0x0001                    ; image: IOPL=0, CF=1
    popf
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x3001, 0x3001, "popf in v86: IOPL not changed (3), CF loaded"
    push dword 0x00000002               ; image: VM=0, IOPL=0, CF=0
    popfd
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x3001, 0x3000, "popfd in v86: IOPL not changed, CF cleared"
    int 0x40
    CHECKVM R_EFL, VM_FLAG, VM_FLAG, "popfd with VM=0 in the image: still in v86 (VM=1 in the next frame)"
    push word 0x0001                    ; FLAGS image for iret: CF=1, IOPL=0
    push cs
    push word .ir_t
    iret
    FAIL "iret in v86 fell through"
.ir_t:
    pushf
    pop ax
    movzx eax, ax
    CHECKM eax, 0x3001, 0x3001, "iret within v86 (IOPL=3): real-mode style, IOPL unchanged"

    ; ---------------------------------------- instructions invalid in v86
    EXPECT 6, .ud1_r
.ud1: sldt ax
.ud1_r:
    CHECKV EXC_VEC, 6, "sldt in v86: #UD"
    CHECKV EXC_EIP, .ud1, "  ... saved EIP at the sldt"
    EXPECT 6, .ud2_r
.ud2: lar ax, bx
.ud2_r:
    CHECKV EXC_VEC, 6, "lar in v86: #UD"
    EXPECT 6, .ud3_r
.ud3: arpl ax, bx
.ud3_r:
    CHECKV EXC_VEC, 6, "arpl in v86: #UD"
    EXPECT 6, .ud4_r
.ud4: verr ax
.ud4_r:
    CHECKV EXC_VEC, 6, "verr in v86: #UD"
    EXPECT 13, .p1_r
.p1: clts
.p1_r:
    CHECKV EXC_VEC, 13, "clts in v86 (CPL3): #GP"
    CHECKV EXC_ERR, 0, "  ... #GP(0)"
    EXPECT 13, .p2_r
.p2: lidt [0]
.p2_r:
    CHECKV EXC_VEC, 13, "lidt in v86: #GP(0)"

    ; ---------------------------------------- I/O bitmap, IOPL=3
    mov al, 0x0F
    out 0x70, al
    in al, 0x71
    OKMSG "v86 IOPL=3: out 0x70 / in 0x71 allowed by the bitmap"
    EXPECT 13, .io1_r
.io1: out 0x80, al
.io1_r:
    CHECKV EXC_VEC, 13, "v86 IOPL=3: out to a port denied by the bitmap: #GP (IOPL not used)"
    CHECKV EXC_ERR, 0, "  ... #GP(0)"
    CHECKV EXC_EIP, .io1, "  ... saved EIP at the out"
    EXPECT 13, .io2_r
    mov dx, 0x60
.io2: in al, dx
.io2_r:
    CHECKV EXC_EIP, .io2, "v86 IOPL=3: in from a denied port: #GP(0)"
    EXPECT 13, .io3_r
    mov dx, 0xE9
.io3: out dx, ax
.io3_r:
    CHECKV EXC_EIP, .io3, "v86: word out at 0xE9 needs 0xEA allowed too: #GP(0)"
    EXPECT 13, .io4_r
    mov dx, 0x400
.io4: in al, dx
.io4_r:
    CHECKV EXC_EIP, .io4, "v86: port 0x400, beyond the bitmap: #GP(0)"
    mov dx, 0xF4
    in eax, dx
    OKMSG "v86: dword in at 0xF4 (bits 0xF4-0xF7 clear) allowed"

    mov eax, 0x600D
    int 0x31                            ; leave v86
.exit_ret:
    FAIL "v86 resumed after int 0x31"

; IOPL<3 snippets: the monitor leaves v86 at the first #GP (hlt as a backstop)
v86_cli:    cli
            hlt
v86_sti:    sti
            hlt
v86_pushf:  pushf
            hlt
v86_pushfd: pushfd
            hlt
v86_popf:   popf
            hlt
v86_popfd:  popfd
            hlt
v86_int:    int 0x40
            hlt
v86_iret:   iret
            hlt
v86_iretd:  iretd
            hlt
v86_hlt:    hlt
            hlt
v86_movcr:  mov eax, cr0
            hlt
v86_io_ok:
    mov al, 0x0F
    out 0x70, al
    in al, 0x71
    mov dx, 0x70
    out dx, al
.end: hlt
v86_io_bad:
    out 0x80, al
    hlt
v86_io_bad2:
    in al, dx                           ; DX = 0x61 from the monitor
    hlt
v86_int3:
    int3
.after:
    hlt
v86_de:
    xor cl, cl
    mov ax, 1
.div: div cl
    hlt
.after:
    hlt
v86_cli2:
    cli
    cli
.end: hlt
v86_newds:
    int 0x40
    mov ax, ds
    movzx eax, ax
    hlt

section .text32
