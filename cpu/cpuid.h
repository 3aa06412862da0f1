/* The CPU model: what CPUID reports, and the control-register bits and MSRs
 * that follow from it. */
#ifndef CPU_CPUID_H
#define CPU_CPUID_H

#include "cpu/cpu.h"

/* CPUID.1:EDX */
enum {
    CPUID_FPU = 1u << 0, CPUID_VME = 1u << 1, CPUID_DE = 1u << 2, CPUID_PSE = 1u << 3,
    CPUID_TSC = 1u << 4, CPUID_MSR = 1u << 5, CPUID_PAE = 1u << 6, CPUID_MCE = 1u << 7,
    CPUID_CX8 = 1u << 8, CPUID_APIC = 1u << 9, CPUID_SEP = 1u << 11, CPUID_MTRR = 1u << 12,
    CPUID_PGE = 1u << 13, CPUID_MCA = 1u << 14, CPUID_CMOV = 1u << 15, CPUID_PAT = 1u << 16,
    CPUID_PSE36 = 1u << 17, CPUID_MMX = 1u << 23, CPUID_FXSR = 1u << 24, CPUID_SSE = 1u << 25,
    CPUID_SSE2 = 1u << 26, CPUID_CLFSH = 1u << 19,
};

/* CPUID.1:ECX */
enum { CPUID_ECX_CX16 = 1u << 13 };
enum { CPUID_ECX_SSE3 = 1u << 0, CPUID_ECX_SSSE3 = 1u << 9, CPUID_ECX_SSE41 = 1u << 19,
       CPUID_ECX_SSE42 = 1u << 20, CPUID_ECX_POPCNT = 1u << 23 };

/* CPUID.80000001h:EDX and ECX */
enum { CPUID_EXT_SYSCALL = 1u << 11, CPUID_EXT_NX = 1u << 20, CPUID_EXT_RDTSCP = 1u << 27,
       CPUID_EXT_LM = 1u << 29 };
enum { CPUID_EXT_LAHF_LM = 1u << 0 };

/* One leaf of the model, for backends that load CPUID into hardware (KVM). */
typedef struct CpuidLeaf {
    uint32_t leaf, subleaf;
    bool indexed;            /* the answer depends on the subleaf (ECX) */
    uint32_t r[4];           /* EAX, EBX, ECX, EDX */
} CpuidLeaf;

/* Every leaf the model defines (leaves beyond them answer like the highest basic
 * leaf, as Intel parts do), for CPUID signature version (0: the default).
 * Writes up to max entries and returns how many there are. */
int cpuid_model_leaves(uint32_t version, CpuidLeaf *out, int max);

/* CPUID leaf (subleaf for the leaves that have them): EAX, EBX, ECX, EDX. */
void cpuid_query(Cpu *c, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* CPUID.1:EDX of this model. */
uint32_t cpuid_features(const Cpu *c);
/* CR4 bits this model implements (writing any other is #GP(0)). */
uint64_t cpuid_cr4_valid(const Cpu *c);

#endif
