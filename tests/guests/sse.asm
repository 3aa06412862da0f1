; sse.asm - MMX/SSE system behaviour from flat 32-bit protected mode
; (SDM vol. 3 ch. 13 "System Programming for Instruction Set Extensions",
; vol. 1 ch. 10-11, vol. 2 FXSAVE/FXRSTOR/LDMXCSR): CPUID feature bits,
; CR4.OSFXSR off -> #UD (SSE) but MMX still runs, CR0.TS -> #NM, CR0.EM -> #UD,
; 16-byte alignment #GP for MOVAPS but not MOVUPS, unmasked SIMD FP exceptions
; -> #XM with CR4.OSXMMEXCPT else #UD (destination unchanged, flag set),
; LDMXCSR reserved bits -> #GP, FXSAVE/FXRSTOR round trip, a few SSE2 results.
%define GUEST_MODE 32
%include "lib/common.inc"

DATA    equ 0x5000              ; 16-byte aligned scratch
FXAREA  equ 0x6000              ; FXSAVE image
CR4_OSFXSR     equ 1 << 9
CR4_OSXMMEXCPT equ 1 << 10

section .text32
main32:
    PRINTLN "# sse: MMX/SSE availability, faults, MXCSR, FXSAVE/FXRSTOR"
    mov eax, 1
    cpuid
    CHECKM edx, 0x07800000, 0x07800000, "CPUID.1:EDX has MMX, FXSR, SSE, SSE2"
    CHECKM edx, 1 << 19, 1 << 19, "CPUID.1:EDX has CLFSH"
    CHECKM ebx, 0xff00, 0x0800, "CPUID.1:EBX CLFLUSH line = 8 quadwords"
    CHECKM ecx, 0x00980201, 0x00980201, "CPUID.1:ECX has SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT"

; ------------------------------------------------------------ CR4.OSFXSR = 0
    mov eax, cr0
    and eax, ~((1 << 2) | (1 << 3))     ; EM = 0, TS = 0
    or eax, 1 << 1                      ; MP = 1
    mov cr0, eax
    mov eax, cr4
    and eax, ~(CR4_OSFXSR | CR4_OSXMMEXCPT)
    mov cr4, eax
    EXPECT 6, .ud1_r
.ud1: addps xmm0, xmm1
.ud1_r:
    CHECKV EXC_VEC, 6, "OSFXSR=0: ADDPS raises #UD"
    CHECKV EXC_EIP, .ud1, "#UD: saved EIP = the SSE instruction"
    mov dword [DATA], 0x01020304
    mov dword [DATA + 4], 0x05060708
    movq mm0, [DATA]
    paddb mm0, mm0
    movd eax, mm0
    emms
    CHECK eax, 0x02040608, "OSFXSR=0: MMX still runs (PADDB)"

; ------------------------------------------------------------ enable SSE
    mov eax, cr4
    or eax, CR4_OSFXSR | CR4_OSXMMEXCPT
    mov cr4, eax
    mov dword [DATA], 1
    mov dword [DATA + 4], 2
    mov dword [DATA + 8], 3
    mov dword [DATA + 12], 4
    movaps xmm1, [DATA]
    paddd xmm1, xmm1
    pshufd xmm2, xmm1, 0x1b             ; reverse
    movd eax, xmm2
    CHECK eax, 8, "MOVAPS/PADDD/PSHUFD/MOVD"
    pcmpeqb xmm3, xmm3
    pmovmskb eax, xmm3
    CHECK eax, 0xffff, "PCMPEQB/PMOVMSKB"
    mov eax, -7
    cvtsi2sd xmm4, eax
    mulsd xmm4, xmm4
    cvttsd2si eax, xmm4
    CHECK eax, 49, "CVTSI2SD/MULSD/CVTTSD2SI"
    mov eax, 0xf0f0
    popcnt eax, eax
    CHECK eax, 8, "POPCNT"

; ------------------------------------------------------------ alignment
    EXPECT 13, .gp1_r
.gp1: movaps xmm0, [DATA + 4]
.gp1_r:
    CHECKV EXC_VEC, 13, "MOVAPS misaligned: #GP"
    CHECKV EXC_ERR, 0, "#GP(0)"
    CHECKV EXC_EIP, .gp1, "#GP: saved EIP = MOVAPS"
    mov dword [EXC_COUNT], 0
    movups xmm0, [DATA + 4]
    movd eax, xmm0
    CHECK eax, 2, "MOVUPS misaligned: no fault"
    addss xmm0, [DATA + 4]
    CHECKV EXC_COUNT, 0, "scalar ADDSS misaligned: no fault"

; ------------------------------------------------------------ CR0.TS / CR0.EM
    mov eax, cr0
    or eax, 1 << 3
    mov cr0, eax
    EXPECT 7, .nm1_r
.nm1: addps xmm0, xmm1
.nm1_r:
    CHECKV EXC_VEC, 7, "CR0.TS=1: ADDPS raises #NM"
    EXPECT 7, .nm2_r
.nm2: fxsave [FXAREA]
.nm2_r:
    CHECKV EXC_VEC, 7, "CR0.TS=1: FXSAVE raises #NM"
    clts
    mov eax, cr0
    or eax, 1 << 2
    mov cr0, eax
    EXPECT 6, .em1_r
.em1: addps xmm0, xmm1
.em1_r:
    CHECKV EXC_VEC, 6, "CR0.EM=1: ADDPS raises #UD"
    mov eax, cr0
    and eax, ~(1 << 2)
    mov cr0, eax

; ------------------------------------------------------------ #XM
    SKIP_ON_TCG "unmasked SIMD FP exceptions (#XM) are not raised"
    mov dword [DATA], 0x1f80 & ~(1 << 9)    ; ZE unmasked
    ldmxcsr [DATA]
    mov dword [DATA], 0x3f800000            ; 1.0
    movss xmm5, [DATA]
    xorps xmm6, xmm6
    EXPECT 19, .xm1_r
.xm1: divss xmm5, xmm6
.xm1_r:
    CHECKV EXC_VEC, 19, "unmasked divide by zero: #XM"
    CHECKV EXC_EIP, .xm1, "#XM: saved EIP = DIVSS"
    movd eax, xmm5
    CHECK eax, 0x3f800000, "#XM: destination unchanged"
    stmxcsr [DATA + 4]
    CHECKM [DATA + 4], 0x3f, 0x04, "#XM: MXCSR.ZE set"
    mov eax, cr4
    and eax, ~CR4_OSXMMEXCPT
    mov cr4, eax
    EXPECT 6, .xm2_r
.xm2: divss xmm5, xmm6
.xm2_r:
    CHECKV EXC_VEC, 6, "OSXMMEXCPT=0: unmasked exception raises #UD"
    mov eax, cr4
    or eax, CR4_OSXMMEXCPT
    mov cr4, eax
    END_SKIP_ON_TCG
    mov dword [DATA], 0x1f80
    ldmxcsr [DATA]
    SKIP_ON_TCG "LDMXCSR/FXRSTOR with reserved MXCSR bits do not raise #GP"
    mov dword [DATA], 0x10000
    EXPECT 13, .gp2_r
.gp2: ldmxcsr [DATA]
.gp2_r:
    CHECKV EXC_VEC, 13, "LDMXCSR reserved bit: #GP"
    stmxcsr [DATA]
    CHECK [DATA], 0x1f80, "MXCSR unchanged by the faulting LDMXCSR"
    END_SKIP_ON_TCG

; ------------------------------------------------------------ FXSAVE/FXRSTOR
    mov eax, 0x11223344
    movd xmm7, eax
    pshufd xmm7, xmm7, 0
    mov dword [DATA], 0x1f80 | (3 << 13)    ; round toward zero
    ldmxcsr [DATA]
    fxsave [FXAREA]
    CHECK [FXAREA + 24], 0x7f80, "FXSAVE: MXCSR at offset 24"
    CHECK [FXAREA + 160 + 7 * 16 + 12], 0x11223344, "FXSAVE: XMM7 at offset 272"
    pxor xmm7, xmm7
    mov dword [DATA], 0x1f80
    ldmxcsr [DATA]
    fxrstor [FXAREA]
    pextrw eax, xmm7, 7
    CHECK eax, 0x1122, "FXRSTOR: XMM7 restored"
    stmxcsr [DATA]
    CHECK [DATA], 0x7f80, "FXRSTOR: MXCSR restored"
    EXPECT 13, .gp3_r
.gp3: fxsave [FXAREA + 8]
.gp3_r:
    CHECKV EXC_VEC, 13, "FXSAVE misaligned: #GP"
    SKIP_ON_TCG "FXRSTOR with reserved MXCSR bits does not raise #GP"
    mov dword [FXAREA + 24], 0x20000
    EXPECT 13, .gp4_r
.gp4: fxrstor [FXAREA]
.gp4_r:
    CHECKV EXC_VEC, 13, "FXRSTOR reserved MXCSR bit: #GP"
    END_SKIP_ON_TCG
    PASS

gdt:
    GDT_STANDARD
gdt_end:
