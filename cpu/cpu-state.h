/* The canonical, backend-neutral x86 CPU state.  Both backends convert to and
 * from it (get_state/set_state), snapshots store it, the monitor prints it.
 * Lazy flags are folded into rflags; there is no TLB or decode cache in here. */
#ifndef CPU_CPU_STATE_H
#define CPU_CPU_STATE_H

#include <stdint.h>

#include "hw/state.h"

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* A segment register's hidden part.  attr holds the descriptor's access byte in
 * bits 0-7 (type:4, S, DPL:2, P) and its flags nibble in bits 8-11 (AVL, L, D/B,
 * G), i.e. descriptor bits 40-47 and 52-55.  A null selector loaded in protected
 * mode leaves P clear: the segment is unusable. limit is in bytes. */
typedef struct SegCache {
    uint64_t base;
    uint32_t limit;
    uint16_t sel;
    uint16_t attr;
} SegCache;

enum {
    SA_TYPE = 0x0f, SA_A = 0x01, SA_W = 0x02 /* data: writable */, SA_R = 0x02 /* code: readable */,
    SA_E = 0x04 /* data: expand-down */, SA_C = 0x04 /* code: conforming */,
    SA_CODE = 0x08, SA_S = 0x10, SA_DPL_SHIFT = 5, SA_P = 0x80,
    SA_AVL = 0x100, SA_L = 0x200, SA_DB = 0x400, SA_G = 0x800,
};

typedef struct DescTable {
    uint64_t base;
    uint32_t limit;
} DescTable;

/* EFLAGS bits */
enum {
    F_CF = 1 << 0, F_PF = 1 << 2, F_AF = 1 << 4, F_ZF = 1 << 6, F_SF = 1 << 7,
    F_TF = 1 << 8, F_IF = 1 << 9, F_DF = 1 << 10, F_OF = 1 << 11,
    F_IOPL = 3 << 12, F_NT = 1 << 14, F_RF = 1 << 16, F_VM = 1 << 17, F_AC = 1 << 18,
    F_VIF = 1 << 19, F_VIP = 1 << 20, F_ID = 1 << 21,
    F_ARITH = F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF,
};

/* Control register bits */
enum {
    CR0_PE = 1u << 0, CR0_MP = 1u << 1, CR0_EM = 1u << 2, CR0_TS = 1u << 3, CR0_ET = 1u << 4,
    CR0_NE = 1u << 5, CR0_WP = 1u << 16, CR0_AM = 1u << 18, CR0_NW = 1u << 29,
    CR0_CD = 1u << 30, CR0_PG = 1u << 31,
    CR4_VME = 1 << 0, CR4_PVI = 1 << 1, CR4_TSD = 1 << 2, CR4_DE = 1 << 3, CR4_PSE = 1 << 4,
    CR4_PAE = 1 << 5, CR4_MCE = 1 << 6, CR4_PGE = 1 << 7, CR4_PCE = 1 << 8,
    CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10, CR4_FSGSBASE = 1 << 16,
    CR4_OSXSAVE = 1 << 18,
    EFER_SCE = 1 << 0, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11,
};

/* Exception vectors */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
    EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13,
    EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18, EXC_XM = 19,
};

/* CpuState.intr_shadow: after STI interrupts wait one instruction; after MOV SS
 * or POP SS debug traps (single step) wait too. */
enum { SHADOW_STI = 1, SHADOW_MOV_SS = 2 };

typedef struct CpuState {
    uint64_t regs[16];
    uint64_t rip;
    uint64_t rflags;
    SegCache seg[SEG_COUNT];
    SegCache ldt, tr;
    DescTable gdt, idt;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t xcr0;
    uint64_t dr[8];              /* dr[4], dr[5] unused (aliases of 6 and 7) */
    uint64_t efer;
    uint64_t star, lstar, cstar, fmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t tsc;                /* TSC value at the moment the state was taken */
    uint64_t tsc_aux, pat, apic_base, misc_enable;
    uint64_t mtrr_def_type, mtrr_fixed[11], mtrr_var[16];
    uint8_t fxsave[512];         /* x87/MMX/SSE state as an FXSAVE image (cpu/fpu.h) */
    uint8_t halted;
    uint8_t intr_shadow;         /* SHADOW_*: interrupts blocked for one instruction */
    uint8_t nmi_masked;          /* NMI handler running (until IRET) */
    uint8_t a20_mask_unused;
    uint32_t cpuid_version;      /* family/model/stepping reported by CPUID 1 */
    /* An NMI raised (nmi()) and not yet taken, e.g. waiting for nmi_masked
     * to clear: it moves with the CPU between backends and into snapshots. */
    uint8_t nmi_pending;
} CpuState;

extern const StateDesc cpu_state_desc;

/* Fills s with the architectural power-on state (the same for every backend);
 * keeps s->cpuid_version (0: the default model). */
void cpu_state_power_on(CpuState *s);

#endif
