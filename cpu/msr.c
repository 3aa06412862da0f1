/* The MSR table: each MSR names its backing field in CpuState (or handlers),
 * the bits a write may set (a write setting any other bit is #GP(0)), and an
 * extra validity check.  MSRs the CPU does not know go to the machine's hooks
 * (cpu->env.msr_read/msr_write), then #GP(0). */
#include "cpu/msr.h"

#include <stddef.h>

#include "cpu/seg.h"

enum { CHK_NONE, CHK_CANON, CHK_PAT, CHK_MTRR, CHK_RO };

typedef struct MsrDef {
    uint32_t idx;
    size_t field;                        /* offset of the uint64_t in CpuState */
    uint64_t writable;                   /* bits a write may set */
    uint8_t check;
    uint64_t (*read)(Cpu *c);            /* special MSRs (field unused) */
    void (*write)(Cpu *c, uint64_t v);
} MsrDef;

#define F(f) offsetof(CpuState, f)
#define ALL (~0ull)

static uint64_t tsc_read(Cpu *c) { return cpu_read_tsc(c); }
static void tsc_write(Cpu *c, uint64_t v) { c->tsc_offset += v - cpu_read_tsc(c); }

/* EFER: LMA is read-only (set by hardware when paging turns on with LME). */
static uint64_t efer_read(Cpu *c) { return c->s.efer; }
static void efer_write(Cpu *c, uint64_t v)
{
    uint64_t old = c->s.efer;
    c->s.efer = (v & ~(uint64_t)EFER_LMA) | (old & EFER_LMA);
    if ((old ^ c->s.efer) & EFER_NXE)
        tlb_flush(c, true);
}

/* IA32_APIC_BASE belongs to the machine's local APIC when there is one
 * (env hooks, hw/apic.c); CpuState.apic_base keeps the value last written. */
static uint64_t apic_base_read(Cpu *c)
{
    uint64_t v;
    if (c->env.msr_read && c->env.msr_read(c->env.opaque, MSR_APIC_BASE, &v))
        return v;
    return c->s.apic_base;
}
static void apic_base_write(Cpu *c, uint64_t v)
{
    c->s.apic_base = v;
    if (c->env.msr_write)
        c->env.msr_write(c->env.opaque, MSR_APIC_BASE, v);
}

static uint64_t fs_base_read(Cpu *c) { return c->s.seg[SEG_FS].base; }
static uint64_t gs_base_read(Cpu *c) { return c->s.seg[SEG_GS].base; }
static void fs_base_write(Cpu *c, uint64_t v) { c->s.seg[SEG_FS].base = v; seg_update_checks(c, SEG_FS); }
static void gs_base_write(Cpu *c, uint64_t v) { c->s.seg[SEG_GS].base = v; seg_update_checks(c, SEG_GS); }

/* IA32_PLATFORM_ID (read-only) and IA32_BIOS_SIGN_ID (microcode revision in
 * EDX after a write of 0, as Linux reads it on every Intel part): no
 * platform bits, microcode revision 0; writes to the latter do nothing. */
static uint64_t zero_read(Cpu *c) { (void)c; return 0; }
static void ignore_write(Cpu *c, uint64_t v) { (void)c; (void)v; }

/* MTRRcap: 8 variable ranges, fixed ranges, write combining; no SMRR. */
static uint64_t mtrrcap_read(Cpu *c) { (void)c; return 0x508; }

/* MTRR physical address bits 12..MAXPHYADDR-1 (40). */
#define MTRR_ADDR 0xfffffff000ull
#define FIXED(i, idx) { idx, F(mtrr_fixed[i]), ALL, CHK_MTRR, NULL, NULL }
#define VAR(n) { MSR_MTRR_PHYS_BASE0 + 2 * (n), F(mtrr_var[2 * (n)]), MTRR_ADDR | 0xff, CHK_MTRR, NULL, NULL }, \
               { MSR_MTRR_PHYS_BASE0 + 2 * (n) + 1, F(mtrr_var[2 * (n) + 1]), MTRR_ADDR | 0x800, CHK_NONE, NULL, NULL }

static const MsrDef msrs[] = {
    { MSR_TSC, 0, ALL, CHK_NONE, tsc_read, tsc_write },
    { MSR_APIC_BASE, 0, 0xffffff000ull | 0x900, CHK_NONE, apic_base_read, apic_base_write },
    { MSR_SYSENTER_CS, F(sysenter_cs), 0xffffffffull, CHK_NONE, NULL, NULL },
    { MSR_SYSENTER_ESP, F(sysenter_esp), ALL, CHK_CANON, NULL, NULL },
    { MSR_SYSENTER_EIP, F(sysenter_eip), ALL, CHK_CANON, NULL, NULL },
    /* fast strings, TCC, EIST, MONITOR, CPUID limit, xTPR, XD disable */
    { MSR_MISC_ENABLE, F(misc_enable), 0x400c50009ull, CHK_NONE, NULL, NULL },
    { MSR_PAT, F(pat), ALL, CHK_PAT, NULL, NULL },
    { MSR_EFER, 0, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE, CHK_NONE, efer_read, efer_write },
    { MSR_STAR, F(star), ALL, CHK_NONE, NULL, NULL },
    { MSR_LSTAR, F(lstar), ALL, CHK_CANON, NULL, NULL },
    { MSR_CSTAR, F(cstar), ALL, CHK_CANON, NULL, NULL },
    { MSR_FMASK, F(fmask), 0xffffffffull, CHK_NONE, NULL, NULL },
    { MSR_FS_BASE, 0, ALL, CHK_CANON, fs_base_read, fs_base_write },
    { MSR_GS_BASE, 0, ALL, CHK_CANON, gs_base_read, gs_base_write },
    { MSR_KERNEL_GS_BASE, F(kernel_gs_base), ALL, CHK_CANON, NULL, NULL },
    { MSR_TSC_AUX, F(tsc_aux), 0xffffffffull, CHK_NONE, NULL, NULL },
    { MSR_MTRRCAP, 0, 0, CHK_RO, mtrrcap_read, NULL },
    { MSR_PLATFORM_ID, 0, 0, CHK_RO, zero_read, NULL },
    { MSR_BIOS_SIGN_ID, 0, ALL, CHK_NONE, zero_read, ignore_write },
    { MSR_MTRR_DEF_TYPE, F(mtrr_def_type), 0xcff, CHK_MTRR, NULL, NULL },
    FIXED(0, 0x250), FIXED(1, 0x258), FIXED(2, 0x259), FIXED(3, 0x268), FIXED(4, 0x269),
    FIXED(5, 0x26a), FIXED(6, 0x26b), FIXED(7, 0x26c), FIXED(8, 0x26d), FIXED(9, 0x26e),
    FIXED(10, 0x26f),
    VAR(0), VAR(1), VAR(2), VAR(3), VAR(4), VAR(5), VAR(6), VAR(7),
};

static const MsrDef *msr_find(uint32_t idx)
{
    for (unsigned i = 0; i < sizeof msrs / sizeof msrs[0]; i++)
        if (msrs[i].idx == idx)
            return &msrs[i];
    return NULL;
}

static uint64_t *msr_field(Cpu *c, const MsrDef *m)
{
    return (uint64_t *)((char *)&c->s + m->field);
}

/* PAT: eight memory types, each UC(0) WC(1) WT(4) WP(5) WB(6) UC-(7). */
static bool pat_valid(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        unsigned t = (v >> (i * 8)) & 0xff;
        if (t > 7 || t == 2 || t == 3)
            return false;
    }
    return true;
}

/* MTRR memory types: UC(0) WC(1) WT(4) WP(5) WB(6); every byte of a fixed-range
 * MTRR, the low byte of the others (the rest is masked by writable). */
static bool mtrr_valid(const MsrDef *m, uint64_t v)
{
    int bytes = m->writable == ALL ? 8 : 1;
    for (int i = 0; i < bytes; i++) {
        unsigned t = (v >> (i * 8)) & 0xff;
        if (t > 6 || t == 2 || t == 3)
            return false;
    }
    return true;
}

static bool value_valid(const MsrDef *m, uint64_t v)
{
    if (v & ~m->writable)
        return false;
    switch (m->check) {
    case CHK_CANON: return is_canonical(v);
    case CHK_PAT: return pat_valid(v);
    case CHK_MTRR: return mtrr_valid(m, v);
    case CHK_RO: return false;
    default: return true;
    }
}

bool msr_read(Cpu *c, uint32_t idx, uint64_t *val)
{
    const MsrDef *m = msr_find(idx);
    if (m) {
        *val = m->read ? m->read(c) : *msr_field(c, m);
        return true;
    }
    return c->env.msr_read && c->env.msr_read(c->env.opaque, idx, val);
}

bool msr_write(Cpu *c, uint32_t idx, uint64_t val)
{
    const MsrDef *m = msr_find(idx);
    if (!m)
        return c->env.msr_write && c->env.msr_write(c->env.opaque, idx, val);
    if (!value_valid(m, val))
        return false;
    if (idx == MSR_EFER && ((val ^ c->s.efer) & EFER_LME) && (c->s.cr0 & CR0_PG))
        return false;   /* LME may change only with paging off */
    if (m->write)
        m->write(c, val);
    else
        *msr_field(c, m) = val;
    return true;
}
