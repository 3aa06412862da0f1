/* Shuffles, blends, inserts and extracts of SSE/SSE2/SSSE3/SSE4.1:
 * UNPCKL/HPS/PD, SHUFPS/PD, PSHUFW/D/HW/LW, PALIGNR, PINSRW/PEXTRW and the
 * SSE4.1 PINSR/PEXTR/INSERTPS/EXTRACTPS, BLEND(V)PS/PD, PBLENDW, PBLENDVB,
 * PMOVSX/PMOVZX, PTEST.
 *
 * The immediate-controlled xmm, xmm/m128 forms share one handler shape: a
 * ShufOp gets destination, source and imm8 and rewrites the destination. */
#include "cpu/sse.h"

typedef void (*ShufOp)(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0);

static void unpcklps(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    Xmm r = { .d = { d->d[0], s->d[0], d->d[1], s->d[1] } };
    *d = r;
}
static void unpckhps(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    Xmm r = { .d = { d->d[2], s->d[2], d->d[3], s->d[3] } };
    *d = r;
}
static void unpcklpd(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0) { d->q[1] = s->q[0]; }
static void unpckhpd(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    d->q[0] = d->q[1];
    d->q[1] = s->q[1];
}
static void shufps(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    Xmm r = { .d = { d->d[imm & 3], d->d[(imm >> 2) & 3], s->d[(imm >> 4) & 3], s->d[(imm >> 6) & 3] } };
    *d = r;
}
static void shufpd(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    Xmm r = { .q = { d->q[imm & 1], s->q[(imm >> 1) & 1] } };
    *d = r;
}
/* PSHUFD/PSHUFW/PSHUFLW/PSHUFHW: four elements chosen from the source. */
static void pshufd(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    for (int i = 0; i < 4; i++)
        d->d[i] = s->d[(imm >> (2 * i)) & 3];
}
static void pshufw_lo(Xmm *d, const Xmm *s, unsigned imm, unsigned base)
{
    for (unsigned i = 0; i < 4; i++)
        d->w[base + i] = s->w[base + ((imm >> (2 * i)) & 3)];
}
static void pshuflw(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    pshufw_lo(d, s, imm, 0);
    d->q[1] = s->q[1];
}
static void pshufhw(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    pshufw_lo(d, s, imm, 4);
    d->q[0] = s->q[0];
}
static void pshufw(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0) { pshufw_lo(d, s, imm, 0); }

/* PALIGNR: the concatenation destination:source shifted right by imm bytes. */
static void palignr(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    uint8_t cat[32] = { 0 };
    memcpy(cat, s->b, n);
    memcpy(cat + n, d->b, n);
    Xmm r = { { 0 } };
    for (unsigned i = 0; i < n; i++)
        if (imm + i < 2 * n)
            r.b[i] = cat[imm + i];
    memcpy(d->b, r.b, n);
}

/* Blends: element i from the source where the control bit i is set. */
static void blend(Xmm *d, const Xmm *s, unsigned esize, unsigned nel, uint32_t mask)
{
    for (unsigned i = 0; i < nel; i++)
        if (mask & (1u << i))
            memcpy(&d->b[i * esize], &s->b[i * esize], esize);
}
static uint32_t sign_mask(const Xmm *v, unsigned esize)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < 16 / esize; i++)
        m |= (uint32_t)(v->b[i * esize + esize - 1] >> 7) << i;
    return m;
}
static void blendps(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0) { blend(d, s, 4, 4, imm); }
static void blendpd(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0) { blend(d, s, 8, 2, imm); }
static void pblendw(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0) { blend(d, s, 2, 8, imm); }
static void pblendvb(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0) { blend(d, s, 1, 16, sign_mask(x0, 1)); }
static void blendvps(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0) { blend(d, s, 4, 4, sign_mask(x0, 4)); }
static void blendvpd(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0) { blend(d, s, 8, 2, sign_mask(x0, 8)); }

/* MPSADBW: eight sums of absolute differences of 4-byte groups. */
static void mpsadbw(Xmm *d, const Xmm *s, unsigned imm, unsigned n, const Xmm *x0)
{
    unsigned doff = (imm & 4) ? 4 : 0, soff = (imm & 3) * 4;
    Xmm r;
    for (unsigned i = 0; i < 8; i++) {
        unsigned sum = 0;
        for (unsigned j = 0; j < 4; j++) {
            int x = d->b[doff + i + j] - s->b[soff + j];
            sum += (unsigned)(x < 0 ? -x : x);
        }
        r.w[i] = (uint16_t)sum;
    }
    *d = r;
}

static void shuf_xmm(Cpu *c, const Insn *in, ShufOp f, bool mem)
{
    sse_check(c);
    Xmm s, d = *xmm(c, in->reg);
    src_xmm(c, in, &s, mem, true);
    f(&d, &s, (unsigned)in->imm & 0xff, 16, xmm(c, 0));
    *xmm(c, in->reg) = d;
}

static void shuf_mmx(Cpu *c, const Insn *in, ShufOp f, bool mem)
{
    mmx_check(c);
    Xmm s = { { 0 } }, d = { { 0 } };
    s.q[0] = src_mm(c, in, mem);
    d.q[0] = mm_get(c, in->reg);
    f(&d, &s, (unsigned)in->imm & 0xff, 8, NULL);
    mmx_enter(c);
    mm_set(c, in->reg, d.q[0]);
}

#define SHUF_X(n) \
static INSN(n##_xr) { shuf_xmm(cpu, in, n, false); } \
static INSN(n##_xm) { shuf_xmm(cpu, in, n, true); }
#define SHUF_M(n) \
static INSN(n##_mr) { shuf_mmx(cpu, in, n, false); } \
static INSN(n##_mm) { shuf_mmx(cpu, in, n, true); }
SHUF_X(unpcklps) SHUF_X(unpckhps) SHUF_X(unpcklpd) SHUF_X(unpckhpd)
SHUF_X(shufps) SHUF_X(shufpd) SHUF_X(pshufd) SHUF_X(pshuflw) SHUF_X(pshufhw)
SHUF_M(pshufw) SHUF_X(palignr) SHUF_M(palignr)
SHUF_X(blendps) SHUF_X(blendpd) SHUF_X(pblendw) SHUF_X(pblendvb) SHUF_X(blendvps) SHUF_X(blendvpd)
SHUF_X(mpsadbw)

/* ---- PINSRW/PEXTRW (SSE, MMX and XMM) and the SSE4.1 inserts/extracts ---- */
static void pinsrw_mmx(Cpu *c, const Insn *in, bool mem)
{
    mmx_check(c);
    uint16_t v = mem ? rd16(c, in->seg, insn_ea(c, in)) : R16(c, in->rm);
    unsigned sh = (in->imm & 3) * 16;
    uint64_t m = mm_get(c, in->reg);
    mmx_enter(c);
    mm_set(c, in->reg, (m & ~(0xffffull << sh)) | (uint64_t)v << sh);
}
static INSN(pinsrw_mr) { pinsrw_mmx(cpu, in, false); }
static INSN(pinsrw_mm) { pinsrw_mmx(cpu, in, true); }

static INSN(pextrw_mr)
{
    mmx_check(cpu);
    uint64_t m = mm_get(cpu, in->rm);
    mmx_enter(cpu);
    set_reg_osize(cpu, in->osize == 2 ? 2 : 1, in->reg, (uint16_t)(m >> ((in->imm & 3) * 16)));
}

/* Element index and size of the SSE4.1 insert/extract forms, by opcode. */
static unsigned ix_size(const Insn *in)
{
    switch (in->op) {
    case 0x14: case 0x20: return 1;
    case 0x15: case 0xc4: case 0xc5: return 2;
    case 0x16: case 0x22: return in->osize == 2 ? 8 : 4;
    default: return 4;                  /* EXTRACTPS */
    }
}

static void insert(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    unsigned sz = ix_size(in);
    uint64_t v;
    if (mem)
        v = sz == 1 ? rd8(c, in->seg, insn_ea(c, in)) : sz == 2 ? rd16(c, in->seg, insn_ea(c, in)) :
            sz == 4 ? ld32(c, in) : ld64(c, in);
    else
        v = R64(c, in->rm);
    unsigned idx = (unsigned)in->imm & (16 / sz - 1);
    memcpy(&xmm(c, in->reg)->b[idx * sz], &v, sz);
}
static INSN(insert_xr) { insert(cpu, in, false); }
static INSN(insert_xm) { insert(cpu, in, true); }

/* PEXTRB/W/D/Q, EXTRACTPS: register destinations are zero-extended (32 bits,
 * or 64 for PEXTRQ). */
static void extract(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    if (in->op == 0xc5) {               /* 66 0F C5: PEXTRW r, xmm, imm (operands swapped) */
        set_reg_osize(c, in->osize == 2 ? 2 : 1, in->reg, xmm(c, in->rm)->w[in->imm & 7]);
        return;
    }
    unsigned sz = ix_size(in);
    unsigned idx = (unsigned)in->imm & (16 / sz - 1);
    uint64_t v = 0;
    memcpy(&v, &xmm(c, in->reg)->b[idx * sz], sz);
    if (!mem) {
        set_reg_osize(c, sz == 8 ? 2 : (in->osize == 2 ? 2 : 1), in->rm, v);
        return;
    }
    uint64_t ea = insn_ea(c, in);
    if (sz == 1)
        wr8(c, in->seg, ea, (uint8_t)v);
    else if (sz == 2)
        wr16(c, in->seg, ea, (uint16_t)v);
    else if (sz == 4)
        wr32(c, in->seg, ea, (uint32_t)v);
    else
        wr64(c, in->seg, ea, v);
}
static INSN(extract_xr) { extract(cpu, in, false); }
static INSN(extract_xm) { extract(cpu, in, true); }

/* INSERTPS: imm[7:6] source element (register form; memory: a 32-bit load),
 * imm[5:4] destination element, imm[3:0] elements zeroed. */
static void insertps(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    unsigned imm = (unsigned)in->imm;
    uint32_t v = mem ? ld32(c, in) : xmm(c, in->rm)->d[(imm >> 6) & 3];
    Xmm *d = xmm(c, in->reg);
    d->d[(imm >> 4) & 3] = v;
    for (int i = 0; i < 4; i++)
        if (imm & (1u << i))
            d->d[i] = 0;
}
static INSN(insertps_xr) { insertps(cpu, in, false); }
static INSN(insertps_xm) { insertps(cpu, in, true); }

/* ---- PMOVSX/PMOVZX: the low part of the source widened ---- */
static void pmovx(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    static const uint8_t from[6] = { 1, 1, 1, 2, 2, 4 }, to[6] = { 2, 4, 8, 4, 8, 8 };
    unsigned k = in->op & 0xf, fs = from[k], ts = to[k], n = 16 / ts;
    bool sx = in->op < 0x30;
    Xmm s = { { 0 } }, r;
    if (!mem)
        s = *xmm(c, in->rm);
    else if (n * fs == 8)
        s.q[0] = ld64(c, in);
    else if (n * fs == 4)
        s.d[0] = ld32(c, in);
    else
        s.w[0] = rd16(c, in->seg, insn_ea(c, in));
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = 0;
        memcpy(&v, &s.b[i * fs], fs);
        if (sx && (v >> (fs * 8 - 1)))
            v |= ~0ull << (fs * 8);
        memcpy(&r.b[i * ts], &v, ts);
    }
    *xmm(c, in->reg) = r;
}
static INSN(pmovx_xr) { pmovx(cpu, in, false); }
static INSN(pmovx_xm) { pmovx(cpu, in, true); }

/* PTEST: ZF = (dest AND src) == 0, CF = (NOT dest AND src) == 0. */
static void ptest(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    Xmm s;
    src_xmm(c, in, &s, mem, true);
    const Xmm *d = xmm(c, in->reg);
    bool z = !((d->q[0] & s.q[0]) | (d->q[1] & s.q[1]));
    bool cf = !((~d->q[0] & s.q[0]) | (~d->q[1] & s.q[1]));
    lf_set(c, (z ? F_ZF : 0) | (cf ? F_CF : 0));
}
static INSN(ptest_xr) { ptest(cpu, in, false); }
static INSN(ptest_xm) { ptest(cpu, in, true); }

#define R(op, mp, fns, fl) { op, -1, { fns, OPF_MODRM | (fl) }, mp }
#define RX(op, mp, n, fl) R(op, mp, XMMOP(n), fl)
#define RREG(f) { { f, f, f }, { 0 } }
#define I8 OPF_IMM8U

const OpReg ops_sse_shuf[] = {
    RX(0x0f14, MP_NONE, unpcklps, 0), RX(0x0f14, MP_66, unpcklpd, 0),
    RX(0x0f15, MP_NONE, unpckhps, 0), RX(0x0f15, MP_66, unpckhpd, 0),
    RX(0x0fc6, MP_NONE, shufps, I8), RX(0x0fc6, MP_66, shufpd, I8),
    R(0x0f70, MP_NONE, MMXOP(pshufw), I8), RX(0x0f70, MP_66, pshufd, I8),
    RX(0x0f70, MP_F3, pshufhw, I8), RX(0x0f70, MP_F2, pshuflw, I8),
    R(0x0fc4, MP_NONE, MMXOP(pinsrw), I8), RX(0x0fc4, MP_66, insert, I8),
    R(0x0fc5, MP_NONE, RREG(pextrw_mr), I8), R(0x0fc5, MP_66, RREG(extract_xr), I8),
    R(0x0f3a0f, MP_NONE, MMXOP(palignr), I8), RX(0x0f3a0f, MP_66, palignr, I8),
    RX(0x0f3a0c, MP_66, blendps, I8), RX(0x0f3a0d, MP_66, blendpd, I8),
    RX(0x0f3a0e, MP_66, pblendw, I8), RX(0x0f3a42, MP_66, mpsadbw, I8),
    RX(0x0f3810, MP_66, pblendvb, 0), RX(0x0f3814, MP_66, blendvps, 0), RX(0x0f3815, MP_66, blendvpd, 0),
    RX(0x0f3a14, MP_66, extract, I8), RX(0x0f3a15, MP_66, extract, I8),
    RX(0x0f3a16, MP_66, extract, I8), RX(0x0f3a17, MP_66, extract, I8),
    RX(0x0f3a20, MP_66, insert, I8), RX(0x0f3a21, MP_66, insertps, I8), RX(0x0f3a22, MP_66, insert, I8),
    RX(0x0f3820, MP_66, pmovx, 0), RX(0x0f3821, MP_66, pmovx, 0), RX(0x0f3822, MP_66, pmovx, 0),
    RX(0x0f3823, MP_66, pmovx, 0), RX(0x0f3824, MP_66, pmovx, 0), RX(0x0f3825, MP_66, pmovx, 0),
    RX(0x0f3830, MP_66, pmovx, 0), RX(0x0f3831, MP_66, pmovx, 0), RX(0x0f3832, MP_66, pmovx, 0),
    RX(0x0f3833, MP_66, pmovx, 0), RX(0x0f3834, MP_66, pmovx, 0), RX(0x0f3835, MP_66, pmovx, 0),
    RX(0x0f3817, MP_66, ptest, 0),
    OPS_END,
};
