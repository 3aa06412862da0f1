/* Streams of the sse and mmx families.
 *
 * The opcode list is every entry of Tandem's MMX/SSE family tables (so each
 * registered mandatory-prefix form is reached); the oracle compares what
 * the instructions do, not which ones exist.  The mmx family takes the
 * forms on MMX registers (no prefix in the 0F 60-7F/C4/C5/D0-FF, 0F 38
 * 00-1E and 0F 3A 0F rows); sse takes the rest.  Left out: MASKMOVQ/
 * MASKMOVDQU (stores at DS:rDI wherever that points), the state group
 * 0F AE (FXSAVE and LDMXCSR are covered by the unit and guest tests) and
 * POPCNT (Unicorn's models leave it out of CPUID and raise #UD; the unit
 * and guest tests cover it).
 *
 * Memory operands are [EBX] / [BX] (+disp8), EBX reloaded now and then with
 * a pointer into the random-filled data area, 16-byte aligned nine times
 * out of ten so the aligned forms mostly run.  XMM/MM registers start with
 * a mix of special floating-point values (zeros, infinities, QNaN/SNaN,
 * denormals, limits of the integer conversions) and random bits; MXCSR
 * keeps every exception masked (Unicorn raises no #XM) but varies the
 * rounding control, DAZ and FTZ. */
#include <string.h>

#include "cpu/decode.h"
#include "tests/oracle/oracle.h"

extern const OpReg ops_sse_int[], ops_sse_mov[], ops_sse_fp[], ops_sse_cvt[], ops_sse_shuf[],
    ops_sse41_fp[], ops_sse42[];

typedef struct SimdOp {
    uint32_t op;
    int8_t ext;
    uint8_t mp;
    bool reg_ok, mem_ok, imm8, mmx, modrm;
} SimdOp;

static SimdOp ops[512];
static int nops;

static bool is_mmx_form(const OpReg *r)
{
    if (r->mp != MP_NONE)
        return false;
    uint32_t map = r->op >> 8, b = r->op & 0xff;
    if (map == 0x0f)
        return (b >= 0x60 && b <= 0x7f) || b == 0xc4 || b == 0xc5 || b >= 0xd0;
    if (map == 0x0f38)
        return b <= 0x1e;
    return map == 0x0f3a && b == 0x0f;
}

static bool has_fn(const InsnFn *f) { return f[0] || f[1] || f[2]; }

static void build_list(void)
{
    static const OpReg *const tables[] = { ops_sse_int, ops_sse_mov, ops_sse_fp, ops_sse_cvt,
                                           ops_sse_shuf, ops_sse41_fp, ops_sse42 };
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const OpReg *r = tables[t]; r->op != 0xffffffffu; r++) {
            if ((r->op & 0xffff) == 0x0ff7 || r->op == 0x0fb8 || nops == (int)(sizeof ops / sizeof ops[0]))
                continue;
            SimdOp *o = &ops[nops];
            o->op = r->op;
            o->ext = r->ext;
            o->mp = r->mp;
            o->reg_ok = has_fn(r->d.fn[0]);
            o->mem_ok = has_fn(r->d.fn[1]);
            o->imm8 = (r->d.flags & OPF_IMM8U) != 0;
            o->modrm = (r->d.flags & OPF_MODRM) || r->ext >= 0;
            o->mmx = is_mmx_form(r);
            if (o->reg_ok || o->mem_ok)
                nops++;
        }
}

static const uint32_t f32_special[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
    0x7f800001, 0xffa00000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x4f000000, 0xcf000000,
    0x4effffff, 0x3f000000, 0x3fc00000, 0x40200000, 0xbfc00000, 0x5f000000, 0xdf000000, 0x40400000,
    0x1c800000, 0x00400000, 0x3eaaaaab,
};
static const uint64_t f64_special[] = {
    0, 1ull << 63, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff4000000000000ull,
    0x0000000000000001ull, 0x800fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull,
    0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41dfffffffc00000ull, 0x43e0000000000000ull,
    0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull,
    0x47efffffe0000000ull, 0x36a0000000000000ull, 0x3fd5555555555555ull,
};
#define N32 (sizeof f32_special / sizeof f32_special[0])
#define N64 (sizeof f64_special / sizeof f64_special[0])

static uint32_t small_int(Rng *r) { return rng_below(r, 64) - 16u; }

/* 16 bytes: float lanes, double lanes, integer lanes or random bits. */
static void rnd_vec(Rng *r, uint8_t v[16])
{
    unsigned k = rng_below(r, 100);
    for (int i = 0; i < 16; i += 4) {
        uint32_t x = rng_u32(r);
        if (k < 35)
            x = rng_chance(r, 60) ? f32_special[rng_below(r, N32)] : x;
        else if (k < 50)
            x = rng_chance(r, 50) ? small_int(r) : x;
        memcpy(v + i, &x, 4);
    }
    if (k >= 50 && k < 80)
        for (int i = 0; i < 16; i += 8)
            if (rng_chance(r, 60))
                memcpy(v + i, &f64_special[rng_below(r, N64)], 8);
    if (k >= 80 && k < 88)
        for (int i = 0; i < 16; i++)    /* short strings for PCMPxSTRx */
            v[i] = i < (int)rng_below(r, 17) ? (uint8_t)('a' + rng_below(r, 4)) : 0;
}

static void init_simd(Rng *r, Simd *v)
{
    for (int i = 0; i < 16; i++)
        rnd_vec(r, v->xmm[i]);
    for (int i = 0; i < 8; i++) {
        uint8_t t[16];
        rnd_vec(r, t);
        memcpy(&v->mm[i], t, 8);
    }
    v->mxcsr = 0x1f80;
    if (rng_chance(r, 35))
        v->mxcsr |= rng_below(r, 4) << 13;
    if (rng_chance(r, 10))
        v->mxcsr |= 1u << 6;            /* DAZ */
    if (rng_chance(r, 10))
        v->mxcsr |= 1u << 15;           /* FTZ */
}

typedef struct SGen {
    Rng *r;
    int mode;
    Stream *st;
} SGen;

static void emit(SGen *g, uint8_t b)
{
    if (g->st->len < CODE_SIZE - CODE_PAD)
        g->st->code[g->st->len++] = b;
}

static void begin(SGen *g, int fam)
{
    g->st->start[g->st->n] = (uint16_t)g->st->len;
    g->st->fam[g->st->n] = (uint8_t)fam;
}

static void end(SGen *g)
{
    g->st->n++;
    g->st->start[g->st->n] = (uint16_t)g->st->len;
}

/* MOV EBX, pointer (BX in 16-bit mode; the data segment is all RAM there). */
static void load_pointer(SGen *g)
{
    uint32_t p = g->mode == 16 ? rng_below(g->r, 0xff00) : DATA_LO + 0x100 + rng_below(g->r, RAM_SIZE - DATA_LO - 0x300);
    if (rng_chance(g->r, 90))
        p &= ~15u;
    begin(g, FAM_MOV);
    emit(g, 0xbb);
    emit(g, (uint8_t)p);
    emit(g, (uint8_t)(p >> 8));
    if (g->mode != 16) {
        emit(g, (uint8_t)(p >> 16));
        emit(g, (uint8_t)(p >> 24));
    }
    end(g);
}

/* MOV r32, imm32 (with 66 in 16-bit mode). */
static void load_reg32(SGen *g, int reg, uint32_t v)
{
    begin(g, FAM_MOV);
    if (g->mode == 16)
        emit(g, 0x66);
    emit(g, (uint8_t)(0xb8 + reg));
    for (int i = 0; i < 4; i++)
        emit(g, (uint8_t)(v >> (8 * i)));
    end(g);
}

static void emit_insn(SGen *g, const SimdOp *o, int fam)
{
    Rng *r = g->r;
    if (o->op == 0x0f3a60 || o->op == 0x0f3a61) {
        /* PCMPESTRx lengths in EAX/EDX: small, either sign.  Unicorn crashes
         * (a wild read in QEMU's pcmp_elen, abs(INT_MIN) < 0) on 0x80000000;
         * test-sse.c covers that value. */
        load_reg32(g, 0, rng_below(r, 41) - 20u);
        load_reg32(g, 2, rng_below(r, 41) - 20u);
    }
    bool mem = o->mem_ok && (!o->reg_ok || rng_chance(r, 45));
    if (mem && rng_chance(r, 25))
        load_pointer(g);
    begin(g, fam);
    static const uint8_t mpb[MP_COUNT] = { 0, 0, 0x66, 0xf3, 0xf2 };
    if (mpb[o->mp])
        emit(g, mpb[o->mp]);
    emit(g, 0x0f);
    if (o->op >> 8 != 0x0f)
        emit(g, (uint8_t)(o->op >> 8));
    emit(g, (uint8_t)o->op);
    unsigned reg = o->ext >= 0 ? (unsigned)o->ext : rng_below(r, 8);
    if (!o->modrm) {
        /* EMMS */
    } else if (!mem) {
        emit(g, (uint8_t)(0xc0 | reg << 3 | rng_below(r, 8)));
    } else {
        /* [EBX] or [EBX+disp8]; 16-bit: [BX], [BX+disp8] */
        unsigned rm = g->mode == 16 ? 7 : 3;
        bool disp = rng_chance(r, 30);
        emit(g, (uint8_t)((disp ? 0x40 : 0) | reg << 3 | rm));
        if (disp)
            emit(g, (uint8_t)(rng_chance(r, 80) ? rng_below(r, 8) * 16 : rng_below(r, 256)));
    }
    if (o->imm8)
        emit(g, (uint8_t)rng_u32(r));
    end(g);
}

void gen_simd_stream(Rng *rng, int mode, int family, Stream *st)
{
    if (!nops)
        build_list();
    SGen g = { rng, mode, st };
    init_simd(rng, &st->init.v);
    bool mmx = family == FAM_MMX;
    load_pointer(&g);
    int want = 24 + (int)rng_below(rng, 24);
    while (st->n < want && st->len < 1200) {
        const SimdOp *o = &ops[rng_below(rng, (uint32_t)nops)];
        if (o->mmx != mmx)
            continue;
        emit_insn(&g, o, family);
    }
}
