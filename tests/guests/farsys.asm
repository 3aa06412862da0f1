; farsys.asm - far transfers and system instructions beyond pmode.asm and
; gates.asm (SDM vol. 2 CALL/JMP/RET/IRET/LAR/LSL/MOV DRn/MOV CRn/LMSW/LSS,
; vol. 3 ch. 5, 6, 17): conforming code segments (CPL kept, DPL rules), JMP
; through a call gate, call-gate faults (#GP gate DPL/RPL, #NP gate, null
; target #GP(0), #NP target, jmp to an inner level), a call gate to ring 1
; with the inner stack from TSS ss1:esp1 and its #TS/#SS faults, a 16-bit
; call gate from 16-bit ring-3 code copying word parameters, RETF/IRET
; faults (#GP(sel) for bad CS/SS, #GP(0) null SS, #SS not-present SS, #NP
; CS), INT3/INTO/INT n through DPL0 gates at CPL3 (#GP) and ICEBP (no DPL
; check), LAR/LSL on gates and with 16-bit operands, VERR/VERW on
; conforming code, DR4/DR5 aliasing and CR4.DE, DR7.GD (#DB with DR6.BD),
; DR6/DR7 fixed bits, CR4/CR0 invalid writes, LMSW, SMSW r32, LSS/LFS/LGS,
; POP FS faults, MOV r32,Sreg zero-extension, the single-step trap delayed
; by MOV SS/POP SS, SYSENTER with SYSENTER_CS=0, TSC writes.
%define GUEST_MODE 32
%include "lib/common.inc"

TSS0        equ 0x3000
RING0_ESP   equ 0x9E000
RING1_ESP   equ 0x9C000
USTACK      equ 0x9D000
USTACK16    equ 0xE000          ; ring-3 stack of the 16-bit caller (< 64 KiB)
REC         equ 0x5000          ; records written by gate targets

SEL_TSS0    equ 0x40
SEL_CONF0   equ 0x48            ; conforming code DPL0
SEL_CONF3   equ 0x50            ; conforming code DPL3
SEL_CODE1   equ 0x58            ; code DPL1
SEL_DATA1   equ 0x60            ; data DPL1 (ring-1 stack)
SEL_DATA1S  equ 0x68            ; data DPL1, limit 0xFFF
SEL_DATA1NP equ 0x70            ; data DPL1, not present
SEL_DATA3NP equ 0x78            ; data DPL3, not present
SEL_NPCODE  equ 0x80            ; code DPL0, not present
SEL_NPDATA  equ 0x88            ; data DPL0, not present
SEL_UCODE16 equ 0x90            ; 16-bit code DPL3, base RAMBASE
SEL_CG_J    equ 0x98            ; call gate DPL0 -> KCODE32:jg_target
SEL_CG_UP   equ 0xA0            ; call gate DPL3 -> KCODE32 (inner level)
SEL_CG_NP   equ 0xA8            ; call gate DPL3, not present
SEL_CG_NULL equ 0xB0            ; call gate DPL3 with a null selector
SEL_CG_CNP  equ 0xB8            ; call gate DPL3 -> not-present code
SEL_CG_R1   equ 0xC0            ; call gate DPL3 -> SEL_CODE1:r1_target
SEL_CG16    equ 0xC8            ; 16-bit call gate DPL3 -> KCODE16:cg16_target, 2 words
SEL_INTG    equ 0xD0            ; a 386 interrupt gate in the GDT (for LAR)

; point a gate at a label: GATE_TARGET gate selector, label
%macro GATE_TARGET 2
    mov eax, %2
    mov [gdt + %1], ax
    shr eax, 16
    mov [gdt + %1 + 6], ax
%endmacro

section .text32
main32:
    PRINTLN "# farsys: far transfers and system instructions"
    mov dword [TSS0 + 4], RING0_ESP
    mov dword [TSS0 + 8], KDATA32
    mov dword [TSS0 + 12], RING1_ESP
    mov dword [TSS0 + 16], SEL_DATA1 | 1
    mov word [TSS0 + 0x66], 0x68
    mov ax, SEL_TSS0
    ltr ax
    GATE_TARGET SEL_CG_J, jg_target
    GATE_TARGET SEL_CG_R1, r1_target
    GATE_TARGET SEL_CG16, cg16_target
    mov edi, REC
    xor eax, eax
    mov ecx, 64
    rep stosd

; ------------------------------------------------------ control registers
    SKIP_ON_TCG "a reserved CR4 bit makes QEMU loop on an SVM exit outside a guest"
    mov eax, cr4
    mov ebx, eax
    or eax, 1 << 31                     ; reserved
    EXPECT 13, .cr4_r
.cr4: mov cr4, eax
.cr4_r:
    CHECKV EXC_EIP, .cr4, "mov cr4 with a reserved bit: #GP"
    CHECKV EXC_ERR, 0, "  ... #GP(0)"
    mov eax, cr4
    CHECK eax, ebx, "CR4 unchanged after the faulting write"
    END_SKIP_ON_TCG
    SKIP_ON_TCG "CR0 NW=1 with CD=0 is not rejected"
    mov eax, cr0
    and eax, ~(1 << 30)                 ; CD=0
    or eax, 1 << 29                     ; NW=1
    EXPECT 13, .cr0_r
.cr0: mov cr0, eax
.cr0_r:
    CHECKV EXC_EIP, .cr0, "mov cr0 with NW=1 CD=0: #GP(0)"
    END_SKIP_ON_TCG
    mov ax, 0x000E                      ; MP EM TS, PE=0
    lmsw ax
    mov eax, cr0
    CHECKM eax, 0xF, 0xF, "lmsw 0x0E: MP EM TS set, PE stays 1"
    xor ax, ax
    lmsw ax
    mov eax, cr0
    CHECKM eax, 0xF, 0x1, "lmsw 0: MP EM TS cleared, PE cannot be cleared"
    mov ebx, cr0
    mov eax, 0x12345678
    smsw eax
    CHECK eax, ebx, "smsw r32 stores all of CR0"
    mov eax, 0xAAAA5555
    smsw ax
    and ebx, 0xFFFF
    or ebx, 0xAAAA0000
    CHECK eax, ebx, "smsw r16 stores the low 16 bits only"

; ------------------------------------------------------ debug registers
    xor eax, eax
    mov dr6, eax
    mov eax, dr6
    CHECK eax, 0xFFFF0FF0, "DR6 written 0 reads 0xFFFF0FF0 (reserved bits 1)"
    xor eax, eax
    mov dr7, eax
    mov eax, dr7
    CHECK eax, 0x400, "DR7 written 0 reads 0x400 (bit 10 reads 1)"
    mov eax, 0x0000000F
    mov dr4, eax                        ; CR4.DE=0: alias of DR6
    mov eax, dr6
    CHECKM eax, 0xF, 0xF, "CR4.DE=0: mov dr4 writes DR6"
    mov eax, dr4
    mov ebx, dr6
    CHECK eax, ebx, "CR4.DE=0: mov from dr4 reads DR6"
    mov eax, 0x00000400
    mov dr5, eax
    mov eax, dr5
    CHECK eax, 0x400, "CR4.DE=0: dr5 aliases DR7"
    mov eax, cr4
    or eax, 1 << 3                      ; DE
    mov cr4, eax
    EXPECT 6, .de1_r
.de1: mov eax, dr4
.de1_r:
    CHECKV EXC_EIP, .de1, "CR4.DE=1: mov eax, dr4 is #UD"
    EXPECT 6, .de2_r
.de2: mov dr5, eax
.de2_r:
    CHECKV EXC_EIP, .de2, "CR4.DE=1: mov dr5, eax is #UD"
    mov eax, cr4
    and eax, ~(1 << 3)
    mov cr4, eax
    SKIP_ON_TCG "DR7.GD (general detect) is not implemented"
    xor eax, eax
    mov dr6, eax
    mov eax, 0x2000                     ; GD
    mov dr7, eax
    EXPECT 1, .gd_r
.gd: mov eax, dr0
.gd_r:
    CHECKV EXC_VEC, 1, "DR7.GD=1: access to DR0 raises #DB"
    CHECKV EXC_EIP, .gd, "  ... a fault: saved EIP at the mov"
    CHECKM [EXC_DR6], 0x2000, 0x2000, "  ... DR6.BD=1"
    mov eax, dr7
    CHECKM eax, 0x2000, 0, "DR7.GD cleared on entry to the #DB handler"
    END_SKIP_ON_TCG

; ------------------------------------------------------ single step after MOV SS / POP SS
    mov ax, KDATA32
    EXPECT 1, 0
    pushfd
    or dword [esp], 0x100
    popfd
.ms1: mov ss, ax                        ; its trap is held back ...
.ms2: mov ebx, 1                        ; ... to after this instruction
.ms3: nop
    CHECKV EXC_EIP, .ms3, "TF: no single-step trap right after mov ss (taken one instruction later)"
    push dword KDATA32
    EXPECT 1, 0
    pushfd
    or dword [esp], 0x100
    popfd
.ps1: pop ss
.ps2: mov ebx, 2
.ps3: nop
    CHECKV EXC_EIP, .ps3, "TF: pop ss holds the single-step trap back one instruction too"

; ------------------------------------------------------ segment loads
    mov eax, 0xFFFFFFFF
    mov eax, ds
    CHECK eax, KDATA32, "mov r32, ds zero-extends the selector"
    mov ebx, 0x11111111
    lfs ebx, [fp_kdata]
    CHECK ebx, 0x12345678, "lfs: offset loaded"
    mov ax, fs
    movzx eax, ax
    CHECK eax, KDATA32, "lfs: FS loaded"
    mov ebx, 0x22222222
    EXPECT 11, .lg_r
.lg: lgs ebx, [fp_np]
.lg_r:
    CHECKV EXC_ERR, SEL_NPDATA, "lgs with a not-present segment: #NP(sel)"
    CHECK ebx, 0x22222222, "  ... the offset register is not written"
    mov ecx, esp
    lss esp, [fp_stack]
    mov edx, esp
    mov ax, ss
    mov esp, ecx
    movzx eax, ax
    CHECK eax, KDATA32, "lss: SS loaded"
    CHECK edx, STACK32_TOP - 0x100, "lss: ESP loaded"
    mov ebx, esp
    push dword 0x1003
    EXPECT 13, .pf_r
.pf: pop fs
.pf_r:
    mov ecx, esp
    mov esp, ebx
    CHECKV EXC_ERR, 0x1000, "pop fs beyond the GDT limit: #GP(sel)"
    mov eax, ebx
    sub eax, 4
    CHECK ecx, eax, "  ... ESP not incremented"
    mov ax, KDATA32
    mov fs, ax

; ------------------------------------------------------ LAR / LSL / VERR / VERW
    mov eax, SEL_CG_J
    lar ebx, ax
    CHECKF 0x40, 0x40, "lar on a call gate: ZF=1"
    CHECKM ebx, 0xFF00, 0x8C00, "lar call gate: P DPL0 type C"
    mov eax, SEL_INTG
    lar ebx, ax
    CHECKF 0x40, 0, "lar on an interrupt gate: ZF=0"
    mov eax, SEL_CG_J
    lsl ebx, ax
    CHECKF 0x40, 0, "lsl on a call gate: ZF=0"
    mov eax, SEL_TSS0
    lsl ebx, ax
    CHECKF 0x40, 0x40, "lsl on a busy TSS: ZF=1"
    CHECK ebx, 0x67, "lsl TSS: limit"
    mov eax, 0x55550000
    mov bx, KCODE32
    lar ax, bx
    CHECKM eax, 0xFFFFFE00, 0x55559A00, "lar r16: access byte in bits 8-15, upper half kept"
    mov eax, 0x55550000
    mov bx, KDATA32
    lsl ax, bx
    CHECK eax, 0x5555FFFF, "lsl r16: low 16 bits of the limit, upper half kept"

; ------------------------------------------------------ far transfers at CPL0
    EXPECT 13, .c3_r
.c3: jmp SEL_CONF3:0
.c3_r:
    CHECKV EXC_ERR, SEL_CONF3, "jmp to conforming code with DPL 3 > CPL 0: #GP(sel)"
    EXPECT 13, .rg_r
.rg: call (SEL_CG_J | 3):0
.rg_r:
    CHECKV EXC_ERR, SEL_CG_J, "call gate selector RPL 3 > gate DPL 0: #GP(gate)"
    mov ebx, esp
    jmp SEL_CG_J:0x12345678             ; offset ignored
.jg_back:
    CHECK [REC], KCODE32, "jmp through a call gate: CS = gate target (RPL = CPL)"
    CHECK [REC + 4], ebx, "jmp through a call gate pushes nothing"
    ; RETF / IRET faults (same level: the catcher returns here)
    mov ebx, esp
    push dword KDATA32
    push dword .rf_r
    EXPECT 13, .rf_r
.rf: retf
.rf_r:
    mov esp, ebx
    CHECKV EXC_ERR, KDATA32, "retf to a data segment: #GP(sel)"
    CHECKV EXC_EIP, .rf, "  ... saved EIP at the retf"
    push dword 0x33 & ~3                ; SS RPL 0 with CS RPL 3
    push dword USTACK
    push dword UCODE32
    push dword .rf2_r
    EXPECT 13, .rf2_r
.rf2: retf
.rf2_r:
    mov esp, ebx
    CHECKV EXC_ERR, UDATA32 & ~3, "retf to ring 3 with SS.RPL != CS.RPL: #GP(ss)"
    push dword KDATA32 | 3              ; RPL3 but DPL0
    push dword USTACK
    push dword UCODE32
    push dword .rf3_r
    EXPECT 13, .rf3_r
.rf3: retf
.rf3_r:
    mov esp, ebx
    CHECKV EXC_ERR, KDATA32, "retf to ring 3 with a DPL0 SS: #GP(ss)"
    push dword 0
    push dword USTACK
    push dword UCODE32
    push dword .rf4_r
    EXPECT 13, .rf4_r
.rf4: retf
.rf4_r:
    mov esp, ebx
    CHECKV EXC_ERR, 0, "retf to ring 3 with a null SS: #GP(0)"
    push dword SEL_DATA3NP | 3
    push dword USTACK
    push dword 0x202
    push dword UCODE32
    push dword .ir1_r
    EXPECT 11, .ir1_r
.ir1: iretd
.ir1_r:
    mov esp, ebx
    CHECKV EXC_VEC, 11, "iret to ring 3 with a not-present SS: #NP (IRET exception list)"
    CHECKV EXC_ERR, SEL_DATA3NP, "  ... #NP(ss)"
    pushfd
    push dword SEL_NPCODE
    push dword .ir2_r
    EXPECT 11, .ir2_r
.ir2: iretd
.ir2_r:
    mov esp, ebx
    CHECKV EXC_ERR, SEL_NPCODE, "iret to a not-present code segment: #NP(sel)"

; ------------------------------------------------------ MSRs, SYSENTER
    SKIP_ON_TCG "wrmsr to IA32_TSC does not change what rdtsc reads"
    mov ecx, 0x10
    mov eax, 0x80000000
    xor edx, edx
    wrmsr                               ; TSC = 2^31 (P6: the low half is writable)
    rdtsc
    CHECK edx, 0, "wrmsr TSC = 2^31: rdtsc EDX = 0"
    CHECKM eax, 0xFF000000, 0x80000000, "  ... EAX = 2^31 + a few ticks"
    END_SKIP_ON_TCG
    mov ecx, 0x174
    xor eax, eax
    xor edx, edx
    wrmsr
    EXPECT 13, .se_r
.se: sysenter
.se_r:
    CHECKV EXC_EIP, .se, "sysenter with IA32_SYSENTER_CS = 0: #GP"
    CHECKV EXC_ERR, 0, "  ... #GP(0)"
    SKIP_ON_TCG "wrmsr IA32_PAT with an invalid memory type is not rejected"
    mov ecx, 0x277
    mov eax, 0x00000002                 ; type 2 is reserved
    xor edx, edx
    EXPECT 13, .pat_r
.pat: wrmsr
.pat_r:
    CHECKV EXC_EIP, .pat, "wrmsr IA32_PAT with a reserved memory type: #GP(0)"
    END_SKIP_ON_TCG

; ------------------------------------------------------ to ring 3 (IOPL 3)
    mov [saved_esp], esp
    SET_IDT 0x30, back_to_ring0, 0xEE
    push dword UDATA32
    push dword USTACK
    push dword 0x3002
    push dword UCODE32
    push dword ring3
    iretd

ring3:
    mov ax, UDATA32
    mov ds, ax
    mov es, ax
    ; conforming code: CPL stays 3
    call SEL_CONF0:conf_target
    CHECKM [REC + 0x10], 0xFFFF, SEL_CONF0 | 3, "call to DPL0 conforming code at CPL3: CS.RPL = 3"
    CHECKM [REC + 0x14], 0xFFFF, UDATA32, "  ... SS unchanged (no stack switch)"
    jmp SEL_CONF0:conf_jmp
.conf_back:
    CHECKM [REC + 0x18], 0xFFFF, SEL_CONF0 | 3, "jmp to DPL0 conforming code at CPL3: CS.RPL = 3"
    mov eax, SEL_CONF0
    verr ax
    CHECKF 0x40, 0x40, "verr on DPL0 conforming readable code at CPL3: ZF=1"
    verw ax
    CHECKF 0x40, 0, "verw on conforming code: ZF=0"
    lar ebx, ax
    CHECKF 0x40, 0x40, "lar on DPL0 conforming code at CPL3: ZF=1"
    mov eax, SEL_TSS0
    lar ebx, ax
    CHECKF 0x40, 0, "lar on a DPL0 TSS at CPL3: ZF=0"
    ; call-gate faults
    EXPECT 13, .g1_r
.g1: call SEL_CG_J:0
.g1_r:
    CHECKV EXC_ERR, SEL_CG_J, "call through a DPL0 gate at CPL3: #GP(gate)"
    CHECKV EXC_CS, UCODE32, "  ... raised at CPL3"
    EXPECT 11, .g2_r
.g2: call SEL_CG_NP:0
.g2_r:
    CHECKV EXC_ERR, SEL_CG_NP, "not-present call gate: #NP(gate)"
    EXPECT 13, .g3_r
.g3: call SEL_CG_NULL:0
.g3_r:
    CHECKV EXC_ERR, 0, "call gate with a null code selector: #GP(0)"
    CHECKV EXC_VEC, 13, "  ... vector 13"
    EXPECT 11, .g4_r
.g4: call SEL_CG_CNP:0
.g4_r:
    CHECKV EXC_ERR, SEL_NPCODE, "call gate to not-present code: #NP(code selector)"
    EXPECT 13, .g5_r
.g5: jmp SEL_CG_UP:0
.g5_r:
    CHECKV EXC_ERR, KCODE32, "jmp through a gate to a more privileged segment: #GP(code selector)"
    ; call gate to ring 1: inner stack from TSS ss1:esp1
    mov dword [TSS0 + 16], 0
    EXPECT 10, .t1_r
.t1: call SEL_CG_R1:0
.t1_r:
    CHECKV EXC_VEC, 10, "ring-1 gate with a null SS1 in the TSS: #TS"
    CHECKV EXC_ERR, 0, "  ... #TS(0)"
    CHECKV EXC_EIP, .t1, "  ... saved EIP at the call"
    mov dword [TSS0 + 16], KDATA32 | 1
    EXPECT 10, .t2_r
.t2: call SEL_CG_R1:0
.t2_r:
    CHECKV EXC_ERR, KDATA32, "SS1 with DPL 0 != 1: #TS(ss)"
    SKIP_ON_TCG "a not-present inner stack segment raises #TS instead of #SS"
    mov dword [TSS0 + 16], SEL_DATA1NP | 1
    EXPECT 12, .t3_r
.t3: call SEL_CG_R1:0
.t3_r:
    CHECKV EXC_VEC, 12, "not-present SS1: #SS"
    CHECKV EXC_ERR, SEL_DATA1NP, "  ... #SS(ss)"
    END_SKIP_ON_TCG
    SKIP_ON_TCG "stack segment limits are not checked"
    mov dword [TSS0 + 16], SEL_DATA1S | 1
    mov dword [TSS0 + 12], 0x2000       ; above the 0xFFF limit
    EXPECT 12, .t4_r
.t4: call SEL_CG_R1:0
.t4_r:
    CHECKV EXC_VEC, 12, "no room on the ring-1 stack: #SS"
    CHECKV EXC_ERR, SEL_DATA1S, "  ... #SS(ss)"
    END_SKIP_ON_TCG
    mov dword [TSS0 + 16], SEL_DATA1 | 1
    mov dword [TSS0 + 12], RING1_ESP
    mov ebp, esp
    call SEL_CG_R1:0
.r1_back:
    CHECKM [REC + 0x20], 0xFFFF, SEL_CODE1 | 1, "gate to ring 1: CS = 0x59 (CPL1)"
    CHECKM [REC + 0x24], 0xFFFF, SEL_DATA1 | 1, "  ... SS = TSS ss1"
    CHECK [REC + 0x28], RING1_ESP - 16, "  ... ESP = TSS esp1 - 16 (SS, ESP, CS, EIP)"
    CHECK [REC + 0x2C], .r1_back, "  ... pushed EIP"
    CHECK [REC + 0x34], ebp, "  ... pushed ring-3 ESP"
    mov eax, esp
    CHECK eax, ebp, "retf from ring 1 restores the ring-3 stack"
    ; 16-bit call gate from 16-bit ring-3 code, two word parameters
    mov [saved_esp3], esp
    mov esp, USTACK16
    jmp (SEL_UCODE16 | 3):r3_16
r3_16_back:
    mov esp, [saved_esp3]
    CHECKM [REC + 0x60], 0xFFFF, r3_16.ret, "16-bit gate frame: IP"
    CHECKM [REC + 0x62], 0xFFFF, SEL_UCODE16 | 3, "16-bit gate frame: CS"
    CHECKM [REC + 0x64], 0xFFFF, 0x2222, "16-bit gate frame: word parameter 2"
    CHECKM [REC + 0x66], 0xFFFF, 0x1111, "16-bit gate frame: word parameter 1"
    CHECKM [REC + 0x68], 0xFFFF, USTACK16 - 4, "16-bit gate frame: caller SP"
    CHECKM [REC + 0x6A], 0xFFFF, UDATA32, "16-bit gate frame: caller SS"
    CHECK [REC + 0x70], RING0_ESP - 12, "16-bit gate: 12 bytes on the ring-0 stack"
    CHECKM [REC + 0x74], 0xFFFF, KCODE16, "16-bit gate target runs with CS = KCODE16"
    CHECK [REC + 0x78], USTACK16, "o16 retf 4 to ring 3: SP restored, parameters dropped"
    ; retf to a more privileged level
    mov ebx, esp
    push dword KCODE32
    push dword .rr_r
    EXPECT 13, .rr_r
.rr: retf
.rr_r:
    mov esp, ebx
    CHECKV EXC_ERR, KCODE32, "retf at CPL3 to RPL 0 code: #GP(sel)"
    ; software interrupts through DPL0 gates
    EXPECT 13, .i3_r
.i3: int3
.i3_r:
    CHECKV EXC_ERR, 3*8 + 2, "int3 at CPL3 through a DPL0 gate: #GP(3*8+2)"
    CHECKV EXC_EIP, .i3, "  ... saved EIP at the int3"
    mov al, 0x7F
    add al, 1                           ; OF=1
    EXPECT 13, .io_r
.io: into
.io_r:
    CHECKV EXC_ERR, 4*8 + 2, "into at CPL3 through a DPL0 gate: #GP(4*8+2)"
    SKIP_ON_TCG "icebp (F1) raises #UD instead of #DB"
    EXPECT 1, 0
.ib: db 0xF1
.ib_after:
    CHECKV EXC_VEC, 1, "icebp at CPL3 through a DPL0 gate: #DB (no gate DPL check)"
    CHECKV EXC_EIP, .ib_after, "  ... a trap: saved EIP after the icebp"
    CHECKV EXC_CS, UCODE32, "  ... from CPL3"
    END_SKIP_ON_TCG
    int 0x30

back_to_ring0:
    mov ax, KDATA32
    mov ds, ax
    mov es, ax
    mov esp, [saved_esp]
    PASS

; ring-0 targets
jg_target:
    mov [REC], cs
    mov [REC + 4], esp
    jmp KCODE32:main32.jg_back

; conforming targets (run at CPL3)
conf_target:
    mov [REC + 0x10], cs
    mov [REC + 0x14], ss
    retf
conf_jmp:
    mov [REC + 0x18], cs
    jmp UCODE32:ring3.conf_back

; ring-1 target (DS = UDATA32 from ring 3)
r1_target:
    mov [REC + 0x20], cs
    mov [REC + 0x24], ss
    mov [REC + 0x28], esp
    mov eax, [esp]
    mov [REC + 0x2C], eax
    mov eax, [esp + 8]
    mov [REC + 0x34], eax
    retf

saved_esp: dd 0
saved_esp3: dd 0
fp_kdata: dd 0x12345678
          dw KDATA32
fp_np:    dd 0x9999
          dw SEL_NPDATA
fp_stack: dd STACK32_TOP - 0x100
          dw KDATA32

gdt:
    GDT_STANDARD
    DESC TSS0, 0x67, 0x89, 0            ; 0x40
    DESC 0, 0xFFFFF, 0x9E, 0xC          ; 0x48 conforming DPL0
    DESC 0, 0xFFFFF, 0xFE, 0xC          ; 0x50 conforming DPL3
    DESC 0, 0xFFFFF, 0xBA, 0xC          ; 0x58 code DPL1
    DESC 0, 0xFFFFF, 0xB2, 0xC          ; 0x60 data DPL1
    DESC 0, 0xFFF, 0xB2, 0x4            ; 0x68 data DPL1 limit 0xFFF
    DESC 0, 0xFFFFF, 0x32, 0xC          ; 0x70 data DPL1 not present
    DESC 0, 0xFFFFF, 0x72, 0xC          ; 0x78 data DPL3 not present
    DESC 0, 0xFFFFF, 0x1A, 0xC          ; 0x80 code DPL0 not present
    DESC 0, 0xFFFFF, 0x12, 0xC          ; 0x88 data DPL0 not present
    DESC RAMBASE, 0xFFFF, 0xFA, 0x0     ; 0x90 16-bit code DPL3
    dw 0, KCODE32, 0x8C00, 0            ; 0x98 call gate DPL0 (offset patched)
    dw 0, KCODE32, 0xEC00, 0            ; 0xA0 call gate DPL3 -> ring 0
    dw 0, KCODE32, 0x6C00, 0            ; 0xA8 call gate DPL3, not present
    dw 0, 0, 0xEC00, 0                  ; 0xB0 call gate DPL3, null selector
    dw 0, SEL_NPCODE, 0xEC00, 0         ; 0xB8 call gate DPL3 -> not-present code
    dw 0, SEL_CODE1, 0xEC00, 0          ; 0xC0 call gate DPL3 -> ring 1 (patched)
    dw 0, KCODE16, 0xE402, 0            ; 0xC8 16-bit call gate DPL3, 2 params (patched)
    dw 0, KCODE32, 0x8E00, 0            ; 0xD0 interrupt gate (not valid for LAR)
gdt_end:

section .text16
bits 16
; ring 3, 16-bit code segment (base RAMBASE), SS:SP = UDATA32:USTACK16
r3_16:
    push word 0x1111
    push word 0x2222
    call (SEL_CG16 | 3):0
.ret:
    mov [REC + 0x78], esp
    jmp dword UCODE32:r3_16_back

; ring 0 through the 16-bit gate: KCODE16, 32-bit SS from the TSS
cg16_target:
    mov ax, [esp]
    mov [REC + 0x60], ax
    mov ax, [esp + 2]
    mov [REC + 0x62], ax
    mov ax, [esp + 4]
    mov [REC + 0x64], ax
    mov ax, [esp + 6]
    mov [REC + 0x66], ax
    mov ax, [esp + 8]
    mov [REC + 0x68], ax
    mov ax, [esp + 10]
    mov [REC + 0x6A], ax
    mov [REC + 0x70], esp
    mov ax, cs
    mov [REC + 0x74], ax
    retf 4
