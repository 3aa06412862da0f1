/* Shared internals of the x87 arithmetic files (fpu-arith.c, fpu-conv.c,
 * fpu-trans.c): unpacked numbers and the one rounding routine.
 *
 * An unpacked finite number is sign, exponent and a 128-bit significand m
 * with its leading one at bit 127 (m == 0 for zero): value = m * 2^(exp-127).
 * 64 guard bits below the 80-bit significand make add/sub/mul/div exact up to
 * a final sticky bit, so one rounding gives the correctly rounded result. */
#ifndef CPU_FPU_INTERNAL_H
#define CPU_FPU_INTERNAL_H

#include <stddef.h>

#include "cpu/fpu-arith.h"

typedef unsigned __int128 u128;

typedef struct Unp {
    int sign;
    int32_t exp;
    u128 m;
} Unp;

/* Destination formats: precision (bits), exponent range of normals, and the
 * weight of the least significant denormal bit. */
typedef struct FpFmt {
    int prec;
    int32_t emin, emax;
    int32_t denorm_lsb;
    bool reg;            /* register destination: unmasked OE/UE bias the exponent */
} FpFmt;

/* A rounded result: zero, finite (kept * 2^lsb) or infinity. */
typedef struct FpRes {
    int sign;
    enum { FR_ZERO, FR_FINITE, FR_INF } kind;
    uint64_t kept;       /* nonzero for FR_FINITE; at most prec bits (+1 on carry) */
    int32_t lsb;
} FpRes;

#define EXP80_BIAS 16383
#define EXP80_EMIN (-16382)
#define EXP80_EMAX 16383

/* The 80-bit register format under the control word's precision control. */
FpFmt fmt80(uint16_t cw, bool use_pc);

static inline int clz128(u128 m)
{
    uint64_t hi = (uint64_t)(m >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)m);
}

/* Normalizes m (nonzero) so that bit 127 is set, adjusting exp. */
static inline void unp_norm(Unp *u)
{
    if (u->m == 0)
        return;
    int s = clz128(u->m);
    u->m <<= s;
    u->exp -= s;
}

/* Finite 80-bit operand (zero, denormal, pseudo-denormal, normal) unpacked. */
Unp f80_unpack(Float80 a);
/* Rounds u (nonzero, normalized) to fmt under cw's RC, raising OE/UE/PE and
 * C1 in c. */
FpRes fp_round(FpCtx *c, Unp u, const FpFmt *f);
/* Packs a rounded result into the 80-bit format. */
Float80 fp_pack80(FpRes r);
/* Rounds and packs an unpacked value (zero allowed: sign kept) to 80 bits. */
Float80 fp_round80(FpCtx *c, Unp u, const FpFmt *f);

/* Rounds u to an integer under rc: *k = |result|, PE and C1 as for FRNDINT.
 * False (nothing raised) when |u| >= 2^63: u is an integer already. */
bool fp_round_int(FpCtx *c, Unp u, int rc, u128 *k);

/* NaN handling of SDM table 4-7 for one or two operands (b may be NULL): IE
 * for an SNaN or unsupported operand; returns the NaN to deliver. */
Float80 fp_nan2(FpCtx *c, Float80 a, const Float80 *b);
static inline int f80_sign(Float80 a) { return a.se >> 15; }
static inline Float80 f80_inf(int sign) { return f80_make(sign, 0x7fff, 1ull << 63); }
static inline Float80 f80_zero(int sign) { return f80_make(sign, 0, 0); }
/* IE and the real indefinite. */
static inline Float80 fp_invalid(FpCtx *c) { c->ex |= FE_IE; return f80_indefinite; }

#endif
