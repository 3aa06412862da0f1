/* Stack access: pushes and pops on SS:SP with the current stack width, and on
 * an explicit stack (a new SS:ESP during privilege changes) that is not loaded
 * into SS yet. */
#ifndef CPU_STACK_H
#define CPU_STACK_H

#include "cpu/cpu.h"

static inline void sp_set(Cpu *c, uint64_t sp)
{
    c->r[R_ESP] = (c->r[R_ESP] & ~c->sp_mask) | (sp & c->sp_mask);
}

static inline uint64_t sp_get(const Cpu *c) { return c->r[R_ESP] & c->sp_mask; }

#define DEF_PUSHPOP(bits) \
static inline void push##bits(Cpu *c, uint##bits##_t v) \
{ \
    uint64_t sp = (c->r[R_ESP] - bits / 8) & c->sp_mask; \
    wr##bits(c, SEG_SS, sp, v); \
    sp_set(c, sp); \
} \
static inline uint##bits##_t pop##bits(Cpu *c) \
{ \
    uint64_t sp = sp_get(c); \
    uint##bits##_t v = rd##bits(c, SEG_SS, sp); \
    sp_set(c, sp + bits / 8); \
    return v; \
} \
/* Reads the stack at SP + off without popping. */ \
static inline uint##bits##_t peek##bits(Cpu *c, uint64_t off) \
{ \
    return rd##bits(c, SEG_SS, (sp_get(c) + off) & c->sp_mask); \
}
DEF_PUSHPOP(16)
DEF_PUSHPOP(32)
DEF_PUSHPOP(64)
#undef DEF_PUSHPOP

/* Push by operand size (0 = 16, 1 = 32, 2 = 64 bits). */
static inline void push_osize(Cpu *c, unsigned osize, uint64_t v)
{
    if (osize == 0)
        push16(c, (uint16_t)v);
    else if (osize == 1)
        push32(c, (uint32_t)v);
    else
        push64(c, v);
}

static inline uint64_t pop_osize(Cpu *c, unsigned osize)
{
    return osize == 0 ? pop16(c) : osize == 1 ? pop32(c) : pop64(c);
}

/* A stack that is not (yet) SS:ESP: far transfers, interrupt delivery and task
 * switches build their frames on it.  Pushes are limit-checked at once (raising
 * x->exc(x->err)) but only buffered; xstack_flush() probes every page the frame
 * touches and then writes it, so a frame is written whole or not at all and
 * the caller can commit registers right after the flush.  Pops read at once. */
#define XSTACK_MAX 40   /* v86 interrupt frame: 10; call gate: 4 + 31 parameters */

typedef struct XStack {
    SegCache ss;
    uint64_t sp;        /* current offset (masked) */
    uint64_t mask;      /* 0xffff, 0xffffffff or ~0 */
    uint8_t mmu_idx;    /* privilege of the accesses */
    bool flat64;        /* 64-bit mode: no limit checks */
    int exc;            /* fault raised on a limit violation (EXC_SS usually) */
    uint32_t err;       /* its error code */
    unsigned n;         /* buffered pushes */
    struct { uint64_t lin, val; uint8_t size; } buf[XSTACK_MAX];
} XStack;

/* A stack at ss:sp accessed with the privilege of cpl; #SS(0) on limit faults. */
void xstack_init(Cpu *c, XStack *x, const SegCache *ss, uint64_t sp, unsigned cpl, bool flat64);
/* The current SS:ESP at the current privilege level. */
void xstack_init_cur(Cpu *c, XStack *x);
void xstack_push(Cpu *c, XStack *x, uint64_t v, unsigned size);
uint64_t xstack_pop(Cpu *c, XStack *x, unsigned size);
/* Writes the buffered pushes (faulting first if a page is not writable). */
void xstack_flush(Cpu *c, XStack *x);
/* ESP after the frame: x->sp in the bits the stack width covers, the rest of
 * base (the old ESP, or the ESP from the TSS on a stack switch). */
static inline uint64_t xstack_esp(const XStack *x, uint64_t base)
{
    return (base & ~x->mask) | x->sp;
}

#endif
