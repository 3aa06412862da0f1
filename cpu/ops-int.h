/* Helpers shared by the integer instruction families (shifts, multiply and
 * divide, BCD, bit tests, conditional moves, atomics, strings, stack):
 * register access by operand width, so one template covers 8/16/32/64 bits. */
#ifndef CPU_OPS_INT_H
#define CPU_OPS_INT_H

#include "cpu/ops-common.h"

/* Register access by width.  8-bit operands are byte offsets into r[] (see
 * decode.h); 32-bit writes zero-extend, 16/8-bit writes keep the upper bits. */
#define GET_8(c, i) R8(c, i)
#define GET_16(c, i) R16(c, i)
#define GET_32(c, i) R32(c, i)
#define GET_64(c, i) R64(c, i)
#define SET_8(c, i, v) set_R8(c, i, (uint8_t)(v))
#define SET_16(c, i, v) set_R16(c, i, (uint16_t)(v))
#define SET_32(c, i, v) set_R32(c, i, (uint32_t)(v))
#define SET_64(c, i, v) set_R64(c, i, (uint64_t)(v))

/* Signed and unsigned types of a width, for the templates. */
#define U_8 uint8_t
#define U_16 uint16_t
#define U_32 uint32_t
#define U_64 uint64_t
#define S_8 int8_t
#define S_16 int16_t
#define S_32 int32_t
#define S_64 int64_t

/* Accumulator-family register indexes: byte forms use byte offsets (AH = 1). */
enum { RB_AL = 0, RB_CL = 8, RB_AH = 1 };

/* Sets an address-size register (SI/ESI/RSI...): 16 keeps the upper bits,
 * 32 zero-extends (what 64-bit mode does with an address-size prefix). */
static inline void set_reg_asize(Cpu *c, unsigned asize, unsigned r, uint64_t v)
{
    set_reg_osize(c, asize, r, v);
}

#endif
