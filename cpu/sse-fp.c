/* SSE floating-point core (see sse-fp.h).
 *
 * Host arithmetic runs between fesetround()/feclearexcept() and
 * fetestexcept().  GCC does not honour the dynamic rounding mode or keep FP
 * operations between those calls unless told: this file is compiled with
 * -frounding-math (Makefile), and operands and results pass through volatile
 * variables so no operation is folded at compile time or moved across the
 * fenv calls.  Everything x86-specific (NaNs, DAZ/FTZ, DE, MIN/MAX, integer
 * indefinite) is decided here before or after the host operation, so the
 * host's own NaN and denormal conventions never show. */
#include "cpu/sse-fp.h"

#include <fenv.h>
#include <math.h>
#include <string.h>

typedef struct FmtInfo {
    uint64_t sign, exp, mant, qbit, indefinite;
} FmtInfo;

static const FmtInfo fmts[2] = {
    { 0x80000000u, 0x7f800000u, 0x007fffffu, 0x00400000u, 0xffc00000u },
    { 1ull << 63, 0x7ffull << 52, (1ull << 52) - 1, 1ull << 51, 0xfff8000000000000ull },
};

static bool is_nan(SseFmt f, uint64_t x) { const FmtInfo *i = &fmts[f]; return (x & i->exp) == i->exp && (x & i->mant); }
static bool is_snan(SseFmt f, uint64_t x) { return is_nan(f, x) && !(x & fmts[f].qbit); }
static bool is_denormal(SseFmt f, uint64_t x) { return !(x & fmts[f].exp) && (x & fmts[f].mant); }
static uint64_t quiet(SseFmt f, uint64_t x) { return x | fmts[f].qbit; }

static double to_host(SseFmt f, uint64_t x)
{
    if (f == SF64) {
        double d;
        memcpy(&d, &x, 8);
        return d;
    }
    uint32_t v = (uint32_t)x;
    float s;
    memcpy(&s, &v, 4);
    return s;
}

static uint64_t bits_f(float s) { uint32_t v; memcpy(&v, &s, 4); return v; }
static uint64_t bits_d(double d) { uint64_t v; memcpy(&v, &d, 8); return v; }

static const int host_rc[4] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };

static void host_begin(unsigned rc)
{
    fesetround(host_rc[rc & 3]);
    feclearexcept(FE_ALL_EXCEPT);
}

/* Host exception flags -> MXCSR flags; restores round-to-nearest. */
static uint32_t host_end(void)
{
    int fx = fetestexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
    return ((fx & FE_INVALID) ? MX_IE : 0) | ((fx & FE_DIVBYZERO) ? MX_ZE : 0) |
           ((fx & FE_OVERFLOW) ? MX_OE : 0) | ((fx & FE_UNDERFLOW) ? MX_UE : 0) |
           ((fx & FE_INEXACT) ? MX_PE : 0);
}

static unsigned mx_rc(const SseFp *e) { return (e->mxcsr >> MX_RC_SHIFT) & 3; }

/* An input operand: DAZ turns denormals into signed zeros; otherwise a
 * denormal raises DE (when report_de). */
static uint64_t input(SseFp *e, SseFmt f, uint64_t x, bool report_de)
{
    if (!is_denormal(f, x))
        return x;
    if (e->mxcsr & MX_DAZ)
        return x & fmts[f].sign;
    if (report_de)
        e->ex |= MX_DE;
    return x;
}

/* A result and the host flags of the operation that made it: invalid gives
 * the QNaN indefinite; a tiny result is flushed by FTZ (underflow masked) or
 * reports UE when underflow is unmasked even if exact. */
static uint64_t output(SseFp *e, SseFmt f, uint64_t r, uint32_t hx)
{
    if (hx & MX_IE)
        r = fmts[f].indefinite;
    bool tiny = (hx & MX_UE) || is_denormal(f, r);
    bool um = e->mxcsr & (MX_UE << MX_MASK_SHIFT);
    if (tiny && um && (e->mxcsr & MX_FTZ)) {
        r &= fmts[f].sign;
        hx |= MX_UE | MX_PE;
    } else if (tiny && !um) {
        hx |= MX_UE;
    }
    e->ex |= hx;
    return r;
}

static uint64_t host_arith(SseFmt f, int op, unsigned rc, uint64_t a, uint64_t b, uint32_t *hx)
{
    uint64_t r;
    host_begin(rc);
    if (f == SF32) {
        volatile float x = (float)to_host(f, a), y = (float)to_host(f, b), z;
        switch (op) {
        case FOP_ADD: z = x + y; break;
        case FOP_SUB: z = x - y; break;
        case FOP_MUL: z = x * y; break;
        case FOP_DIV: z = x / y; break;
        default: z = sqrtf(y); break;
        }
        r = bits_f(z);
    } else {
        volatile double x = to_host(f, a), y = to_host(f, b), z;
        switch (op) {
        case FOP_ADD: z = x + y; break;
        case FOP_SUB: z = x - y; break;
        case FOP_MUL: z = x * y; break;
        case FOP_DIV: z = x / y; break;
        default: z = sqrt(y); break;
        }
        r = bits_d(z);
    }
    *hx = host_end();
    return r;
}

/* MINPS/MAXPS: any NaN -> IE and the second operand (as is); equal values
 * (+0/-0 included) -> the second operand. */
static uint64_t minmax(SseFp *e, SseFmt f, bool is_max, uint64_t a, uint64_t b)
{
    if (is_nan(f, a) || is_nan(f, b)) {
        e->ex |= MX_IE;
        return b;
    }
    double x = to_host(f, a), y = to_host(f, b);
    if (is_max)
        return x > y ? a : b;
    return x < y ? a : b;
}

uint64_t sse_fp_op(SseFp *e, SseFmt f, int op, uint64_t a, uint64_t b)
{
    if (op == FOP_SQRT) {
        if (is_nan(f, b)) {
            if (is_snan(f, b))
                e->ex |= MX_IE;
            return quiet(f, b);
        }
        /* a negative denormal is an invalid operand: IE, not DE */
        b = input(e, f, b, !(b & fmts[f].sign));
        uint32_t hx;
        uint64_t r = host_arith(f, op, mx_rc(e), b, b, &hx);
        return output(e, f, r, hx);
    }
    /* A NaN operand takes precedence over a denormal one, and so does a
     * zero divisor (ZE): no DE then (as an Intel Xeon reports them). */
    bool nan = is_nan(f, a) || is_nan(f, b);
    bool zdiv = op == FOP_DIV && !(b & ~fmts[f].sign);
    a = input(e, f, a, !nan && !zdiv);
    b = input(e, f, b, !nan);
    if (op == FOP_MIN || op == FOP_MAX)
        return minmax(e, f, op == FOP_MAX, a, b);
    if (is_nan(f, a) || is_nan(f, b)) {
        if (is_snan(f, a) || is_snan(f, b))
            e->ex |= MX_IE;
        return quiet(f, is_nan(f, a) ? a : b);
    }
    uint32_t hx;
    uint64_t r = host_arith(f, op, mx_rc(e), a, b, &hx);
    return output(e, f, r, hx);
}

/* Ordered relation of two values after DAZ: 0 eq, 1 lt, 2 gt, 3 unordered;
 * IE for SNaNs, or any NaN when signal_qnan. */
static int relation(SseFp *e, SseFmt f, uint64_t a, uint64_t b, bool signal_qnan)
{
    bool na = is_nan(f, a), nb = is_nan(f, b);
    if (na || nb) {
        if (signal_qnan || is_snan(f, a) || is_snan(f, b))
            e->ex |= MX_IE;
        return 3;
    }
    a = input(e, f, a, true);
    b = input(e, f, b, true);
    double x = to_host(f, a), y = to_host(f, b);
    return x == y ? 0 : x < y ? 1 : 2;
}

bool sse_fp_cmp(SseFp *e, SseFmt f, unsigned pred, uint64_t a, uint64_t b)
{
    /* LT, LE, NLT, NLE signal on QNaN operands; EQ, UNORD, NEQ, ORD do not. */
    static const bool signals[8] = { false, true, true, false, false, true, true, false };
    int r = relation(e, f, a, b, signals[pred & 7]);
    bool res;
    switch (pred & 3) {
    case 0: res = r == 0; break;
    case 1: res = r == 1; break;
    case 2: res = r == 0 || r == 1; break;
    default: res = r == 3; break;
    }
    return (pred & 4) ? !res : res;
}

int sse_fp_compare(SseFp *e, SseFmt f, uint64_t a, uint64_t b, bool signal_qnan)
{
    return relation(e, f, a, b, signal_qnan);
}

uint64_t sse_fp_convert(SseFp *e, SseFmt to, SseFmt from, uint64_t a)
{
    if (to == from)
        return a;
    if (is_nan(from, a)) {
        if (is_snan(from, a))
            e->ex |= MX_IE;
        /* sign and the top significand bits carry over, quietened */
        uint64_t sign = (a & fmts[from].sign) ? fmts[to].sign : 0;
        uint64_t m = to == SF64 ? (a & fmts[from].mant) << 29 : (a & fmts[from].mant) >> 29;
        return sign | fmts[to].exp | fmts[to].qbit | m;
    }
    a = input(e, from, a, true);
    if (to == SF64)
        return bits_d(to_host(from, a));    /* exact */
    uint32_t hx;
    host_begin(mx_rc(e));
    volatile double x = to_host(from, a);
    volatile float z = (float)x;
    uint64_t r = bits_f(z);
    hx = host_end();
    return output(e, to, r, hx);
}

uint64_t sse_int_to_fp(SseFp *e, SseFmt to, int64_t v)
{
    uint64_t r;
    host_begin(mx_rc(e));
    volatile int64_t x = v;
    if (to == SF32) {
        volatile float z = (float)x;
        r = bits_f(z);
    } else {
        volatile double z = (double)x;
        r = bits_d(z);
    }
    e->ex |= host_end() & MX_PE;
    return r;
}

static double round_host(double x, unsigned rc)
{
    fesetround(host_rc[rc & 3]);
    volatile double v = x;
    volatile double r = nearbyint(v);
    fesetround(FE_TONEAREST);
    return r;
}

uint64_t sse_fp_to_int(SseFp *e, SseFmt from, uint64_t a, unsigned bits, bool truncate)
{
    uint64_t indefinite = 1ull << (bits - 1);
    if (is_nan(from, a)) {
        e->ex |= MX_IE;
        return indefinite;
    }
    a = input(e, from, a, false);
    double x = to_host(from, a);
    double r = truncate ? trunc(x) : round_host(x, mx_rc(e));
    double lim = bits == 32 ? 2147483648.0 : 9223372036854775808.0;
    if (!(r >= -lim && r < lim)) {
        e->ex |= MX_IE;
        return indefinite;
    }
    if (r != x)
        e->ex |= MX_PE;
    int64_t v = (int64_t)r;
    return bits == 32 ? (uint32_t)v : (uint64_t)v;
}

uint64_t sse_fp_round(SseFp *e, SseFmt f, uint64_t a, unsigned imm)
{
    if (is_nan(f, a)) {
        if (is_snan(f, a))
            e->ex |= MX_IE;
        return quiet(f, a);
    }
    a = input(e, f, a, false);
    unsigned rc = (imm & 4) ? mx_rc(e) : (imm & 3);
    double x = to_host(f, a), r = round_host(x, rc);
    if (r != x && !(imm & 8))
        e->ex |= MX_PE;
    return f == SF32 ? bits_f((float)r) : bits_d(r);
}

/* RCPPS/RSQRTPS precision: the hardware's table-based estimate has a
 * relative error of at most 1.5 * 2^-12 and Intel does not document its
 * table, so these return the reciprocal (square root) computed in double
 * and rounded to single: within 2^-23 relative, inside the documented
 * bound.  Like the hardware they flush denormal inputs (to an infinity) and
 * tiny results (to zero), ignore MXCSR and raise no exceptions. */
static uint32_t f32_bits(float s) { return (uint32_t)bits_f(s); }

uint32_t sse_rcp(uint32_t a)
{
    uint32_t sign = a & 0x80000000u;
    if (is_nan(SF32, a))
        return (uint32_t)quiet(SF32, a);
    if (!(a & 0x7f800000u))                 /* zero or denormal */
        return sign | 0x7f800000u;
    float r = (float)(1.0 / to_host(SF32, a));
    uint32_t b = f32_bits(r);
    if (!(b & 0x7f800000u))                 /* tiny result */
        return sign;
    return b;
}

uint32_t sse_rsqrt(uint32_t a)
{
    uint32_t sign = a & 0x80000000u;
    if (is_nan(SF32, a))
        return (uint32_t)quiet(SF32, a);
    if (!(a & 0x7f800000u))
        return sign | 0x7f800000u;
    if (sign)
        return (uint32_t)fmts[SF32].indefinite;
    return f32_bits((float)(1.0 / sqrt(to_host(SF32, a))));
}
