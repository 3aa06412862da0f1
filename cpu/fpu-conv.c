/* x87 conversions: integers (FILD/FIST/FISTTP), packed BCD (FBLD/FBSTP),
 * binary32/binary64 loads and stores, and the constants of FLD1..FLDZ. */
#include "cpu/fpu-internal.h"

Float80 f80_from_int(int64_t v)
{
    if (v == 0)
        return f80_zero(0);
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    int s = __builtin_clzll(m);
    return f80_make(v < 0, (unsigned)(EXP80_BIAS + 63 - s), m << s);
}

int64_t f80_to_int(FpCtx *c, Float80 a, int bits, bool truncate)
{
    int64_t indefinite = INT64_MIN >> (64 - bits);
    FpClass k = f80_class(a);
    if (k == FC_ZERO)
        return 0;
    if (k != FC_NORMAL && k != FC_DENORMAL) {
        c->ex |= FE_IE;
        c->c1 = false;
        return indefinite;
    }
    Unp x = f80_unpack(a);
    FpCtx t = *c;
    u128 m;
    int rc = truncate ? RC_ZERO : (c->cw >> FCW_RC_SHIFT) & 3;
    bool ok = fp_round_int(&t, x, rc, &m);
    if (!ok && x.exp == 63 && x.m == (u128)1 << 127) {
        m = (u128)1 << 63;   /* exactly 2^63: only -2^63 fits, and only in 64 bits */
        ok = true;
    }
    uint64_t limit = 1ull << (bits - 1);
    if (!ok || m > (u128)(x.sign ? limit : limit - 1)) {
        c->ex |= FE_IE;
        c->c1 = false;
        return indefinite;
    }
    *c = t;
    return (int64_t)(x.sign ? 0 - (uint64_t)m : (uint64_t)m);
}

Float80 f80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--)
        v = v * 100 + (bcd[i] >> 4) * 10 + (bcd[i] & 15);
    Float80 r = f80_from_int((int64_t)v);
    r.se |= (uint16_t)((bcd[9] & 0x80) << 8);   /* -0 stays -0 */
    return r;
}

void f80_to_bcd(FpCtx *c, Float80 a, uint8_t bcd[10])
{
    static const uint8_t indefinite[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };
    FpClass k = f80_class(a);
    u128 m = 0;
    FpCtx t = *c;
    if (k == FC_NORMAL || k == FC_DENORMAL) {
        Unp x = f80_unpack(a);
        if (!fp_round_int(&t, x, (c->cw >> FCW_RC_SHIFT) & 3, &m))
            m = ~(u128)0;
    } else if (k != FC_ZERO) {
        m = ~(u128)0;
    }
    if (m > 999999999999999999ull) {
        c->ex |= FE_IE;
        c->c1 = false;
        for (int i = 0; i < 10; i++)
            bcd[i] = indefinite[i];
        return;
    }
    *c = t;
    uint64_t v = (uint64_t)m;
    for (int i = 0; i < 9; i++) {
        bcd[i] = (uint8_t)((v % 10) | ((v / 10 % 10) << 4));
        v /= 100;
    }
    bcd[9] = (uint8_t)(f80_sign(a) << 7);
}

/* Binary interchange formats: fraction bits and exponent bits. */
typedef struct BinFmt {
    int fbits, ebits;
} BinFmt;

static const BinFmt bin32 = { 23, 8 }, bin64 = { 52, 11 };

static Float80 load_bin(FpCtx *c, uint64_t v, BinFmt b)
{
    uint64_t fmask = (1ull << b.fbits) - 1;
    int32_t emask = (1 << b.ebits) - 1, bias = emask >> 1;
    int sign = (int)(v >> (b.fbits + b.ebits)) & 1;
    int32_t e = (int32_t)(v >> b.fbits) & emask;
    uint64_t frac = v & fmask;
    if (e == emask)
        return f80_make(sign, 0x7fff, (1ull << 63) | (frac << (63 - b.fbits)));
    if (e == 0) {
        if (frac == 0)
            return f80_zero(sign);
        c->ex |= FE_DE;
        Unp u = { sign, 1 - bias - b.fbits + 63, (u128)frac << 64 };   /* frac * 2^(1-bias-fbits) */
        unp_norm(&u);
        return f80_make(sign, (unsigned)(u.exp + EXP80_BIAS), (uint64_t)(u.m >> 64));
    }
    return f80_make(sign, (unsigned)(e - bias + EXP80_BIAS), (1ull << 63) | (frac << (63 - b.fbits)));
}

static uint64_t store_bin(FpCtx *c, Float80 a, BinFmt b)
{
    uint64_t fmask = (1ull << b.fbits) - 1;
    int32_t emask = (1 << b.ebits) - 1, bias = emask >> 1;
    uint64_t sign = (uint64_t)f80_sign(a) << (b.fbits + b.ebits);
    uint64_t inf = (uint64_t)emask << b.fbits, quiet = 1ull << (b.fbits - 1);
    switch (f80_class(a)) {
    case FC_UNSUPPORTED:
        c->ex |= FE_IE;
        return (1ull << (b.fbits + b.ebits)) | inf | quiet;
    case FC_SNAN:
        c->ex |= FE_IE;
        /* fall through */
    case FC_QNAN:
        return sign | inf | quiet | ((a.mant >> (63 - b.fbits)) & fmask);
    case FC_INF:
        return sign | inf;
    case FC_ZERO:
        return sign;
    default:     /* no DE for a denormal source: the result underflows anyway */
        break;
    }
    FpFmt f = { b.fbits + 1, 1 - bias, bias, 1 - bias - b.fbits, false };
    FpRes r = fp_round(c, f80_unpack(a), &f);
    if (r.kind == FR_ZERO)
        return sign;
    if (r.kind == FR_INF)
        return sign | inf;
    int p = 63 - __builtin_clzll(r.kept);
    int32_t biased = r.lsb + p + bias;
    if (biased >= 1)
        return sign | ((uint64_t)(biased & emask) << b.fbits) | ((r.kept << (b.fbits - p)) & fmask);
    return sign | (r.kept << (r.lsb - f.denorm_lsb));
}

Float80 f80_from_f32(FpCtx *c, uint32_t v) { return load_bin(c, v, bin32); }
Float80 f80_from_f64(FpCtx *c, uint64_t v) { return load_bin(c, v, bin64); }
uint32_t f80_to_f32(FpCtx *c, Float80 a) { return (uint32_t)store_bin(c, a, bin32); }
uint64_t f80_to_f64(FpCtx *c, Float80 a) { return store_bin(c, a, bin64); }

/* The constants truncated to 64 bits and whether round-to-nearest rounds
 * them up (the x87 holds them with more bits and rounds per RC; these values
 * are what it delivers). */
static const struct {
    uint16_t se;
    uint64_t mant;
    bool nearest_up;
    bool exact;
} consts[] = {
    [FCONST_1] = { 0x3fff, 0x8000000000000000ull, false, true },
    [FCONST_L2T] = { 0x4000, 0xd49a784bcd1b8afeull, false, false },
    [FCONST_L2E] = { 0x3fff, 0xb8aa3b295c17f0bbull, true, false },
    [FCONST_PI] = { 0x4000, 0xc90fdaa22168c234ull, true, false },
    [FCONST_LG2] = { 0x3ffd, 0x9a209a84fbcff798ull, true, false },
    [FCONST_LN2] = { 0x3ffe, 0xb17217f7d1cf79abull, true, false },
    [FCONST_Z] = { 0, 0, false, true },
};

Float80 f80_const(uint16_t cw, int which)
{
    Float80 r = { consts[which].mant, consts[which].se };
    int rc = (cw >> FCW_RC_SHIFT) & 3;
    if (!consts[which].exact &&
        ((rc == RC_NEAREST && consts[which].nearest_up) || rc == RC_UP))
        r.mant++;      /* none of them carries out of the significand */
    return r;
}
