/* SSE4.1 floating point: ROUNDPS/PD/SS/SD (0F 3A 08-0B) and the dot
 * products DPPS/DPPD (0F 3A 40/41).  Element arithmetic and exceptions come
 * from sse-fp.c; each step of a dot product is rounded, in the order the
 * hardware uses (which only shows in which NaN propagates): DPPS
 * (t1 + t0) + (t3 + t2), DPPD t0 + t1. */
#include "cpu/sse.h"

/* ROUND: op 08 PS, 09 PD, 0A SS, 0B SD. */
static void round_insn(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    SseFmt f = (in->op & 1) ? SF64 : SF32;
    bool scalar = in->op >= 0x0a;
    Xmm s = { { 0 } }, d = *xmm(c, in->reg);
    if (!scalar)
        src_xmm(c, in, &s, mem, true);
    else if (!mem)
        s = *xmm(c, in->rm);
    else if (f == SF32)
        s.d[0] = ld32(c, in);
    else
        s.q[0] = ld64(c, in);
    SseFp e = sse_fp_ctx(c);
    unsigned n = scalar ? 1 : (f == SF32 ? 4 : 2);
    for (unsigned i = 0; i < n; i++) {
        if (f == SF32)
            d.d[i] = (uint32_t)sse_fp_round(&e, f, s.d[i], (unsigned)in->imm);
        else
            d.q[i] = sse_fp_round(&e, f, s.q[i], (unsigned)in->imm);
    }
    sse_commit(c, &e);
    *xmm(c, in->reg) = d;
}
static INSN(round_xr) { round_insn(cpu, in, false); }
static INSN(round_xm) { round_insn(cpu, in, true); }

static void dpps(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    Xmm s, d = *xmm(c, in->reg), r;
    src_xmm(c, in, &s, mem, true);
    unsigned imm = (unsigned)in->imm;
    SseFp e = sse_fp_ctx(c);
    uint64_t t[4];
    for (int i = 0; i < 4; i++)
        t[i] = (imm & (0x10u << i)) ? sse_fp_op(&e, SF32, FOP_MUL, d.d[i], s.d[i]) : 0;
    /* (t1 + t0) + (t3 + t2): the operand order decides which NaN comes out
     * (measured on an Intel Xeon; the SDM pseudocode does not say) */
    uint64_t lo = sse_fp_op(&e, SF32, FOP_ADD, t[1], t[0]);
    uint64_t hi = sse_fp_op(&e, SF32, FOP_ADD, t[3], t[2]);
    uint32_t sum = (uint32_t)sse_fp_op(&e, SF32, FOP_ADD, lo, hi);
    sse_commit(c, &e);
    for (int i = 0; i < 4; i++)
        r.d[i] = (imm & (1u << i)) ? sum : 0;
    *xmm(c, in->reg) = r;
}
static INSN(dpps_xr) { dpps(cpu, in, false); }
static INSN(dpps_xm) { dpps(cpu, in, true); }

static void dppd(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    Xmm s, d = *xmm(c, in->reg), r;
    src_xmm(c, in, &s, mem, true);
    unsigned imm = (unsigned)in->imm;
    SseFp e = sse_fp_ctx(c);
    uint64_t t[2];
    for (int i = 0; i < 2; i++)
        t[i] = (imm & (0x10u << i)) ? sse_fp_op(&e, SF64, FOP_MUL, d.q[i], s.q[i]) : 0;
    uint64_t sum = sse_fp_op(&e, SF64, FOP_ADD, t[0], t[1]);
    sse_commit(c, &e);
    for (int i = 0; i < 2; i++)
        r.q[i] = (imm & (1u << i)) ? sum : 0;
    *xmm(c, in->reg) = r;
}
static INSN(dppd_xr) { dppd(cpu, in, false); }
static INSN(dppd_xm) { dppd(cpu, in, true); }

#define R41(op, n) { op, -1, { XMMOP(n), OPF_MODRM | OPF_IMM8U }, MP_66 }

const OpReg ops_sse41_fp[] = {
    R41(0x0f3a08, round), R41(0x0f3a09, round), R41(0x0f3a0a, round), R41(0x0f3a0b, round),
    R41(0x0f3a40, dpps), R41(0x0f3a41, dppd),
    OPS_END,
};
