/* Explicit-stack helpers (see stack.h). */
#include "cpu/stack.h"

#include "cpu/paging.h"

void xstack_init(Cpu *c, XStack *x, const SegCache *ss, uint64_t sp, unsigned cpl, bool flat64)
{
    (void)c;
    x->ss = *ss;
    x->flat64 = flat64;
    x->mask = flat64 ? ~0ull : (ss->attr & SA_DB) ? 0xffffffffull : 0xffff;
    x->sp = sp & x->mask;
    x->mmu_idx = cpl == 3;
    x->exc = EXC_SS;
    x->err = 0;
    x->n = 0;
}

void xstack_init_cur(Cpu *c, XStack *x)
{
    xstack_init(c, x, &c->s.seg[SEG_SS], c->r[R_ESP], cpu_cpl(c), (c->hflags & HF_CS64) != 0);
    /* Virtual-8086 and real mode: the width follows the mode, not a stale B bit. */
    x->mask = c->sp_mask;
    x->sp = c->r[R_ESP] & x->mask;
}

/* Linear address of [off, off+size) on the stack, limit-checked.  Real and
 * virtual-8086 mode use the plain limit like ordinary accesses do. */
static uint64_t xstack_lin(Cpu *c, XStack *x, uint64_t off, unsigned size)
{
    if (x->flat64)
        return off;
    uint64_t lo = 0, hi = x->ss.limit;
    bool pm = (c->hflags & HF_PE) && !(c->hflags & HF_VM);
    if (pm && (x->ss.attr & SA_S) && !(x->ss.attr & SA_CODE) && (x->ss.attr & SA_E)) {
        lo = (uint64_t)x->ss.limit + 1;
        hi = (x->ss.attr & SA_DB) ? 0xffffffffull : 0xffff;
    }
    if (off < lo || off + size - 1 > hi)
        cpu_exception(c, x->exc, x->err);
    uint64_t lin = (x->ss.base + off) & 0xffffffffull;
    /* Alignment checking covers CPL-3 stack accesses (a far call or return
     * within ring 3), not the inner stacks of privilege changes. */
    if (x->mmu_idx == 1 && (c->s.cr0 & CR0_AM) && (c->s.rflags & F_AC) && (lin & (size - 1)))
        cpu_exception(c, EXC_AC, 0);
    return lin;
}

void xstack_push(Cpu *c, XStack *x, uint64_t v, unsigned size)
{
    uint64_t sp = (x->sp - size) & x->mask;
    if (x->n == XSTACK_MAX)
        cpu_exception(c, x->exc, x->err);   /* cannot happen: frames are bounded */
    x->buf[x->n].lin = xstack_lin(c, x, sp, size);
    x->buf[x->n].val = v;
    x->buf[x->n].size = (uint8_t)size;
    x->n++;
    x->sp = sp;
}

uint64_t xstack_pop(Cpu *c, XStack *x, unsigned size)
{
    uint64_t lin = xstack_lin(c, x, x->sp, size);
    uint8_t saved = c->mmu_idx;
    cpu_set_mmu(c, x->mmu_idx);
    uint64_t v = mem_read_slow(c, lin, size, SEG_SS);
    cpu_set_mmu(c, saved);
    x->sp = (x->sp + size) & x->mask;
    return v;
}

void xstack_flush(Cpu *c, XStack *x)
{
    uint8_t saved = c->mmu_idx;
    cpu_set_mmu(c, x->mmu_idx);
    /* On a fault cpu_exception() re-derives mmu_idx from the CPL. */
    for (unsigned i = 0; i < x->n; i++)
        mem_probe_write_slow(c, x->buf[i].lin, x->buf[i].size, SEG_SS);
    for (unsigned i = 0; i < x->n; i++)
        mem_write_slow(c, x->buf[i].lin, x->buf[i].val, x->buf[i].size, SEG_SS);
    cpu_set_mmu(c, saved);
    x->n = 0;
}
