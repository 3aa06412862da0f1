/* SSE/SSE2 conversions (0F 2A, 2C, 2D, 5A, 5B, E6): between single,
 * double, 32/64-bit integers in general registers, and packed 32-bit
 * integers in MMX or XMM registers.
 *
 * Every form is one row of a table: where the source comes from and how
 * wide it is, where the result goes, the element types and count, and
 * whether float-to-integer truncates (CVTT*) or rounds by MXCSR.RC.  The
 * element conversions and their exceptions are in sse-fp.c. */
#include "cpu/sse.h"

enum { LOC_XMM, LOC_MM, LOC_GPR };
enum { DST_MERGE, DST_ZERO };           /* XMM destination: keep or clear the rest */
enum { T_I32, T_IGPR /* 32 or 64 by REX.W */, T_F32, T_F64 };

typedef struct CvtDesc {
    uint8_t src, src_bytes, dst, dst_mode, from, to, count, trunc;
} CvtDesc;

/* [mandatory prefix: NONE 66 F3 F2][opcode] */
#define ROW(s, sb, d, dm, f, t, n, tr) { s, sb, d, dm, f, t, n, tr }
static const CvtDesc cvt_table[4][256] = {
    [0] = {
        [0x2a] = ROW(LOC_MM, 8, LOC_XMM, DST_MERGE, T_I32, T_F32, 2, 0),     /* CVTPI2PS */
        [0x2c] = ROW(LOC_XMM, 8, LOC_MM, 0, T_F32, T_I32, 2, 1),            /* CVTTPS2PI */
        [0x2d] = ROW(LOC_XMM, 8, LOC_MM, 0, T_F32, T_I32, 2, 0),            /* CVTPS2PI */
        [0x5a] = ROW(LOC_XMM, 8, LOC_XMM, DST_ZERO, T_F32, T_F64, 2, 0),    /* CVTPS2PD */
        [0x5b] = ROW(LOC_XMM, 16, LOC_XMM, DST_ZERO, T_I32, T_F32, 4, 0),   /* CVTDQ2PS */
    },
    [1] = {
        [0x2a] = ROW(LOC_MM, 8, LOC_XMM, DST_ZERO, T_I32, T_F64, 2, 0),      /* CVTPI2PD */
        [0x2c] = ROW(LOC_XMM, 16, LOC_MM, 0, T_F64, T_I32, 2, 1),           /* CVTTPD2PI */
        [0x2d] = ROW(LOC_XMM, 16, LOC_MM, 0, T_F64, T_I32, 2, 0),           /* CVTPD2PI */
        [0x5a] = ROW(LOC_XMM, 16, LOC_XMM, DST_ZERO, T_F64, T_F32, 2, 0),   /* CVTPD2PS */
        [0x5b] = ROW(LOC_XMM, 16, LOC_XMM, DST_ZERO, T_F32, T_I32, 4, 0),   /* CVTPS2DQ */
        [0xe6] = ROW(LOC_XMM, 16, LOC_XMM, DST_ZERO, T_F64, T_I32, 2, 1),   /* CVTTPD2DQ */
    },
    [2] = {
        [0x2a] = ROW(LOC_GPR, 0, LOC_XMM, DST_MERGE, T_IGPR, T_F32, 1, 0),   /* CVTSI2SS */
        [0x2c] = ROW(LOC_XMM, 4, LOC_GPR, 0, T_F32, T_IGPR, 1, 1),          /* CVTTSS2SI */
        [0x2d] = ROW(LOC_XMM, 4, LOC_GPR, 0, T_F32, T_IGPR, 1, 0),          /* CVTSS2SI */
        [0x5a] = ROW(LOC_XMM, 4, LOC_XMM, DST_MERGE, T_F32, T_F64, 1, 0),   /* CVTSS2SD */
        [0x5b] = ROW(LOC_XMM, 16, LOC_XMM, DST_ZERO, T_F32, T_I32, 4, 1),   /* CVTTPS2DQ */
        [0xe6] = ROW(LOC_XMM, 8, LOC_XMM, DST_ZERO, T_I32, T_F64, 2, 0),    /* CVTDQ2PD */
    },
    [3] = {
        [0x2a] = ROW(LOC_GPR, 0, LOC_XMM, DST_MERGE, T_IGPR, T_F64, 1, 0),   /* CVTSI2SD */
        [0x2c] = ROW(LOC_XMM, 8, LOC_GPR, 0, T_F64, T_IGPR, 1, 1),          /* CVTTSD2SI */
        [0x2d] = ROW(LOC_XMM, 8, LOC_GPR, 0, T_F64, T_IGPR, 1, 0),          /* CVTSD2SI */
        [0x5a] = ROW(LOC_XMM, 8, LOC_XMM, DST_MERGE, T_F64, T_F32, 1, 0),   /* CVTSD2SS */
        [0xe6] = ROW(LOC_XMM, 16, LOC_XMM, DST_ZERO, T_F64, T_I32, 2, 0),   /* CVTPD2DQ */
    },
};

static unsigned type_bytes(unsigned t, const Insn *in)
{
    if (t == T_IGPR)
        return in->osize == 2 ? 8 : 4;
    return (t == T_F64) ? 8 : 4;
}

static uint64_t get_elem(const Xmm *v, unsigned bytes, unsigned i) { return bytes == 8 ? v->q[i] : v->d[i]; }
static void put_elem(Xmm *v, unsigned bytes, unsigned i, uint64_t x)
{
    if (bytes == 8)
        v->q[i] = x;
    else
        v->d[i] = (uint32_t)x;
}

static uint64_t convert(SseFp *e, const CvtDesc *d, const Insn *in, uint64_t x)
{
    unsigned fb = type_bytes(d->from, in), tb = type_bytes(d->to, in);
    bool from_int = d->from == T_I32 || d->from == T_IGPR;
    bool to_int = d->to == T_I32 || d->to == T_IGPR;
    SseFmt ff = fb == 8 ? SF64 : SF32, tf = tb == 8 ? SF64 : SF32;
    if (from_int) {
        int64_t v = fb == 8 ? (int64_t)x : (int32_t)x;
        return sse_int_to_fp(e, tf, v);
    }
    if (to_int)
        return sse_fp_to_int(e, ff, x, tb * 8, d->trunc);
    return sse_fp_convert(e, tf, ff, x);
}

static void load_src(Cpu *c, const Insn *in, const CvtDesc *d, bool mem, Xmm *s)
{
    memset(s, 0, sizeof *s);
    if (d->src == LOC_GPR) {
        unsigned b = type_bytes(d->from, in);
        s->q[0] = mem ? (b == 8 ? ld64(c, in) : ld32(c, in)) : (b == 8 ? R64(c, in->rm) : R32(c, in->rm));
    } else if (!mem) {
        if (d->src == LOC_MM)
            s->q[0] = mm_get(c, in->rm);
        else
            *s = *xmm(c, in->rm);
    } else if (d->src_bytes == 16) {
        ld128(c, in, s, true);
    } else if (d->src_bytes == 8) {
        s->q[0] = ld64(c, in);
    } else {
        s->d[0] = ld32(c, in);
    }
}

static void cvt(Cpu *c, const Insn *in, unsigned mp, bool mem)
{
    const CvtDesc *d = &cvt_table[mp][in->op];
    sse_check(c);
    Xmm s, r;
    load_src(c, in, d, mem, &s);
    unsigned fb = type_bytes(d->from, in), tb = type_bytes(d->to, in);
    if (d->dst == LOC_XMM && d->dst_mode == DST_MERGE)
        r = *xmm(c, in->reg);
    else
        memset(&r, 0, sizeof r);
    SseFp e = sse_fp_ctx(c);
    for (unsigned i = 0; i < d->count; i++)
        put_elem(&r, tb, i, convert(&e, d, in, get_elem(&s, fb, i)));
    sse_commit(c, &e);
    /* An MMX register as source or destination is an MMX instruction. */
    if (d->dst == LOC_MM || (d->src == LOC_MM && !mem))
        mmx_enter(c);
    if (d->dst == LOC_MM)
        mm_set(c, in->reg, r.q[0]);
    else if (d->dst == LOC_GPR)
        set_reg_osize(c, tb == 8 ? 2 : 1, in->reg, r.q[0]);
    else
        *xmm(c, in->reg) = r;
}

#define CVT_MP(n, mp) \
static INSN(cvt##n##_xr) { cvt(cpu, in, mp, false); } \
static INSN(cvt##n##_xm) { cvt(cpu, in, mp, true); }
CVT_MP(0, 0)
CVT_MP(1, 1)
CVT_MP(2, 2)
CVT_MP(3, 3)

#define CV(op, mp, n) { op, -1, { XMMOP(cvt##n), OPF_MODRM }, mp }
#define CV4(op) CV(op, MP_NONE, 0), CV(op, MP_66, 1), CV(op, MP_F3, 2), CV(op, MP_F2, 3)

const OpReg ops_sse_cvt[] = {
    CV4(0x0f2a), CV4(0x0f2c), CV4(0x0f2d), CV4(0x0f5a),
    CV(0x0f5b, MP_NONE, 0), CV(0x0f5b, MP_66, 1), CV(0x0f5b, MP_F3, 2),
    CV(0x0fe6, MP_66, 1), CV(0x0fe6, MP_F3, 2), CV(0x0fe6, MP_F2, 3),
    OPS_END,
};
