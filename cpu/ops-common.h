/* Helpers shared by the instruction families. */
#ifndef CPU_OPS_COMMON_H
#define CPU_OPS_COMMON_H

#include "cpu/decode.h"
#include "cpu/flags.h"
#include "cpu/stack.h"

/* Faults unless target is a valid RIP for a near transfer: within the CS
 * limit, or canonical in 64-bit mode (branch_limit is the CS limit, or the top
 * of the lower canonical half, so the common case is one compare). */
static inline void near_branch_check(Cpu *c, uint64_t target)
{
    if (unlikely(target > c->branch_limit)) {
        if (!(c->hflags & HF_CS64) || !is_canonical(target))
            RAISE_GP(c, 0);
    }
}

/* Sets RIP for a near transfer after the check: the fault belongs to the
 * branch instruction. */
static inline void near_branch(Cpu *c, uint64_t target)
{
    near_branch_check(c, target);
    c->s.rip = target;
}

/* Operand-size mask for RIP values (IP wraps at 64 KiB with 16-bit operands). */
static inline uint64_t ip_mask(unsigned osize)
{
    return osize == 0 ? 0xffff : osize == 1 ? 0xffffffffull : ~0ull;
}

/* Count register of LOOP/JCXZ/REP by address size. */
static inline uint64_t count_get(const Cpu *c, unsigned asize)
{
    return c->r[R_ECX] & addr_mask[asize];
}

static inline void count_set(Cpu *c, unsigned asize, uint64_t v)
{
    if (asize == 0)
        set_R16(c, R_ECX, (uint16_t)v);
    else if (asize == 1)
        set_R32(c, R_ECX, (uint32_t)v);
    else
        set_R64(c, R_ECX, v);
}

/* Sets a register by operand size (16 keeps the upper bits, 32 zero-extends). */
static inline void set_reg_osize(Cpu *c, unsigned osize, unsigned r, uint64_t v)
{
    if (osize == 0)
        set_R16(c, r, (uint16_t)v);
    else if (osize == 1)
        set_R32(c, r, (uint32_t)v);
    else
        set_R64(c, r, v);
}

#endif
