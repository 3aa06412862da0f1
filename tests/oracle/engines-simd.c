/* MMX/SSE state of both engines for the sse and mmx families: XMM0-7
 * (XMM0-15 in mode 64), MM0-7 and MXCSR are loaded from Regs.v and read back
 * after every instruction while oracle_simd is set.  Unicorn runs a Nehalem
 * CPU model then (SSSE3, SSE4.1, SSE4.2 and POPCNT, which QEMU's default
 * models lack and its translator checks); Tandem gets CR4.OSFXSR and
 * CR4.OSXMMEXCPT as an operating system would set them (Unicorn enables SSE
 * itself). */
#include "tests/oracle/engines.h"
#include "tests/oracle/uc-api.h"

#include <string.h>

#include "cpu/cpu.h"

#define UC(e) ((uc_engine *)(e)->uc)
#define CPU(e) ((Cpu *)(e)->cpu)

bool oracle_simd;

/* Unicorn's UC_X86_REG_FPi value: significand, then sign and exponent. */
typedef struct UcFloat80 {
    uint64_t mant;
    uint16_t se;
} UcFloat80;

static int nxmm(const Engines *e) { return e->mode == 64 ? 16 : 8; }

void simd_unicorn_model(void *uc)
{
    if (oracle_simd)
        U.ctl((uc_engine *)uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), (int)UC_CPU_X86_NEHALEM);
}

/* Tandem's CpuState: CR4 bits and the FXSAVE image (MMX register i is
 * physical x87 register i, TOP 0, all tags valid). */
void simd_tandem_state(const Engines *e, const Regs *r, void *state)
{
    if (!oracle_simd)
        return;
    CpuState *st = state;
    st->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    uint8_t *img = st->fxsave;
    uint16_t sw;
    memcpy(&sw, img + 2, 2);
    sw &= (uint16_t)~0x3800u;
    memcpy(img + 2, &sw, 2);
    img[4] = 0xff;
    memcpy(img + 24, &r->v.mxcsr, 4);
    for (int i = 0; i < 8; i++) {
        memcpy(img + 32 + 16 * i, &r->v.mm[i], 8);
        memset(img + 40 + 16 * i, 0xff, 2);
    }
    for (int i = 0; i < nxmm(e); i++)
        memcpy(img + 160 + 16 * i, r->v.xmm[i], 16);
}

void simd_get_tandem(Engines *e, Regs *r)
{
    memset(&r->v, 0, sizeof r->v);
    if (!oracle_simd)
        return;
    Cpu *cpu = CPU(e);
    for (int i = 0; i < nxmm(e); i++)
        memcpy(r->v.xmm[i], cpu->fpu.xmm[i].b, 16);
    for (int i = 0; i < 8; i++)
        r->v.mm[i] = cpu->fpu.st[i].mant;
    r->v.mxcsr = cpu->fpu.mxcsr;
}

void simd_set_unicorn(Engines *e, const Regs *r)
{
    if (!oracle_simd)
        return;
    for (int i = 0; i < nxmm(e); i++)
        U.reg_write(UC(e), UC_X86_REG_XMM0 + i, r->v.xmm[i]);
    /* MMX register i is physical x87 register i (Unicorn's FPi); the MMi
     * ids do not reach the registers in this Unicorn */
    for (int i = 0; i < 8; i++) {
        UcFloat80 f = { r->v.mm[i], 0xffff };
        U.reg_write(UC(e), UC_X86_REG_FP0 + i, &f);
    }
    U.reg_write(UC(e), UC_X86_REG_MXCSR, &r->v.mxcsr);
    /* real mode too: QEMU checks CR4.OSFXSR for SSE */
    uint64_t cr4;
    U.reg_read(UC(e), UC_X86_REG_CR4, &cr4);
    cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    U.reg_write(UC(e), UC_X86_REG_CR4, &cr4);
}

void simd_get_unicorn(Engines *e, Regs *r)
{
    memset(&r->v, 0, sizeof r->v);
    if (!oracle_simd)
        return;
    for (int i = 0; i < nxmm(e); i++)
        U.reg_read(UC(e), UC_X86_REG_XMM0 + i, r->v.xmm[i]);
    for (int i = 0; i < 8; i++) {
        UcFloat80 f;
        U.reg_read(UC(e), UC_X86_REG_FP0 + i, &f);
        r->v.mm[i] = f.mant;
    }
    U.reg_read(UC(e), UC_X86_REG_MXCSR, &r->v.mxcsr);
}
