/* x87 state of both engines for the x87 family: the eight physical
 * registers as 80-bit values, CW, SW (with TOP) and the tag word are loaded
 * from Regs.f and read back after every instruction while oracle_x87 is
 * set.  Tags are compared in their abridged form (empty or not): the full
 * classes follow from the values, which are compared.  FOP is not compared:
 * Unicorn 2.0.1 reads it as 0 whatever ran (QEMU 5 keeps no FOP); the guest
 * test checks Tandem's. */
#include "tests/oracle/engines.h"
#include "tests/oracle/uc-api.h"

#include <string.h>

#include "cpu/cpu.h"

#define UC(e) ((uc_engine *)(e)->uc)
#define CPU(e) ((Cpu *)(e)->cpu)

bool oracle_x87;

/* Unicorn's 80-bit register value (the layout of uc_x86_float80). */
typedef struct UcF80 {
    uint64_t mantissa;
    uint16_t exponent;
} UcF80;

static unsigned full_tag(uint64_t mant, uint16_t se)
{
    unsigned e = se & 0x7fff;
    if (e == 0)
        return mant ? 2 : 1;
    if (e == 0x7fff || !(mant >> 63))
        return 2;
    return 0;
}

/* The full tag word of r (its tag field says only which are empty). */
static uint16_t tag_word(const X87Regs *f)
{
    uint16_t tw = 0;
    for (int i = 0; i < 8; i++) {
        unsigned t = (f->tag >> i) & 1 ? full_tag(f->mant[i], f->se[i]) : 3;
        tw |= (uint16_t)(t << (2 * i));
    }
    return tw;
}

static uint8_t abridged(uint16_t tw)
{
    uint8_t a = 0;
    for (int i = 0; i < 8; i++)
        if (((tw >> (2 * i)) & 3) != 3)
            a |= (uint8_t)(1u << i);
    return a;
}

void x87_tandem_state(const Engines *e, const Regs *r, void *state)
{
    (void)e;
    if (!oracle_x87)
        return;
    CpuState *st = state;
    uint8_t *img = st->fxsave;
    const X87Regs *f = &r->f;
    unsigned top = (f->sw >> 11) & 7;
    memcpy(img + 0, &f->cw, 2);
    memcpy(img + 2, &f->sw, 2);
    img[4] = (uint8_t)f->tag;
    memcpy(img + 6, &f->fop, 2);
    for (int i = 0; i < 8; i++) {       /* FXSAVE slot i holds ST(i) */
        unsigned p = (top + i) & 7;
        memcpy(img + 32 + 16 * i, &f->mant[p], 8);
        memcpy(img + 40 + 16 * i, &f->se[p], 2);
    }
}

void x87_get_tandem(Engines *e, X87Regs *f)
{
    memset(f, 0, sizeof *f);
    if (!oracle_x87)
        return;
    const Fpu *x = &CPU(e)->fpu;
    for (int i = 0; i < 8; i++) {
        f->mant[i] = x->st[i].mant;
        f->se[i] = x->st[i].se;
    }
    f->cw = x->cw;
    f->sw = (uint16_t)((x->sw & ~0x3800u) | (unsigned)x->top << 11);
    f->tag = abridged(x->tw);
}

void x87_set_unicorn(Engines *e, const Regs *r)
{
    if (!oracle_x87)
        return;
    const X87Regs *f = &r->f;
    for (int i = 0; i < 8; i++) {       /* Unicorn's FPi is physical register i */
        UcF80 v = { f->mant[i], f->se[i] };
        U.reg_write(UC(e), UC_X86_REG_FP0 + i, &v);
    }
    uint16_t cw = f->cw, sw = f->sw, tw = tag_word(f), fop = f->fop;
    U.reg_write(UC(e), UC_X86_REG_FPCW, &cw);
    U.reg_write(UC(e), UC_X86_REG_FPSW, &sw);
    U.reg_write(UC(e), UC_X86_REG_FPTAG, &tw);
    U.reg_write(UC(e), UC_X86_REG_FOP, &fop);
}

void x87_get_unicorn(Engines *e, X87Regs *f)
{
    memset(f, 0, sizeof *f);
    if (!oracle_x87)
        return;
    for (int i = 0; i < 8; i++) {
        UcF80 v;
        U.reg_read(UC(e), UC_X86_REG_FP0 + i, &v);
        f->mant[i] = v.mantissa;
        f->se[i] = v.exponent;
    }
    uint16_t tw = 0;
    U.reg_read(UC(e), UC_X86_REG_FPCW, &f->cw);
    U.reg_read(UC(e), UC_X86_REG_FPSW, &f->sw);
    U.reg_read(UC(e), UC_X86_REG_FPTAG, &tw);
    f->tag = abridged(tw);
}
