/* CPUID: a family 6 "GenuineIntel" part reporting exactly the features the
 * interpreter implements.  Extending the model is a line in a table. */
#include "cpu/cpuid.h"

#include <string.h>

/* CPUID.1:EDX: the features implemented and tested today.  Add a bit when its
 * feature lands (MCE/MCA next). */
static const uint32_t leaf1_edx = CPUID_FPU | CPUID_VME | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR |
                                  CPUID_PAE | CPUID_CX8 | CPUID_APIC | CPUID_SEP | CPUID_MTRR | CPUID_PGE |
                                  CPUID_CMOV | CPUID_PAT | CPUID_PSE36 |
                                  CPUID_MMX | CPUID_FXSR | CPUID_SSE | CPUID_SSE2 | CPUID_CLFSH;

/* CPUID.1:ECX: CMPXCHG16B (long mode); SSE3 to SSE4.2 and POPCNT (x86-64-v2). */
static const uint32_t leaf1_ecx = CPUID_ECX_CX16 | CPUID_ECX_SSE3 | CPUID_ECX_SSSE3 |
                                  CPUID_ECX_SSE41 | CPUID_ECX_SSE42 | CPUID_ECX_POPCNT;

/* CPUID.1:EBX[15:8]: CLFLUSH line size in quadwords (64 bytes). */
#define CLFLUSH_LINE_QWORDS 8

/* CPUID.80000001h: long mode with SYSCALL, NX, RDTSCP, LAHF/SAHF. */
static const uint32_t ext1_edx = CPUID_EXT_SYSCALL | CPUID_EXT_NX | CPUID_EXT_RDTSCP | CPUID_EXT_LM;
static const uint32_t ext1_ecx = CPUID_EXT_LAHF_LM;
/* CPUID.80000008h:EAX: 40-bit physical, 48-bit linear addresses. */
static const uint32_t ext8_eax = 48u << 8 | 40;

/* Leaf 2: P6 cache/TLB descriptors (a Celeron "Mendocino", family 6 model 6):
 * 01 02 03 ITLB/DTLB, 08 16K L1 I, 0C 16K L1 D, 04 DTLB 4M, 41 128K L2. */
static const uint32_t leaf2[4] = { 0x03020101, 0, 0, 0x0c040841 };

/* Leaves 3-0xb (Linux reads 4, 6, 7, 0xb) answer zeros: nothing to report.
 * Not 0xd: without XSAVE there is nothing there, and KVM rewrites it. */
#define MAX_BASIC 0xb
#define MAX_EXT 0x80000008u

static const char vendor[12] = "GenuineIntel";
static const char brand[48] = "Tandem x86 interpreter";

/* CR4 bits each feature makes writable. */
static const struct { uint32_t feature; uint64_t cr4; } cr4_bits[] = {
    { CPUID_VME, CR4_VME | CR4_PVI },
    { CPUID_TSC, CR4_TSD },
    { CPUID_DE, CR4_DE },
    { CPUID_PSE, CR4_PSE },
    { CPUID_PAE, CR4_PAE },
    { CPUID_MCE, CR4_MCE },
    { CPUID_PGE, CR4_PGE },
    { CPUID_FXSR, CR4_OSFXSR },
    { CPUID_SSE, CR4_OSXMMEXCPT },
};

uint32_t cpuid_features(const Cpu *c)
{
    (void)c;
    return leaf1_edx;
}

uint64_t cpuid_cr4_valid(const Cpu *c)
{
    uint64_t v = CR4_PCE;   /* RDPMC at CPL > 0: every P6 has it */
    uint32_t f = cpuid_features(c);
    for (unsigned i = 0; i < sizeof cr4_bits / sizeof cr4_bits[0]; i++)
        if (f & cr4_bits[i].feature)
            v |= cr4_bits[i].cr4;
    return v;
}

static uint32_t max_basic(const Cpu *c)
{
    return c->cpuid_max_basic && c->cpuid_max_basic < MAX_BASIC ? c->cpuid_max_basic : MAX_BASIC;
}

/* The model's answer for version (family/model/stepping) and highest basic leaf. */
static void model_query(uint32_t version, uint32_t maxb, uint32_t leaf, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof out[0]);
    /* Beyond the last leaf Intel parts answer with the highest basic leaf. */
    if ((leaf < 0x80000000u && leaf > maxb) || leaf > MAX_EXT)
        leaf = maxb;
    switch (leaf) {
    case 0: {
        static const int order[3] = { 1, 3, 2 };   /* EBX EDX ECX */
        out[0] = maxb;
        for (int i = 0; i < 3; i++)
            memcpy(&out[order[i]], vendor + i * 4, 4);
        break;
    }
    case 1:
        out[0] = version ? version : CPU_DEFAULT_VERSION;
        out[1] = CLFLUSH_LINE_QWORDS << 8;
        out[2] = leaf1_ecx;
        out[3] = leaf1_edx;
        break;
    case 2:
        memcpy(out, leaf2, sizeof leaf2);
        break;
    case 0x80000000u:
        out[0] = MAX_EXT;
        break;
    case 0x80000001u:
        out[2] = ext1_ecx;
        out[3] = ext1_edx;
        break;
    case 0x80000008u:
        out[0] = ext8_eax;
        break;
    case 0x80000002u:
    case 0x80000003u:
    case 0x80000004u:
        memcpy(out, brand + (leaf - 0x80000002u) * 16, 16);   /* EAX EBX ECX EDX */
        break;
    }
}

void cpuid_query(Cpu *c, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    (void)subleaf;
    model_query(c->s.cpuid_version, max_basic(c), leaf, out);
}

int cpuid_model_leaves(uint32_t version, CpuidLeaf *out, int max)
{
    int n = 0;
    for (uint32_t leaf = 0; leaf <= MAX_EXT; leaf++) {
        if (leaf == MAX_BASIC + 1)
            leaf = 0x80000000u;
        if (n < max) {
            out[n].leaf = leaf;
            out[n].subleaf = 0;
            out[n].indexed = false;
            model_query(version, MAX_BASIC, leaf, out[n].r);
        }
        n++;
    }
    return n;
}
