/* String instructions: MOVS CMPS STOS LODS SCAS INS OUTS in byte, word,
 * dword and qword forms, with REP/REPE/REPNE and 16/32/64-bit addressing.
 *
 * Source operands use the segment of the instruction (DS or an override),
 * destinations are always ES:(E/R)DI.  Each iteration commits (registers are
 * updated after its memory accesses), so a fault in iteration k leaves
 * (R)CX/(R)SI/(R)DI as they were at the start of iteration k and RIP at the
 * instruction, which restarts it.
 *
 * Each iteration counts as one retired instruction.  A long REP pauses (RIP
 * kept at the instruction, block ended) when cpu_run's instruction budget is
 * used up or an interrupt or other event is pending, so the main loop can
 * run timers and deliver it; with TF set it pauses after every iteration,
 * which is where the single-step trap comes.
 * REP MOVS/STOS/CMPS/SCAS work on whole page-chunks in host memory when both
 * sides are plain RAM in the TLB, with the exact element-by-element result. */
#include "cpu/ops-int.h"
#include "cpu/paging.h"

void io_check(Cpu *c, uint16_t port, unsigned size);   /* ops-io.c */

enum { K_MOVS, K_CMPS, K_STOS, K_LODS, K_SCAS, K_INS, K_OUTS };

/* Shortest run of iterations worth doing in host memory. */
#define BULK_MIN 4

#define ALWAYS_INLINE inline __attribute__((always_inline))

static ALWAYS_INLINE uint64_t ld(Cpu *c, int seg, uint64_t off, unsigned sz)
{
    switch (sz) {
    case 1: return rd8(c, seg, off);
    case 2: return rd16(c, seg, off);
    case 4: return rd32(c, seg, off);
    default: return rd64(c, seg, off);
    }
}

static ALWAYS_INLINE void st(Cpu *c, int seg, uint64_t off, uint64_t v, unsigned sz)
{
    switch (sz) {
    case 1: wr8(c, seg, off, (uint8_t)v); break;
    case 2: wr16(c, seg, off, (uint16_t)v); break;
    case 4: wr32(c, seg, off, (uint32_t)v); break;
    default: wr64(c, seg, off, v); break;
    }
}

static ALWAYS_INLINE uint64_t host_ld(const uint8_t *p, unsigned sz)
{
    uint64_t v = 0;
    memcpy(&v, p, sz);
    return v;
}

/* The accumulator (AL/AX/EAX/RAX) and its update (a 32-bit write zero-extends). */
static ALWAYS_INLINE uint64_t acc_get(const Cpu *c, unsigned sz)
{
    return sz == 8 ? c->r[R_EAX] : c->r[R_EAX] & ((1ull << (sz * 8)) - 1);
}

static ALWAYS_INLINE void acc_set(Cpu *c, uint64_t v, unsigned sz)
{
    switch (sz) {
    case 1: set_R8(c, RB_AL, (uint8_t)v); break;
    case 2: set_R16(c, R_EAX, (uint16_t)v); break;
    case 4: set_R32(c, R_EAX, (uint32_t)v); break;
    default: set_R64(c, R_EAX, v); break;
    }
}

/* Flags of CMP a, b at an element size. */
static ALWAYS_INLINE void cmp_flags(Cpu *c, uint64_t a, uint64_t b, unsigned sz)
{
    uint64_t r = a - b;
    switch (sz) {
    case 1: FLAGS_SUB(c, 8, a, b, (uint8_t)r); break;
    case 2: FLAGS_SUB(c, 16, a, b, (uint16_t)r); break;
    case 4: FLAGS_SUB(c, 32, a, b, (uint32_t)r); break;
    default: FLAGS_SUB(c, 64, a, b, r); break;
    }
}

static inline uint64_t areg(const Cpu *c, unsigned asize, unsigned r)
{
    return c->r[r] & addr_mask[asize];
}

/* Is an instruction breakpoint armed in DR7 (enabled, R/W = 00)? */
static bool exec_breakpoints(const Cpu *c)
{
    uint64_t dr7 = c->s.dr[7];
    for (int i = 0; i < 4; i++)
        if (((dr7 >> (i * 2)) & 3) && ((dr7 >> (16 + i * 4)) & 3) == 0)
            return true;
    return false;
}

/* Ends the block with RIP still at this instruction: a REP that has not
 * finished resumes from its registers.  RF is set, as for an interrupt taken
 * in the middle of a REP, so that the resumed instruction does not hit its own
 * instruction breakpoint again (only needed, and only cleared again, on the
 * single-instruction path that armed breakpoints select). */
static void rep_pause(Cpu *c)
{
    c->s.rip = cpu_cur_rip(c);
    cpu_end_block(c);
    if (exec_breakpoints(c))
        c->s.rflags |= F_RF;
}

/* One iteration of a string operation, SI/DI updated last (the count is the
 * caller's). */
static ALWAYS_INLINE void one_iter(Cpu *c, const Insn *in, int kind, unsigned sz, int64_t step)
{
    unsigned as = in->asize;
    uint64_t si = areg(c, as, R_ESI), di = areg(c, as, R_EDI);
    switch (kind) {
    case K_MOVS:
        st(c, SEG_ES, di, ld(c, in->seg, si, sz), sz);
        break;
    case K_CMPS: {
        uint64_t a = ld(c, in->seg, si, sz), b = ld(c, SEG_ES, di, sz);
        cmp_flags(c, a, b, sz);
        break;
    }
    case K_STOS:
        st(c, SEG_ES, di, acc_get(c, sz), sz);
        break;
    case K_LODS:
        acc_set(c, ld(c, in->seg, si, sz), sz);
        break;
    case K_SCAS:
        cmp_flags(c, acc_get(c, sz), ld(c, SEG_ES, di, sz), sz);
        break;
    case K_INS: {
        uint16_t port = R16(c, R_EDX);
        io_check(c, port, sz);
        /* The destination is checked before the port is read, so a fault
         * cannot lose the data. */
        MemRef m = mem_ref(c, SEG_ES, di, sz);
        uint32_t v = io_read(c->env.io, port, sz);
        if (sz == 1)
            ref_store8(c, &m, (uint8_t)v);
        else if (sz == 2)
            ref_store16(c, &m, (uint16_t)v);
        else
            ref_store32(c, &m, v);
        cpu_after_io(c);
        break;
    }
    case K_OUTS: {
        uint16_t port = R16(c, R_EDX);
        io_check(c, port, sz);
        uint32_t v = (uint32_t)ld(c, in->seg, si, sz);
        io_write(c->env.io, port, v, sz);
        cpu_after_io(c);
        break;
    }
    }
    if (kind == K_MOVS || kind == K_CMPS || kind == K_LODS || kind == K_OUTS)
        set_reg_asize(c, as, R_ESI, si + (uint64_t)step);
    if (kind != K_LODS && kind != K_OUTS)
        set_reg_asize(c, as, R_EDI, di + (uint64_t)step);
}

/* ---- bulk REP on host memory ---- */

/* Elements of size sz from offset off onwards (downwards when down) that stay
 * inside the segment's fast window and do not wrap the address size. */
static inline uint64_t seg_room(const Cpu *c, int seg, int acc, uint64_t off, unsigned sz,
                                bool down, uint64_t amask)
{
    uint64_t lo = c->seglo[acc][seg], hi = c->seghi[acc][seg];
    if (hi > amask)
        hi = amask;
    if (off < lo || off > hi || hi - off < sz - 1)
        return 0;
    return down ? (off - lo) / sz + 1 : (hi - off - (sz - 1)) / sz + 1;
}

/* Elements from lin onwards that stay in its page. */
static inline uint64_t page_room(uint64_t lin, unsigned sz, bool down)
{
    unsigned o = lin & 0xfff;
    if (o + sz > 0x1000)
        return 0;
    return down ? o / sz + 1 : (0x1000 - o) / sz;
}

/* Host pointer to lin if its page is plain RAM (no MMIO, ROM, code, watch
 * flags) for acc; fills the TLB first if needed, which raises the fault the
 * element access at lin would raise.  NULL: take the element path. */
static uint8_t *host_page(Cpu *c, uint64_t lin, int acc, int seg)
{
    uint64_t page = lin & ~0xfffull;
    TlbEntry *e = tlb_entry(c, lin);
    uint64_t tag = acc == ACC_W ? e->tag_w : e->tag_r;
    if ((tag & ~(uint64_t)TLB_FLAGS) != page || (tag & TLB_INVALID)) {
        tlb_fill(c, lin, acc, seg);
        tag = acc == ACC_W ? e->tag_w : e->tag_r;
    }
    return tag == page ? (uint8_t *)(uintptr_t)(lin + e->addend) : NULL;
}

/* One side of a chunk: offset, linear address, host pointer and the number
 * of elements it allows.  Returns 0 elements when the chunk cannot be done. */
typedef struct Side {
    uint64_t off;
    uint8_t *p;          /* host address of the current element */
} Side;

static inline uint64_t side_init(Cpu *c, Side *s, int seg, int acc, unsigned reg, const Insn *in,
                                 unsigned sz, bool down, uint64_t limit)
{
    uint64_t amask = addr_mask[in->asize];
    s->off = areg(c, in->asize, reg);
    uint64_t k = seg_room(c, seg, acc, s->off, sz, down, amask);
    if (k < limit)
        limit = k;
    if (limit < BULK_MIN)
        return 0;
    uint64_t lin = (c->segbase[seg] + s->off) & c->lin_mask;
    k = page_room(lin, sz, down);
    if (k < limit)
        limit = k;
    if (limit < BULK_MIN)
        return 0;
    s->p = host_page(c, lin, acc, seg);
    return s->p ? limit : 0;
}

/* Runs up to n iterations of REP MOVS/STOS/CMPS/SCAS in host memory and
 * commits them; returns how many were done (0: use the element path).  For
 * CMPS/SCAS it stops after the element that ends the repetition. */
static ALWAYS_INLINE uint64_t bulk(Cpu *c, const Insn *in, int kind, unsigned sz, bool down,
                                   uint64_t n)
{
    Side src = { 0, NULL }, dst = { 0, NULL };
    bool has_src = kind == K_MOVS || kind == K_CMPS;
    if (has_src) {
        n = side_init(c, &src, in->seg, ACC_R, R_ESI, in, sz, down, n);
        if (!n)
            return 0;
    }
    n = side_init(c, &dst, SEG_ES, kind == K_SCAS || kind == K_CMPS ? ACC_R : ACC_W, R_EDI,
                  in, sz, down, n);
    if (!n)
        return 0;
    uint64_t bytes = n * sz, done = n;
    /* Lowest address of the chunk on the destination side. */
    uint8_t *d0 = down ? dst.p - (bytes - sz) : dst.p;
    ptrdiff_t stride = down ? -(ptrdiff_t)sz : (ptrdiff_t)sz;

    switch (kind) {
    case K_MOVS: {
        /* A destination that later source elements overlap (ahead in the
         * direction of the copy) must see the copy's own writes: copy
         * element by element in order, as the CPU does (pattern fills). */
        uint8_t *s0 = down ? src.p - (bytes - sz) : src.p;
        bool ahead = down ? (d0 < s0 && d0 + bytes > s0) : (d0 > s0 && d0 < s0 + bytes);
        if (ahead) {
            for (uint64_t i = 0; i < n; i++)
                memmove(dst.p + (ptrdiff_t)i * stride, src.p + (ptrdiff_t)i * stride, sz);
        } else {
            memmove(d0, s0, bytes);
        }
        break;
    }
    case K_STOS: {
        uint64_t v = acc_get(c, sz);
        if (sz == 1) {
            memset(d0, (int)v, bytes);
        } else {
            for (uint64_t i = 0; i < n; i++)
                memcpy(d0 + i * sz, &v, sz);
        }
        break;
    }
    case K_CMPS:
    case K_SCAS: {
        bool want_eq = in->pfx & PFX_REP;   /* REPE: go on while equal */
        uint64_t a = 0, b = 0;
        for (uint64_t i = 0; i < n; i++) {
            b = host_ld(dst.p + (ptrdiff_t)i * stride, sz);
            a = kind == K_SCAS ? acc_get(c, sz) : host_ld(src.p + (ptrdiff_t)i * stride, sz);
            if ((a == b) != want_eq) {
                done = i + 1;
                break;
            }
        }
        cmp_flags(c, a, b, sz);
        break;
    }
    }
    uint64_t delta = (uint64_t)((int64_t)done * (down ? -(int64_t)sz : (int64_t)sz));
    unsigned as = in->asize;
    if (has_src)
        set_reg_asize(c, as, R_ESI, src.off + delta);
    set_reg_asize(c, as, R_EDI, dst.off + delta);
    count_set(c, as, count_get(c, as) - done);
    return done;
}

/* Iterations a REP may run in this invocation: up to the end of cpu_run's
 * instruction budget (each iteration counts as an instruction, so icount
 * deadlines stay exact), at least one; one with TF set (a trap each). */
static inline uint64_t rep_budget(const Cpu *c)
{
    if (c->s.rflags & F_TF)
        return 1;
    return c->icount_limit > c->icount ? c->icount_limit - c->icount : 1;
}

/* An event the main loop would act on now (as cpu_after_io decides). */
static inline bool events_pending(const Cpu *c)
{
    uint32_t ev = c->events;
    return (ev & (EV_NMI | EV_EXIT | EV_RESET)) || ((ev & EV_INTR) && (c->s.rflags & F_IF));
}

/* The whole instruction. */
static ALWAYS_INLINE void string_op(Cpu *c, const Insn *in, int kind, unsigned sz)
{
    bool down = c->s.rflags & F_DF;
    int64_t step = down ? -(int64_t)sz : (int64_t)sz;
    if (!(in->pfx & (PFX_REP | PFX_REPNE))) {
        one_iter(c, in, kind, sz, step);
        return;
    }
    unsigned as = in->asize;
    bool cmp = kind == K_CMPS || kind == K_SCAS;
    bool can_bulk = kind == K_MOVS || kind == K_STOS || cmp;
    int want_zf = (in->pfx & PFX_REP) ? 1 : 0;   /* REPE continues while ZF = 1 */
    uint64_t budget = rep_budget(c), iters = 0;
    for (;;) {
        uint64_t n = count_get(c, as);
        if (n == 0)
            break;
        if (iters >= budget || (iters && events_pending(c))) {
            rep_pause(c);
            break;
        }
        uint64_t k = 0, room = budget - iters;
        if (can_bulk && n >= BULK_MIN && room >= BULK_MIN)
            k = bulk(c, in, kind, sz, down, n < room ? n : room);
        if (!k) {
            one_iter(c, in, kind, sz, step);
            count_set(c, as, n - 1);
            k = 1;
        }
        iters += k;
        if (cmp && get_ZF(c) != want_zf)
            break;
        if (c->stop) {
            /* An I/O access, a data breakpoint or a write to this block asked
             * to end the block: resume here if iterations remain. */
            if (count_get(c, as))
                rep_pause(c);
            break;
        }
    }
    if (iters > 1)
        c->icount += iters - 1;
}

#define DEF_STR(name, kind) \
static INSN(name##_1) { string_op(cpu, in, kind, 1); } \
static INSN(name##_2) { string_op(cpu, in, kind, 2); } \
static INSN(name##_4) { string_op(cpu, in, kind, 4); } \
static INSN(name##_8) { string_op(cpu, in, kind, 8); }
DEF_STR(movs, K_MOVS)
DEF_STR(cmps, K_CMPS)
DEF_STR(stos, K_STOS)
DEF_STR(lods, K_LODS)
DEF_STR(scas, K_SCAS)

static INSN(ins_1) { string_op(cpu, in, K_INS, 1); }
static INSN(ins_2) { string_op(cpu, in, K_INS, 2); }
static INSN(ins_4) { string_op(cpu, in, K_INS, 4); }
static INSN(outs_1) { string_op(cpu, in, K_OUTS, 1); }
static INSN(outs_2) { string_op(cpu, in, K_OUTS, 2); }
static INSN(outs_4) { string_op(cpu, in, K_OUTS, 4); }

#define STR_B(op, name) { op, -1, { OPX(name##_1), 0 } }
#define STR_V(op, name) { op, -1, { { { name##_2, name##_4, name##_8 }, { name##_2, name##_4, name##_8 } }, 0 } }
/* INS/OUTS: no 64-bit form, REX.W gives the dword one. */
#define STR_IO(op, name) { op, -1, { { { name##_2, name##_4, name##_4 }, { name##_2, name##_4, name##_4 } }, 0 } }

const OpReg ops_string[] = {
    STR_B(0xa4, movs), STR_V(0xa5, movs),
    STR_B(0xa6, cmps), STR_V(0xa7, cmps),
    STR_B(0xaa, stos), STR_V(0xab, stos),
    STR_B(0xac, lods), STR_V(0xad, lods),
    STR_B(0xae, scas), STR_V(0xaf, scas),
    STR_B(0x6c, ins), STR_IO(0x6d, ins),
    STR_B(0x6e, outs), STR_IO(0x6f, outs),
    OPS_END,
};
