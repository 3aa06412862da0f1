/* The x87 arithmetic core: 80-bit extended-precision operations exactly as
 * the Intel SDM (vol. 1 ch. 4 and 8, vol. 2) specifies them, with the
 * control word's rounding (RC) and precision (PC) control, the six exception
 * flags and C1 ("rounded up"), the x87 classes of operands (unsupported
 * encodings are invalid), real indefinite and the NaN rules of SDM table 4-7.
 *
 * Every operation takes an FpCtx: cw in (masks, PC, RC), the exception flags
 * raised and C1 out.  Results are what the x87 delivers with the exceptions
 * of cw masked; where an unmasked exception changes the result (OE/UE: the
 * exponent is biased by -/+24576 for a register destination) the core does
 * it.  An unmasked IE/DE/ZE means "no result": the caller (ops-x87.c) checks
 * fp_no_result() and leaves the destination alone.
 *
 * Transcendentals (fpu-trans.c) handle the special operands here and evaluate
 * finite ones with the host's long double libm, rounded once more under RC to
 * 64 bits: on an x86 host (80-bit long double, glibc's x87 code) that is what
 * the hardware gives; elsewhere within libm's error.  They always raise PE for
 * an inexact case and never report C1.  Tininess is detected after rounding,
 * as on the x87 (checked against the host in tests/unit/test-fpu.c). */
#ifndef CPU_FPU_ARITH_H
#define CPU_FPU_ARITH_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/fpu.h"

/* Exception flags (status word bits 0-6) */
enum {
    FE_IE = 0x01, FE_DE = 0x02, FE_ZE = 0x04, FE_OE = 0x08, FE_UE = 0x10, FE_PE = 0x20,
    FE_SF = 0x40, FE_ES = 0x80, FE_ALL = 0x3f,
};
/* Status word condition codes and busy */
enum { FSW_C0 = 0x100, FSW_C1 = 0x200, FSW_C2 = 0x400, FSW_C3 = 0x4000, FSW_B = 0x8000,
       FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3 };
/* Control word fields */
enum { FCW_PC_SHIFT = 8, FCW_RC_SHIFT = 10 };
enum { RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3 };

typedef struct FpCtx {
    uint16_t cw;        /* in */
    uint16_t ex;        /* out: FE_* raised (accumulates) */
    bool c1;            /* out: the result was rounded up (magnitude increased) */
} FpCtx;

static inline FpCtx fp_ctx(uint16_t cw) { FpCtx c = { cw, 0, false }; return c; }
/* An unmasked invalid-operation, denormal or zero-divide exception: the
 * instruction delivers nothing. */
static inline bool fp_no_result(const FpCtx *c) { return (c->ex & ~c->cw & (FE_IE | FE_DE | FE_ZE)) != 0; }

/* Classes of an 80-bit encoding (SDM 8.2.2, table 8-3 and 8.2.2's unsupported ones). */
typedef enum {
    FC_ZERO, FC_DENORMAL /* incl. pseudo-denormals */, FC_NORMAL, FC_INF,
    FC_QNAN, FC_SNAN, FC_UNSUPPORTED /* unnormal, pseudo-NaN, pseudo-infinity */
} FpClass;
FpClass f80_class(Float80 a);
static inline bool f80_is_nan(Float80 a) { FpClass k = f80_class(a); return k == FC_QNAN || k == FC_SNAN; }

extern const Float80 f80_indefinite;
/* The QNaN of a NaN (sets the significand's top fraction bit). */
static inline Float80 f80_quiet(Float80 a) { a.mant |= 1ull << 62; return a; }   /* real indefinite: FFFF C000000000000000 */
static inline Float80 f80_make(int sign, unsigned exp, uint64_t mant)
{
    Float80 r = { mant, (uint16_t)((sign ? 0x8000 : 0) | (exp & 0x7fff)) };
    return r;
}

/* Arithmetic: rounded to PC (the precision control applies to these only). */
Float80 f80_add(FpCtx *c, Float80 a, Float80 b);
Float80 f80_sub(FpCtx *c, Float80 a, Float80 b);
Float80 f80_mul(FpCtx *c, Float80 a, Float80 b);
Float80 f80_div(FpCtx *c, Float80 a, Float80 b);
Float80 f80_sqrt(FpCtx *c, Float80 a);

/* FPREM (ieee = false, truncating quotient) and FPREM1 (ieee = true, nearest):
 * a rem b.  *sw_cc gets C0/C1/C2/C3 (quotient bits Q2 Q0 Q1, C2 = incomplete). */
Float80 f80_prem(FpCtx *c, Float80 a, Float80 b, bool ieee, uint16_t *sw_cc);
Float80 f80_scale(FpCtx *c, Float80 a, Float80 b);          /* a * 2^trunc(b) */
/* FXTRACT: *exp_out = exponent of a as a value, return = significand. */
Float80 f80_xtract(FpCtx *c, Float80 a, Float80 *exp_out);
Float80 f80_rndint(FpCtx *c, Float80 a);

/* Comparisons: FCOM (quiet = false: any NaN is invalid) and FUCOM (quiet:
 * only SNaN).  Returns the condition codes C3/C2/C0 as in the status word. */
enum { FCMP_GT = 0, FCMP_LT = FSW_C0, FCMP_EQ = FSW_C3, FCMP_UN = FSW_C3 | FSW_C2 | FSW_C0 };
uint16_t f80_compare(FpCtx *c, Float80 a, Float80 b, bool quiet);

/* Integers.  f80_to_int: bits 16/32/64, truncate (FISTTP) or RC; out of
 * range or NaN: IE and the integer indefinite (the most negative value). */
Float80 f80_from_int(int64_t v);
int64_t f80_to_int(FpCtx *c, Float80 a, int bits, bool truncate);
/* Packed BCD (FBLD/FBSTP): 10 bytes, 18 digits, sign in bit 79. */
Float80 f80_from_bcd(const uint8_t bcd[10]);
void f80_to_bcd(FpCtx *c, Float80 a, uint8_t bcd[10]);

/* Binary32/binary64.  Loads are exact (DE for a denormal source; an SNaN
 * stays an SNaN, raw: the caller of FLD quiets it, arithmetic raises IE). */
Float80 f80_from_f32(FpCtx *c, uint32_t v);
Float80 f80_from_f64(FpCtx *c, uint64_t v);
/* Stores: RC rounding into the format's precision and exponent range,
 * overflow/underflow/inexact as masked; unmasked OE/UE/IE: the caller does
 * not store (fp_store_blocked()). */
uint32_t f80_to_f32(FpCtx *c, Float80 a);
uint64_t f80_to_f64(FpCtx *c, Float80 a);
static inline bool fp_store_blocked(const FpCtx *c)
{
    return (c->ex & ~c->cw & (FE_IE | FE_DE | FE_ZE | FE_OE | FE_UE)) != 0;
}

/* FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ: rounded per RC (SDM 8.3.8). */
enum { FCONST_1, FCONST_L2T, FCONST_L2E, FCONST_PI, FCONST_LG2, FCONST_LN2, FCONST_Z };
Float80 f80_const(uint16_t cw, int which);

/* Transcendentals.  The trigonometric ones return false (C2 = 1, operand
 * unchanged) when |a| >= 2^63. */
bool f80_sin(FpCtx *c, Float80 a, Float80 *r);
bool f80_cos(FpCtx *c, Float80 a, Float80 *r);
bool f80_sincos(FpCtx *c, Float80 a, Float80 *s, Float80 *co);
bool f80_tan(FpCtx *c, Float80 a, Float80 *r);
Float80 f80_atan(FpCtx *c, Float80 y, Float80 x);     /* FPATAN: atan(y/x), quadrant from signs */
Float80 f80_f2xm1(FpCtx *c, Float80 a);
Float80 f80_yl2x(FpCtx *c, Float80 x, Float80 y);     /* y * log2(x) */
Float80 f80_yl2xp1(FpCtx *c, Float80 x, Float80 y);   /* y * log2(x + 1) */

#endif
