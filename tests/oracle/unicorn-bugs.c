/* The one list of Unicorn's (QEMU's) known deviations from the architecture.
 *
 * The comparator consults this table only for a case that mismatched; an entry
 * that recognises the case excuses it, the hit is counted and the run's summary
 * prints how many instructions each entry excused.  Nothing is masked silently:
 * every excused case is counted and shown with --verbose.  Each entry says what
 * Unicorn does, how the case is recognised, why Unicorn is wrong and where the
 * SDM says so. */
#include <stddef.h>
#include <string.h>

#include "tests/oracle/oracle.h"

static bool match_lock_neg(const Case *c);

enum { UC_ERR_READ_UNMAPPED_ = 6, UC_ERR_WRITE_UNMAPPED_ = 7 };   /* uc_err values */

static bool same_arch(const Regs *a, const Regs *b)
{
    for (int i = 0; i < 8; i++)
        if (a->r[i] != b->r[i])
            return false;
    if (a->eip != b->eip)
        return false;
    for (int i = 0; i < 6; i++)
        if (a->seg[i] != b->seg[i])
            return false;
    return true;
}

static bool only_flags_differ_in(const Regs *a, const Regs *b, uint32_t mask)
{
    return same_arch(a, b) && ((a->eflags ^ b->eflags) & ~mask) == 0;
}

static bool match_enter_ebp(const Case *c);
static bool match_lxs_wrap(const Case *c);
static bool match_retf_wrap(const Case *c);
static bool match_bound_wrap(const Case *c);
static bool match_test_alias(const Case *c);

/* Tandem faulted with #GP/#SS, Unicorn did not, and Tandem with every segment
 * made flat (no limit, present, writable) does exactly what Unicorn did:
 * registers (less the bits the SDM leaves undefined), EIP, segment
 * registers, memory, or the same later exception. */
static bool match_no_seg_checks(const Case *c)
{
    if (!(c->exc_t == 13 || c->exc_t == 12) || c->exc_u == c->exc_t || !c->rerun_relaxed)
        return false;
    Regs post;
    int exc;
    c->rerun_relaxed(c->ctx, &post, &exc);
    if (exc == -1 && c->exc_u >= 100) {
        /* Unicorn went on to a place it cannot fetch from (a far/near
         * transfer past the CS limit): the registers but EIP must agree */
        Regs a = post, b = c->post_u;
        a.eip = b.eip = 0;
        return same_arch(&a, &b);
    }
    if (exc != c->exc_u) {
        /* combined with a #UD Unicorn raises for a valid encoding (F6/F7 /1),
         * or with a second read at an unwrapped address that decides the
         * outcome (#BR or not, a loadable selector or not) */
        Case c2 = *c;
        c2.post_t = post;
        c2.exc_t = exc;
        c2.relaxed = true;
        return match_test_alias(&c2) || match_lxs_wrap(&c2) || match_retf_wrap(&c2) ||
               match_bound_wrap(&c2);
    }
    if (exc >= 0)
        return same_arch(&post, &c->post_u);   /* both faulted later on (#DE...) */
    Undef un;
    insn_undefined(c->ii, c->bytes, &c->pre, &c->post_u, c->mode, &un);
    Regs a = post, b = c->post_u;
    for (int i = 0; i < 8; i++) {
        a.r[i] &= ~un.regmask[i];
        b.r[i] &= ~un.regmask[i];
    }
    bool mem_ok = un.mem_result || un.push_sreg32 || !c->mem_same || c->mem_same(c->ctx);
    if (mem_ok && only_flags_differ_in(&a, &b, un.flags))
        return true;
    /* combined with another deviation (LOCK NEG flags, ENTER's EBP, the far
     * pointer's, RETF's selector or BOUND's upper bound address) */
    Case c2 = *c;
    c2.post_t = post;
    c2.exc_t = -1;
    c2.diff = (!same_arch(&a, &b) ? DIFF_GPR : ((a.eflags ^ b.eflags) & ~un.flags) ? DIFF_FLAGS : 0) |
              (mem_ok ? 0 : DIFF_MEM);
    c2.relaxed = true;
    return match_lock_neg(&c2) || match_enter_ebp(&c2) || match_lxs_wrap(&c2) || match_retf_wrap(&c2) ||
           match_bound_wrap(&c2);
}

/* The access wraps around the top of the 4 GiB offset space: the limit check
 * (limit 0xffffffff) must fault, QEMU wraps the linear address instead.
 * Recognised as: Tandem #GP/#SS, Unicorn none, and an offset the instruction
 * uses (its registers, or ESP for the stack) lies within 16 bytes of 2^32. */
static bool match_wrap_4g(const Case *c)
{
    if (!(c->exc_t == 13 || c->exc_t == 12))
        return false;
    const InsnInfo *ii = c->ii;
    if (c->exc_u == 12 || c->exc_u == 13) {
        /* the memory operand itself passes 2^32 (its first operand-size
         * part does): whatever the limit, the check fails (#SS for SS,
         * #GP otherwise); QEMU reads wrapped data and may then fault on
         * something else, e.g. a selector it loaded from there */
        uint32_t ea = ii_ea(ii, &c->pre);
        return ii->mem && ii->asize == 32 && ea + (uint32_t)ii->osize / 8 - 1 < ea &&
               c->exc_t == (ii_seg(ii) == OS_SS ? 12 : 13);
    }
    if (c->exc_u != -1 && c->exc_u != 100 + UC_ERR_READ_UNMAPPED_ && c->exc_u != 100 + UC_ERR_WRITE_UNMAPPED_)
        return false;
    if (ii->mem && ii->asize == 32 && ii_ea(ii, &c->pre) >= 0xfffffff0u)
        return true;
    /* the linear address (a based segment) passing 2^32 within the access:
     * the limit faults first in Tandem, QEMU does not wrap it */
    if (ii->mem && c->seg_base + ii_ea(ii, &c->pre) >= 0xfffffff0u &&
        c->exc_u >= 100 + UC_ERR_READ_UNMAPPED_)
        return true;
    if (ii->mem && ii->two_byte && (ii->op == 0xa3 || ii->op == 0xab || ii->op == 0xb3 || ii->op == 0xbb)) {
        /* BT* m, r: the operand is at EA + (bit offset / width) * size */
        int32_t off = (int32_t)c->pre.r[ii->reg];
        if (ii->osize == 16)
            off = (int16_t)off;
        uint32_t a = ii_ea(ii, &c->pre) + (uint32_t)((off >> (ii->osize == 16 ? 4 : 5)) * (ii->osize / 8));
        if (a >= 0xfffffff0u)
            return true;
    }
    /* stack accesses: pushes (PUSHA 32 bytes, ENTER up to 128) below ESP,
     * pops (POPA 32 bytes) above it */
    if (c->pre.r[OR_ESP] < 160 || c->pre.r[OR_ESP] >= 0xffffffc0u)
        return true;
    if (!ii->two_byte && ii->op == 0xc8) {
        if (c->post_u.r[OR_ESP] >= 0xfffffff0u)
            return true;              /* ENTER's check of the final ESP */
        if ((c->bytes[ii->imm_off + 2] & 31) > 1 && c->pre.r[OR_EBP] < 132)
            return true;              /* ENTER's copies from [EBP - 4i] */
    }
    if (!ii->two_byte && ii->op == 0xc9 && c->pre.r[OR_EBP] >= 0xfffffff0u)
        return true;                  /* LEAVE's pop at [EBP] */
    /* string instructions: where the faulting iteration is (Tandem stops there) */
    if (ii->string && (c->post_t.r[OR_ESI] >= 0xfffffff0u || c->post_t.r[OR_EDI] >= 0xfffffff0u))
        return true;
    return false;
}

static int parity8(uint32_t v) { return !__builtin_parity(v & 0xff); }

/* LOCK NEG m: QEMU computes SF/ZF/PF from the operand instead of the result.
 * Recognised: LOCK F6/F7 /3 on memory, everything equal but SF/ZF/PF, and
 * Unicorn's SF/ZF/PF are exactly those of the original operand (-result). */
static bool match_lock_neg(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (!ii->lock || ii->two_byte || (ii->op != 0xf6 && ii->op != 0xf7) || ii->reg != 3 || !ii->mem)
        return false;
    if (c->exc_t != -1 || c->exc_u != -1 || (c->diff & ~DIFF_FLAGS))
        return false;
    if (((c->post_t.eflags ^ c->post_u.eflags) & ~0xc4u) != 0 || !c->read_t)
        return false;
    int w = ii->op == 0xf6 ? 8 : ii->osize;
    uint32_t mask = w == 32 ? 0xffffffffu : (1u << w) - 1;
    uint32_t res, orig;
    if (c->read_t(c->ctx, ii, w / 8, &res))
        orig = (0u - res) & mask;
    else
        orig = mask;          /* unassigned memory reads all ones */
    uint32_t f = (orig == 0 ? 0x40u : 0) | ((orig >> (w - 1)) & 1 ? 0x80u : 0) | (parity8(orig) ? 4u : 0);
    return (c->post_u.eflags & 0xc4u) == f;
}

/* F6 /1 and F7 /1: every Intel and AMD processor executes them as TEST (Bochs
 * too); QEMU raises #UD. */
static bool match_test_alias(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return !ii->two_byte && (ii->op == 0xf6 || ii->op == 0xf7) && ii->reg == 1 &&
           c->exc_u == 6 && c->exc_t == -1;
}

/* RET imm16 (C2) with a 32-bit stack: QEMU sign-extends the immediate.
 * Recognised: C2, 32-bit stack pointer, imm16 >= 0x8000, and Tandem's ESP is
 * exactly Unicorn's + 0x10000, everything else equal. */
static bool match_ret_imm_signed(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (ii->two_byte || ii->op != 0xc2 || c->mode != 32 || ii->imm < 0x8000)
        return false;
    if (c->exc_t != -1 || c->exc_u != -1)
        return false;
    Regs u = c->post_u;
    u.r[OR_ESP] += 0x10000;
    return same_arch(&c->post_t, &u) && c->post_t.eflags == c->post_u.eflags &&
           !(c->diff & DIFF_MEM);
}

/* 8F /1../7: only 8F /0 (POP Ev) exists; Unicorn pops anyway (and may then
 * fail on the store: an emulation error). */
static bool match_pop_8f(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return !ii->two_byte && ii->op == 0x8f && ii->reg != 0 && c->exc_t == 6 && c->exc_u != 6;
}

/* C6 /1../7, C7 /1../7 (but the RTM forms C6 F8, C7 F8, skipped as outside
 * the CPU model): only /0 (MOV Ev, imm) exists; Unicorn moves anyway. */
static bool match_mov_c6c7(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return !ii->two_byte && (ii->op == 0xc6 || ii->op == 0xc7) && ii->reg != 0 && c->exc_t == 6 &&
           c->exc_u != 6;
}

/* ENTER with an operand size other than the stack size: QEMU writes the new
 * frame pointer into EBP by stack size (all of EBP for o16 on a 32-bit stack,
 * only BP for o32 on a 16-bit stack); the SDM sets BP (o16) or EBP (o32) by
 * operand size.  Recognised: C8, operand size != stack size, no exception,
 * everything equal but EBP, and EBP as each rule gives it from FrameTemp (the
 * stack pointer after the first push). */
static bool match_enter_ebp(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (ii->two_byte || ii->op != 0xc8 || c->exc_t != -1 || c->exc_u != -1 ||
        (c->diff & ~(DIFF_GPR | DIFF_MEM)))
        return false;
    if ((ii->osize == 32) == c->stack32)
        return false;
    Regs t = c->post_t, u = c->post_u;
    uint32_t pre_ebp = c->pre.r[OR_EBP];
    uint32_t size = (uint32_t)ii->osize / 8;
    uint32_t frame = c->stack32 ? c->pre.r[OR_ESP] - size
                                : (c->pre.r[OR_ESP] & 0xffff0000u) | ((c->pre.r[OR_ESP] - size) & 0xffff);
    uint32_t by_osize = ii->osize == 32 ? frame : (pre_ebp & 0xffff0000u) | (frame & 0xffff);
    uint32_t by_ssize = c->stack32 ? frame : (pre_ebp & 0xffff0000u) | (frame & 0xffff);
    if (t.r[OR_EBP] != by_osize || u.r[OR_EBP] != by_ssize)
        return false;
    t.r[OR_EBP] = u.r[OR_EBP] = 0;
    if (!same_arch(&t, &u) || t.eflags != u.eflags)
        return false;
    if (!(c->diff & DIFF_MEM))
        return true;
    /* o32 on a 16-bit stack with SP < 4: QEMU's FrameTemp is ESP - 4 without
     * the 16-bit wrap, so the copy ENTER stores (level >= 1) differs in its
     * upper half, and nothing else may */
    unsigned level = c->bytes[ii->imm_off + 2] & 31;
    if (ii->osize != 32 || c->stack32 || !level || (c->pre.r[OR_ESP] & 0xffff) >= 4 || !c->mem_same_but)
        return false;
    uint32_t slot = c->ss_base + ((c->pre.r[OR_ESP] - 4 - 4 * level) & 0xffff);
    return c->mem_same_but(c->ctx, slot + 2, 2);
}

/* Tandem re-run (flat segments if the case is a chained one) with the n
 * bytes w placed at linear address at does exactly what Unicorn did: the
 * same exception, or the same registers, flags and memory. */
static bool same_with_bytes(const Case *c, uint32_t at, const uint8_t *w, int n)
{
    Regs post;
    int exc = c->rerun_poke(c->ctx, c->relaxed, at, w, n, &post);
    if (exc != c->exc_u)
        return false;
    if (exc >= 0)
        return true;
    return same_arch(&post, &c->post_u) && post.eflags == c->post_u.eflags &&
           (!c->mem_same || c->mem_same(c->ctx));
}

/* LDS/LES/LFS/LGS/LSS and CALL/JMP far (FF /3, /5) with a 16-bit address:
 * the selector follows the offset at EA + 2 (or + 4), an offset that wraps
 * at 64K like every 16-bit address; QEMU adds it to the linear address
 * unwrapped.  Recognised: a
 * far-pointer load with a 16-bit address size whose selector offset passes
 * FFFF, Tandem's selector (if it loaded one) the word at base + ((EA + n) &
 * FFFF), and Tandem re-run with the word Unicorn read (at base + EA + n,
 * pre_mem) placed at the wrapped address doing exactly what Unicorn did
 * (the same registers, or the same exception: Unicorn's selector may not be
 * loadable). */
static bool match_lxs_wrap(const Case *c)
{
    const InsnInfo *ii = c->ii;
    bool far = !ii->two_byte && ii->op == 0xff && (ii->reg == 3 || ii->reg == 5);
    bool lxs = ii->two_byte ? (ii->op == 0xb2 || ii->op == 0xb4 || ii->op == 0xb5)
                            : (ii->op == 0xc4 || ii->op == 0xc5 || far);
    if (!lxs || !ii->mem || ii->asize != 16 || !c->pre_mem || !c->read_lin || !c->rerun_poke)
        return false;
    if (c->exc_u >= 100 || (c->exc_t >= 0 && c->exc_t == c->exc_u))
        return false;
    uint32_t n = (uint32_t)ii->osize / 8, ea = ii_ea(ii, &c->pre);
    if (ea + n <= 0xffff)
        return false;
    int sreg = ii->two_byte ? (ii->op == 0xb2 ? OS_SS : ii->op == 0xb4 ? OS_FS : OS_GS)
                            : far ? OS_CS : (ii->op == 0xc4 ? OS_ES : OS_DS);
    uint32_t wrapped = c->seg_base + ((ea + n) & 0xffff), v;
    if (c->exc_t == -1 && (!c->read_lin(c->ctx, wrapped, 2, &v) || c->post_t.seg[sreg] != (uint16_t)v))
        return false;
    return same_with_bytes(c, wrapped, c->pre_mem + n, 2);
}

/* BOUND with a 16-bit address: the upper bound follows the lower one at
 * EA + 2 (+ 4), an offset that wraps at 64K; QEMU reads it unwrapped.
 * Recognised like lxs-selector-no-wrap: BOUND, 16-bit addressing, EA + n >
 * FFFF, and Tandem re-run with the bound Unicorn read (at base + EA + n,
 * pre_mem) placed at base + ((EA + n) AND FFFF) doing exactly what Unicorn
 * did (#BR or not). */
static bool match_bound_wrap(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (ii->two_byte || ii->op != 0x62 || !ii->mem || ii->asize != 16 || !c->pre_mem || !c->rerun_poke)
        return false;
    if (c->exc_u >= 100 || (c->exc_t >= 0 && c->exc_t == c->exc_u))
        return false;
    uint32_t n = (uint32_t)ii->osize / 8, ea = ii_ea(ii, &c->pre);
    if (ea + n <= 0xffff)
        return false;
    return same_with_bytes(c, c->seg_base + ((ea + n) & 0xffff), c->pre_mem + n, (int)n);
}

/* RETF (CB, CA) on a 16-bit stack: CS is popped from SP + 2 (+ 4 with a
 * 32-bit operand), an offset that wraps at 64K on a 16-bit stack; QEMU's
 * real-mode RETF adds it to the linear address unwrapped (its other stack
 * accesses wrap).  Recognised: RETF, 16-bit stack, SP + n > FFFF, Tandem's CS
 * (if it loaded one) the word at SS base + ((SP + n) AND FFFF), and Tandem
 * re-run with the word Unicorn read (at SS base + SP + n) placed there doing
 * exactly what Unicorn did. */
static bool match_retf_wrap(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (ii->two_byte || (ii->op != 0xca && ii->op != 0xcb) || c->stack32 || c->mode != 16)
        return false;
    if (c->exc_u >= 100 || (c->exc_t >= 0 && c->exc_t == c->exc_u) || !c->read_lin || !c->rerun_poke)
        return false;
    uint32_t n = (uint32_t)ii->osize / 8, sp = c->pre.r[OR_ESP] & 0xffff;
    if (sp + n <= 0xffff)
        return false;
    uint32_t wrapped = c->ss_base + ((sp + n) & 0xffff), v;
    if (c->exc_t == -1 && (!c->read_lin(c->ctx, wrapped, 2, &v) || c->post_t.seg[OS_CS] != (uint16_t)v))
        return false;
    uint8_t w[2];
    if (!c->read_lin(c->ctx, c->ss_base + sp + n, 2, &v))
        return false;
    w[0] = (uint8_t)v;
    w[1] = (uint8_t)(v >> 8);
    return same_with_bytes(c, wrapped, w, 2);
}

/* PUSH ES/CS/SS/DS/FS/GS with a 32-bit operand: QEMU writes the selector
 * zero-extended into all four bytes of the slot, processors since the P6
 * (and Bochs) write only its low word.  The upper half is masked as
 * undefined (insn-info.c); what remains is a slot at ESP - 4 whose upper half
 * crosses 2^32: QEMU's dword write fails (UC_ERR_WRITE_UNMAPPED), the word
 * write does not.  Recognised: a 32-bit PUSH of a segment register, ESP 1-3
 * before it, Tandem no exception and ESP - 4, Unicorn's write error. */
static bool match_push_sreg32_wrap(const Case *c)
{
    const InsnInfo *ii = c->ii;
    bool push = ii->two_byte ? (ii->op == 0xa0 || ii->op == 0xa8)
                             : (ii->op == 0x06 || ii->op == 0x0e || ii->op == 0x16 || ii->op == 0x1e);
    if (!push || ii->osize != 32 || !c->stack32 || c->exc_t != -1 || c->exc_u != 100 + UC_ERR_WRITE_UNMAPPED_)
        return false;
    uint32_t esp = c->pre.r[OR_ESP];
    return esp >= 1 && esp <= 3 && c->post_t.r[OR_ESP] == esp - 4;
}

/* 0F 18 /0-/3 with a register operand (PREFETCHh's encodings with mod 11):
 * QEMU raises #UD; the opcode map makes every 0F 18 form with mod 11 a
 * reserved NOP (like 0F 19-0F 1F), as Tandem and Bochs execute it.
 * Recognised: 0F 18, mod 11, ModRM.reg 0-3, Unicorn #UD, Tandem no exception
 * and nothing changed but EIP (+ length). */
static bool match_hint_nop_0f18(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (!ii->two_byte || ii->op != 0x18 || ii->mem || ii->reg > 3 || c->exc_u != 6 || c->exc_t != -1)
        return false;
    Regs want = c->pre;
    want.eip = c->pre.eip + (uint32_t)ii->len;
    if (c->mode == 16)
        want.eip &= 0xffff;
    return same_arch(&c->post_t, &want) && c->post_t.eflags == c->pre.eflags;
}

/* FF /7 and 0F BA /0-/3 with a memory operand: QEMU loads the operand
 * before it finds the encoding invalid, so a load that faults (or leaves RAM
 * past 2^32) is reported instead of #UD; an invalid opcode is detected at
 * decode, before any operand access.  Recognised: FF /7 or 0F BA /0-/3 with a
 * memory operand, Tandem #UD, Unicorn #GP, #SS or a read error. */
static bool match_ff7_load(const Case *c)
{
    const InsnInfo *ii = c->ii;
    bool reserved = ii->two_byte ? ii->op == 0xba && ii->reg < 4 : ii->op == 0xff && ii->reg == 7;
    return reserved && ii->mem && c->exc_t == 6 &&
           (c->exc_u == 12 || c->exc_u == 13 || c->exc_u == 100 + UC_ERR_READ_UNMAPPED_);
}

/* An operand read in two parts -- BOUND's two bounds, a far pointer's offset
 * and selector -- whose second part's offset passes 0xffffffff: the second
 * offset wraps to the bottom of the segment (each part is an access of its
 * own, within the limit), QEMU adds it to the linear address and reads past
 * 2^32 (UC_ERR_READ_UNMAPPED).  Recognised: BOUND, LDS/LES/LFS/LGS/LSS, CALL/JMP
 * far through memory, 32-bit addressing, EA + size of the first part beyond
 * 0xffffffff with the first part itself below it, Unicorn's read error and
 * no limit fault in Tandem. */
static bool match_split_operand_wrap(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (!ii->mem || ii->asize != 32 || c->exc_u != 100 + UC_ERR_READ_UNMAPPED_ || c->exc_t == 12 || c->exc_t == 13)
        return false;
    bool split = ii->two_byte ? (ii->op == 0xb2 || ii->op == 0xb4 || ii->op == 0xb5)
                              : (ii->op == 0x62 || ii->op == 0xc4 || ii->op == 0xc5 ||
                                 (ii->op == 0xff && (ii->reg == 3 || ii->reg == 5)));
    if (!split)
        return false;
    uint32_t first = (uint32_t)ii->osize / 8, ea = ii_ea(ii, &c->pre);
    return ea + first - 1 >= ea && (uint32_t)(ea + first) < ea;
}

UcBug unicorn_bugs[] = {
    {
        "no-segment-checks",
        "does not check segment limits, null (unusable) data segments or segment types on data "
        "accesses and near branches: the access or jump is made at base + offset",
        "Tandem raises #GP(0)/#SS(0), Unicorn does not, and re-running the instruction in "
        "Tandem with every segment flat (limit 4 GiB, present writable data, same base) gives "
        "exactly Unicorn's outcome (registers, EIP, flags, or the same later exception)",
        "QEMU's TCG does not model segment limit checks (a documented QEMU simplification)",
        "SDM vol. 3A 5.3 (limit checking), 3.4.5.1 (null selectors: #GP on use), "
        "vol. 2 JMP/Jcc/CALL/RET: #GP(0) if the target is beyond the CS limit",
        match_no_seg_checks, 0,
    },
    {
        "offset-wrap-4g",
        "an access whose offset + size - 1 passes 0xffffffff (or whose linear address passes "
        "2^32 in a based segment) wraps to address 0, or fails with UC_ERR_READ/WRITE_UNMAPPED "
        "at 2^32, instead of raising #GP/#SS",
        "32-bit mode, Tandem raises #GP(0)/#SS(0), Unicorn raises nothing or reports unmapped "
        "memory, and the instruction has its memory operand (offset, or base + offset), the "
        "target of a BTS/BTR/BTC bit offset, ESP (160 below, 64 above: PUSHA/POPA/ENTER), ENTER's "
        "EBP copies or final ESP, LEAVE's EBP, or ESI/EDI of a string instruction within 16 bytes "
        "of 2^32; or Unicorn faults later on what it read (a selector) and the operand's first "
        "operand-size part itself crosses 2^32, with Tandem's fault #SS for SS, #GP otherwise",
        "the limit check covers the last byte of the access: with limit 0xffffffff an access "
        "crossing 2^32 is outside the segment",
        "SDM vol. 3A 5.3 (\"the processor ... checks the offset of the last byte\")",
        match_wrap_4g, 0,
    },
    {
        "lock-neg-flags",
        "LOCK NEG m8/m16/m32 sets SF, ZF and PF from the original operand, not from the result",
        "LOCK F6/F7 /3 with a memory operand, registers, EIP and memory equal, and Unicorn's "
        "SF/ZF/PF equal those of -(result) read back from Tandem's memory",
        "NEG sets SF, ZF and PF according to the result; the LOCK prefix changes only atomicity",
        "SDM vol. 2B NEG (\"Flags Affected\"), vol. 2A LOCK",
        match_lock_neg, 0,
    },
    {
        "ret-imm16-signed",
        "RET imm16 (C2) with a 32-bit stack adds the sign-extended immediate to ESP",
        "opcode C2 in 32-bit mode with imm16 >= 0x8000, and Tandem's ESP is Unicorn's + 0x10000 "
        "with everything else equal",
        "the immediate is an unsigned count of bytes to release",
        "SDM vol. 2B RET (\"IF instruction has immediate operand THEN ESP <- ESP + SRC\" with "
        "SRC an imm16); Bochs zero-extends",
        match_ret_imm_signed, 0,
    },
    {
        "pop-8f-reg",
        "executes 8F /1-/7 as POP Ev, ignoring ModRM.reg",
        "opcode 8F with ModRM.reg != 0, Tandem #UD, Unicorn anything but #UD",
        "only 8F /0 is defined; the other encodings are invalid (XOP on AMD)",
        "SDM vol. 2D table A-6 (group 1A: 8F /0 POP, /1-/7 undefined)",
        match_pop_8f, 0,
    },
    {
        "test-f6f7-reg1",
        "raises #UD for F6 /1 ib and F7 /1 iz",
        "opcode F6/F7 with ModRM.reg 1, Unicorn #UD, Tandem executes it",
        "real processors (Intel and AMD) decode group 3 /1 as TEST, like /0; the SDM leaves the "
        "encoding undocumented rather than invalid, and Bochs and hardware run it",
        "SDM vol. 2D table A-6 (group 3); Bochs decoder (TEST_EbIb for /0 and /1)",
        match_test_alias, 0,
    },
    {
        "enter-ebp-by-stack-size",
        "ENTER sets the frame pointer register by stack size: all of EBP for a 16-bit operand on "
        "a 32-bit stack, only BP for a 32-bit operand on a 16-bit stack; with a 32-bit operand on "
        "a 16-bit stack and SP < 4 its FrameTemp is ESP - 4 unwrapped (0xFFFFFFFC for ESP 0), "
        "which it also stores as the last frame pointer",
        "opcode C8 with operand size != stack size, no exception, only EBP differing (and the "
        "upper half of the stored FrameTemp for o32, 16-bit stack, SP < 4, level >= 1), Tandem's "
        "EBP = FrameTemp by operand size and Unicorn's = FrameTemp by stack size",
        "the operand size selects BP or EBP, and FrameTemp is ESP after the push of EBP (which "
        "wraps SP on a 16-bit stack); Bochs (ENTER16_IwIb: BP = frame_ptr16; ENTER32_IwIb: "
        "frame_ptr32 = ESP after push_32, EBP = frame_ptr32) agrees with the SDM",
        "SDM vol. 2A ENTER pseudo-code (\"ELSE (* OperandSize = 16 *) BP <- FrameTemp[15:0]\"; "
        "\"IF OperandSize = 32 THEN EBP <- FrameTemp\")",
        match_enter_ebp, 0,
    },
    {
        "lxs-selector-no-wrap",
        "LDS/LES/LFS/LGS/LSS and CALL/JMP far through memory with a 16-bit address size read "
        "the selector at EA + 2 (+ 4) without wrapping the offset at 64K",
        "a far-pointer load or indirect far transfer with 16-bit addressing and EA + operand "
        "size > FFFF, Tandem's selector (if loaded) the word at base + ((EA + n) AND FFFF), and "
        "Tandem re-run with Unicorn's selector (the word at base + EA + n) placed there doing "
        "exactly what Unicorn did (registers and memory, or the same exception)",
        "16-bit effective addresses wrap at 64K; Bochs reads the selector at "
        "(eaddr + 2) & asize_mask (LES_GwMp and friends)",
        "SDM vol. 2A LDS/LES/LFS/LGS/LSS (m16:16 operand); vol. 1 3.3.6/3.7.5 (16-bit address size)",
        match_lxs_wrap, 0,
    },
    {
        "push-sreg32-dword",
        "a 32-bit PUSH of a segment register writes four bytes (the selector zero-extended), so "
        "with ESP 1-3 the write crosses 2^32 and fails (UC_ERR_WRITE_UNMAPPED)",
        "PUSH sreg with a 32-bit operand on a 32-bit stack, ESP 1-3, Tandem no exception and "
        "ESP - 4, Unicorn's write error",
        "P6 and later processors write only the selector's 16 bits into the slot (Bochs "
        "PUSH32_Sw: stack_write_word(ESP - 4)); the word at ESP - 4 lies below 2^32",
        "SDM vol. 2B PUSH (\"the segment selector is written on the stack using a 16-bit move\")",
        match_push_sreg32_wrap, 0,
    },
    {
        "mov-c6c7-reg",
        "executes C6 /1-/7 and C7 /1-/7 as MOV Ev, imm, ignoring ModRM.reg",
        "opcode C6/C7 with ModRM.reg != 0 (not the RTM forms C6 F8/C7 F8, which are skipped), "
        "Tandem #UD, Unicorn anything but #UD",
        "group 11 defines only /0 (MOV) and, with RTM, C6 F8 XABORT and C7 F8 XBEGIN; the other "
        "encodings are reserved and raise #UD",
        "SDM vol. 2D table A-6 (group 11)",
        match_mov_c6c7, 0,
    },
    {
        "retf-cs-slot-no-wrap",
        "RETF on a 16-bit stack (real mode) pops CS from SS base + SP + 2 (+ 4) without "
        "wrapping the offset at 64K",
        "RETF / RETF imm16 with SP + operand size > FFFF on a 16-bit stack, Tandem's CS (if loaded) "
        "the word at SS base + ((SP + n) AND FFFF), and Tandem re-run with Unicorn's word "
        "(at SS base + SP + n) placed there doing exactly what Unicorn did",
        "stack offsets wrap at 64K on a 16-bit stack (QEMU's own PUSHA/POPA/ENTER wrap them); "
        "Bochs pops both words with (Bit16u)(SP + k)",
        "SDM vol. 2B RET (real-address mode: \"CS <- Pop()\" with a 16-bit stack pointer); vol. 1 6.2.3",
        match_retf_wrap, 0,
    },
    {
        "hint-nop-0f18-reg",
        "raises #UD for 0F 18 /0-/3 with a register operand",
        "0F 18 with mod 11 and ModRM.reg 0-3, Unicorn #UD, Tandem no exception and nothing but EIP "
        "changed",
        "the opcode map gives 0F 18 with mod 11 as a reserved NOP (the hint-NOP space 0F 18-0F 1F); "
        "Bochs decodes every 0F 18 form as a prefetch/NOP",
        "SDM vol. 2D table A-3 (0F 18: group 16) and table A-6 (group 16, mod 11B: reserved NOP)",
        match_hint_nop_0f18, 0,
    },
    {
        "reserved-operand-load",
        "loads the memory operand of FF /7 and 0F BA /0-/3 (invalid encodings) and reports that "
        "load's fault",
        "FF /7 or 0F BA /0-/3 with a memory operand, Tandem #UD, Unicorn #GP/#SS or "
        "UC_ERR_READ_UNMAPPED",
        "#UD for a reserved encoding is raised at decode, before operands are accessed",
        "SDM vol. 2D table A-6 (group 5: /7 reserved; group 8: /0-/3 reserved); vol. 3A 6.15 "
        "(#UD), table 6-2 priorities",
        match_ff7_load, 0,
    },
    {
        "split-operand-wrap-4g",
        "reads the second part of BOUND's or a far pointer's memory operand past 2^32 "
        "(UC_ERR_READ_UNMAPPED) when its offset passes 0xffffffff",
        "BOUND, LDS/LES/LFS/LGS/LSS or CALL/JMP far through memory with 32-bit addressing, the "
        "first part ending at 0xffffffff or below and EA + its size past it, Unicorn's read "
        "error, no #GP/#SS in Tandem",
        "the two parts are separate accesses; the second one's offset wraps within the 32-bit "
        "offset space (Bochs: read_virtual_dword(seg, (eaddr + 4) & asize_mask))",
        "SDM vol. 2A BOUND (m32&32 operand: two signed dwords), LDS/LES (m16:32)",
        match_split_operand_wrap, 0,
    },
    {
        "bound-upper-no-wrap",
        "BOUND with a 16-bit address size reads the upper bound at EA + 2 (+ 4) without "
        "wrapping the offset at 64K",
        "BOUND with 16-bit addressing and EA + operand size > FFFF, Tandem re-run with "
        "Unicorn's upper bound (at base + EA + n) placed at base + ((EA + n) AND FFFF) doing "
        "exactly what Unicorn did (#BR or not)",
        "16-bit effective addresses wrap at 64K; Bochs reads the upper bound at "
        "(eaddr + 2) & asize_mask (BOUND_GwMa)",
        "SDM vol. 2A BOUND (m16&16 / m32&32 operand); vol. 1 3.3.6",
        match_bound_wrap, 0,
    },
    { NULL, NULL, NULL, NULL, NULL, NULL, 0 },
};

/* LOCK is valid only with these instructions and a memory destination
 * (SDM vol. 2A LOCK). */
static bool lock_valid(const InsnInfo *ii)
{
    if (!ii->mem)
        return false;
    uint8_t op = ii->op;
    if (!ii->two_byte) {
        if (op < 0x38 && (op & 7) < 2)
            return true;                       /* ADD OR ADC SBB AND SUB XOR Eb/Ev,G */
        if (op >= 0x80 && op <= 0x83)
            return ii->reg != 7;               /* group 1 but CMP */
        if (op == 0x86 || op == 0x87)
            return true;                       /* XCHG */
        if (op == 0xf6 || op == 0xf7)
            return ii->reg == 2 || ii->reg == 3;   /* NOT NEG */
        if (op == 0xfe || op == 0xff)
            return ii->reg <= 1;               /* INC DEC */
        return false;
    }
    switch (op) {
    case 0xab: case 0xb3: case 0xbb: case 0xb0: case 0xb1: case 0xc0: case 0xc1:
        return true;
    case 0xba:
        return ii->reg >= 5;
    case 0xc7:
        return ii->reg == 1;
    }
    return false;
}

/* Never executed: encodings that make Unicorn 2.0.1 abort the whole process
 * ("./qemu/tcg/tcg.c:3073: tcg fatal error", SIGABRT) while it translates
 * them -- also when the instruction is only a later part of the block being
 * translated, or the first one of the block at a branch target.
 *   - Invalid uses of LOCK: Unicorn either ignores the prefix (no #UD) or,
 *     for several encodings (LOCK CMP m/imm and m/r, LOCK CMPS, LOCK BT* with
 *     a register, ...), aborts.
 *   - CALL/JMP far with a register operand (FF /3, FF /5, mod 11): aborts
 *     whatever the prefixes.
 * So they are never given to Unicorn: the generator turns such a LOCK into a
 * DS override, and a stream is ended before any step whose translation could
 * reach one: the bytes from EIP to the end of the code are scanned in random
 * streams and wherever a directed stream is entered in the middle of an
 * instruction (seed 1 of the 16-bit core run: a CALL EAX the stream had not
 * set landed on F0 A7, LOCK CMPSW), and so are the targets of relative
 * branches (75 FF jumps into its own displacement: FF xx) and Tandem's next
 * EIP after an indirect branch.  Tandem's #UD for them is covered by
 * tests/unit/test-decode.c.  Should another encoding abort, engines.c
 * survives it (the SIGABRT is caught, the instance replaced) and the run
 * prints "UNICORN ABORTED ... bytes": add it here. */
UcCrash unicorn_crashers[] = {
    { "invalid-lock", "LOCK with a non-lockable instruction or a register destination "
      "(#UD per SDM vol. 2A LOCK): ignored by Unicorn, or crashes it", 0 },
    { "far-indirect-reg", "CALL/JMP far with a register operand (FF /3, FF /5, mod 3; #UD per "
      "SDM vol. 2A CALL/JMP): crashes Unicorn whatever the prefixes", 0 },
    { NULL, NULL, 0 },
};

/* The list above was established by running every opcode of both maps, with no
 * prefix, 66, F2, F3 and F0, ModRM.reg 0-7, register and memory forms, each in
 * a process of its own (only these encodings abort); millions of random-byte
 * instructions since then have not aborted Unicorn otherwise. */
UcCrash *unicorn_crash_filter(const InsnInfo *ii, bool count)
{
    int k = -1;
    if (!ii->two_byte && ii->op == 0xff && (ii->reg == 3 || ii->reg == 5) && !ii->mem)
        k = 1;
    else if (ii->lock && !lock_valid(ii))
        k = 0;
    if (k < 0)
        return NULL;
    if (count)
        unicorn_crashers[k].hits++;
    return &unicorn_crashers[k];
}

UcBug *unicorn_bug_match(const Case *c)
{
    for (UcBug *b = unicorn_bugs; b->name; b++)
        if (b->match(c)) {
            b->hits++;
            return b;
        }
    return NULL;
}
