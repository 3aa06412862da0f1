/* SSE/SSE2 floating point on single (32-bit) and double (64-bit) elements
 * with the x86 rules made explicit: MXCSR rounding control, DAZ (denormal
 * inputs read as zero, no DE), FTZ (tiny results flushed to zero with UE and
 * PE when underflow is masked), the denormal flag, NaN propagation (first
 * source NaN wins, SNaNs quietened, invalid operations give the negative
 * "QNaN indefinite"), MIN/MAX returning the second operand for NaNs and
 * equal values, the integer indefinite of out-of-range conversions.
 *
 * Values travel as raw bits in uint64_t; SseFmt says which format.  The
 * IEEE arithmetic itself (add/sub/mul/div/sqrt and conversions) is done by
 * host float/double operations under <fenv.h> rounding and exception
 * flags (sse-fp.c is compiled with -frounding-math, see the Makefile). */
#ifndef CPU_SSE_FP_H
#define CPU_SSE_FP_H

#include <stdbool.h>
#include <stdint.h>

/* MXCSR fields (SDM vol. 1 10.2.3) */
enum {
    MX_IE = 1 << 0, MX_DE = 1 << 1, MX_ZE = 1 << 2, MX_OE = 1 << 3, MX_UE = 1 << 4,
    MX_PE = 1 << 5, MX_FLAGS = 0x3f, MX_DAZ = 1 << 6, MX_MASK_SHIFT = 7,
    MX_RC_SHIFT = 13, MX_FTZ = 1 << 15,
};

typedef enum { SF32 = 0, SF64 = 1 } SseFmt;

typedef struct SseFp {
    uint32_t mxcsr;     /* in: control bits */
    uint32_t ex;        /* out: MX_IE..MX_PE raised (accumulates) */
} SseFp;

enum { FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MIN, FOP_MAX, FOP_SQRT };

/* a op b (FOP_SQRT: sqrt(b)); a is the first source (the destination). */
uint64_t sse_fp_op(SseFp *e, SseFmt f, int op, uint64_t a, uint64_t b);
/* CMPPS predicate 0-7 (EQ LT LE UNORD NEQ NLT NLE ORD): true/false. */
bool sse_fp_cmp(SseFp *e, SseFmt f, unsigned pred, uint64_t a, uint64_t b);
/* COMIS (signal_qnan) / UCOMIS: 0 equal, 1 a < b, 2 a > b, 3 unordered. */
int sse_fp_compare(SseFp *e, SseFmt f, uint64_t a, uint64_t b, bool signal_qnan);
/* Format conversions (CVTSS2SD, CVTSD2SS). */
uint64_t sse_fp_convert(SseFp *e, SseFmt to, SseFmt from, uint64_t a);
/* Signed integer (32 or 64 bits wide) to float, rounded by MXCSR.RC. */
uint64_t sse_int_to_fp(SseFp *e, SseFmt to, int64_t v);
/* Float to a signed integer of 32 or 64 bits: NaN or out of range gives the
 * integer indefinite (the sign bit alone) and IE; truncate or MXCSR.RC. */
uint64_t sse_fp_to_int(SseFp *e, SseFmt from, uint64_t a, unsigned bits, bool truncate);
/* ROUNDPS/PD/SS/SD: imm bits 1:0 RC, bit 2 use MXCSR.RC, bit 3 no PE. */
uint64_t sse_fp_round(SseFp *e, SseFmt f, uint64_t a, unsigned imm);
/* RCPPS/RSQRTPS (single only): see sse-fp.c for the precision. */
uint32_t sse_rcp(uint32_t a);
uint32_t sse_rsqrt(uint32_t a);

#endif
