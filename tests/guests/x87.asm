; x87.asm - the x87 FPU from flat 32-bit protected mode (SDM vol. 1 ch. 8,
; vol. 3 2.5 CR0.MP/EM/TS/NE, 6.15 #NM and #MF): initial state, basic
; arithmetic results, FCOMI, FXAM, #MF delivery with CR0.NE=1 at the next
; waiting instruction with the error pointers (FIP/FOP/FDP) in the
; environment, #NM for CR0.TS and CR0.EM, WAIT with MP/TS, FNSAVE/FRSTOR in
; both operand sizes, and FBSTP; with CR0.NE=0 the PC's way (SDM vol. 1
; D.1): FERR# raises IRQ 13, the handler writes port 0xF0 and FNCLEX.
%define GUEST_MODE 32
%include "lib/common.inc"

DATA    equ 0x5000              ; scratch: results
ENV     equ 0x5100              ; FNSTENV images
SAVE    equ 0x5200              ; FNSAVE image (108 bytes)
SAVE16  equ 0x5300              ; 16-bit FNSAVE image (94 bytes)
IRQ13N  equ 0x5400              ; IRQ 13 handler: runs
IRQ13SW equ 0x5404              ;   status word it saw

CR0_MP  equ 1 << 1
CR0_EM  equ 1 << 2
CR0_TS  equ 1 << 3
CR0_NE  equ 1 << 5

section .text32
main32:
    PRINTLN "# x87: arithmetic, exceptions (#MF, #NM), environment images"
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)
    or eax, CR0_MP | CR0_NE
    mov cr0, eax

; ------------------------------------------------------------------ FNINIT state
    fninit
    fnstsw ax
    CHECKM eax, 0xffff, 0, "fninit: status word 0"
    fnstcw [DATA]
    CHECKM [DATA], 0xffff, 0x037f, "fninit: control word 0x037f"
    fnstenv [ENV]
    CHECKM [ENV + 8], 0xffff, 0xffff, "fninit: tag word all empty"
    fldcw [ENV]                         ; (fnstenv masked everything: 0x037f anyway)

; ------------------------------------------------------------------ arithmetic
    fld1
    fld1
    faddp st1, st0
    fistp dword [DATA]
    CHECK [DATA], 2, "1 + 1 = 2 (fistp)"
    fldpi
    fstp qword [DATA]
    CHECK [DATA], 0x54442D18, "fldpi as double: low dword"
    CHECK [DATA + 4], 0x400921FB, "fldpi as double: high dword"
    fld1
    mov dword [DATA], 3
    fidiv dword [DATA]                  ; 1/3
    fstp qword [DATA]
    CHECK [DATA], 0x55555555, "1/3 as double: low dword"
    CHECK [DATA + 4], 0x3FD55555, "1/3 as double: high dword"
    mov dword [DATA], 2
    fild dword [DATA]
    fsqrt
    fstp qword [DATA]
    CHECK [DATA], 0x667F3BCD, "sqrt(2) as double: low dword"
    CHECK [DATA + 4], 0x3FF6A09E, "sqrt(2) as double: high dword"
    ; 80-bit store of 1/3 with round-to-nearest: 3FFD AAAAAAAAAAAAAAAB
    fld1
    mov dword [DATA], 3
    fild dword [DATA]
    fdivp st1, st0
    fstp tword [DATA]
    CHECK [DATA], 0xAAAAAAAB, "1/3 in 80 bits: significand low"
    CHECK [DATA + 4], 0xAAAAAAAA, "1/3 in 80 bits: significand high"
    CHECKM [DATA + 8], 0xffff, 0x3FFD, "1/3 in 80 bits: exponent"
    fnstsw ax
    CHECKM eax, 0x0020, 0x0020, "inexact division sets PE"
    ; precision control 24 bits: 1/3 rounds to the single-precision significand
    fnclex
    mov word [DATA + 16], 0x007f        ; PC=00 (24 bits), RC nearest, all masked
    fldcw [DATA + 16]
    fld1
    mov dword [DATA], 3
    fild dword [DATA]
    fdivp st1, st0
    fstp tword [DATA]
    CHECK [DATA + 4], 0xAAAAAB00, "PC=24: 1/3 rounded to 24 bits"
    CHECK [DATA], 0, "PC=24: low significand bits zero"
    fninit
    ; FBSTP: -1234567 as packed BCD
    mov dword [DATA], -1234567
    fild dword [DATA]
    fbstp [DATA + 16]
    CHECK [DATA + 16], 0x01234567, "fbstp: digits 0-7"
    CHECKM [DATA + 24], 0xffff, 0x8000, "fbstp: digits 16-17 zero, sign byte 0x80"

; ------------------------------------------------------------------ FCOMI / FXAM
    fld1
    fldpi
    fcomi st0, st1                      ; pi > 1: ZF=PF=CF=0
    CHECKF 0x45, 0, "fcomi pi, 1: ZF=PF=CF=0"
    fxch st1
    fcomip st0, st1                     ; 1 < pi: CF=1, pops
    CHECKF 0x45, 0x01, "fcomip 1, pi: CF=1"
    fucomi st0, st0
    CHECKF 0x45, 0x40, "fucomi pi, pi: ZF=1"
    fstp st0
    fxam                                ; empty
    fnstsw ax
    CHECKM eax, 0x4500, 0x4100, "fxam of an empty register: C3=1 C2=0 C0=1"
    fldz
    fchs
    fxam
    fnstsw ax
    CHECKM eax, 0x4700, 0x4200, "fxam of -0: zero class (C3), C1 = sign"
    fstp st0

; ------------------------------------------------------------------ stack faults (masked)
    SKIP_ON_TCG "no x87 stack overflow/underflow detection"
    fninit
%rep 8
    fld1
%endrep
    fldpi                               ; ninth push: overflow
    fnstsw ax
    CHECKM eax, 0xffff, 0x3a41, "stack overflow: IE+SF, C1=1, TOP=7"
    fstp tword [DATA]
    CHECK [DATA + 4], 0xC0000000, "stack overflow: ST0 = real indefinite (significand)"
    CHECKM [DATA + 8], 0xffff, 0xffff, "stack overflow: ST0 = real indefinite (sign, exponent)"
    fninit
    fadd st0, st1                       ; both empty: underflow
    fnstsw ax
    CHECKM eax, 0xffff, 0x0041, "stack underflow: IE+SF, C1=0"
    fstp tword [DATA]
    CHECKM [DATA + 8], 0xffff, 0xffff, "stack underflow: ST0 = real indefinite"
    fninit
    mov dword [DATA], 0x12345678
    fistp dword [DATA]                  ; empty: stores the integer indefinite and pops
    fnstsw ax
    CHECKM eax, 0xffff, 0x0841, "fistp of an empty ST0: IE+SF, popped (TOP=1)"
    CHECK [DATA], 0x80000000, "fistp of an empty ST0: integer indefinite stored"
    END_SKIP_ON_TCG

; ------------------------------------------------------------------ #MF, CR0.NE=1
    fninit
    mov word [DATA], 0x037b             ; ZE unmasked
    fldcw [DATA]
    fld1
    fldz
.div: fdivp st1, st0                    ; 1/0: ZE pending, no result
    fnstsw ax                           ; not a waiting instruction: no #MF
    CHECKM eax, 0x80ff, 0x8084, "1/0 with ZM=0: ZE, ES and B set"
    SKIP_ON_TCG "an unmasked #Z still pops FDIVP (hardware leaves TOP and the operands alone, SDM 8.5.3)"
    CHECKM eax, 0x3800, 0x3000, "unmasked ZE: no result, TOP still 6"
    END_SKIP_ON_TCG
    EXPECT 16, .mf_r
.mf: fwait
.mf_r:
    CHECKV EXC_VEC, 16, "pending unmasked exception: #MF at fwait"
    CHECKV EXC_EIP, .mf, "#MF: saved EIP = the waiting instruction"
    SKIP_ON_TCG "#MF is raised only by WAIT, not before other waiting x87 instructions"
    EXPECT 16, .mf2_r
.mf2: fld1                              ; any waiting x87 instruction
.mf2_r:
    CHECKV EXC_EIP, .mf2, "#MF again at the next x87 instruction (ES still set)"
    END_SKIP_ON_TCG
    fnstenv [ENV]
    SKIP_ON_TCG "FNSTSW (a control instruction) overwrites FIP/FOP"
    CHECK [ENV + 12], .div, "environment: FIP = the faulting fdivp"
    CHECKM [ENV + 16], 0x07ff0000, 0x06f90000, "environment: FOP = 6F9 (DE F9)"
    CHECKM [ENV + 16], 0xffff, KCODE32, "environment: FCS"
    END_SKIP_ON_TCG
    CHECKM [ENV + 4], 0x80ff, 0x8084, "environment: status word with ES"
    fnclex
    fldcw [ENV]                         ; fnstenv masked all: restore ZM=0
    fwait
    OKMSG "fnclex: no #MF any more"
    ; data pointer of a memory operand: FLD m32 of an SNaN with IM=0
    mov word [DATA], 0x037e
    fldcw [DATA]
    mov dword [DATA + 4], 0x7fa00000    ; SNaN
.snan: fld dword [DATA + 4]
    fnstenv [ENV]
    CHECKM [ENV + 4], 0x80ff, 0x8081, "fld m32 SNaN with IM=0: IE pending (SF=0)"
    CHECK [ENV + 12], .snan, "FIP = the fld"
    CHECK [ENV + 20], DATA + 4, "FDP = the operand's offset"
    CHECKM [ENV + 24], 0xffff, KDATA32, "FDS"
    fninit

; ------------------------------------------------------------------ #NM
    mov eax, cr0
    or eax, CR0_TS
    mov cr0, eax
    EXPECT 7, .nm_r
.nm: fld1
.nm_r:
    CHECKV EXC_VEC, 7, "CR0.TS=1: x87 instruction raises #NM"
    CHECKV EXC_EIP, .nm, "#NM: saved EIP = the x87 instruction"
    EXPECT 7, .nmw_r
.nmw: fwait
.nmw_r:
    CHECKV EXC_EIP, .nmw, "CR0.TS=1, MP=1: wait raises #NM"
    mov eax, cr0
    and eax, ~CR0_MP
    mov cr0, eax
    mov dword [EXC_COUNT], 0
    fwait
    CHECKV EXC_COUNT, 0, "CR0.TS=1, MP=0: wait does not fault"
    clts
    mov eax, cr0
    or eax, CR0_EM | CR0_MP
    mov cr0, eax
    EXPECT 7, .nme_r
.nme: fninit
.nme_r:
    CHECKV EXC_EIP, .nme, "CR0.EM=1: even fninit raises #NM"
    mov dword [EXC_COUNT], 0
    fwait
    CHECKV EXC_COUNT, 0, "CR0.EM=1, TS=0: wait does not fault"
    mov eax, cr0
    and eax, ~CR0_EM
    mov cr0, eax

; ------------------------------------------------------------------ FNSAVE / FRSTOR
    fninit
    fldpi
    fld1
    fldl2t
    fnsave [SAVE]
    CHECKM [SAVE + 4], 0xffff, 0x2800, "fnsave: status word with TOP=5"
    CHECKM [SAVE + 8], 0xffff, 0x03ff, "fnsave: tags of R5-R7 valid, others empty"
    CHECK [SAVE + 28 + 10 + 4], 0x80000000, "fnsave: ST1 = 1.0 at offset 38"
    fnstenv [ENV]
    CHECKM [ENV + 8], 0xffff, 0xffff, "after fnsave the x87 is initialized"
    CHECKM [ENV], 0xffff, 0x037f, "after fnsave: control word 0x037f"
    fldz                                ; something to overwrite
    frstor [SAVE]
    fstp qword [DATA]
    CHECK [DATA + 4], 0x400A934F, "frstor: ST0 = log2(10)"
    fstp qword [DATA]
    CHECK [DATA + 4], 0x3FF00000, "frstor: ST1 = 1"
    fstp qword [DATA]
    CHECK [DATA + 4], 0x400921FB, "frstor: ST2 = pi"
    fnstsw ax
    CHECKM eax, 0x3800, 0, "three pops: TOP back to 0"
    ; 16-bit layout (94 bytes)
    fninit
    fld1
    fldpi
    o16 fnsave [SAVE16]
    CHECKM [SAVE16], 0xffffffff, 0x3000037f, "o16 fnsave: CW then SW (TOP=6) as words"
    CHECKM [SAVE16 + 4], 0xffff, 0x0fff, "o16 fnsave: tag word"
    CHECK [SAVE16 + 14 + 4], 0xC90FDAA2, "o16 fnsave: ST0 at offset 14"
    o16 frstor [SAVE16]
    fstp qword [DATA]
    CHECK [DATA + 4], 0x400921FB, "o16 frstor: ST0 = pi"
    fstp qword [DATA]
    CHECK [DATA + 4], 0x3FF00000, "o16 frstor: ST1 = 1"

; ------------------------------------------------------------------ CR0.NE=0: IRQ 13
    PIC_MASK_ALL
    mov al, 0xFB                        ; master: the cascade (IRQ 2) only
    out 0x21, al
    mov al, 0xDF                        ; slave: IRQ 13 only
    out 0xA1, al
    SET_IDT 0x2D, irq13, 0x8E           ; 0x28 + 5
    out 0xF0, al                        ; the latch still holds the #MF tests' errors
    mov dword [IRQ13N], 0
    mov eax, cr0
    and eax, ~CR0_NE
    mov cr0, eax
    fninit
    fnstcw [DATA]
    and word [DATA], ~4                 ; ZM clear: divide by zero unmasked
    fldcw [DATA]
    sti
    fld1
    fldz
    fdivp st1, st0                      ; ZE, ES: FERR# -> IRQ 13
    nop
    fwait                               ; NE=0: no #MF
    cli
    CHECKV IRQ13N, 1, "CR0.NE=0: an unmasked x87 error raises IRQ 13 (FERR#)"
    CHECKM [IRQ13SW], 0x8084, 0x8084, "  the handler sees ZE, ES, B"
    CHECKV EXC_COUNT, 0, "  and no #MF"
    sti
    fld1
    fldz
    fdivp st1, st0                      ; a new error after the handler's FNCLEX
    fwait                               ; (P6 and later assert FERR# here)
    cli
    CHECKV IRQ13N, 2, "after OUT 0xF0 and FNCLEX the next error raises IRQ 13 again"
    fld1
    fldz
    fdivp st1, st0                      ; IF=0: IRQ 13 waits in the 8259
    fld1                                ; (waiting: FERR# by now)
    fldz
    fdivp st1, st0                      ; ES still set: no new FERR# edge
    fwait
    sti
    nop
    cli
    CHECKV IRQ13N, 3, "  once per FERR# edge (an error while ES is set adds none)"
    fninit
    PIC_MASK_ALL
    mov eax, cr0
    or eax, CR0_NE
    mov cr0, eax

    PASS

; IRQ 13: what a DOS FPU error handler does
irq13:
    push eax
    fnstsw ax
    mov [IRQ13SW], eax
    out 0xF0, al                        ; clear the FERR# latch (IRQ 13)
    fnclex
    mov al, 0x20
    out 0xA0, al
    out 0x20, al
    inc dword [IRQ13N]
    pop eax
    iretd

align 8
gdt:
    GDT_STANDARD
gdt_end:
