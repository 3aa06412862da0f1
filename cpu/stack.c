/* Explicit-stack helpers (see stack.h). */
#include "cpu/stack.h"

#include "cpu/paging.h"

void xstack_init(Cpu *c, XStack *x, const SegCache *ss, uint64_t sp, unsigned cpl, bool flat64)
{
    x->ss = *ss;
    x->flat64 = flat64;
    x->mask = flat64 ? ~0ull : (ss->attr & SA_DB) ? 0xffffffffull : 0xffff;
    x->sp = sp & x->mask;
    x->mmu_idx = cpl == 3;
    x->exc = EXC_SS;
    x->err = 0;
    (void)c;
}

static uint64_t xstack_lin(Cpu *c, XStack *x, uint64_t off, unsigned size)
{
    if (!x->flat64) {
        uint64_t lo = 0, hi = x->ss.limit;
        if ((x->ss.attr & SA_S) && !(x->ss.attr & SA_CODE) && (x->ss.attr & SA_E)) {
            lo = (uint64_t)x->ss.limit + 1;
            hi = (x->ss.attr & SA_DB) ? 0xffffffffull : 0xffff;
        }
        if (off < lo || off + size - 1 > hi)
            cpu_exception(c, x->exc, x->err);
        return (x->ss.base + off) & 0xffffffffull;
    }
    return off;
}

void xstack_push(Cpu *c, XStack *x, uint64_t v, unsigned size)
{
    uint64_t sp = (x->sp - size) & x->mask;
    uint64_t lin = xstack_lin(c, x, sp, size);
    uint8_t saved = c->mmu_idx;
    c->mmu_idx = x->mmu_idx;
    mem_write_slow(c, lin, v, size, SEG_SS);
    c->mmu_idx = saved;
    x->sp = sp;
}

uint64_t xstack_pop(Cpu *c, XStack *x, unsigned size)
{
    uint64_t lin = xstack_lin(c, x, x->sp, size);
    uint8_t saved = c->mmu_idx;
    c->mmu_idx = x->mmu_idx;
    uint64_t v = mem_read_slow(c, lin, size, SEG_SS);
    c->mmu_idx = saved;
    x->sp = (x->sp + size) & x->mask;
    return v;
}
