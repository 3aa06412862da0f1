/* Helpers shared by the x87 instruction files (ops-x87.c, ops-x87-env.c):
 * the register stack and its tags, the status word's exception summary,
 * the #NM/#MF checks every x87 instruction starts with, and the last
 * instruction/data pointers. */
#ifndef CPU_OPS_X87_H
#define CPU_OPS_X87_H

#include "cpu/fpu-arith.h"
#include "cpu/ops-common.h"

enum { FSW_TOP_MASK = 0x3800 };

static inline unsigned fpu_phys(const Fpu *f, unsigned i) { return (f->top + i) & 7; }
static inline unsigned fpu_tag(const Fpu *f, unsigned phys) { return (f->tw >> (2 * phys)) & 3; }
static inline bool st_empty(const Fpu *f, unsigned i) { return fpu_tag(f, fpu_phys(f, i)) == TAG_EMPTY; }
static inline Float80 st_get(const Fpu *f, unsigned i) { return f->st[fpu_phys(f, i)]; }

static inline void fpu_set_tag(Fpu *f, unsigned phys, unsigned t)
{
    f->tw = (uint16_t)((f->tw & ~(3u << (2 * phys))) | (t << (2 * phys)));
}

/* The full tag of a value (fpu-state.c derives FXRSTOR's tags the same way). */
static inline unsigned fpu_tag_of(Float80 v)
{
    unsigned e = v.se & 0x7fff;
    if (e == 0)
        return v.mant == 0 ? TAG_ZERO : TAG_SPECIAL;
    if (e == 0x7fff || !(v.mant >> 63))
        return TAG_SPECIAL;
    return TAG_VALID;
}

static inline void st_set(Fpu *f, unsigned i, Float80 v)
{
    unsigned p = fpu_phys(f, i);
    f->st[p] = v;
    fpu_set_tag(f, p, fpu_tag_of(v));
}

static inline void fpu_pop(Fpu *f)
{
    fpu_set_tag(f, f->top, TAG_EMPTY);
    f->top = (f->top + 1) & 7;
}

static inline void fpu_push(Fpu *f, Float80 v)
{
    f->top = (f->top - 1) & 7;
    st_set(f, 0, v);
}

static inline uint16_t fpu_get_sw(const Fpu *f)
{
    return (uint16_t)((f->sw & ~FSW_TOP_MASK) | ((unsigned)f->top << 11));
}

/* Recomputes ES and B from the flags and the masks (after any change to
 * either) and drives FERR# through the board's hook while CR0.NE = 0. */
void fpu_update_es(Cpu *cpu);

/* Start of every x87 instruction: #NM when CR0.EM or CR0.TS is set; for
 * waiting instructions (all but FNINIT FNCLEX FNSTCW FNSTSW FNSTENV FNSAVE)
 * a pending unmasked exception raises #MF first when CR0.NE = 1.  With
 * NE = 0 the exception was already signalled on FERR# (IRQ 13 on a PC) and
 * the instruction proceeds, as with IGNNE# asserted. */
static inline void fpu_enter(Cpu *cpu, bool waiting)
{
    if (unlikely(cpu->s.cr0 & (CR0_EM | CR0_TS)))
        cpu_exception_noerr(cpu, EXC_NM);
    if (waiting && unlikely(cpu->fpu.sw & FE_ES) && (cpu->s.cr0 & CR0_NE))
        cpu_exception_noerr(cpu, EXC_MF);
}

/* FOP, FIP/FCS and (memory operands) FDP/FDS of a non-control instruction. */
static inline void fpu_note(Cpu *cpu, const Insn *in, bool mem)
{
    Fpu *f = &cpu->fpu;
    f->fop = (uint16_t)(((in->op & 7) << 8) | in->modrm);
    f->fip = cpu_cur_rip(cpu);
    f->fcs = cpu->s.seg[SEG_CS].sel;
    if (mem) {
        f->fdp = insn_ea(cpu, in);
        f->fds = cpu->s.seg[in->seg].sel;
    }
}

/* Merges an operation's flags and C1 into the status word. */
static inline void fpu_finish(Cpu *cpu, const FpCtx *c)
{
    Fpu *f = &cpu->fpu;
    f->sw = (uint16_t)((f->sw & ~FSW_C1) | c->ex | (c->c1 ? FSW_C1 : 0));
    if (c->ex & ~f->cw & (FE_ALL | FE_SF))
        fpu_update_es(cpu);
}

/* Control-word stores: bit 6 reads as one, bits 7 and 13-15 as zero. */
static inline uint16_t fpu_cw_load(uint16_t v) { return (uint16_t)((v & 0x1f3f) | 0x40); }

/* Block memory access for the environment images: the whole range is
 * checked before anything is written. */
void fpu_store_bytes(Cpu *cpu, int seg, uint64_t off, const uint8_t *buf, unsigned n);
void fpu_load_bytes(Cpu *cpu, int seg, uint64_t off, uint8_t *buf, unsigned n);

#endif
