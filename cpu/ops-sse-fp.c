/* SSE/SSE2/SSE3 floating-point arithmetic: ADD/SUB/MUL/DIV/MIN/MAX/SQRT,
 * RCP/RSQRT, CMP (8 predicates), the bitwise AND/ANDN/OR/XOR, COMIS/UCOMIS,
 * ADDSUB and the horizontal HADD/HSUB, in packed (PS/PD) and scalar (SS/SD)
 * forms.  The IEEE work is in sse-fp.c; this file picks elements and
 * operands.  Packed memory operands must be 16-byte aligned; scalar ones
 * (32/64 bits) need not be.  Flags reach MXCSR through sse_commit(), which
 * faults (#XM/#UD) before the destination is written. */
#include "cpu/sse.h"

typedef uint64_t (*ElemFn)(SseFp *e, SseFmt f, const Insn *in, uint64_t a, uint64_t b);

static inline unsigned nelem(SseFmt f) { return f == SF32 ? 4 : 2; }
static inline uint64_t el(const Xmm *v, SseFmt f, unsigned i) { return f == SF32 ? v->d[i] : v->q[i]; }
static inline void set_el(Xmm *v, SseFmt f, unsigned i, uint64_t x)
{
    if (f == SF32)
        v->d[i] = (uint32_t)x;
    else
        v->q[i] = x;
}

/* Source of a scalar operation: the low element of a register or memory. */
static void src_scalar(Cpu *c, const Insn *in, SseFmt f, bool mem, Xmm *s)
{
    if (!mem)
        *s = *xmm(c, in->rm);
    else if (f == SF32)
        s->d[0] = ld32(c, in);
    else
        s->q[0] = ld64(c, in);
}

static void fp_run(Cpu *c, const Insn *in, SseFmt f, bool scalar, bool mem, ElemFn fn)
{
    sse_check(c);
    Xmm s, d = *xmm(c, in->reg);
    if (scalar)
        src_scalar(c, in, f, mem, &s);
    else
        src_xmm(c, in, &s, mem, true);
    SseFp e = sse_fp_ctx(c);
    unsigned n = scalar ? 1 : nelem(f);
    for (unsigned i = 0; i < n; i++)
        set_el(&d, f, i, fn(&e, f, in, el(&d, f, i), el(&s, f, i)));
    sse_commit(c, &e);
    *xmm(c, in->reg) = d;
}

/* The single-precision forms (PS, SS) of an element operation. */
#define DEF_FP_S(name) \
static INSN(name##_ps_xr) { fp_run(cpu, in, SF32, false, false, name); } \
static INSN(name##_ps_xm) { fp_run(cpu, in, SF32, false, true, name); } \
static INSN(name##_ss_xr) { fp_run(cpu, in, SF32, true, false, name); } \
static INSN(name##_ss_xm) { fp_run(cpu, in, SF32, true, true, name); }

/* The four forms (PS, PD, SS, SD) of an element operation, register and memory. */
#define DEF_FP4(name) \
DEF_FP_S(name) \
static INSN(name##_pd_xr) { fp_run(cpu, in, SF64, false, false, name); } \
static INSN(name##_pd_xm) { fp_run(cpu, in, SF64, false, true, name); } \
static INSN(name##_sd_xr) { fp_run(cpu, in, SF64, true, false, name); } \
static INSN(name##_sd_xm) { fp_run(cpu, in, SF64, true, true, name); }

static const int8_t arith_op[256] = {
    [0x51] = FOP_SQRT, [0x58] = FOP_ADD, [0x59] = FOP_MUL, [0x5c] = FOP_SUB,
    [0x5d] = FOP_MIN, [0x5e] = FOP_DIV, [0x5f] = FOP_MAX,
};

static uint64_t arith(SseFp *e, SseFmt f, const Insn *in, uint64_t a, uint64_t b)
{
    return sse_fp_op(e, f, arith_op[in->op], a, b);
}

static uint64_t cmp(SseFp *e, SseFmt f, const Insn *in, uint64_t a, uint64_t b)
{
    return sse_fp_cmp(e, f, (unsigned)in->imm & 7, a, b) ? ~0ull : 0;
}

static uint64_t recip(SseFp *e, SseFmt f, const Insn *in, uint64_t a, uint64_t b)
{
    (void)e; (void)f; (void)a;
    return in->op == 0x52 ? sse_rsqrt((uint32_t)b) : sse_rcp((uint32_t)b);
}

DEF_FP4(arith)
DEF_FP4(cmp)
DEF_FP_S(recip)

/* ANDPS/ANDNPS/ORPS/XORPS (and PD): bitwise, no FP exceptions. */
static void logic(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    Xmm s, *d = xmm(c, in->reg);
    src_xmm(c, in, &s, mem, true);
    for (int i = 0; i < 2; i++) {
        uint64_t a = d->q[i], b = s.q[i];
        d->q[i] = in->op == 0x54 ? a & b : in->op == 0x55 ? ~a & b : in->op == 0x56 ? a | b : a ^ b;
    }
}
static INSN(logic_xr) { logic(cpu, in, false); }
static INSN(logic_xm) { logic(cpu, in, true); }

/* COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF = 111 unordered, 000 greater,
 * 001 less, 100 equal; OF SF AF cleared. */
static void comis(Cpu *c, const Insn *in, SseFmt f, bool mem)
{
    sse_check(c);
    Xmm s;
    src_scalar(c, in, f, mem, &s);
    SseFp e = sse_fp_ctx(c);
    int r = sse_fp_compare(&e, f, el(xmm(c, in->reg), f, 0), el(&s, f, 0), in->op == 0x2f);
    sse_commit(c, &e);
    static const uint32_t fl[4] = { F_ZF, F_CF, 0, F_ZF | F_PF | F_CF };
    lf_set(c, fl[r]);
}
static INSN(comis_ps_xr) { comis(cpu, in, SF32, false); }
static INSN(comis_ps_xm) { comis(cpu, in, SF32, true); }
static INSN(comis_pd_xr) { comis(cpu, in, SF64, false); }
static INSN(comis_pd_xm) { comis(cpu, in, SF64, true); }

/* ADDSUB and horizontal operations: pairs chosen per element. */
typedef enum { PAIR_ADDSUB, PAIR_HADD, PAIR_HSUB } PairKind;

static void pairs(Cpu *c, const Insn *in, SseFmt f, bool mem)
{
    sse_check(c);
    Xmm s, d = *xmm(c, in->reg), r;
    src_xmm(c, in, &s, mem, true);
    PairKind k = in->op == 0xd0 ? PAIR_ADDSUB : in->op == 0x7c ? PAIR_HADD : PAIR_HSUB;
    SseFp e = sse_fp_ctx(c);
    unsigned n = nelem(f);
    for (unsigned i = 0; i < n; i++) {
        uint64_t a, b;
        int op;
        if (k == PAIR_ADDSUB) {
            a = el(&d, f, i);
            b = el(&s, f, i);
            op = (i & 1) ? FOP_ADD : FOP_SUB;
        } else {
            /* low half from the destination's pairs, high half from the source's */
            const Xmm *v = i < n / 2 ? &d : &s;
            unsigned j = 2 * (i % (n / 2));
            a = el(v, f, j);
            b = el(v, f, j + 1);
            op = k == PAIR_HADD ? FOP_ADD : FOP_SUB;
        }
        set_el(&r, f, i, sse_fp_op(&e, f, op, a, b));
    }
    sse_commit(c, &e);
    *xmm(c, in->reg) = r;
}
static INSN(pairs_ps_xr) { pairs(cpu, in, SF32, false); }
static INSN(pairs_ps_xm) { pairs(cpu, in, SF32, true); }
static INSN(pairs_pd_xr) { pairs(cpu, in, SF64, false); }
static INSN(pairs_pd_xm) { pairs(cpu, in, SF64, true); }

#define F(n, suffix) XMMOP(n##_##suffix)
#define FP4(op, n, fl) \
    { op, -1, { F(n, ps), OPF_MODRM | (fl) }, MP_NONE }, { op, -1, { F(n, pd), OPF_MODRM | (fl) }, MP_66 }, \
    { op, -1, { F(n, ss), OPF_MODRM | (fl) }, MP_F3 }, { op, -1, { F(n, sd), OPF_MODRM | (fl) }, MP_F2 }
#define FPX(op, mp, fns) { op, -1, { fns, OPF_MODRM }, mp }

const OpReg ops_sse_fp[] = {
    FP4(0x0f51, arith, 0), FP4(0x0f58, arith, 0), FP4(0x0f59, arith, 0), FP4(0x0f5c, arith, 0),
    FP4(0x0f5d, arith, 0), FP4(0x0f5e, arith, 0), FP4(0x0f5f, arith, 0),
    FP4(0x0fc2, cmp, OPF_IMM8U),
    FPX(0x0f52, MP_NONE, F(recip, ps)), FPX(0x0f52, MP_F3, F(recip, ss)),
    FPX(0x0f53, MP_NONE, F(recip, ps)), FPX(0x0f53, MP_F3, F(recip, ss)),
    FPX(0x0f54, MP_NONE, XMMOP(logic)), FPX(0x0f54, MP_66, XMMOP(logic)),
    FPX(0x0f55, MP_NONE, XMMOP(logic)), FPX(0x0f55, MP_66, XMMOP(logic)),
    FPX(0x0f56, MP_NONE, XMMOP(logic)), FPX(0x0f56, MP_66, XMMOP(logic)),
    FPX(0x0f57, MP_NONE, XMMOP(logic)), FPX(0x0f57, MP_66, XMMOP(logic)),
    FPX(0x0f2e, MP_NONE, F(comis, ps)), FPX(0x0f2e, MP_66, F(comis, pd)),
    FPX(0x0f2f, MP_NONE, F(comis, ps)), FPX(0x0f2f, MP_66, F(comis, pd)),
    FPX(0x0fd0, MP_66, F(pairs, pd)), FPX(0x0fd0, MP_F2, F(pairs, ps)),
    FPX(0x0f7c, MP_66, F(pairs, pd)), FPX(0x0f7c, MP_F2, F(pairs, ps)),
    FPX(0x0f7d, MP_66, F(pairs, pd)), FPX(0x0f7d, MP_F2, F(pairs, ps)),
    OPS_END,
};
