/* Decimal arithmetic adjustments: DAA DAS AAA AAS AAM AAD, and the
 * undocumented SALC (D6).  All are invalid in 64-bit mode.
 *
 * DAA/DAS follow the SDM pseudo-code (decisions on the original AL and CF);
 * flags the SDM leaves undefined are set as the hardware does where known:
 * DAA/DAS clear OF, AAA/AAS give SF/ZF/PF of the final AL with OF clear,
 * AAM sets SZP of AL with CF/OF/AF clear, AAD sets the flags of the 8-bit
 * addition AL + AH * imm8. */
#include "cpu/ops-int.h"

/* Arithmetic flags from explicit bits, SZP from an 8-bit result. */
static void set_szp_cf_af(Cpu *c, uint8_t r, int cf, int af)
{
    FLAGS_RES_CO(c, 8, r, cf, 0);
    if (af)
        c->lf_aux |= LF_AF;
}

static INSN(daa)
{
    (void)in;
    uint8_t al = R8(cpu, RB_AL), old_al = al;
    int old_cf = get_CF(cpu), cf = 0, af = 0;
    if ((al & 0x0f) > 9 || get_AF(cpu)) {
        cf = old_cf || al > 0xf9;       /* carry out of AL + 6 */
        al = (uint8_t)(al + 6);
        af = 1;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al + 0x60);
        cf = 1;
    } else {
        cf = 0;
    }
    set_R8(cpu, RB_AL, al);
    set_szp_cf_af(cpu, al, cf, af);
}

static INSN(das)
{
    (void)in;
    uint8_t al = R8(cpu, RB_AL), old_al = al;
    int old_cf = get_CF(cpu), cf = 0, af = 0;
    if ((al & 0x0f) > 9 || get_AF(cpu)) {
        cf = old_cf || al < 6;          /* borrow out of AL - 6 */
        al = (uint8_t)(al - 6);
        af = 1;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al - 0x60);
        cf = 1;
    }
    set_R8(cpu, RB_AL, al);
    set_szp_cf_af(cpu, al, cf, af);
}

/* AAA/AAS adjust all of AX (the carry from AL +/- 6 reaches AH). */
static INSN(aaa)
{
    (void)in;
    uint16_t ax = R16(cpu, R_EAX);
    int adj = (ax & 0x0f) > 9 || get_AF(cpu);
    if (adj)
        ax = (uint16_t)(ax + 0x106);
    ax &= 0xff0f;
    set_R16(cpu, R_EAX, ax);
    set_szp_cf_af(cpu, (uint8_t)ax, adj, adj);
}

static INSN(aas)
{
    (void)in;
    uint16_t ax = R16(cpu, R_EAX);
    int adj = (ax & 0x0f) > 9 || get_AF(cpu);
    if (adj)
        ax = (uint16_t)(ax - 6 - 0x100);
    ax &= 0xff0f;
    set_R16(cpu, R_EAX, ax);
    set_szp_cf_af(cpu, (uint8_t)ax, adj, adj);
}

static INSN(aam)
{
    uint8_t base = (uint8_t)in->imm, al = R8(cpu, RB_AL);
    if (base == 0)
        cpu_exception_noerr(cpu, EXC_DE);
    uint8_t q = al / base, r = al % base;
    set_R8(cpu, RB_AH, q);
    set_R8(cpu, RB_AL, r);
    FLAGS_LOGIC(cpu, 8, r);
}

static INSN(aad)
{
    uint8_t base = (uint8_t)in->imm, al = R8(cpu, RB_AL);
    uint8_t t = (uint8_t)(R8(cpu, RB_AH) * base), r = (uint8_t)(al + t);
    set_R16(cpu, R_EAX, r);
    FLAGS_ADD(cpu, 8, al, t, r);
}

/* SALC: AL = CF ? 0xFF : 0, flags unchanged. */
static INSN(salc)
{
    (void)in;
    set_R8(cpu, RB_AL, get_CF(cpu) ? 0xff : 0);
}

const OpReg ops_bcd[] = {
    { 0x27, -1, { OPX(daa), OPF_NO64 } },
    { 0x2f, -1, { OPX(das), OPF_NO64 } },
    { 0x37, -1, { OPX(aaa), OPF_NO64 } },
    { 0x3f, -1, { OPX(aas), OPF_NO64 } },
    { 0xd4, -1, { OPX(aam), OPF_IMM8U | OPF_NO64 } },
    { 0xd5, -1, { OPX(aad), OPF_IMM8U | OPF_NO64 } },
    { 0xd6, -1, { OPX(salc), OPF_NO64 } },
    OPS_END,
};
