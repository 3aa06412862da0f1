/* x87, MMX and SSE register state of the interpreter.
 *
 * The x87 registers are kept in physical order (R0..R7) as 80-bit values:
 * a 64-bit significand with its explicit integer bit and a 16-bit sign and
 * exponent.  ST(i) is R[(top + i) & 7].  MMX register i is the significand of
 * R[i] (MMX instructions set the exponent to all ones, TOP to 0 and every tag
 * to valid).  The canonical, backend-neutral form is the FXSAVE image
 * (CpuState.fxsave): fpu_to_fxsave()/fpu_from_fxsave() convert. */
#ifndef CPU_FPU_H
#define CPU_FPU_H

#include <stdint.h>

typedef struct Float80 {
    uint64_t mant;      /* significand, bit 63 = the explicit integer bit */
    uint16_t se;        /* sign (bit 15) and biased exponent (bits 14..0) */
} Float80;

typedef union Xmm {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t d[4];
    uint64_t q[2];
    float s[4];
    double f[2];
} Xmm;

/* Tag values of the full x87 tag word, two bits per physical register. */
enum { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

typedef struct Fpu {
    Float80 st[8];      /* physical registers R0..R7 */
    uint16_t cw;        /* control word */
    uint16_t sw;        /* status word with TOP in bits 13..11 kept in 'top' */
    uint16_t tw;        /* full tag word */
    uint8_t top;
    uint16_t fop;       /* last opcode (11 bits) */
    uint64_t fip, fdp;  /* last instruction and data pointers */
    uint16_t fcs, fds;
    Xmm xmm[16];
    uint32_t mxcsr;
} Fpu;

#define MXCSR_MASK 0x0000ffffu   /* MXCSR bits this CPU implements (DAZ included) */

/* The power-up/RESET state (SDM table 9-1): CW 0x0040, TW 0x5555 (all
 * registers +0.0, tagged zero), MXCSR 0x1f80.  INIT keeps the x87/SSE state. */
void fpu_power_on(Fpu *f);
/* The 512-byte FXSAVE image (legacy and 64-bit forms share the layout; FIP/FDP
 * are stored as 64-bit values as with REX.W FXSAVE) and back. */
void fpu_to_fxsave(const Fpu *f, uint8_t img[512]);
void fpu_from_fxsave(Fpu *f, const uint8_t img[512]);

#endif
