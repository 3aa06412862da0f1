/* x87 transcendentals: FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1.
 * Special operands (NaN, infinities, zeros, out-of-range, stack rules are the
 * caller's) follow the SDM's tables here; finite operands are evaluated with
 * the host's long double libm and rounded once more to 64 bits under RC (see
 * fpu-arith.h for what that means per host). */
#include <math.h>

#include "cpu/fpu-internal.h"

static long double to_ld(Float80 a)
{
    switch (f80_class(a)) {
    case FC_ZERO:
        return f80_sign(a) ? -0.0L : 0.0L;
    case FC_INF:
        return f80_sign(a) ? -INFINITY : INFINITY;
    default: {
        Unp u = f80_unpack(a);
        long double v = ldexpl((long double)(uint64_t)(u.m >> 64), u.exp - 63);
        return u.sign ? -v : v;
    }
    }
}

/* An inexact host result to 80 bits: PE always, RC applied to whatever
 * precision the host's long double has beyond 64 bits. */
static Float80 from_ld(FpCtx *c, long double v)
{
    if (isnan(v))
        return fp_invalid(c);
    if (isinf(v))
        return f80_inf(signbit(v) != 0);
    if (v == 0)
        return f80_zero(signbit(v) != 0);
    int e;
    long double fr = frexpl(fabsl(v), &e);          /* [0.5, 1) */
    long double hi = ldexpl(fr, 64);
    uint64_t h = (uint64_t)hi;
    uint64_t l = (uint64_t)ldexpl(hi - (long double)h, 64);
    Unp u = { signbit(v) != 0, e - 1, ((u128)h << 64) | l };
    unp_norm(&u);
    FpFmt f = fmt80(c->cw, false);
    Float80 r = fp_round80(c, u, &f);
    c->ex |= FE_PE;
    return r;
}

/* Screening shared by the one-operand functions: true when *res is final. */
static bool screen(FpCtx *c, Float80 a, FpClass *k, Float80 *res)
{
    *k = f80_class(a);
    if (*k == FC_QNAN || *k == FC_SNAN || *k == FC_UNSUPPORTED) {
        *res = fp_nan2(c, a, NULL);
        return true;
    }
    return false;
}

/* DE for denormal operands, after the invalid-operation checks; true when
 * it is unmasked (no result). */
static bool denormal(FpCtx *c, FpClass ka, FpClass kb)
{
    if (ka != FC_DENORMAL && kb != FC_DENORMAL)
        return false;
    c->ex |= FE_DE;
    return !(c->cw & FE_DE);
}

/* The trigonometric operand range: |a| < 2^63. */
static bool trig_in_range(Float80 a) { return (a.se & 0x7fff) < EXP80_BIAS + 63; }

bool f80_sincos(FpCtx *c, Float80 a, Float80 *s, Float80 *co)
{
    FpClass k;
    Float80 res = f80_indefinite;   /* unmasked DE: not delivered */
    if (screen(c, a, &k, &res)) {
        *s = *co = res;
        return true;
    }
    if (k == FC_INF) {
        *s = *co = fp_invalid(c);
        return true;
    }
    if (!trig_in_range(a))
        return false;
    if (denormal(c, k, FC_ZERO)) {
        *s = *co = a;
        return true;
    }
    if (k == FC_ZERO) {
        *s = a;
        *co = f80_const(c->cw, FCONST_1);
        return true;
    }
    long double x = to_ld(a);
    FpCtx cs = *c;
    *s = from_ld(&cs, sinl(x));
    *co = from_ld(c, cosl(x));
    c->ex |= cs.ex;
    return true;
}

/* One trigonometric function: f of a finite in-range operand, z its value at 0. */
static bool trig1(FpCtx *c, Float80 a, Float80 *r, long double (*f)(long double), bool zero_is_one)
{
    FpClass k;
    if (screen(c, a, &k, r))
        return true;
    if (k == FC_INF) {
        *r = fp_invalid(c);
        return true;
    }
    if (!trig_in_range(a))
        return false;
    if (denormal(c, k, FC_ZERO))
        *r = a;
    else if (k == FC_ZERO)
        *r = zero_is_one ? f80_const(c->cw, FCONST_1) : a;
    else
        *r = from_ld(c, f(to_ld(a)));
    return true;
}

bool f80_sin(FpCtx *c, Float80 a, Float80 *r) { return trig1(c, a, r, sinl, false); }
bool f80_cos(FpCtx *c, Float80 a, Float80 *r) { return trig1(c, a, r, cosl, true); }
bool f80_tan(FpCtx *c, Float80 a, Float80 *r) { return trig1(c, a, r, tanl, false); }

static bool is_nan_or_unsup(FpClass k) { return k == FC_QNAN || k == FC_SNAN || k == FC_UNSUPPORTED; }

/* Two-operand screening: NaNs by table 4-7, DE for denormals. */
static bool screen2(FpCtx *c, Float80 a, Float80 b, FpClass *ka, FpClass *kb, Float80 *res)
{
    *ka = f80_class(a);
    *kb = f80_class(b);
    if (is_nan_or_unsup(*ka) || is_nan_or_unsup(*kb)) {
        *res = fp_nan2(c, a, &b);
        return true;
    }
    return false;
}

Float80 f80_atan(FpCtx *c, Float80 y, Float80 x)
{
    FpClass ky, kx;
    Float80 res = f80_indefinite;   /* unmasked DE: not delivered */
    if (screen2(c, y, x, &ky, &kx, &res) || denormal(c, ky, kx))
        return res;
    long double r = atan2l(to_ld(y), to_ld(x));
    if (ky == FC_ZERO && !f80_sign(x))
        return y;                       /* atan(+-0 / +x) = +-0 exactly */
    return from_ld(c, r);
}

Float80 f80_f2xm1(FpCtx *c, Float80 a)
{
    FpClass k;
    Float80 res = f80_indefinite;   /* unmasked DE: not delivered */
    if (screen(c, a, &k, &res) || denormal(c, k, FC_ZERO))
        return res;
    if (k == FC_ZERO)
        return a;
    if (k == FC_INF)
        return f80_sign(a) ? f80_make(1, EXP80_BIAS, 1ull << 63) : a;
    long double x = to_ld(a);
    return from_ld(c, fabsl(x) <= 1 ? expm1l(x * 0.693147180559945309417232121458176568L)
                                     : exp2l(x) - 1);
}

/* y * log2(x) (p1: log2(x + 1)), with the invalid and divide-by-zero cases
 * of the SDM's FYL2X/FYL2XP1 tables. */
static Float80 ylog(FpCtx *c, Float80 x, Float80 y, bool p1)
{
    FpClass kx, ky;
    Float80 res = f80_indefinite;   /* unmasked DE: not delivered */
    if (screen2(c, x, y, &kx, &ky, &res))
        return res;
    long double lx = to_ld(x), ly = to_ld(y);
    long double arg = p1 ? lx + 1 : lx;
    if (arg < 0 || (p1 && lx < -1))
        return fp_invalid(c);
    if ((!p1 && kx == FC_ZERO && ky == FC_ZERO) || (kx == FC_INF && ky == FC_ZERO && !f80_sign(x)))
        return fp_invalid(c);
    if (denormal(c, kx, ky))
        return x;
    if (!p1 && kx == FC_ZERO) {
        if (ky == FC_ZERO)
            return fp_invalid(c);
        c->ex |= FE_ZE;
        return f80_inf(!f80_sign(y));
    }
    long double l = p1 ? log1pl(lx) : log2l(lx);
    if ((ky == FC_INF && l == 0) || (kx == FC_INF && ky == FC_ZERO))
        return fp_invalid(c);
    if (ky == FC_ZERO || l == 0)
        return f80_zero(f80_sign(y) ^ (signbit(l) != 0));
    if (ky == FC_INF || kx == FC_INF)
        return f80_inf(f80_sign(y) ^ (signbit(l) != 0));
    /* log2(1 + x) = ln(1 + x) * log2(e), scaled by y first: a tiny x stays exact. */
    return from_ld(c, p1 ? (ly * l) * 1.44269504088896340735992468100189214L : ly * l);
}

Float80 f80_yl2x(FpCtx *c, Float80 x, Float80 y) { return ylog(c, x, y, false); }
Float80 f80_yl2xp1(FpCtx *c, Float80 x, Float80 y) { return ylog(c, x, y, true); }
