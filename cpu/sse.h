/* Shared helpers of the MMX and SSE families (ops-mmx.c, ops-sse*.c):
 * the availability checks (#UD/#NM), register access (MMX registers live in
 * the x87 significands, see fpu.h), 64- and 128-bit memory operands with the
 * legacy-SSE 16-byte alignment rule, and MXCSR bits. */
#ifndef CPU_SSE_H
#define CPU_SSE_H

#include <string.h>

#include "cpu/fpu-arith.h"
#include "cpu/ops-common.h"
#include "cpu/sse-fp.h"

/* SSE instructions: CR0.EM or CR4.OSFXSR clear -> #UD, CR0.TS -> #NM. */
static inline void sse_check(Cpu *c)
{
    if ((c->s.cr0 & CR0_EM) || !(c->s.cr4 & CR4_OSFXSR))
        RAISE_UD(c);
    if (c->s.cr0 & CR0_TS)
        cpu_exception_noerr(c, EXC_NM);
}

/* MMX instructions do not depend on CR4.OSFXSR; being x87 instructions to
 * the FPU, they raise #MF for a pending unmasked x87 exception (with CR0.NE,
 * as ops-x87.h's fpu_enter()). */
static inline void mmx_check(Cpu *c)
{
    if (c->s.cr0 & CR0_EM)
        RAISE_UD(c);
    if (c->s.cr0 & CR0_TS)
        cpu_exception_noerr(c, EXC_NM);
    if (unlikely(c->fpu.sw & FE_ES) && (c->s.cr0 & CR0_NE))
        cpu_exception_noerr(c, EXC_MF);
}

/* Every MMX instruction but EMMS: TOP = 0, all tags valid. */
static inline void mmx_enter(Cpu *c)
{
    c->fpu.top = 0;
    c->fpu.tw = 0;
}

static inline uint64_t mm_get(const Cpu *c, unsigned i) { return c->fpu.st[i & 7].mant; }
/* Writing an MMX register sets the x87 register's sign/exponent to all ones. */
static inline void mm_set(Cpu *c, unsigned i, uint64_t v)
{
    c->fpu.st[i & 7].mant = v;
    c->fpu.st[i & 7].se = 0xffff;
}

static inline Xmm *xmm(Cpu *c, unsigned i) { return &c->fpu.xmm[i & 15]; }

/* Linear address of the memory operand for an access of size bytes; align
 * (a power of two, or 1) is the alignment whose violation is #GP(0). */
static inline uint64_t sse_lin(Cpu *c, const Insn *in, unsigned size, int acc, unsigned align)
{
    uint64_t lin = seg_lin(c, in->seg, insn_ea(c, in), size, acc);
    if (lin & (align - 1))
        RAISE_GP(c, 0);
    return lin;
}

static inline void lin_read128(Cpu *c, uint64_t lin, Xmm *v, int seg)
{
    v->q[0] = lin_read64(c, lin, seg);
    v->q[1] = lin_read64(c, (lin + 8) & c->lin_mask, seg);
}

/* Both halves are probed before either is written. */
static inline void lin_write128(Cpu *c, uint64_t lin, const Xmm *v, int seg)
{
    MemRef r = mem_ref_lin(c, lin, 16, seg);
    if (r.host) {
        memcpy(r.host, v->b, 16);
        return;
    }
    mem_write_slow(c, lin, v->q[0], 8, seg);
    mem_write_slow(c, (lin + 8) & c->lin_mask, v->q[1], 8, seg);
}

/* 128-bit memory operands: aligned (legacy SSE default) or not. */
static inline void ld128(Cpu *c, const Insn *in, Xmm *v, bool aligned)
{
    lin_read128(c, sse_lin(c, in, 16, ACC_R, aligned ? 16 : 1), v, in->seg);
}

static inline void st128(Cpu *c, const Insn *in, const Xmm *v, bool aligned)
{
    lin_write128(c, sse_lin(c, in, 16, ACC_W, aligned ? 16 : 1), v, in->seg);
}

static inline uint64_t ld64(Cpu *c, const Insn *in) { return rd64(c, in->seg, insn_ea(c, in)); }
static inline uint32_t ld32(Cpu *c, const Insn *in) { return rd32(c, in->seg, insn_ea(c, in)); }

/* The source operand of an xmm, xmm/m128 instruction into v (aligned memory). */
static inline void src_xmm(Cpu *c, const Insn *in, Xmm *v, bool mem, bool aligned)
{
    if (mem)
        ld128(c, in, v, aligned);
    else
        *v = *xmm(c, in->rm);
}

/* The source operand of an mm, mm/m64 instruction. */
static inline uint64_t src_mm(Cpu *c, const Insn *in, bool mem)
{
    return mem ? ld64(c, in) : mm_get(c, in->rm);
}

/* MXCSR exception delivery: unmasked flags -> #XM with CR4.OSXMMEXCPT, else #UD. */
__attribute__((noreturn)) void sse_raise_xm(Cpu *c);

/* After the elements of an FP instruction: flags into MXCSR; any unmasked
 * one faults before the destination is written. */
static inline void sse_commit(Cpu *c, const SseFp *e)
{
    uint32_t unmasked = e->ex & ~(c->fpu.mxcsr >> MX_MASK_SHIFT) & MX_FLAGS;
    c->fpu.mxcsr |= e->ex;
    if (unmasked)
        sse_raise_xm(c);
}

static inline SseFp sse_fp_ctx(const Cpu *c) { SseFp e = { c->fpu.mxcsr, 0 }; return e; }

/* Handler-name helpers: the four forms of a vector instruction. */
#define MMXOP(n) { { n##_mr, n##_mr, n##_mr }, { n##_mm, n##_mm, n##_mm } }
#define XMMOP(n) { { n##_xr, n##_xr, n##_xr }, { n##_xm, n##_xm, n##_xm } }

#endif
