/* Inline fast paths of the interpreter: register file access, effective
 * addresses, segment checks and the soft-TLB memory accessors.
 * Included from cpu.h; do not include directly. */
#ifndef CPU_CPU_INLINE_H
#define CPU_CPU_INLINE_H

#include <string.h>

static inline uint64_t cpu_cur_rip(const Cpu *cpu)
{
    return cpu->r[R_BRIP] + cpu->cur->ofs;
}

static inline uint64_t cpu_next_rip(const Cpu *cpu, const Insn *in)
{
    return cpu->r[R_BRIP] + in->ofs + in->len;
}

/* ---- registers ---- */
/* Byte registers are addressed by byte offset into r[] (AL=0, AH=1, CL=8...). */
static inline uint8_t R8(const Cpu *c, unsigned off) { return ((const uint8_t *)c->r)[off]; }
static inline void set_R8(Cpu *c, unsigned off, uint8_t v) { ((uint8_t *)c->r)[off] = v; }
static inline uint16_t R16(const Cpu *c, unsigned i) { return (uint16_t)c->r[i]; }
static inline uint32_t R32(const Cpu *c, unsigned i) { return (uint32_t)c->r[i]; }
static inline uint64_t R64(const Cpu *c, unsigned i) { return c->r[i]; }
static inline void set_R16(Cpu *c, unsigned i, uint16_t v) { memcpy(&c->r[i], &v, 2); }
static inline void set_R32(Cpu *c, unsigned i, uint32_t v) { c->r[i] = v; }
static inline void set_R64(Cpu *c, unsigned i, uint64_t v) { c->r[i] = v; }

/* ---- addresses ---- */
extern const uint64_t addr_mask[3];

/* Effective address (offset in the segment) of the memory operand. */
static inline uint64_t insn_ea(const Cpu *c, const Insn *in)
{
    return (c->r[in->base] + (c->r[in->index] << in->scale) + (uint64_t)(int64_t)in->disp) &
           addr_mask[in->asize];
}

enum { ACC_R = 0, ACC_W = 1 };

/* Raises #GP(0)/#SS(0) (or handles the rare legal cases) for an access that
 * failed the fast limit check; returns the linear address if it is legal. */
uint64_t seg_check_slow(Cpu *c, int seg, uint64_t off, unsigned size, int acc);

/* Linear address of [seg:off] for an access of size bytes, limit-checked. */
static inline uint64_t seg_lin(Cpu *c, int seg, uint64_t off, unsigned size, int acc)
{
    if (unlikely(off < c->seglo[acc][seg] || off + (size - 1) > c->seghi[acc][seg]))
        return seg_check_slow(c, seg, off, size, acc);
    return (c->segbase[seg] + off) & c->lin_mask;
}

/* ---- memory by linear address ---- */
uint64_t mem_read_slow(Cpu *c, uint64_t lin, unsigned size, int seg);
void mem_write_slow(Cpu *c, uint64_t lin, uint64_t val, unsigned size, int seg);
/* Checks that [lin, lin+size) is writable (faulting if not) and returns a host
 * pointer when the fast path can be used, NULL otherwise. */
void *mem_probe_write_slow(Cpu *c, uint64_t lin, unsigned size, int seg);

static inline void cpu_set_mmu(Cpu *c, unsigned idx)
{
    c->mmu_idx = (uint8_t)idx;
    c->tlb_cur = c->tlb[idx];
}

static inline TlbEntry *tlb_entry(Cpu *c, uint64_t lin)
{
    return &c->tlb_cur[(lin >> 12) & (TLB_SIZE - 1)];
}

#define DEF_LIN_ACCESS(bits, type) \
static inline type lin_read##bits(Cpu *c, uint64_t lin, int seg) \
{ \
    TlbEntry *e = tlb_entry(c, lin); \
    if (likely(e->tag_r == ((lin + (bits / 8 - 1)) & ~0xfffull))) { \
        type v; memcpy(&v, (void *)(uintptr_t)(lin + e->addend), sizeof v); return v; \
    } \
    return (type)mem_read_slow(c, lin, bits / 8, seg); \
} \
static inline void lin_write##bits(Cpu *c, uint64_t lin, type v, int seg) \
{ \
    TlbEntry *e = tlb_entry(c, lin); \
    if (likely(e->tag_w == ((lin + (bits / 8 - 1)) & ~0xfffull))) { \
        memcpy((void *)(uintptr_t)(lin + e->addend), &v, sizeof v); return; \
    } \
    mem_write_slow(c, lin, v, bits / 8, seg); \
}
DEF_LIN_ACCESS(8, uint8_t)
DEF_LIN_ACCESS(16, uint16_t)
DEF_LIN_ACCESS(32, uint32_t)
DEF_LIN_ACCESS(64, uint64_t)
#undef DEF_LIN_ACCESS

/* ---- memory by segment:offset ---- */
/* What the fast paths below turn down: the segment check and the access in
 * one out-of-line call (cpu/paging.c), so the handlers' fast paths make no
 * call that returns into them and need no saved registers. */
uint64_t seg_read_slow(Cpu *c, int seg, uint64_t off, unsigned size);
void seg_write_slow(Cpu *c, int seg, uint64_t off, uint64_t val, unsigned size);

/* The fast path of every access by seg:off: the offset inside the segment's
 * window and a TLB hit for the whole access (the tag compare fails for
 * page-crossing accesses and pages with TLB_* flags), exactly the conditions
 * under which seg_lin() and lin_read/lin_write take their fast paths.
 * Sets *host and returns true when they hold, else false (the slow path). */
static inline bool seg_fast(Cpu *c, int seg, uint64_t off, unsigned size, int acc, void **host)
{
    if (likely(off >= c->seglo[acc][seg] && off + (size - 1) <= c->seghi[acc][seg])) {
        uint64_t lin = (c->segbase[seg] + off) & c->lin_mask;
        TlbEntry *e = tlb_entry(c, lin);
        uint64_t tag = acc == ACC_W ? e->tag_w : e->tag_r;
        if (likely(tag == ((lin + (size - 1)) & ~0xfffull))) {
            *host = (void *)(uintptr_t)(lin + e->addend);
            return true;
        }
    }
    return false;
}

#define DEF_SEG_ACCESS(bits, type) \
static inline type rd##bits(Cpu *c, int seg, uint64_t off) \
{ \
    void *p; \
    type v; \
    if (likely(seg_fast(c, seg, off, bits / 8, ACC_R, &p))) { memcpy(&v, p, sizeof v); return v; } \
    return (type)seg_read_slow(c, seg, off, bits / 8); \
} \
static inline void wr##bits(Cpu *c, int seg, uint64_t off, type v) \
{ \
    void *p; \
    if (likely(seg_fast(c, seg, off, bits / 8, ACC_W, &p))) { memcpy(p, &v, sizeof v); return; } \
    seg_write_slow(c, seg, off, v, bits / 8); \
}
DEF_SEG_ACCESS(8, uint8_t)
DEF_SEG_ACCESS(16, uint16_t)
DEF_SEG_ACCESS(32, uint32_t)
DEF_SEG_ACCESS(64, uint64_t)
#undef DEF_SEG_ACCESS

/* r[reg] = the size bytes at seg:off, zero-extended (MOV r32/r64, MOVZX r32:
 * a 32-bit register write clears the upper half).  The slow path is a tail
 * call, so the fast path saves no registers. */
void seg_read_reg_slow(Cpu *c, int seg, uint64_t off, unsigned size, unsigned reg);
static inline void rd_reg_zx(Cpu *c, int seg, uint64_t off, unsigned size, unsigned reg)
{
    void *p;
    if (likely(seg_fast(c, seg, off, size, ACC_R, &p))) {
        uint64_t v = 0;
        memcpy(&v, p, size);   /* little-endian host */
        c->r[reg] = v;
        return;
    }
    seg_read_reg_slow(c, seg, off, size, reg);
}

/* Read-modify-write: one check for write access, then load and store that
 * cannot fault, so the instruction commits only after its last possible fault. */
typedef struct MemRef {
    uint64_t lin;
    void *host;     /* NULL: go through the slow path */
    int seg;
} MemRef;

static inline MemRef mem_ref_lin(Cpu *c, uint64_t lin, unsigned size, int seg)
{
    MemRef r = { lin, NULL, seg };
    TlbEntry *e = tlb_entry(c, lin);
    if (likely(e->tag_w == ((lin + (size - 1)) & ~0xfffull)))
        r.host = (void *)(uintptr_t)(lin + e->addend);
    else
        r.host = mem_probe_write_slow(c, lin, size, seg);
    return r;
}

static inline MemRef mem_ref(Cpu *c, int seg, uint64_t off, unsigned size)
{
    return mem_ref_lin(c, seg_lin(c, seg, off, size, ACC_W), size, seg);
}

#define DEF_REF_ACCESS(bits, type) \
static inline type ref_load##bits(Cpu *c, const MemRef *r) \
{ \
    if (likely(r->host != NULL)) { type v; memcpy(&v, r->host, sizeof v); return v; } \
    return (type)mem_read_slow(c, r->lin, bits / 8, r->seg); \
} \
static inline void ref_store##bits(Cpu *c, const MemRef *r, type v) \
{ \
    if (likely(r->host != NULL)) { memcpy(r->host, &v, sizeof v); return; } \
    mem_write_slow(c, r->lin, v, bits / 8, r->seg); \
}
DEF_REF_ACCESS(8, uint8_t)
DEF_REF_ACCESS(16, uint16_t)
DEF_REF_ACCESS(32, uint32_t)
DEF_REF_ACCESS(64, uint64_t)
#undef DEF_REF_ACCESS

/* Memory operand of the current instruction. */
static inline MemRef insn_ref(Cpu *c, const Insn *in, unsigned size)
{
    return mem_ref(c, in->seg, insn_ea(c, in), size);
}

#endif
