/* Data movement of MMX and SSE/SSE2/SSE3/SSE4.1: full-register moves
 * (aligned and unaligned), scalar moves, half-register moves, MOVD/MOVQ
 * between general, MMX and XMM registers, mask extraction, non-temporal
 * stores, MASKMOVQ/MASKMOVDQU, and EMMS.
 *
 * Alignment: the "A" forms, MOVNT* and MOVNTDQA fault (#GP(0)) on a
 * misaligned 16-byte operand; MOVUPS/MOVUPD/MOVDQU/LDDQU and every operand
 * smaller than 16 bytes do not. */
#include "cpu/sse.h"

/* ---- full-register moves: load (xmm <- xmm/m128) and store forms ---- */
static void mov_load(Cpu *c, const Insn *in, bool mem, bool aligned)
{
    sse_check(c);
    Xmm v;
    src_xmm(c, in, &v, mem, aligned);
    *xmm(c, in->reg) = v;
}

static void mov_store(Cpu *c, const Insn *in, bool mem, bool aligned)
{
    sse_check(c);
    if (mem)
        st128(c, in, xmm(c, in->reg), aligned);
    else
        *xmm(c, in->rm) = *xmm(c, in->reg);
}

static INSN(movu_ld_xr) { mov_load(cpu, in, false, false); }
static INSN(movu_ld_xm) { mov_load(cpu, in, true, false); }
static INSN(mova_ld_xr) { mov_load(cpu, in, false, true); }
static INSN(mova_ld_xm) { mov_load(cpu, in, true, true); }
static INSN(movu_st_xr) { mov_store(cpu, in, false, false); }
static INSN(movu_st_xm) { mov_store(cpu, in, true, false); }
static INSN(mova_st_xr) { mov_store(cpu, in, false, true); }
static INSN(mova_st_xm) { mov_store(cpu, in, true, true); }

/* ---- scalar MOVSS/MOVSD: register forms merge, loads zero the rest ---- */
static INSN(movss_ld_xr) { sse_check(cpu); xmm(cpu, in->reg)->d[0] = xmm(cpu, in->rm)->d[0]; }
static INSN(movss_ld_xm)
{
    sse_check(cpu);
    Xmm v = { { 0 } };
    v.d[0] = ld32(cpu, in);
    *xmm(cpu, in->reg) = v;
}
static INSN(movss_st_xr) { sse_check(cpu); xmm(cpu, in->rm)->d[0] = xmm(cpu, in->reg)->d[0]; }
static INSN(movss_st_xm) { sse_check(cpu); wr32(cpu, in->seg, insn_ea(cpu, in), xmm(cpu, in->reg)->d[0]); }
static INSN(movsd_ld_xr) { sse_check(cpu); xmm(cpu, in->reg)->q[0] = xmm(cpu, in->rm)->q[0]; }
static INSN(movsd_ld_xm)
{
    sse_check(cpu);
    Xmm v = { { 0 } };
    v.q[0] = ld64(cpu, in);
    *xmm(cpu, in->reg) = v;
}
static INSN(movsd_st_xr) { sse_check(cpu); xmm(cpu, in->rm)->q[0] = xmm(cpu, in->reg)->q[0]; }
static INSN(movsd_st_xm) { sse_check(cpu); wr64(cpu, in->seg, insn_ea(cpu, in), xmm(cpu, in->reg)->q[0]); }

/* ---- half moves: MOVLPS/MOVHPS/MOVLPD/MOVHPD, MOVHLPS/MOVLHPS ---- */
static INSN(movlp_ld) { sse_check(cpu); uint64_t v = ld64(cpu, in); xmm(cpu, in->reg)->q[0] = v; }
static INSN(movhp_ld) { sse_check(cpu); uint64_t v = ld64(cpu, in); xmm(cpu, in->reg)->q[1] = v; }
static INSN(movlp_st) { sse_check(cpu); wr64(cpu, in->seg, insn_ea(cpu, in), xmm(cpu, in->reg)->q[0]); }
static INSN(movhp_st) { sse_check(cpu); wr64(cpu, in->seg, insn_ea(cpu, in), xmm(cpu, in->reg)->q[1]); }
static INSN(movhlps) { sse_check(cpu); xmm(cpu, in->reg)->q[0] = xmm(cpu, in->rm)->q[1]; }
static INSN(movlhps) { sse_check(cpu); xmm(cpu, in->reg)->q[1] = xmm(cpu, in->rm)->q[0]; }

/* ---- SSE3 duplicating loads (no alignment requirement) ---- */
static void dup_src(Cpu *c, const Insn *in, Xmm *v, bool mem)
{
    sse_check(c);
    src_xmm(c, in, v, mem, false);
}
static void movsldup(Cpu *c, const Insn *in, bool mem)
{
    Xmm v;
    dup_src(c, in, &v, mem);
    v.d[1] = v.d[0];
    v.d[3] = v.d[2];
    *xmm(c, in->reg) = v;
}
static void movshdup(Cpu *c, const Insn *in, bool mem)
{
    Xmm v;
    dup_src(c, in, &v, mem);
    v.d[0] = v.d[1];
    v.d[2] = v.d[3];
    *xmm(c, in->reg) = v;
}
static INSN(movsldup_xr) { movsldup(cpu, in, false); }
static INSN(movsldup_xm) { movsldup(cpu, in, true); }
static INSN(movshdup_xr) { movshdup(cpu, in, false); }
static INSN(movshdup_xm) { movshdup(cpu, in, true); }
static INSN(movddup_xr) { sse_check(cpu); uint64_t v = xmm(cpu, in->rm)->q[0]; xmm(cpu, in->reg)->q[0] = v; xmm(cpu, in->reg)->q[1] = v; }
static INSN(movddup_xm) { sse_check(cpu); uint64_t v = ld64(cpu, in); xmm(cpu, in->reg)->q[0] = v; xmm(cpu, in->reg)->q[1] = v; }

/* ---- MOVD/MOVQ ---- */
/* r/m32 (r/m64 with REX.W) into the low element, the rest zeroed. */
static uint64_t gpr_src(Cpu *c, const Insn *in, bool mem)
{
    if (in->osize == 2)
        return mem ? ld64(c, in) : R64(c, in->rm);
    return mem ? ld32(c, in) : R32(c, in->rm);
}

static void gpr_dst(Cpu *c, const Insn *in, bool mem, uint64_t v)
{
    if (in->osize == 2) {
        if (mem)
            wr64(c, in->seg, insn_ea(c, in), v);
        else
            set_R64(c, in->rm, v);
    } else if (mem) {
        wr32(c, in->seg, insn_ea(c, in), (uint32_t)v);
    } else {
        set_R32(c, in->rm, (uint32_t)v);
    }
}

static void movd_to_mm(Cpu *c, const Insn *in, bool mem)
{
    mmx_check(c);
    uint64_t v = gpr_src(c, in, mem);
    mmx_enter(c);
    mm_set(c, in->reg, v);
}
static void movd_to_xmm(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    Xmm v = { { 0 } };
    v.q[0] = gpr_src(c, in, mem);
    *xmm(c, in->reg) = v;
}
static void movd_from_mm(Cpu *c, const Insn *in, bool mem)
{
    mmx_check(c);
    gpr_dst(c, in, mem, mm_get(c, in->reg));
    mmx_enter(c);
}
static void movd_from_xmm(Cpu *c, const Insn *in, bool mem)
{
    sse_check(c);
    gpr_dst(c, in, mem, xmm(c, in->reg)->q[0]);
}
static INSN(movd_tomm_mr) { movd_to_mm(cpu, in, false); }
static INSN(movd_tomm_mm) { movd_to_mm(cpu, in, true); }
static INSN(movd_tox_xr) { movd_to_xmm(cpu, in, false); }
static INSN(movd_tox_xm) { movd_to_xmm(cpu, in, true); }
static INSN(movd_frmm_mr) { movd_from_mm(cpu, in, false); }
static INSN(movd_frmm_mm) { movd_from_mm(cpu, in, true); }
static INSN(movd_frx_xr) { movd_from_xmm(cpu, in, false); }
static INSN(movd_frx_xm) { movd_from_xmm(cpu, in, true); }

/* MOVQ mm, mm/m64 and MOVQ mm/m64, mm */
static INSN(movq_mm_ld_mr) { mmx_check(cpu); uint64_t v = mm_get(cpu, in->rm); mmx_enter(cpu); mm_set(cpu, in->reg, v); }
static INSN(movq_mm_ld_mm) { mmx_check(cpu); uint64_t v = ld64(cpu, in); mmx_enter(cpu); mm_set(cpu, in->reg, v); }
static INSN(movq_mm_st_mr) { mmx_check(cpu); uint64_t v = mm_get(cpu, in->reg); mmx_enter(cpu); mm_set(cpu, in->rm, v); }
static INSN(movq_mm_st_mm)
{
    mmx_check(cpu);
    wr64(cpu, in->seg, insn_ea(cpu, in), mm_get(cpu, in->reg));
    mmx_enter(cpu);
}
/* F3 0F 7E MOVQ xmm, xmm/m64 and 66 0F D6 MOVQ xmm/m64, xmm: zero the high quadword. */
static INSN(movq_x_ld_xr) { sse_check(cpu); Xmm v = { { 0 } }; v.q[0] = xmm(cpu, in->rm)->q[0]; *xmm(cpu, in->reg) = v; }
static INSN(movq_x_ld_xm) { sse_check(cpu); Xmm v = { { 0 } }; v.q[0] = ld64(cpu, in); *xmm(cpu, in->reg) = v; }
static INSN(movq_x_st_xr) { sse_check(cpu); Xmm v = { { 0 } }; v.q[0] = xmm(cpu, in->reg)->q[0]; *xmm(cpu, in->rm) = v; }
static INSN(movq_x_st_xm) { sse_check(cpu); wr64(cpu, in->seg, insn_ea(cpu, in), xmm(cpu, in->reg)->q[0]); }
/* MOVQ2DQ xmm, mm and MOVDQ2Q mm, xmm: SSE checks plus the MMX transition. */
static INSN(movq2dq)
{
    sse_check(cpu);
    Xmm v = { { 0 } };
    v.q[0] = mm_get(cpu, in->rm);
    mmx_enter(cpu);
    *xmm(cpu, in->reg) = v;
}
static INSN(movdq2q)
{
    sse_check(cpu);
    uint64_t v = xmm(cpu, in->rm)->q[0];
    mmx_enter(cpu);
    mm_set(cpu, in->reg, v);
}

/* ---- sign-bit masks ---- */
static INSN(movmskps)
{
    sse_check(cpu);
    const Xmm *s = xmm(cpu, in->rm);
    uint32_t m = 0;
    for (int i = 0; i < 4; i++)
        m |= (s->d[i] >> 31) << i;
    set_reg_osize(cpu, in->osize == 2 ? 2 : 1, in->reg, m);
}
static INSN(movmskpd)
{
    sse_check(cpu);
    const Xmm *s = xmm(cpu, in->rm);
    uint32_t m = (uint32_t)(s->q[0] >> 63) | (uint32_t)(s->q[1] >> 63) << 1;
    set_reg_osize(cpu, in->osize == 2 ? 2 : 1, in->reg, m);
}
static uint32_t byte_mask(const uint8_t *b, unsigned n)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < n; i++)
        m |= (uint32_t)(b[i] >> 7) << i;
    return m;
}
static INSN(pmovmskb_mr)
{
    mmx_check(cpu);
    uint64_t v = mm_get(cpu, in->rm);
    uint8_t b[8];
    memcpy(b, &v, 8);
    mmx_enter(cpu);
    set_reg_osize(cpu, in->osize == 2 ? 2 : 1, in->reg, byte_mask(b, 8));
}
static INSN(pmovmskb_xr)
{
    sse_check(cpu);
    set_reg_osize(cpu, in->osize == 2 ? 2 : 1, in->reg, byte_mask(xmm(cpu, in->rm)->b, 16));
}

/* ---- non-temporal stores and loads (no cache model: plain accesses) ---- */
static INSN(movntq) { movq_mm_st_mm(cpu, in); }
static INSN(movnti_m32) { wr32(cpu, in->seg, insn_ea(cpu, in), R32(cpu, in->reg)); }
static INSN(movnti_m64) { wr64(cpu, in->seg, insn_ea(cpu, in), R64(cpu, in->reg)); }

/* MASKMOVQ/MASKMOVDQU: bytes whose mask byte has bit 7 set are stored at
 * DS:rDI (segment override allowed).  Every selected byte is checked before
 * any is written, so a fault leaves memory unchanged. */
static void maskmov(Cpu *c, const Insn *in, const uint8_t *data, const uint8_t *mask, unsigned n)
{
    uint64_t amask = addr_mask[in->asize], base = c->r[R_EDI];
    MemRef refs[16];
    for (unsigned i = 0; i < n; i++)
        if (mask[i] & 0x80)
            refs[i] = mem_ref(c, in->seg, (base + i) & amask, 1);
    for (unsigned i = 0; i < n; i++)
        if (mask[i] & 0x80)
            ref_store8(c, &refs[i], data[i]);
}
static INSN(maskmovq)
{
    mmx_check(cpu);
    uint64_t d = mm_get(cpu, in->reg), m = mm_get(cpu, in->rm);
    uint8_t db[8], mb[8];
    memcpy(db, &d, 8);
    memcpy(mb, &m, 8);
    mmx_enter(cpu);
    maskmov(cpu, in, db, mb, 8);
}
static INSN(maskmovdqu)
{
    sse_check(cpu);
    maskmov(cpu, in, xmm(cpu, in->reg)->b, xmm(cpu, in->rm)->b, 16);
}

/* EMMS: every x87 register empty. */
static INSN(emms)
{
    mmx_check(cpu);
    cpu->fpu.tw = 0xffff;
}

#define X(n) XMMOP(n)
#define XR(n) { { n, n, n }, { 0 } }
#define XM(n) { { 0 }, { n, n, n } }
#define XRM(r, m) { { r, r, r }, { m, m, m } }
#define SSE(op, mp, fns) { op, -1, { fns, OPF_MODRM }, mp }

const OpReg ops_sse_mov[] = {
    SSE(0x0f10, MP_NONE, X(movu_ld)), SSE(0x0f10, MP_66, X(movu_ld)),
    SSE(0x0f10, MP_F3, XRM(movss_ld_xr, movss_ld_xm)), SSE(0x0f10, MP_F2, XRM(movsd_ld_xr, movsd_ld_xm)),
    SSE(0x0f11, MP_NONE, X(movu_st)), SSE(0x0f11, MP_66, X(movu_st)),
    SSE(0x0f11, MP_F3, XRM(movss_st_xr, movss_st_xm)), SSE(0x0f11, MP_F2, XRM(movsd_st_xr, movsd_st_xm)),
    SSE(0x0f12, MP_NONE, XRM(movhlps, movlp_ld)), SSE(0x0f12, MP_66, XM(movlp_ld)),
    SSE(0x0f12, MP_F3, X(movsldup)), SSE(0x0f12, MP_F2, XRM(movddup_xr, movddup_xm)),
    SSE(0x0f13, MP_NONE, XM(movlp_st)), SSE(0x0f13, MP_66, XM(movlp_st)),
    SSE(0x0f16, MP_NONE, XRM(movlhps, movhp_ld)), SSE(0x0f16, MP_66, XM(movhp_ld)),
    SSE(0x0f16, MP_F3, X(movshdup)),
    SSE(0x0f17, MP_NONE, XM(movhp_st)), SSE(0x0f17, MP_66, XM(movhp_st)),
    SSE(0x0f28, MP_NONE, X(mova_ld)), SSE(0x0f28, MP_66, X(mova_ld)),
    SSE(0x0f29, MP_NONE, X(mova_st)), SSE(0x0f29, MP_66, X(mova_st)),
    SSE(0x0f2b, MP_NONE, XM(mova_st_xm)), SSE(0x0f2b, MP_66, XM(mova_st_xm)),
    SSE(0x0f50, MP_NONE, XR(movmskps)), SSE(0x0f50, MP_66, XR(movmskpd)),
    SSE(0x0f6e, MP_NONE, MMXOP(movd_tomm)), SSE(0x0f6e, MP_66, X(movd_tox)),
    SSE(0x0f6f, MP_NONE, XRM(movq_mm_ld_mr, movq_mm_ld_mm)),
    SSE(0x0f6f, MP_66, X(mova_ld)), SSE(0x0f6f, MP_F3, X(movu_ld)),
    SSE(0x0f7e, MP_NONE, MMXOP(movd_frmm)), SSE(0x0f7e, MP_66, X(movd_frx)),
    SSE(0x0f7e, MP_F3, X(movq_x_ld)),
    SSE(0x0f7f, MP_NONE, XRM(movq_mm_st_mr, movq_mm_st_mm)),
    SSE(0x0f7f, MP_66, X(mova_st)), SSE(0x0f7f, MP_F3, X(movu_st)),
    SSE(0x0fd6, MP_66, X(movq_x_st)), SSE(0x0fd6, MP_F3, XR(movq2dq)), SSE(0x0fd6, MP_F2, XR(movdq2q)),
    SSE(0x0fd7, MP_NONE, XR(pmovmskb_mr)), SSE(0x0fd7, MP_66, XR(pmovmskb_xr)),
    SSE(0x0fe7, MP_NONE, XM(movntq)), SSE(0x0fe7, MP_66, XM(mova_st_xm)),
    SSE(0x0ff7, MP_NONE, XR(maskmovq)), SSE(0x0ff7, MP_66, XR(maskmovdqu)),
    SSE(0x0ff0, MP_F2, XM(movu_ld_xm)),                 /* LDDQU */
    SSE(0x0f382a, MP_66, XM(mova_ld_xm)),               /* MOVNTDQA */
    { 0x0fc3, -1, { { { 0 }, { movnti_m32, movnti_m32, movnti_m64 } }, OPF_MODRM }, MP_NONE },
    { 0x0f77, -1, { OPX(emms), 0 }, MP_NONE },
    OPS_END,
};
