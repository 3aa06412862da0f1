/* x87 arithmetic core: operand classes, the rounding routine, NaN rules and
 * the basic operations (add, subtract, multiply, divide, square root,
 * compare, FPREM/FPREM1, FSCALE, FXTRACT, FRNDINT).  See fpu-arith.h. */
#include "cpu/fpu-internal.h"

const Float80 f80_indefinite = { 0xc000000000000000ull, 0xffff };

/* The x87 detects tininess after rounding (a result that rounds up to the
 * smallest normal is not tiny); the unit test checks it against the host. */
#define TINY_BEFORE_ROUNDING 0

FpClass f80_class(Float80 a)
{
    unsigned e = a.se & 0x7fff;
    bool ibit = a.mant >> 63;
    if (e == 0)
        return a.mant == 0 ? FC_ZERO : FC_DENORMAL;
    if (e == 0x7fff) {
        if (!ibit)
            return FC_UNSUPPORTED;      /* pseudo-infinity, pseudo-NaN */
        if ((a.mant << 1) == 0)
            return FC_INF;
        return (a.mant >> 62) & 1 ? FC_QNAN : FC_SNAN;
    }
    return ibit ? FC_NORMAL : FC_UNSUPPORTED;   /* unnormal */
}

FpFmt fmt80(uint16_t cw, bool use_pc)
{
    static const int prec[4] = { 24, 64, 53, 64 };   /* PC = 01 is reserved */
    int p = use_pc ? prec[(cw >> FCW_PC_SHIFT) & 3] : 64;
    /* Under PC a denormal result is rounded at the bit where a number of
     * exponent emin would be: the format is narrower, not the exponent. */
    FpFmt f = { p, EXP80_EMIN, EXP80_EMAX, EXP80_EMIN - (p - 1), true };
    return f;
}

Unp f80_unpack(Float80 a)
{
    int e = a.se & 0x7fff;
    Unp u = { f80_sign(a), (e ? e : 1) - EXP80_BIAS, (u128)a.mant << 64 };
    unp_norm(&u);
    return u;
}

static int rc_of(uint16_t cw) { return (cw >> FCW_RC_SHIFT) & 3; }

/* Rounds |u| to a multiple of 2^lsb under rc (u normalized, nonzero).
 * Returns the multiple; *inexact and *up (magnitude increased) describe it. */
static u128 round_at(const Unp *u, int32_t lsb, int rc, bool *inexact, bool *up)
{
    int64_t shift = (int64_t)lsb - (u->exp - 127);
    u128 kept;
    bool rb, st;
    if (shift <= 0) {
        kept = u->m << (-shift > 127 ? 0 : -shift);   /* callers never need this */
        rb = st = false;
    } else if (shift >= 129) {
        kept = 0; rb = false; st = true;
    } else if (shift == 128) {
        kept = 0; rb = (u->m >> 127) & 1; st = (u->m << 1) != 0;
    } else {
        kept = u->m >> shift;
        rb = (u->m >> (shift - 1)) & 1;
        st = (u->m & (((u128)1 << (shift - 1)) - 1)) != 0;
    }
    bool inc;
    switch (rc) {
    case RC_NEAREST: inc = rb && (st || (kept & 1)); break;
    case RC_DOWN: inc = u->sign && (rb || st); break;
    case RC_UP: inc = !u->sign && (rb || st); break;
    default: inc = false; break;
    }
    *inexact = rb || st;
    *up = inc;
    return kept + inc;
}

/* A finite result kept * 2^lsb with at most prec bits (a carry out of the
 * rounding is folded back: the value is then a power of two). */
static FpRes fin_res(int sign, u128 k, int32_t lsb, int prec)
{
    FpRes r = { sign, FR_FINITE, 0, lsb };
    if (k == 0) {
        r.kind = FR_ZERO;
        return r;
    }
    if (k >> prec) {
        k >>= 1;
        r.lsb++;
    }
    r.kept = (uint64_t)k;
    return r;
}

static bool is_tiny(const Unp *u, const FpFmt *f, int rc)
{
    if (u->exp >= f->emin)
        return false;
    if (TINY_BEFORE_ROUNDING)
        return true;
    bool inexact, up;
    u128 k = round_at(u, u->exp - (f->prec - 1), rc, &inexact, &up);
    return !(k >> f->prec) || u->exp + 1 < f->emin;
}

FpRes fp_round(FpCtx *c, Unp u, const FpFmt *f)
{
    int rc = rc_of(c->cw);
    bool inexact, up;
    int32_t lsb = u.exp - (f->prec - 1);
    bool tiny = is_tiny(&u, f, rc);
    FpRes r;
    if (tiny && !(c->cw & FE_UE)) {
        /* Unmasked underflow: the exact-range result, exponent biased up. */
        r = fin_res(u.sign, round_at(&u, lsb, rc, &inexact, &up), lsb, f->prec);
        c->ex |= FE_UE;
        if (f->reg) {
            r.lsb += 24576;
            if (r.kind == FR_FINITE && r.lsb + f->prec - 1 < f->emin) {
                /* Still out of range after the bias (FSCALE): zero. */
                c->ex |= FE_PE;
                c->c1 = false;
                r.kind = FR_ZERO;
                return r;
            }
        }
    } else if (u.exp < f->emin) {
        int32_t dl = lsb > f->denorm_lsb ? lsb : f->denorm_lsb;
        r = fin_res(u.sign, round_at(&u, dl, rc, &inexact, &up), dl, f->prec);
        if (inexact && tiny)
            c->ex |= FE_UE;
    } else {
        r = fin_res(u.sign, round_at(&u, lsb, rc, &inexact, &up), lsb, f->prec);
        int32_t e = r.lsb + 63 - __builtin_clzll(r.kept);
        if (e > f->emax) {
            c->ex |= FE_OE;
            if (!(c->cw & FE_OE) && f->reg && e - 24576 > f->emax) {
                /* Still out of range after the bias (FSCALE): infinity. */
                c->ex |= FE_PE;
                c->c1 = true;
                r.kind = FR_INF;
                return r;
            } else if (!(c->cw & FE_OE)) {
                if (f->reg)
                    r.lsb -= 24576;
            } else {
                /* Masked overflow: infinity or the largest finite number. */
                bool to_inf = rc == RC_NEAREST || (rc == RC_UP && !u.sign) ||
                              (rc == RC_DOWN && u.sign);
                c->ex |= FE_PE;
                c->c1 = to_inf;
                if (to_inf)
                    r.kind = FR_INF;
                r.kept = f->prec == 64 ? ~0ull : (1ull << f->prec) - 1;
                r.lsb = f->emax - (f->prec - 1);
                return r;
            }
        }
    }
    if (inexact)
        c->ex |= FE_PE;
    c->c1 = up;
    return r;
}

Float80 fp_pack80(FpRes r)
{
    if (r.kind == FR_ZERO)
        return f80_zero(r.sign);
    if (r.kind == FR_INF)
        return f80_inf(r.sign);
    int p = 63 - __builtin_clzll(r.kept);
    int32_t biased = r.lsb + p + EXP80_BIAS;
    if (biased >= 1)
        return f80_make(r.sign, (unsigned)biased, r.kept << (63 - p));
    return f80_make(r.sign, 0, r.kept << (r.lsb - (EXP80_EMIN - 63)));
}

Float80 fp_round80(FpCtx *c, Unp u, const FpFmt *f)
{
    if (u.m == 0)
        return f80_zero(u.sign);
    return fp_pack80(fp_round(c, u, f));
}

static bool is_nanc(FpClass k) { return k == FC_QNAN || k == FC_SNAN; }

Float80 fp_nan2(FpCtx *c, Float80 a, const Float80 *b)
{
    FpClass ka = f80_class(a), kb = b ? f80_class(*b) : FC_ZERO;
    if (ka == FC_UNSUPPORTED || kb == FC_UNSUPPORTED)
        return fp_invalid(c);
    if (ka == FC_SNAN || kb == FC_SNAN)
        c->ex |= FE_IE;
    if (!is_nanc(kb))
        return f80_quiet(a);
    if (!is_nanc(ka))
        return f80_quiet(*b);
    /* Two NaNs: a QNaN beats an SNaN, else the larger significand; on a tie
     * the positive one. */
    if (ka != kb)
        return f80_quiet(ka == FC_QNAN ? a : *b);
    if (a.mant != b->mant)
        return f80_quiet(a.mant > b->mant ? a : *b);
    return f80_quiet(f80_sign(a) ? *b : a);
}

/* Operand screening shared by the two-operand operations: NaN/unsupported
 * operands give the NaN result (true); denormals raise DE. */
static bool screen2(FpCtx *c, Float80 a, Float80 b, FpClass *ka, FpClass *kb, Float80 *res)
{
    *ka = f80_class(a);
    *kb = f80_class(b);
    if (is_nanc(*ka) || is_nanc(*kb) || *ka == FC_UNSUPPORTED || *kb == FC_UNSUPPORTED) {
        *res = fp_nan2(c, a, &b);
        return true;
    }
    return false;
}

/* DE for denormal operands, raised after the invalid-operation checks (an
 * invalid operation with a denormal operand reports IE alone).  True when
 * DE is unmasked: no result. */
static bool denormal(FpCtx *c, FpClass ka, FpClass kb)
{
    if (ka != FC_DENORMAL && kb != FC_DENORMAL)
        return false;
    c->ex |= FE_DE;
    return !(c->cw & FE_DE);
}

static bool screen1(FpCtx *c, Float80 a, FpClass *ka, Float80 *res)
{
    *ka = f80_class(a);
    if (is_nanc(*ka) || *ka == FC_UNSUPPORTED) {
        *res = fp_nan2(c, a, NULL);
        return true;
    }
    return false;
}

/* Shifts right by n, folding the bits shifted out into bit 0. */
static u128 shr_sticky(u128 m, int32_t n)
{
    if (n <= 0)
        return m;
    if (n >= 128)
        return m != 0;
    return (m >> n) | ((m & (((u128)1 << n) - 1)) != 0);
}

static Float80 addsub(FpCtx *c, Float80 a, Float80 b, int negb)
{
    FpClass ka, kb;
    Float80 res;
    if (screen2(c, a, b, &ka, &kb, &res))
        return res;
    int sa = f80_sign(a), sb = f80_sign(b) ^ negb;
    if (ka == FC_INF && kb == FC_INF && sa != sb)
        return fp_invalid(c);
    if (denormal(c, ka, kb))
        return a;
    if (ka == FC_INF || kb == FC_INF)
        return f80_inf(ka == FC_INF ? sa : sb);
    FpFmt f = fmt80(c->cw, true);
    if (ka == FC_ZERO && kb == FC_ZERO)
        return f80_zero(sa == sb ? sa : rc_of(c->cw) == RC_DOWN);
    Unp x = f80_unpack(a), y = f80_unpack(b);
    x.sign = sa;
    y.sign = sb;
    if (ka == FC_ZERO)
        return fp_round80(c, y, &f);
    if (kb == FC_ZERO)
        return fp_round80(c, x, &f);
    if (x.exp < y.exp || (x.exp == y.exp && x.m < y.m)) {
        Unp t = x; x = y; y = t;
    }
    /* One bit of headroom for the carry. */
    u128 mx = x.m >> 1, my = shr_sticky(y.m >> 1, x.exp - y.exp);
    Unp r = { x.sign, x.exp + 1, x.sign == y.sign ? mx + my : mx - my };
    if (r.m == 0)
        return f80_zero(rc_of(c->cw) == RC_DOWN);
    unp_norm(&r);
    return fp_round80(c, r, &f);
}

Float80 f80_add(FpCtx *c, Float80 a, Float80 b) { return addsub(c, a, b, 0); }
Float80 f80_sub(FpCtx *c, Float80 a, Float80 b) { return addsub(c, a, b, 1); }

Float80 f80_mul(FpCtx *c, Float80 a, Float80 b)
{
    FpClass ka, kb;
    Float80 res;
    if (screen2(c, a, b, &ka, &kb, &res))
        return res;
    int s = f80_sign(a) ^ f80_sign(b);
    if ((ka == FC_INF && kb == FC_ZERO) || (ka == FC_ZERO && kb == FC_INF))
        return fp_invalid(c);
    if (denormal(c, ka, kb))
        return a;
    if (ka == FC_INF || kb == FC_INF)
        return f80_inf(s);
    if (ka == FC_ZERO || kb == FC_ZERO)
        return f80_zero(s);
    Unp x = f80_unpack(a), y = f80_unpack(b);
    Unp r = { s, x.exp + y.exp + 1, (x.m >> 64) * (y.m >> 64) };
    unp_norm(&r);
    FpFmt f = fmt80(c->cw, true);
    return fp_round80(c, r, &f);
}

Float80 f80_div(FpCtx *c, Float80 a, Float80 b)
{
    FpClass ka, kb;
    Float80 res;
    if (screen2(c, a, b, &ka, &kb, &res))
        return res;
    int s = f80_sign(a) ^ f80_sign(b);
    if ((ka == FC_INF && kb == FC_INF) || (ka == FC_ZERO && kb == FC_ZERO))
        return fp_invalid(c);
    if (denormal(c, ka, kb))
        return a;
    if (ka == FC_INF)
        return f80_inf(s);
    if (kb == FC_INF)
        return f80_zero(s);
    if (kb == FC_ZERO) {
        c->ex |= FE_ZE;
        return f80_inf(s);
    }
    if (ka == FC_ZERO)
        return f80_zero(s);
    Unp x = f80_unpack(a), y = f80_unpack(b);
    uint64_t ma = (uint64_t)(x.m >> 64), mb = (uint64_t)(y.m >> 64);
    u128 n = (u128)ma << 63;
    u128 q = n / mb, rem = n % mb;
    u128 n2 = rem << 64;
    u128 q2 = n2 / mb, rem2 = n2 % mb;
    Unp r = { s, x.exp - y.exp, (q << 64) | q2 | (rem2 != 0) };
    unp_norm(&r);
    FpFmt f = fmt80(c->cw, true);
    return fp_round80(c, r, &f);
}

static uint64_t isqrt128(u128 n)
{
    u128 res = 0, bit = (u128)1 << 126;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= res + bit) {
            n -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    return (uint64_t)res;
}

Float80 f80_sqrt(FpCtx *c, Float80 a)
{
    FpClass ka;
    Float80 res;
    if (screen1(c, a, &ka, &res))
        return res;
    if (ka == FC_ZERO)
        return a;
    if (f80_sign(a))
        return fp_invalid(c);
    if (denormal(c, ka, FC_ZERO) || ka == FC_INF)
        return a;
    Unp x = f80_unpack(a);
    uint64_t ma = (uint64_t)(x.m >> 64);
    int32_t e = x.exp - 63;                /* |a| = ma * 2^e */
    bool odd = e & 1;
    u128 n = (u128)ma << (odd ? 63 : 64);  /* s gets exactly 64 bits */
    uint64_t s = isqrt128(n);
    u128 rem = n - (u128)s * s;
    /* sqrt(n) is never exactly s + 1/2, so rem > s means above the half. */
    u128 low = (rem > s ? (u128)1 << 63 : 0) | (rem != 0);
    Unp r = { 0, (odd ? e - 63 : e - 64) / 2 + 63, ((u128)s << 64) | low };
    unp_norm(&r);
    FpFmt f = fmt80(c->cw, true);
    return fp_round80(c, r, &f);
}

/* |a| <=> |b| for finite or infinite operands: -1, 0, 1. */
static int mag_cmp(Float80 a, FpClass ka, Float80 b, FpClass kb)
{
    if (ka == FC_INF || kb == FC_INF)
        return (ka == FC_INF) - (kb == FC_INF);
    if (ka == FC_ZERO || kb == FC_ZERO)
        return (ka != FC_ZERO) - (kb != FC_ZERO);
    Unp x = f80_unpack(a), y = f80_unpack(b);
    if (x.exp != y.exp)
        return x.exp < y.exp ? -1 : 1;
    return x.m < y.m ? -1 : x.m > y.m;
}

uint16_t f80_compare(FpCtx *c, Float80 a, Float80 b, bool quiet)
{
    FpClass ka = f80_class(a), kb = f80_class(b);
    if (ka == FC_UNSUPPORTED || kb == FC_UNSUPPORTED) {
        c->ex |= FE_IE;
        return FCMP_UN;
    }
    if (is_nanc(ka) || is_nanc(kb)) {
        if (!quiet || ka == FC_SNAN || kb == FC_SNAN)
            c->ex |= FE_IE;
        return FCMP_UN;
    }
    if (ka == FC_DENORMAL || kb == FC_DENORMAL)
        c->ex |= FE_DE;
    int sa = ka == FC_ZERO ? 0 : f80_sign(a), sb = kb == FC_ZERO ? 0 : f80_sign(b);
    int m;
    if (sa != sb)
        m = sa ? -1 : 1;
    else
        m = sa ? -mag_cmp(a, ka, b, kb) : mag_cmp(a, ka, b, kb);
    return m < 0 ? FCMP_LT : m > 0 ? FCMP_GT : FCMP_EQ;
}

/* Reduction step width of an incomplete FPREM/FPREM1 (SDM: "an
 * implementation-dependent number between 32 and 63"): what Intel parts do,
 * leaving an exponent difference that is a multiple of 32 (checked against
 * the host by the unit test). */
static int32_t prem_partial_bits(int32_t d) { return 32 + (d & 31); }

Float80 f80_prem(FpCtx *c, Float80 a, Float80 b, bool ieee, uint16_t *sw_cc)
{
    FpClass ka, kb;
    Float80 res;
    *sw_cc = 0;
    if (screen2(c, a, b, &ka, &kb, &res))
        return res;
    if (ka == FC_INF || kb == FC_ZERO)
        return fp_invalid(c);
    if (denormal(c, ka, kb))
        return a;
    if (ka == FC_ZERO || kb == FC_INF) {
        if (ka == FC_DENORMAL) {
            FpFmt f = fmt80(c->cw, false);
            return fp_round80(c, f80_unpack(a), &f);
        }
        return a;
    }
    Unp x = f80_unpack(a), y = f80_unpack(b);
    uint64_t ma = (uint64_t)(x.m >> 64), mb = (uint64_t)(y.m >> 64);
    int32_t d = x.exp - y.exp;
    FpFmt f = fmt80(c->cw, false);
    if (d < 0) {
        /* |a| < |b|: quotient 0, except FPREM1 rounding |a| > |b|/2 up to 1. */
        if (ieee && d == -1 && ma > mb) {
            Unp r = { !x.sign, y.exp, ((u128)mb << 64) - ((u128)ma << 63) };
            unp_norm(&r);
            *sw_cc = FSW_C1;
            return fp_round80(c, r, &f);
        }
        return fp_round80(c, x, &f);
    }
    bool partial = d >= 64;
    int32_t eb = y.exp;
    if (partial) {
        int32_t n = prem_partial_bits(d);
        eb += d - n;
        d = n;
    }
    u128 r = ma;
    uint64_t q = 0;
    for (int32_t i = 0; i <= d; i++) {
        q <<= 1;
        if (r >= mb) {
            r -= mb;
            q |= 1;
        }
        if (i < d)
            r <<= 1;
    }
    int sign = x.sign;
    if (ieee && !partial && (2 * r > mb || (2 * r == mb && (q & 1)))) {
        r = mb - r;
        q++;
        sign ^= 1;
    }
    if (partial)
        *sw_cc = FSW_C2;
    else
        *sw_cc = (q & 4 ? FSW_C0 : 0) | (q & 2 ? FSW_C3 : 0) | (q & 1 ? FSW_C1 : 0);
    if (r == 0)
        return f80_zero(x.sign);
    Unp u = { sign, eb, r << 64 };   /* r * 2^(eb-63) */
    unp_norm(&u);
    return fp_round80(c, u, &f);
}

Float80 f80_scale(FpCtx *c, Float80 a, Float80 b)
{
    FpClass ka, kb;
    Float80 res;
    if (screen2(c, a, b, &ka, &kb, &res))
        return res;
    if ((kb == FC_INF && !f80_sign(b) && ka == FC_ZERO) ||
        (kb == FC_INF && f80_sign(b) && ka == FC_INF))
        return fp_invalid(c);
    if (denormal(c, ka, kb))
        return a;
    if (kb == FC_INF) {
        if (!f80_sign(b))
            return ka == FC_ZERO ? fp_invalid(c) : ka == FC_INF ? a : f80_inf(f80_sign(a));
        return ka == FC_INF ? fp_invalid(c) : f80_zero(f80_sign(a));
    }
    if (ka == FC_ZERO || ka == FC_INF)
        return a;
    int32_t n = 0;
    if (kb != FC_ZERO) {
        Unp y = f80_unpack(b);
        if (y.exp >= 30)
            n = 1 << 30;
        else if (y.exp >= 0)
            n = (int32_t)(uint64_t)(y.m >> (127 - y.exp));
        if (y.sign)
            n = -n;
    }
    Unp x = f80_unpack(a);
    x.exp += n;
    FpFmt f = fmt80(c->cw, false);
    return fp_round80(c, x, &f);
}

Float80 f80_xtract(FpCtx *c, Float80 a, Float80 *exp_out)
{
    FpClass ka;
    Float80 res = a;
    if (screen1(c, a, &ka, &res) || denormal(c, ka, FC_ZERO)) {
        *exp_out = res;
        return res;
    }
    if (ka == FC_ZERO) {
        c->ex |= FE_ZE;
        *exp_out = f80_inf(1);
        return a;
    }
    if (ka == FC_INF) {
        *exp_out = f80_inf(0);
        return a;
    }
    Unp x = f80_unpack(a);
    *exp_out = f80_from_int(x.exp);
    return f80_make(x.sign, EXP80_BIAS, (uint64_t)(x.m >> 64));
}

/* Rounds to an integer under rc (truncate: toward zero).  k gets |result|,
 * false when |a| >= 2^63 (then it is an integer already; k unset). */
bool fp_round_int(FpCtx *c, Unp u, int rc, u128 *k)
{
    if (u.exp >= 63)
        return false;
    bool inexact, up;
    *k = round_at(&u, 0, rc, &inexact, &up);
    if (inexact)
        c->ex |= FE_PE;
    c->c1 = up;
    return true;
}

Float80 f80_rndint(FpCtx *c, Float80 a)
{
    FpClass ka;
    Float80 res;
    if (screen1(c, a, &ka, &res))
        return res;
    if (denormal(c, ka, FC_ZERO) || ka == FC_ZERO || ka == FC_INF)
        return a;
    Unp x = f80_unpack(a);
    u128 k;
    if (!fp_round_int(c, x, rc_of(c->cw), &k))
        return a;
    if (k == 0)
        return f80_zero(x.sign);
    FpRes r = { x.sign, FR_FINITE, (uint64_t)k, 0 };
    return fp_pack80(r);
}
