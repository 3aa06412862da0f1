/* SSE4.2 string compares PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM
 * (0F 3A 60-63), CRC32 (F2 0F 38 F0/F1, the Castagnoli polynomial) and
 * POPCNT (F3 0F B8).
 *
 * The string compares follow SDM vol. 2 section 4.1: the imm8 picks the
 * element format (bits 1:0), the aggregation (3:2), the polarity (5:4) and
 * the output selection (6).  Lengths are explicit (|EAX| / |EDX|, RAX/RDX with
 * REX.W, saturated to the element count) or implicit (up to the first zero
 * element).  Unlike other legacy SSE instructions, the memory operand need
 * not be aligned. */
#include "cpu/sse.h"

typedef struct StrCmp {
    unsigned n;             /* elements: 16 bytes or 8 words */
    int a[16], b[16];       /* src1 (xmm1) and src2 (xmm2/m128) elements */
    unsigned la, lb;        /* valid lengths */
} StrCmp;

static int element(const Xmm *v, unsigned imm, unsigned i)
{
    switch (imm & 3) {
    case 0: return v->b[i];
    case 1: return v->w[i];
    case 2: return (int8_t)v->b[i];
    default: return (int16_t)v->w[i];
    }
}

static unsigned implicit_len(const int *e, unsigned n)
{
    unsigned i = 0;
    while (i < n && e[i] != 0)
        i++;
    return i;
}

static unsigned explicit_len(const Cpu *c, const Insn *in, unsigned reg, unsigned n)
{
    int64_t v = (in->pfx & PFX_REXW) ? (int64_t)c->r[reg] : (int32_t)c->r[reg];
    uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return a > n ? n : (unsigned)a;
}

/* The aggregated result IntRes1 (bit j per element), before polarity. */
static uint32_t aggregate(const StrCmp *s, unsigned imm)
{
    unsigned n = s->n;
    uint32_t res = 0;
    for (unsigned j = 0; j < n; j++) {
        bool bj = j < s->lb, r = false;
        switch ((imm >> 2) & 3) {
        case 0:     /* equal any: src2[j] is one of the valid src1 elements */
            for (unsigned i = 0; i < s->la && bj; i++)
                r |= s->b[j] == s->a[i];
            break;
        case 1:     /* ranges: src1 holds [lo, hi] pairs; invalid elements never match */
            for (unsigned i = 0; i + 1 < s->la && bj; i += 2)
                r |= s->b[j] >= s->a[i] && s->b[j] <= s->a[i + 1];
            break;
        case 2: {   /* equal each: both invalid counts as equal */
            bool aj = j < s->la;
            r = (aj && bj) ? s->a[j] == s->b[j] : (!aj && !bj);
            break;
        }
        default:    /* equal ordered: src1 (needle) starts at src2[j] */
            r = true;
            for (unsigned k = 0; j + k < n && r; k++) {
                if (k >= s->la)
                    break;                  /* needle ended: match */
                if (j + k >= s->lb)
                    r = false;              /* haystack ended first */
                else
                    r = s->a[k] == s->b[j + k];
            }
            break;
        }
        res |= (uint32_t)r << j;
    }
    return res;
}

static uint32_t polarity(uint32_t r, unsigned imm, unsigned n, unsigned lb)
{
    uint32_t all = (1u << n) - 1;
    switch ((imm >> 4) & 3) {
    case 1: return ~r & all;
    case 3: return (r ^ ((1u << lb) - 1)) & all;    /* negate the valid elements of src2 only */
    default: return r;
    }
}

static void pcmpstr(Cpu *c, const Insn *in, bool mem, bool explicit_lens, bool index)
{
    sse_check(c);
    Xmm s2;
    src_xmm(c, in, &s2, mem, false);
    const Xmm *s1 = xmm(c, in->reg);
    unsigned imm = (unsigned)in->imm;
    StrCmp s;
    s.n = (imm & 1) ? 8 : 16;
    for (unsigned i = 0; i < s.n; i++) {
        s.a[i] = element(s1, imm, i);
        s.b[i] = element(&s2, imm, i);
    }
    if (explicit_lens) {
        s.la = explicit_len(c, in, R_EAX, s.n);
        s.lb = explicit_len(c, in, R_EDX, s.n);
    } else {
        s.la = implicit_len(s.a, s.n);
        s.lb = implicit_len(s.b, s.n);
    }
    uint32_t r = polarity(aggregate(&s, imm), imm, s.n, s.lb);
    if (index) {
        unsigned idx = s.n;
        if (r)
            idx = (imm & 0x40) ? 31 - (unsigned)__builtin_clz(r) : (unsigned)__builtin_ctz(r);
        set_R32(c, R_ECX, idx);
    } else {
        Xmm m = { { 0 } };
        for (unsigned i = 0; i < s.n; i++) {
            unsigned bit = (r >> i) & 1;
            if (!(imm & 0x40))
                m.w[0] |= (uint16_t)(bit << i);
            else if (s.n == 16)
                m.b[i] = bit ? 0xff : 0;
            else
                m.w[i] = bit ? 0xffff : 0;
        }
        *xmm(c, 0) = m;
    }
    lf_set(c, (r ? F_CF : 0) | (s.lb < s.n ? F_ZF : 0) | (s.la < s.n ? F_SF : 0) | ((r & 1) ? F_OF : 0));
}

static INSN(pcmpestrm_xr) { pcmpstr(cpu, in, false, true, false); }
static INSN(pcmpestrm_xm) { pcmpstr(cpu, in, true, true, false); }
static INSN(pcmpestri_xr) { pcmpstr(cpu, in, false, true, true); }
static INSN(pcmpestri_xm) { pcmpstr(cpu, in, true, true, true); }
static INSN(pcmpistrm_xr) { pcmpstr(cpu, in, false, false, false); }
static INSN(pcmpistrm_xm) { pcmpstr(cpu, in, true, false, false); }
static INSN(pcmpistri_xr) { pcmpstr(cpu, in, false, false, true); }
static INSN(pcmpistri_xm) { pcmpstr(cpu, in, true, false, true); }

/* CRC32: CRC-32C (polynomial 0x1EDC6F41, bit-reflected 0x82F63B78), no
 * final inversion: the instruction accumulates into the destination. */
static uint32_t crc32c_update(uint32_t crc, uint64_t data, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        crc ^= (uint8_t)(data >> (8 * i));
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ ((crc & 1) ? 0x82f63b78u : 0);
    }
    return crc;
}

static void crc32_do(Cpu *c, const Insn *in, uint64_t v, unsigned bytes)
{
    uint32_t crc = crc32c_update(R32(c, in->reg), v, bytes);
    set_R32(c, in->reg, crc);           /* the 64-bit form zero-extends too */
}

static INSN(crc32_r8) { crc32_do(cpu, in, R8(cpu, in->rm), 1); }
static INSN(crc32_m8) { crc32_do(cpu, in, rd8(cpu, in->seg, insn_ea(cpu, in)), 1); }
static INSN(crc32_r16) { crc32_do(cpu, in, R16(cpu, in->rm), 2); }
static INSN(crc32_m16) { crc32_do(cpu, in, rd16(cpu, in->seg, insn_ea(cpu, in)), 2); }
static INSN(crc32_r32) { crc32_do(cpu, in, R32(cpu, in->rm), 4); }
static INSN(crc32_m32) { crc32_do(cpu, in, rd32(cpu, in->seg, insn_ea(cpu, in)), 4); }
static INSN(crc32_r64) { crc32_do(cpu, in, R64(cpu, in->rm), 8); }
static INSN(crc32_m64) { crc32_do(cpu, in, rd64(cpu, in->seg, insn_ea(cpu, in)), 8); }

/* POPCNT: ZF = source is zero, OF SF AF CF PF cleared. */
static void popcnt_do(Cpu *c, const Insn *in, uint64_t v)
{
    set_reg_osize(c, in->osize, in->reg, (uint64_t)__builtin_popcountll(v));
    lf_set(c, v ? 0 : F_ZF);
}
static INSN(popcnt_r16) { popcnt_do(cpu, in, R16(cpu, in->rm)); }
static INSN(popcnt_m16) { popcnt_do(cpu, in, rd16(cpu, in->seg, insn_ea(cpu, in))); }
static INSN(popcnt_r32) { popcnt_do(cpu, in, R32(cpu, in->rm)); }
static INSN(popcnt_m32) { popcnt_do(cpu, in, rd32(cpu, in->seg, insn_ea(cpu, in))); }
static INSN(popcnt_r64) { popcnt_do(cpu, in, R64(cpu, in->rm)); }
static INSN(popcnt_m64) { popcnt_do(cpu, in, rd64(cpu, in->seg, insn_ea(cpu, in))); }

#define PS(op, n) { op, -1, { XMMOP(n), OPF_MODRM | OPF_IMM8U }, MP_66 }

const OpReg ops_sse42[] = {
    PS(0x0f3a60, pcmpestrm), PS(0x0f3a61, pcmpestri), PS(0x0f3a62, pcmpistrm), PS(0x0f3a63, pcmpistri),
    { 0x0f38f0, -1, { { { crc32_r8, crc32_r8, crc32_r8 }, { crc32_m8, crc32_m8, crc32_m8 } },
                      OPF_MODRM | OPF_RMBYTE }, MP_F2 },
    { 0x0f38f1, -1, { OPV(crc32), OPF_MODRM }, MP_F2 },
    { 0x0fb8, -1, { OPV(popcnt), OPF_MODRM }, MP_F3 },
    OPS_END,
};
