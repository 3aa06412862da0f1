/* Packed integer instructions of MMX, SSE2, SSSE3 and SSE4.1 that combine a
 * destination register with a source (register or memory) element by
 * element: arithmetic, saturation, compares, logic, shifts, packs, unpacks,
 * horizontal adds, PSHUFB, sign, absolute value, min/max, multiplies.
 *
 * The MMX (no prefix, 8 bytes) and SSE (66, 16 bytes) forms share one
 * operation: a VecOp works on the low n bytes of two Xmm values.  The
 * opcode's last byte indexes a table per opcode map, so the four handlers of
 * a map (mm/xmm x register/memory) serve every instruction of the table. */
#include "cpu/sse.h"

typedef void (*VecOp)(Xmm *d, const Xmm *s, unsigned n);

static inline int sat(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
#define SAT_S8(v) (uint8_t)sat(v, -128, 127)
#define SAT_U8(v) (uint8_t)sat(v, 0, 255)
#define SAT_S16(v) (uint16_t)sat(v, -32768, 32767)
#define SAT_U16(v) (uint16_t)sat(v, 0, 65535)

/* Element-wise: a = destination element, b = source element (as type T). */
#define EW(name, fld, T, expr) \
static void name(Xmm *d, const Xmm *s, unsigned n) \
{ \
    for (unsigned i = 0; i < n / sizeof d->fld[0]; i++) { \
        T a = (T)d->fld[i], b = (T)s->fld[i]; \
        (void)a; \
        d->fld[i] = (expr); \
    } \
}
#define S8 int8_t
#define S16 int16_t
#define S32 int32_t
#define S64 int64_t
EW(paddb, b, uint8_t, (uint8_t)(a + b)) EW(paddw, w, uint16_t, (uint16_t)(a + b))
EW(paddd, d, uint32_t, a + b) EW(paddq, q, uint64_t, a + b)
EW(psubb, b, uint8_t, (uint8_t)(a - b)) EW(psubw, w, uint16_t, (uint16_t)(a - b))
EW(psubd, d, uint32_t, a - b) EW(psubq, q, uint64_t, a - b)
EW(paddsb, b, S8, SAT_S8(a + b)) EW(paddsw, w, S16, SAT_S16(a + b))
EW(psubsb, b, S8, SAT_S8(a - b)) EW(psubsw, w, S16, SAT_S16(a - b))
EW(paddusb, b, uint8_t, SAT_U8(a + b)) EW(paddusw, w, uint16_t, SAT_U16(a + b))
EW(psubusb, b, uint8_t, SAT_U8(a - b)) EW(psubusw, w, uint16_t, SAT_U16(a - b))
EW(pcmpeqb, b, uint8_t, a == b ? 0xff : 0) EW(pcmpeqw, w, uint16_t, a == b ? 0xffff : 0)
EW(pcmpeqd, d, uint32_t, a == b ? ~0u : 0) EW(pcmpeqq, q, uint64_t, a == b ? ~0ull : 0)
EW(pcmpgtb, b, S8, a > b ? 0xff : 0) EW(pcmpgtw, w, S16, a > b ? 0xffff : 0)
EW(pcmpgtd, d, S32, a > b ? ~0u : 0) EW(pcmpgtq, q, S64, a > b ? ~0ull : 0)
EW(pand, q, uint64_t, a & b) EW(pandn, q, uint64_t, ~a & b)
EW(por, q, uint64_t, a | b) EW(pxor, q, uint64_t, a ^ b)
EW(pminub, b, uint8_t, a < b ? a : b) EW(pmaxub, b, uint8_t, a > b ? a : b)
EW(pminsw, w, S16, (uint16_t)(a < b ? a : b)) EW(pmaxsw, w, S16, (uint16_t)(a > b ? a : b))
EW(pminsb, b, S8, (uint8_t)(a < b ? a : b)) EW(pmaxsb, b, S8, (uint8_t)(a > b ? a : b))
EW(pminuw, w, uint16_t, a < b ? a : b) EW(pmaxuw, w, uint16_t, a > b ? a : b)
EW(pminsd, d, S32, (uint32_t)(a < b ? a : b)) EW(pmaxsd, d, S32, (uint32_t)(a > b ? a : b))
EW(pminud, d, uint32_t, a < b ? a : b) EW(pmaxud, d, uint32_t, a > b ? a : b)
EW(pavgb, b, unsigned, (uint8_t)((a + b + 1) >> 1)) EW(pavgw, w, unsigned, (uint16_t)((a + b + 1) >> 1))
EW(pmullw, w, S16, (uint16_t)(a * b)) EW(pmulhw, w, S16, (uint16_t)((a * b) >> 16))
EW(pmulhuw, w, uint32_t, (uint16_t)((a * b) >> 16))
EW(pmulld, d, uint64_t, (uint32_t)(a * b))
/* PMULHRSW: round the 32-bit product >> 14, keep bits 16..1. */
EW(pmulhrsw, w, S16, (uint16_t)((((int32_t)a * b >> 14) + 1) >> 1))
EW(psignb, b, S8, (uint8_t)(b < 0 ? -a : b == 0 ? 0 : a))
EW(psignw, w, S16, (uint16_t)(b < 0 ? -a : b == 0 ? 0 : a))
EW(psignd, d, S32, (uint32_t)(b < 0 ? -(uint32_t)a : b == 0 ? 0 : (uint32_t)a))
EW(pabsb, b, S8, (uint8_t)(b < 0 ? -b : b)) EW(pabsw, w, S16, (uint16_t)(b < 0 ? -b : b))
EW(pabsd, d, S32, (uint32_t)(b < 0 ? -(uint32_t)b : (uint32_t)b))

/* PMULUDQ/PMULDQ: the even doublewords into quadwords. */
static void pmuludq(Xmm *d, const Xmm *s, unsigned n)
{
    for (unsigned i = 0; i < n / 8; i++)
        d->q[i] = (uint64_t)d->d[2 * i] * s->d[2 * i];
}

static void pmuldq(Xmm *d, const Xmm *s, unsigned n)
{
    for (unsigned i = 0; i < n / 8; i++)
        d->q[i] = (uint64_t)((int64_t)(int32_t)d->d[2 * i] * (int32_t)s->d[2 * i]);
}

static void pmaddwd(Xmm *d, const Xmm *s, unsigned n)
{
    for (unsigned i = 0; i < n / 4; i++) {
        int32_t lo = (int16_t)d->w[2 * i] * (int16_t)s->w[2 * i];
        int32_t hi = (int16_t)d->w[2 * i + 1] * (int16_t)s->w[2 * i + 1];
        /* only 0x8000 * 0x8000 twice overflows: it wraps to 0x80000000 */
        d->d[i] = (uint32_t)lo + (uint32_t)hi;
    }
}

/* PMADDUBSW: unsigned bytes of the destination times signed bytes of the
 * source, adjacent pairs summed with signed saturation. */
static void pmaddubsw(Xmm *d, const Xmm *s, unsigned n)
{
    for (unsigned i = 0; i < n / 2; i++) {
        int v = d->b[2 * i] * (int8_t)s->b[2 * i] + d->b[2 * i + 1] * (int8_t)s->b[2 * i + 1];
        d->w[i] = SAT_S16(v);
    }
}

static void psadbw(Xmm *d, const Xmm *s, unsigned n)
{
    for (unsigned q = 0; q < n / 8; q++) {
        unsigned sum = 0;
        for (unsigned i = 0; i < 8; i++) {
            int x = d->b[8 * q + i] - s->b[8 * q + i];
            sum += (unsigned)(x < 0 ? -x : x);
        }
        d->q[q] = sum;
    }
}

/* Shifts by the count in the source's low quadword (also used with an
 * immediate count by the 0F 71-73 groups).  Counts above the element width
 * clear the element (arithmetic right shifts fill with the sign). */
#define SHIFT(name, fld, bits, T, expr, big) \
static void name(Xmm *d, const Xmm *s, unsigned n) \
{ \
    uint64_t cnt = s->q[0]; \
    for (unsigned i = 0; i < n * 8 / (bits); i++) { \
        T a = (T)d->fld[i]; \
        d->fld[i] = cnt >= (bits) ? (big) : (expr); \
    } \
}
SHIFT(psrlw, w, 16, uint16_t, (uint16_t)(a >> cnt), 0)
SHIFT(psrld, d, 32, uint32_t, a >> cnt, 0)
SHIFT(psrlq, q, 64, uint64_t, a >> cnt, 0)
SHIFT(psllw, w, 16, uint16_t, (uint16_t)(a << cnt), 0)
SHIFT(pslld, d, 32, uint32_t, a << cnt, 0)
SHIFT(psllq, q, 64, uint64_t, a << cnt, 0)
SHIFT(psraw, w, 16, int16_t, (uint16_t)(a >> cnt), (uint16_t)(a >> 15))
SHIFT(psrad, d, 32, int32_t, (uint32_t)(a >> cnt), (uint32_t)(a >> 31))

/* Byte shifts of the whole register (66 0F 73 /3 and /7 only). */
static void psrldq(Xmm *d, const Xmm *s, unsigned n)
{
    unsigned k = s->q[0] > 16 ? 16 : (unsigned)s->q[0];
    Xmm r = { { 0 } };
    for (unsigned i = 0; i + k < n; i++)
        r.b[i] = d->b[i + k];
    *d = r;
}

static void pslldq(Xmm *d, const Xmm *s, unsigned n)
{
    unsigned k = s->q[0] > 16 ? 16 : (unsigned)s->q[0];
    Xmm r = { { 0 } };
    for (unsigned i = k; i < n; i++)
        r.b[i] = d->b[i - k];
    *d = r;
}

/* Unpacks interleave the low (or high) halves of destination and source. */
#define UNPACK(name, esize, high) \
static void name(Xmm *d, const Xmm *s, unsigned n) \
{ \
    Xmm r; \
    unsigned base = (high) ? n / 2 : 0; \
    for (unsigned i = 0; i < n / 2 / (esize); i++) { \
        memcpy(&r.b[2 * i * (esize)], &d->b[base + i * (esize)], esize); \
        memcpy(&r.b[(2 * i + 1) * (esize)], &s->b[base + i * (esize)], esize); \
    } \
    memcpy(d->b, r.b, n); \
}
UNPACK(punpcklbw, 1, 0) UNPACK(punpcklwd, 2, 0) UNPACK(punpckldq, 4, 0) UNPACK(punpcklqdq, 8, 0)
UNPACK(punpckhbw, 1, 1) UNPACK(punpckhwd, 2, 1) UNPACK(punpckhdq, 4, 1) UNPACK(punpckhqdq, 8, 1)

/* Packs: destination elements narrowed into the low half, source into the high. */
#define PACK(name, wfld, WT, nfld, NT, satf) \
static void name(Xmm *d, const Xmm *s, unsigned n) \
{ \
    Xmm r; \
    unsigned k = n / sizeof d->wfld[0]; \
    for (unsigned i = 0; i < k; i++) { \
        r.nfld[i] = (NT)satf((WT)d->wfld[i]); \
        r.nfld[k + i] = (NT)satf((WT)s->wfld[i]); \
    } \
    memcpy(d->b, r.b, n); \
}
#define SAT_S16_32(v) (v < -32768 ? -32768 : v > 32767 ? 32767 : v)
#define SAT_U16_32(v) (v < 0 ? 0 : v > 65535 ? 65535 : v)
PACK(packsswb, w, int16_t, b, uint8_t, SAT_S8)
PACK(packuswb, w, int16_t, b, uint8_t, SAT_U8)
PACK(packssdw, d, int32_t, w, uint16_t, SAT_S16_32)
PACK(packusdw, d, int32_t, w, uint16_t, SAT_U16_32)

/* Horizontal operations: adjacent pairs of the destination into the low
 * half of the result, pairs of the source into the high half. */
#define HORIZ(name, fld, T, expr) \
static void name(Xmm *d, const Xmm *s, unsigned n) \
{ \
    Xmm r; \
    unsigned k = n / sizeof d->fld[0] / 2; \
    for (unsigned i = 0; i < k; i++) { \
        T a = (T)d->fld[2 * i], b = (T)d->fld[2 * i + 1]; \
        r.fld[i] = (expr); \
        a = (T)s->fld[2 * i]; b = (T)s->fld[2 * i + 1]; \
        r.fld[k + i] = (expr); \
    } \
    memcpy(d->b, r.b, n); \
}
HORIZ(phaddw, w, uint16_t, (uint16_t)(a + b)) HORIZ(phaddd, d, uint32_t, a + b)
HORIZ(phsubw, w, uint16_t, (uint16_t)(a - b)) HORIZ(phsubd, d, uint32_t, a - b)
HORIZ(phaddsw, w, int16_t, SAT_S16(a + b)) HORIZ(phsubsw, w, int16_t, SAT_S16(a - b))

/* PSHUFB: each source byte selects a destination byte, or zero (bit 7). */
static void pshufb(Xmm *d, const Xmm *s, unsigned n)
{
    Xmm r;
    for (unsigned i = 0; i < n; i++)
        r.b[i] = (s->b[i] & 0x80) ? 0 : d->b[s->b[i] & (n - 1)];
    memcpy(d->b, r.b, n);
}

/* PHMINPOSUW: the smallest unsigned word and its index (lowest on ties). */
static void phminposuw(Xmm *d, const Xmm *s, unsigned n)
{
    unsigned best = 0;
    for (unsigned i = 1; i < n / 2; i++)
        if (s->w[i] < s->w[best])
            best = i;
    Xmm r = { { 0 } };
    r.w[0] = s->w[best];
    r.w[1] = (uint16_t)best;
    *d = r;
}

/* Opcode map 0F: MMX and SSE2 forms. */
static const VecOp op0f[256] = {
    [0x60] = punpcklbw, [0x61] = punpcklwd, [0x62] = punpckldq, [0x63] = packsswb,
    [0x64] = pcmpgtb, [0x65] = pcmpgtw, [0x66] = pcmpgtd, [0x67] = packuswb,
    [0x68] = punpckhbw, [0x69] = punpckhwd, [0x6a] = punpckhdq, [0x6b] = packssdw,
    [0x6c] = punpcklqdq, [0x6d] = punpckhqdq,
    [0x74] = pcmpeqb, [0x75] = pcmpeqw, [0x76] = pcmpeqd,
    [0xd1] = psrlw, [0xd2] = psrld, [0xd3] = psrlq, [0xd4] = paddq, [0xd5] = pmullw,
    [0xd8] = psubusb, [0xd9] = psubusw, [0xda] = pminub, [0xdb] = pand,
    [0xdc] = paddusb, [0xdd] = paddusw, [0xde] = pmaxub, [0xdf] = pandn,
    [0xe0] = pavgb, [0xe1] = psraw, [0xe2] = psrad, [0xe3] = pavgw,
    [0xe4] = pmulhuw, [0xe5] = pmulhw, [0xe8] = psubsb, [0xe9] = psubsw,
    [0xea] = pminsw, [0xeb] = por, [0xec] = paddsb, [0xed] = paddsw,
    [0xee] = pmaxsw, [0xef] = pxor,
    [0xf1] = psllw, [0xf2] = pslld, [0xf3] = psllq, [0xf4] = pmuludq,
    [0xf5] = pmaddwd, [0xf6] = psadbw, [0xf8] = psubb, [0xf9] = psubw,
    [0xfa] = psubd, [0xfb] = psubq, [0xfc] = paddb, [0xfd] = paddw, [0xfe] = paddd,
};

/* Opcode map 0F 38: SSSE3 (MMX and SSE forms) and SSE4.1/4.2 (SSE only). */
static const VecOp op38[256] = {
    [0x00] = pshufb, [0x01] = phaddw, [0x02] = phaddd, [0x03] = phaddsw,
    [0x04] = pmaddubsw, [0x05] = phsubw, [0x06] = phsubd, [0x07] = phsubsw,
    [0x08] = psignb, [0x09] = psignw, [0x0a] = psignd, [0x0b] = pmulhrsw,
    [0x1c] = pabsb, [0x1d] = pabsw, [0x1e] = pabsd,
    [0x28] = pmuldq, [0x29] = pcmpeqq, [0x2b] = packusdw, [0x37] = pcmpgtq,
    [0x38] = pminsb, [0x39] = pminsd, [0x3a] = pminuw, [0x3b] = pminud,
    [0x3c] = pmaxsb, [0x3d] = pmaxsd, [0x3e] = pmaxuw, [0x3f] = pmaxud,
    [0x40] = pmulld, [0x41] = phminposuw,
};

static void vec_mmx(Cpu *c, const Insn *in, VecOp f, bool mem)
{
    mmx_check(c);
    Xmm s = { { 0 } }, d = { { 0 } };
    s.q[0] = src_mm(c, in, mem);
    d.q[0] = mm_get(c, in->reg);
    f(&d, &s, 8);
    mmx_enter(c);
    mm_set(c, in->reg, d.q[0]);
}

static void vec_xmm(Cpu *c, const Insn *in, VecOp f, bool mem)
{
    sse_check(c);
    Xmm s, d;
    src_xmm(c, in, &s, mem, true);
    d = *xmm(c, in->reg);
    f(&d, &s, 16);
    *xmm(c, in->reg) = d;
}

static INSN(pi0f_mr) { vec_mmx(cpu, in, op0f[in->op], false); }
static INSN(pi0f_mm) { vec_mmx(cpu, in, op0f[in->op], true); }
static INSN(pi0f_xr) { vec_xmm(cpu, in, op0f[in->op], false); }
static INSN(pi0f_xm) { vec_xmm(cpu, in, op0f[in->op], true); }
static INSN(pi38_mr) { vec_mmx(cpu, in, op38[in->op], false); }
static INSN(pi38_mm) { vec_mmx(cpu, in, op38[in->op], true); }
static INSN(pi38_xr) { vec_xmm(cpu, in, op38[in->op], false); }
static INSN(pi38_xm) { vec_xmm(cpu, in, op38[in->op], true); }

/* Shift groups 0F 71/72/73 (register form only): ModRM.reg picks the shift,
 * imm8 is the count. */
static const VecOp shift_grp[3][8] = {
    { [2] = psrlw, [4] = psraw, [6] = psllw },
    { [2] = psrld, [4] = psrad, [6] = pslld },
    { [2] = psrlq, [3] = psrldq, [6] = psllq, [7] = pslldq },
};

static VecOp shift_op(const Insn *in) { return shift_grp[in->op - 0x71][(in->modrm >> 3) & 7]; }

static INSN(pshi_mr)
{
    mmx_check(cpu);
    Xmm s = { { 0 } }, d = { { 0 } };
    s.q[0] = in->imm & 0xff;
    d.q[0] = mm_get(cpu, in->rm);
    shift_op(in)(&d, &s, 8);
    mmx_enter(cpu);
    mm_set(cpu, in->rm, d.q[0]);
}

static INSN(pshi_xr)
{
    sse_check(cpu);
    Xmm s = { { 0 } };
    s.q[0] = in->imm & 0xff;
    shift_op(in)(xmm(cpu, in->rm), &s, 16);
}

#define PI_BOTH(op, pfx) \
    { op, -1, { MMXOP(pfx), OPF_MODRM }, MP_NONE }, { op, -1, { XMMOP(pfx), OPF_MODRM }, MP_66 }
#define PI_SSE(op, pfx) { op, -1, { XMMOP(pfx), OPF_MODRM }, MP_66 }
#define PSHI(op, ext, mmx) \
    { op, ext, { { { pshi_xr, pshi_xr, pshi_xr }, { 0 } }, OPF_IMM8U }, MP_66 }, \
    { op, ext, { { { mmx, mmx, mmx }, { 0 } }, OPF_IMM8U }, MP_NONE }

const OpReg ops_sse_int[] = {
    PI_BOTH(0x0f60, pi0f), PI_BOTH(0x0f61, pi0f), PI_BOTH(0x0f62, pi0f), PI_BOTH(0x0f63, pi0f),
    PI_BOTH(0x0f64, pi0f), PI_BOTH(0x0f65, pi0f), PI_BOTH(0x0f66, pi0f), PI_BOTH(0x0f67, pi0f),
    PI_BOTH(0x0f68, pi0f), PI_BOTH(0x0f69, pi0f), PI_BOTH(0x0f6a, pi0f), PI_BOTH(0x0f6b, pi0f),
    PI_SSE(0x0f6c, pi0f), PI_SSE(0x0f6d, pi0f),
    PI_BOTH(0x0f74, pi0f), PI_BOTH(0x0f75, pi0f), PI_BOTH(0x0f76, pi0f),
    PI_BOTH(0x0fd1, pi0f), PI_BOTH(0x0fd2, pi0f), PI_BOTH(0x0fd3, pi0f), PI_BOTH(0x0fd4, pi0f),
    PI_BOTH(0x0fd5, pi0f), PI_BOTH(0x0fd8, pi0f), PI_BOTH(0x0fd9, pi0f), PI_BOTH(0x0fda, pi0f),
    PI_BOTH(0x0fdb, pi0f), PI_BOTH(0x0fdc, pi0f), PI_BOTH(0x0fdd, pi0f), PI_BOTH(0x0fde, pi0f),
    PI_BOTH(0x0fdf, pi0f), PI_BOTH(0x0fe0, pi0f), PI_BOTH(0x0fe1, pi0f), PI_BOTH(0x0fe2, pi0f),
    PI_BOTH(0x0fe3, pi0f), PI_BOTH(0x0fe4, pi0f), PI_BOTH(0x0fe5, pi0f), PI_BOTH(0x0fe8, pi0f),
    PI_BOTH(0x0fe9, pi0f), PI_BOTH(0x0fea, pi0f), PI_BOTH(0x0feb, pi0f), PI_BOTH(0x0fec, pi0f),
    PI_BOTH(0x0fed, pi0f), PI_BOTH(0x0fee, pi0f), PI_BOTH(0x0fef, pi0f), PI_BOTH(0x0ff1, pi0f),
    PI_BOTH(0x0ff2, pi0f), PI_BOTH(0x0ff3, pi0f), PI_BOTH(0x0ff4, pi0f), PI_BOTH(0x0ff5, pi0f),
    PI_BOTH(0x0ff6, pi0f), PI_BOTH(0x0ff8, pi0f), PI_BOTH(0x0ff9, pi0f), PI_BOTH(0x0ffa, pi0f),
    PI_BOTH(0x0ffb, pi0f), PI_BOTH(0x0ffc, pi0f), PI_BOTH(0x0ffd, pi0f), PI_BOTH(0x0ffe, pi0f),
    PSHI(0x0f71, 2, pshi_mr), PSHI(0x0f71, 4, pshi_mr), PSHI(0x0f71, 6, pshi_mr),
    PSHI(0x0f72, 2, pshi_mr), PSHI(0x0f72, 4, pshi_mr), PSHI(0x0f72, 6, pshi_mr),
    PSHI(0x0f73, 2, pshi_mr), PSHI(0x0f73, 3, NULL), PSHI(0x0f73, 6, pshi_mr), PSHI(0x0f73, 7, NULL),
    PI_BOTH(0x0f3800, pi38), PI_BOTH(0x0f3801, pi38), PI_BOTH(0x0f3802, pi38), PI_BOTH(0x0f3803, pi38),
    PI_BOTH(0x0f3804, pi38), PI_BOTH(0x0f3805, pi38), PI_BOTH(0x0f3806, pi38), PI_BOTH(0x0f3807, pi38),
    PI_BOTH(0x0f3808, pi38), PI_BOTH(0x0f3809, pi38), PI_BOTH(0x0f380a, pi38), PI_BOTH(0x0f380b, pi38),
    PI_BOTH(0x0f381c, pi38), PI_BOTH(0x0f381d, pi38), PI_BOTH(0x0f381e, pi38),
    PI_SSE(0x0f3828, pi38), PI_SSE(0x0f3829, pi38), PI_SSE(0x0f382b, pi38), PI_SSE(0x0f3837, pi38),
    PI_SSE(0x0f3838, pi38), PI_SSE(0x0f3839, pi38), PI_SSE(0x0f383a, pi38), PI_SSE(0x0f383b, pi38),
    PI_SSE(0x0f383c, pi38), PI_SSE(0x0f383d, pi38), PI_SSE(0x0f383e, pi38), PI_SSE(0x0f383f, pi38),
    PI_SSE(0x0f3840, pi38), PI_SSE(0x0f3841, pi38),
    OPS_END,
};
