/* The one list of Unicorn's (QEMU's) known deviations from the architecture.
 *
 * The comparator consults this table only for a case that mismatched; an entry
 * that recognises the case excuses it, the hit is counted and the run's summary
 * prints how many instructions each entry excused.  Nothing is masked silently:
 * every excused case is counted and shown with --verbose.  Each entry says what
 * Unicorn does, how the case is recognised, why Unicorn is wrong and where the
 * SDM says so. */
#include <stddef.h>
#include <math.h>
#include <string.h>

#include "tests/oracle/oracle.h"

static bool match_lock_neg(const Case *c);

enum { UC_ERR_READ_UNMAPPED_ = 6, UC_ERR_WRITE_UNMAPPED_ = 7 };   /* uc_err values */

static bool same_arch(const Regs *a, const Regs *b)
{
    for (int i = 0; i < 16; i++)
        if (reg64(a, i) != reg64(b, i))
            return false;
    if (a->eip != b->eip || a->eip_hi != b->eip_hi)
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
        int32_t off = (int32_t)reg64(&c->pre, ii->regx);
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
    if (w == 64) {
        /* the operand before the instruction (all ones outside RAM) */
        uint64_t o64;
        if (!c->pre_mem)
            return false;
        memcpy(&o64, c->pre_mem, 8);
        uint32_t f64 = (o64 == 0 ? 0x40u : 0) | (o64 >> 63 ? 0x80u : 0) | (parity8((uint32_t)o64) ? 4u : 0);
        return (c->post_u.eflags & 0xc4u) == f64;
    }
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
    if (ii->two_byte || ii->op != 0xc2 || c->mode == 16 || ii->imm < 0x8000)
        return false;
    if (c->exc_t != -1 || c->exc_u != -1)
        return false;
    Regs u = c->post_u;
    if (c->mode == 64)
        set_reg64(&u, OR_ESP, reg64(&u, OR_ESP) + 0x10000);
    else
        u.r[OR_ESP] += 0x10000;
    return same_arch(&c->post_t, &u) && c->post_t.eflags == c->post_u.eflags &&
           !(c->diff & DIFF_MEM);
}

/* 8F /1../7: only 8F /0 (POP Ev) exists; Unicorn pops anyway (and may then
 * fail on the store: an emulation error). */
static bool match_pop_8f(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return !ii->two_byte && ii->op == 0x8f && (ii->reg & 7) != 0 && c->exc_t == 6 && c->exc_u != 6;
}

/* C6 /1../7, C7 /1../7 (but the RTM forms C6 F8, C7 F8, skipped as outside
 * the CPU model): only /0 (MOV Ev, imm) exists; Unicorn moves anyway. */
static bool match_mov_c6c7(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return !ii->two_byte && (ii->op == 0xc6 || ii->op == 0xc7) && (ii->reg & 7) != 0 && c->exc_t == 6 &&
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

/* ---- 64-bit mode (UC_MODE_64 runs without paging) ---- */

static bool canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* Does the instruction address memory at or above 4 GiB (the operand, the
 * stack, a string instruction's RSI/RDI)? */
static bool touches_above_4g(const Case *c)
{
    const uint64_t top = 0x100000000ull - 256;
    const InsnInfo *ii = c->ii;
    if (ii->mem && ii_ea64(ii, &c->pre) >= top)
        return true;
    if (reg64(&c->pre, OR_ESP) >= top)
        return true;
    return ii->string && (reg64(&c->pre, OR_ESI) >= top || reg64(&c->pre, OR_EDI) >= top);
}

static bool match_unpaged_64(const Case *c)
{
    enum { UC_ERR_FETCH_UNMAPPED_ = 8 };
    int u = c->exc_u - 100;
    /* Unicorn maps all of [0, 4 GiB) (RAM, then MMIO): unmapped means an
     * access at or above 4 GiB, whatever it was (operand, stack, moffs,
     * string, bit offset) */
    (void)touches_above_4g;
    return c->mode == 64 && (c->exc_t == 12 || c->exc_t == 13 || c->exc_t == 14) &&
           (u == UC_ERR_READ_UNMAPPED_ || u == UC_ERR_WRITE_UNMAPPED_ || u == UC_ERR_FETCH_UNMAPPED_);
}

static bool match_noncanonical_branch(const Case *c)
{
    return c->mode == 64 && c->exc_t == 13 && c->exc_u == -1 && !canonical(rip64(&c->post_u));
}

/* LAHF/SAHF with a REX prefix: Unicorn's LAHF writes SPL, SAHF reads SPL. */
static bool match_lahf_sahf_rex(const Case *c)
{
    const InsnInfo *ii = c->ii;
    bool rex = false;   /* anywhere among the prefixes (Unicorn: see "rex-not-last") */
    for (int k = 0; k < 15 && (c->bytes[k] & 0xf0) != 0x90; k++)
        rex |= (c->bytes[k] & 0xf0) == 0x40;
    if (c->mode != 64 || ii->two_byte || !rex || (ii->op != 0x9f && ii->op != 0x9e) ||
        c->exc_t != -1 || c->exc_u != -1)
        return false;
    if (ii->op == 0x9f) {
        Regs t = c->post_t;
        uint8_t ah = (uint8_t)(t.r[OR_EAX] >> 8);
        t.r[OR_EAX] = (t.r[OR_EAX] & ~0xff00u) | (c->pre.r[OR_EAX] & 0xff00u);
        t.r[OR_ESP] = (t.r[OR_ESP] & ~0xffu) | ah;
        return same_arch(&t, &c->post_u) && t.eflags == c->post_u.eflags;
    }
    uint32_t m = 0xd5;   /* SF ZF AF PF CF */
    return same_arch(&c->post_t, &c->post_u) &&
           ((c->post_u.eflags ^ c->pre.r[OR_ESP]) & m) == 0 &&
           ((c->post_u.eflags ^ c->post_t.eflags) & ~m) == 0;
}

/* C6/C7 /0 (MOV Ev, imm) with REX.R: Unicorn raises #UD. */
static bool match_mov_c6c7_rexr(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return c->mode == 64 && !ii->two_byte && (ii->op == 0xc6 || ii->op == 0xc7) && (ii->rex & 4) &&
           (ii->reg & 7) == 0 && c->exc_u == 6 && c->exc_t != 6;
}

/* CMPXCHG r32, r32 whose comparison fails: Unicorn zero-extends the
 * destination register (a 32-bit write) although it is not written. */
static bool match_cmpxchg_r32_zext(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (c->mode != 64 || !ii->two_byte || ii->op != 0xb1 || ii->osize != 32 || c->exc_t != -1 ||
        c->exc_u != -1)
        return false;
    /* failed: a register destination; succeeded: the accumulator */
    bool equal = c->post_t.eflags & 0x40;
    if (!equal && ii->mem)
        return false;
    Regs t = c->post_t;
    int r = equal ? OR_EAX : ii->rmx;
    set_reg64(&t, r, (uint32_t)reg64(&t, r));
    return same_arch(&t, &c->post_u) && t.eflags == c->post_u.eflags;
}

/* Near branches with 66 in 64-bit mode: Unicorn uses a 16-bit operand size. */
static bool match_near_branch_66(const Case *c)
{
    const InsnInfo *ii = c->ii;
    uint8_t op = ii->op;
    bool branch = ii->two_byte ? (op >= 0x80 && op <= 0x8f)
                : (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3) || op == 0xe8 || op == 0xe9 ||
                  op == 0xeb || op == 0xc2 || op == 0xc3 || (op == 0xff && ((ii->reg & 7) == 2 || (ii->reg & 7) == 4));
    /* Tandem may fault on the 64-bit target it read (non-canonical) */
    return c->mode == 64 && branch && ii->opsize_pfx && !(ii->rex & 8) &&
           (c->exc_t == -1 || c->exc_t == 13) && c->exc_u == -1 && rip64(&c->post_u) <= 0xffff;
}

/* SHLD/SHRD Ev, Gv, imm8 with a RIP-relative operand: Unicorn's address
 * leaves out the imm8 (one byte lower).  Recognised by re-running Tandem with
 * the displacement one less: Unicorn's outcome exactly. */
static bool match_riprel_shxd(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (c->mode != 64 || !ii->two_byte || (ii->op != 0xa4 && ii->op != 0xac) || !ii->riprel ||
        !c->rerun_poke || !c->write_t || !c->pre_mem || c->exc_u != c->exc_t)
        return false;
    /* Tandem's operand back to its value before the instruction, then the
     * instruction with the displacement one less */
    uint64_t ea = ii_ea64(ii, &c->pre);
    if (ea >= 0x100000000ull || !c->write_t(c->ctx, (uint32_t)ea, c->pre_mem, ii->osize / 8))
        return false;
    int32_t d = ii->disp - 1;
    uint8_t b[4];
    memcpy(b, &d, 4);
    Regs post;
    int exc = c->rerun_poke(c->ctx, false, c->pre.eip + (uint32_t)ii->len - 5, b, 4, &post);
    if (exc != c->exc_u)
        return false;
    Undef un;
    insn_undefined(ii, c->bytes, &c->pre, &c->post_u, c->mode, &un);
    /* a count above the operand size leaves the result undefined */
    /* (the comparator gave Unicorn Tandem's undefined bytes at ea) */
    bool mem = un.mem_result ? c->mem_same_but(c->ctx, (uint32_t)ea - 1, (uint32_t)ii->osize / 8 + 1)
                             : c->mem_same(c->ctx);
    return same_arch(&post, &c->post_u) && ((post.eflags ^ c->post_u.eflags) & ~un.flags) == 0 && mem;
}

/* 64-bit mode: a REX prefix followed by a legacy prefix is ignored; Unicorn
 * applies the last REX wherever it is among the prefixes.  Recognised by
 * re-running Tandem (its memory operand restored first) with that REX moved
 * right before the opcode (the other REX bytes become DS prefixes, which do
 * nothing in 64-bit mode, at the front): exactly Unicorn's outcome. */
static bool match_rex_not_last(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (c->mode != 64 || !c->rerun_poke || !c->write_t)
        return false;
    uint8_t w[15];
    int n = 0, nrex = 0, i;
    uint8_t last = 0;
    bool misplaced = false;
    for (i = 0; i < 15; i++) {
        uint8_t b = c->bytes[i];
        bool legacy = b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 ||
                      b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3;
        if ((b & 0xf0) == 0x40) {
            last = b;
            nrex++;
        } else if (legacy) {
            misplaced |= nrex > 0;
        } else {
            break;
        }
    }
    if (!misplaced || ii->rex || i >= 14)
        return false;
    for (int k = 0; k < nrex - 1; k++)
        w[n++] = 0x3e;
    for (int k = 0; k < i; k++)
        if ((c->bytes[k] & 0xf0) != 0x40)
            w[n++] = c->bytes[k];
    w[n++] = last;
    memcpy(w + n, c->bytes + i, (size_t)(15 - n));
    /* C6/C7 /0 with that REX.R: Unicorn's #UD ("mov-c6c7-rex-r") */
    uint8_t opc = c->bytes[i];
    if ((opc == 0xc6 || opc == 0xc7) && (last & 4) && (ii->reg & 7) == 0 && c->exc_u == 6)
        return true;
    if (ii->mem && c->pre_mem) {
        uint64_t ea = ii_ea64(ii, &c->pre);
        if (ea < 0x100000000ull)
            c->write_t(c->ctx, (uint32_t)ea, c->pre_mem, 16);
    }
    Regs post;
    int exc = c->rerun_poke(c->ctx, false, c->pre.eip, w, 15, &post);
    int u = c->exc_u - 100;
    bool unpaged = (exc == 12 || exc == 13 || exc == 14) && u >= 6 && u <= 8;   /* "unpaged-64" */
    bool noncanon = exc == 13 && c->exc_u == -1 && !canonical(rip64(&c->post_u));   /* "noncanonical-branch" */
    if (exc != c->exc_u && !unpaged && !noncanon)
        return false;
    if (exc >= 0)
        return true;
    Undef un;
    insn_undefined(ii, c->bytes, &c->pre, &c->post_u, c->mode, &un);
    /* PUSH FS/GS made 64-bit by the REX.W: the slot's upper 6 bytes are
     * undefined (Tandem writes the selector's 16 bits) */
    bool push_sreg = ii->two_byte && (ii->op == 0xa0 || ii->op == 0xa8) && (last & 8);
    uint64_t slot = reg64(&c->pre, OR_ESP) - 8;
    bool mem = push_sreg && slot < 0x100000000ull ? c->mem_same_but(c->ctx, (uint32_t)slot + 2, 6)
                                                  : c->mem_same(c->ctx);
    return same_arch(&post, &c->post_u) && ((post.eflags ^ c->post_u.eflags) & ~un.flags) == 0 && mem;
}
/* (Not recognised: an instruction whose REX-applied operand is its own
 * prefix bytes, which the re-run rearranges: FINDINGS.md.) */

/* MOV SS, null selector with RPL != CPL in 64-bit mode: Unicorn loads it. */
static bool match_null_ss_rpl(const Case *c)
{
    const InsnInfo *ii = c->ii;
    bool load_ss = ii->two_byte ? ii->op == 0xb2 && ii->mem : ii->op == 0x8e && ii->reg == 2;
    return c->mode == 64 && load_ss && c->exc_t == 13 && c->exc_u == -1 &&
           !(c->post_u.seg[OS_SS] & 0xfffc) && (c->post_u.seg[OS_SS] & 3) != 0;
}

/* MOVSXD with 66 (MOVSXD r16, r/m16): Unicorn reads 32 bits. */
static bool match_movsxd16(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (c->mode != 64 || ii->two_byte || ii->op != 0x63 || !ii->mem || ii->osize != 16 || c->exc_t != -1 ||
        c->exc_u != 100 + UC_ERR_READ_UNMAPPED_)
        return false;
    uint64_t ea = ii_ea64(ii, &c->pre);
    return ea + 2 <= 0x100000000ull && ea + 4 > 0x100000000ull;
}

/* Far CALL (FF /3) in 64-bit mode with a 16-bit SS loaded (SS.B = 0):
 * Unicorn pushes CS:RIP at (RSP - n) & 0xFFFF, as outside long mode.
 * Recognised: only memory differs, and with Tandem's frame copied to the
 * wrapped address Tandem's RAM differs from Unicorn's only at its frame. */
static bool match_farcall_sp16(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (c->mode != 64 || ii->two_byte || ii->op != 0xff || ii->reg != 3 || !ii->mem || c->exc_t != -1 ||
        c->exc_u != -1 || c->diff != DIFF_MEM || !c->read_lin || !c->write_t)
        return false;
    unsigned n = 2 * (unsigned)(ii->osize / 8);
    uint64_t sp = reg64(&c->pre, OR_ESP) - n;
    uint32_t wrapped = (uint32_t)(sp & 0xffff);
    if (sp >= 0x100000000ull - 16 || wrapped == sp || n > 16)
        return false;
    uint8_t frame[16];
    for (unsigned k = 0; k < n; k++) {
        uint32_t v;
        c->read_lin(c->ctx, (uint32_t)sp + k, 1, &v);
        frame[k] = (uint8_t)v;
    }
    return c->write_t(c->ctx, wrapped, frame, (int)n) && c->mem_same_but(c->ctx, (uint32_t)sp, n);
}

/* ENTER whose final RSP is not writable: Unicorn does not probe it. */
static bool match_enter_final_probe(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return c->mode == 64 && !ii->two_byte && ii->op == 0xc8 && c->exc_u == -1 &&
           (c->exc_t == 14 || c->exc_t == 12) && reg64(&c->post_u, OR_ESP) >= 0x100000000ull - 8;
}

/* ---- MMX/SSE (sse and mmx families) ---- */
/* The opcode map (0x0f, 0x0f38, 0x0f3a) and last opcode byte of a SIMD
 * instruction, past its prefixes. */
static bool simd_opcode(const Case *c, uint32_t *map, uint8_t *op)
{
    const uint8_t *b = c->bytes;
    int p = 0;
    while (p < 14 && (b[p] == 0x66 || b[p] == 0xf2 || b[p] == 0xf3 || b[p] == 0x67 || b[p] == 0xf0 ||
                      b[p] == 0x26 || b[p] == 0x2e || b[p] == 0x36 || b[p] == 0x3e || b[p] == 0x64 ||
                      b[p] == 0x65 || (c->mode == 64 && (b[p] & 0xf0) == 0x40)))
        p++;
    if (b[p] != 0x0f)
        return false;
    if (b[p + 1] == 0x38 || b[p + 1] == 0x3a) {
        *map = 0x0f00u | b[p + 1];
        *op = b[p + 2];
    } else {
        *map = 0x0f;
        *op = b[p + 1];
    }
    return true;
}

static bool f32_denormal(uint32_t x) { return !(x & 0x7f800000u) && (x & 0x007fffffu); }
static bool f64_denormal(uint64_t x) { return !(x & 0x7ff0000000000000ull) && (x & 0x000fffffffffffffull); }

static bool f32_nan(uint32_t x) { return (x & 0x7f800000u) == 0x7f800000u && (x & 0x007fffffu); }
static bool f64_nan(uint64_t x) { return (x & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (x << 12); }

/* Every XMM lane where the engines differ (as a double, or as two singles) is
 * explained: zd, a zero in Tandem and a denormal in Unicorn (the sign may
 * differ too: an intermediate result of DPPS/HSUBPD flushed in Tandem);
 * nan, a NaN in both. */
static bool lane_ok(uint64_t a, uint64_t b, bool zd, bool nan, bool dbl)
{
    if (a == b)
        return true;
    if (dbl)
        return (zd && !(a << 1) && f64_denormal(b)) || (nan && f64_nan(a) && f64_nan(b));
    return (zd && !((uint32_t)a << 1) && f32_denormal((uint32_t)b)) || (nan && f32_nan((uint32_t)a) && f32_nan((uint32_t)b));
}

static bool lanes_explained(const Case *c, bool zd, bool nan)
{
    const Simd *t = &c->post_t.v, *u = &c->post_u.v;
    bool any = false;
    for (int i = 0; i < 16; i++)
        for (int k = 0; k < 2; k++) {
            uint64_t a, b;
            memcpy(&a, t->xmm[i] + 8 * k, 8);
            memcpy(&b, u->xmm[i] + 8 * k, 8);
            if (a == b)
                continue;
            any = true;
            if (lane_ok(a, b, zd, nan, true))
                continue;
            for (int h = 0; h < 2; h++)
                if (!lane_ok((uint32_t)(a >> (32 * h)), (uint32_t)(b >> (32 * h)), zd, nan, false))
                    return false;
        }
    return any;
}

static bool lanes_zero_vs_denormal(const Case *c) { return lanes_explained(c, true, false); }

static bool only_xmm_and_flags_differ(const Case *c)
{
    const Simd *t = &c->post_t.v, *u = &c->post_u.v;
    return c->diff == DIFF_SIMD && !memcmp(t->mm, u->mm, sizeof t->mm) &&
           ((t->mxcsr ^ u->mxcsr) & ~0x3fu) == 0;
}

/* Every XMM lane where the engines differ is a NaN in both (with FTZ or DAZ
 * set, other lanes may be a zero against a denormal, see sse-ftz/sse-daz). */
static bool match_sse_nan_choice(const Case *c)
{
    return only_xmm_and_flags_differ(c) && lanes_explained(c, (c->pre.v.mxcsr & 0x8040) != 0, true);
}

/* DPPS/DPPD: only the destination differs, and only in the lanes that got
 * the sum: one value in Tandem, one in Unicorn (the sums differ). */
static bool match_sse_dp_sum_order(const Case *c)
{
    uint32_t map;
    uint8_t op;
    if (!simd_opcode(c, &map, &op) || map != 0x0f3a || (op != 0x40 && op != 0x41) || !only_xmm_and_flags_differ(c))
        return false;
    const Simd *ts = &c->post_t.v, *us = &c->post_u.v;
    for (int i = 0; i < 16; i++)
        if (i != c->ii->regx && memcmp(ts->xmm[i], us->xmm[i], 16))
            return false;
    unsigned w = op == 0x40 ? 4 : 8;
    uint64_t tv = 0, uv = 0;
    bool seen = false;
    for (unsigned k = 0; k < 16; k += w) {
        uint64_t x = 0, y = 0;
        memcpy(&x, ts->xmm[c->ii->regx] + k, w);
        memcpy(&y, us->xmm[c->ii->regx] + k, w);
        if (x == y)
            continue;
        if (seen && (x != tv || y != uv))
            return false;
        tv = x;
        uv = y;
        seen = true;
    }
    return seen;
}

/* PCMPESTRI/M, PCMPISTRI/M: only ECX, XMM0 and the flags differ. */
static bool match_sse42_pcmpstr(const Case *c)
{
    uint32_t map;
    uint8_t op;
    if (!simd_opcode(c, &map, &op) || map != 0x0f3a || op < 0x60 || op > 0x63 || (c->diff & ~(DIFF_SIMD | DIFF_GPR | DIFF_FLAGS)) ||
        c->exc_t != c->exc_u)
        return false;
    for (int i = 0; i < 16; i++)
        if (i != OR_ECX && reg64(&c->post_t, i) != reg64(&c->post_u, i))
            return false;
    const Simd *t = &c->post_t.v, *u = &c->post_u.v;
    return !memcmp(t->xmm[1], u->xmm[1], sizeof t->xmm - 16) && !memcmp(t->mm, u->mm, sizeof t->mm) &&
           t->mxcsr == u->mxcsr;
}

/* MXCSR.FTZ: Tandem flushes a tiny result to zero, Unicorn keeps the denormal. */
static bool match_sse_ftz(const Case *c)
{
    return (c->pre.v.mxcsr & 0x8000) && only_xmm_and_flags_differ(c) && lanes_zero_vs_denormal(c);
}

/* MXCSR.DAZ: Tandem delivers a denormal source as zero (MIN/MAX returning it). */
static bool match_sse_daz(const Case *c)
{
    return (c->pre.v.mxcsr & 0x40) && only_xmm_and_flags_differ(c) && lanes_zero_vs_denormal(c);
}

/* RCPPS/RCPSS/RSQRTPS/RSQRTSS: lanes differ by less than the architectural
 * approximation error (1.5 * 2^-12 relative to the exact value; checked as
 * 2^-11 between the two engines' results). */
static bool match_sse_rcp_precision(const Case *c)
{
    uint32_t map;
    uint8_t op;
    if (!simd_opcode(c, &map, &op) || map != 0x0f || (op != 0x52 && op != 0x53) || !only_xmm_and_flags_differ(c))
        return false;
    const Simd *t = &c->post_t.v, *u = &c->post_u.v;
    for (int i = 0; i < 16; i++)
        for (int k = 0; k < 4; k++) {
            uint32_t x, y;
            memcpy(&x, t->xmm[i] + 4 * k, 4);
            memcpy(&y, u->xmm[i] + 4 * k, 4);
            if (x == y)
                continue;
            float fx, fy;
            memcpy(&fx, &x, 4);
            memcpy(&fy, &y, 4);
            /* denormal sources: Tandem (like the hardware) gives an infinity where
             * Unicorn divides; tiny reciprocals are zero in Tandem; RSQRT of a
             * negative denormal is -inf in Tandem, Unicorn's QNaN indefinite */
            if (isinf(fx) && isfinite(fy) && fabs(fy) >= 0x1p63 && signbit(fx) == signbit(fy))
                continue;
            if (fx == 0 && !(y & 0x7f800000u) && signbit(fx) == signbit(fy))
                continue;
            if (x == 0xff800000u && y == 0xffc00000u && op == 0x52)
                continue;
            if (!isfinite(fx) || !isfinite(fy) || fy == 0 || fabs((double)fx - fy) > fabs((double)fy) / 2048)
                return false;
        }
    return true;
}

/* PHADD/PHSUB (0F 38 01-07) with the same register as both operands: the
 * source half of Unicorn's result is computed from the already updated
 * destination (Tandem's high half repeats its low half, as it must). */
static bool match_ssse3_horizontal_alias(const Case *c)
{
    uint32_t map;
    uint8_t op;
    const InsnInfo *ii = c->ii;
    if (!simd_opcode(c, &map, &op) || map != 0x0f38 || op < 0x01 || op > 0x07 || op == 0x04 || ii->mem ||
        ii->regx != ii->rmx || c->diff != DIFF_SIMD)
        return false;
    const uint8_t *t = c->post_t.v.xmm[ii->regx];
    bool mmx = ii->opsize_pfx == false;
    if (mmx)
        return c->post_t.v.mm[ii->reg] != c->post_u.v.mm[ii->reg] &&
               (uint32_t)c->post_t.v.mm[ii->reg] == (uint32_t)(c->post_t.v.mm[ii->reg] >> 32);
    return !memcmp(t, t + 8, 8);
}


/* Only MXCSR differs, in its exception flags, and Unicorn's are a subset of Tandem's. */
static bool match_sse_mxcsr_flags(const Case *c)
{
    const Simd *t = &c->post_t.v, *u = &c->post_u.v;
    if (c->diff != DIFF_SIMD || memcmp(t->xmm, u->xmm, sizeof t->xmm) || memcmp(t->mm, u->mm, sizeof t->mm))
        return false;
    return ((t->mxcsr ^ u->mxcsr) & ~0x3fu) == 0 && (u->mxcsr & ~t->mxcsr & 0x3fu) == 0;
}

/* Tandem #GP(0), Unicorn runs it: a 16-byte memory operand not 16-byte aligned. */
static bool match_sse_no_align_check(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (ii->klass != IC_SIMD || !ii->mem || c->exc_t != 13 || c->exc_u != -1)
        return false;
    uint32_t ea = ii_ea(ii, &c->pre), lin = c->seg_base + ea;
    if (c->mode == 16 && ea > 0xfff0)
        return false;       /* maybe the 64 KiB limit instead (no-segment-checks) */
    return (lin & 15) != 0;
}

/* CMPPS/PD/SS/SD (0F C2) with imm8 > 7: Unicorn #UD, Tandem compares by imm8[2:0]. */
static bool match_sse_cmp_imm(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return ii->two_byte && ii->op == 0xc2 && ii->imm_len == 1 && (ii->imm & 0xff) > 7 && c->exc_u == 6 &&
           (c->exc_t == -1 || c->exc_t == 13);
}

/* ---- x87 (the x87 family) ---- */

/* ST(i) was empty in state f. */
static bool x87_empty(const X87Regs *f, unsigned i)
{
    unsigned top = (f->sw >> 11) & 7;
    return !((f->tag >> ((top + i) & 7)) & 1);
}

/* The x87 registers, tags and CW agree, and FSW differs only in the
 * exception flags (Unicorn's a subset of Tandem's), ES, B and C1. */
static bool x87_flags_only(const Case *c)
{
    const X87Regs *t = &c->post_t.f, *u = &c->post_u.f;
    if (memcmp(t->mant, u->mant, sizeof t->mant) || memcmp(t->se, u->se, sizeof t->se) ||
        t->cw != u->cw || t->tag != u->tag)
        return false;
    return ((t->sw ^ u->sw) & ~0x82bfu) == 0 && (u->sw & 0x3f & ~t->sw) == 0;
}

static bool match_x87_flags(const Case *c)
{
    return c->diff == DIFF_X87 && x87_flags_only(c);
}

/* Tandem reports a stack fault (SF and IE newly set) that Unicorn does not,
 * and the state before shows one: an operand register (ST0, ST1 or the
 * ModRM's ST(i)) empty, or ST7 full for a push. */
static bool match_x87_stack_fault(const Case *c)
{
    const X87Regs *p = &c->pre.f, *t = &c->post_t.f, *u = &c->post_u.f;
    if (!(c->diff & DIFF_X87) || (c->diff & (DIFF_EIP | DIFF_SEG | DIFF_EXC)) || c->ii->klass != IC_FPU)
        return false;
    if ((t->sw & 0x41) != 0x41 || (u->sw & 0x40) || (p->sw & 0x40))
        return false;
    unsigned i = c->ii->has_modrm && !c->ii->mem ? c->ii->rm : 1;
    return x87_empty(p, 0) || x87_empty(p, 1) || x87_empty(p, i) || !x87_empty(p, 7);
}

/* FCOMI/FCOMIP/FUCOMI/FUCOMIP: Unicorn keeps OF, SF and AF. */
static bool match_x87_fcomi_osa(const Case *c)
{
    const InsnInfo *ii = c->ii;
    enum { OSA = 0x800 | 0x80 | 0x10 };
    if (ii->two_byte || (ii->op != 0xdb && ii->op != 0xdf) || ii->mem || (ii->reg != 5 && ii->reg != 6))
        return false;
    if (!(c->diff & DIFF_FLAGS) || (c->diff & ~(DIFF_FLAGS | DIFF_X87)))
        return false;
    if ((c->diff & DIFF_X87) && !x87_flags_only(c))
        return false;
    uint32_t t = c->post_t.eflags, u = c->post_u.eflags;
    return ((t ^ u) & ~OSA) == 0 && (t & OSA) == 0 && (u & OSA) == (c->pre.eflags & OSA);
}

/* Physical register of ST(i) in state f. */
static unsigned x87_phys(const X87Regs *f, unsigned i) { return (((unsigned)f->sw >> 11) + i) & 7; }

enum { XK_ZERO, XK_DENORMAL, XK_PSEUDO_DENORMAL, XK_NORMAL, XK_INF, XK_QNAN, XK_SNAN, XK_UNSUPPORTED };

static int x87_kind(const X87Regs *f, unsigned i)
{
    unsigned p = x87_phys(f, i), e = f->se[p] & 0x7fff;
    uint64_t m = f->mant[p];
    if (e == 0)
        return m == 0 ? XK_ZERO : (m >> 63) ? XK_PSEUDO_DENORMAL : XK_DENORMAL;
    if (!(m >> 63))
        return XK_UNSUPPORTED;
    if (e == 0x7fff)
        return (m << 1) == 0 ? XK_INF : (m >> 62) & 1 ? XK_QNAN : XK_SNAN;
    return XK_NORMAL;
}

static bool x87_reg_form(const Case *c, uint8_t op, uint8_t lo, uint8_t hi)
{
    const InsnInfo *ii = c->ii;
    return !ii->two_byte && ii->op == op && !ii->mem && ii->modrm >= lo && ii->modrm <= hi;
}

static bool x87_mem_form(const Case *c, uint8_t op, unsigned regs)
{
    const InsnInfo *ii = c->ii;
    return !ii->two_byte && ii->op == op && ii->mem && ((regs >> (ii->reg & 7)) & 1);
}

/* Tandem newly raised IE and Unicorn did not. */
static bool x87_tandem_ie(const Case *c)
{
    return (c->post_t.f.sw & 1) && !(c->pre.f.sw & 1) && !(c->post_u.f.sw & 1);
}

static bool x87_regs_same(const Case *c)
{
    const X87Regs *t = &c->post_t.f, *u = &c->post_u.f;
    return !memcmp(t->mant, u->mant, sizeof t->mant) && !memcmp(t->se, u->se, sizeof t->se) &&
           t->tag == u->tag && t->cw == u->cw;
}

static bool x87_only(const Case *c, uint32_t also)
{
    return c->exc_t < 0 && c->exc_u < 0 && (c->diff & DIFF_X87) && !(c->diff & ~(DIFF_X87 | also));
}

/* An operand of the instruction (ST0, ST1, the ModRM's ST(i)) is a
 * pseudo-denormal or an unsupported encoding. */
static bool match_x87_noncanonical(const Case *c)
{
    if (c->ii->klass != IC_FPU || c->ii->op == 0x9b || c->exc_t >= 0 || c->exc_u >= 0 ||
        (c->diff & ~(DIFF_X87 | DIFF_MEM | DIFF_FLAGS | DIFF_GPR)))
        return false;
    unsigned i = c->ii->mem ? 0 : c->ii->rm;
    unsigned regs[3] = { 0, 1, i };
    for (int k = 0; k < 3; k++) {
        int kind = x87_kind(&c->pre.f, regs[k]);
        bool empty = x87_empty(&c->pre.f, regs[k]);
        if (!empty && (kind == XK_PSEUDO_DENORMAL || kind == XK_UNSUPPORTED))
            return true;
    }
    return false;
}

/* Transcendentals: same stack effect, flags as for x87-no-exception-flags;
 * the values are not compared (QEMU's come from double functions). */
static bool match_x87_transcendental(const Case *c)
{
    static const uint8_t ops[] = { 0xf0, 0xf1, 0xf2, 0xf3, 0xf9, 0xfb, 0xfe, 0xff };
    bool trans = false;
    for (size_t k = 0; k < sizeof ops; k++)
        trans |= x87_reg_form(c, 0xd9, ops[k], ops[k]);
    if (!trans || c->diff != DIFF_X87)
        return false;
    const X87Regs *t = &c->post_t.f, *u = &c->post_u.f;
    return t->tag == u->tag && t->cw == u->cw && ((t->sw ^ u->sw) & ~0x82bfu) == 0;
}

/* FSIN/FCOS/FSINCOS/FPTAN with |ST0| >= 2^63: Unicorn computes instead of
 * setting C2 and leaving the operand. */
static bool match_x87_trig_range(const Case *c)
{
    bool f = x87_reg_form(c, 0xd9, 0xf2, 0xf2) || x87_reg_form(c, 0xd9, 0xfb, 0xfb) ||
             x87_reg_form(c, 0xd9, 0xfe, 0xff);
    if (!f || !x87_only(c, 0) || x87_empty(&c->pre.f, 0) || x87_kind(&c->pre.f, 0) != XK_NORMAL)
        return false;
    unsigned e = c->pre.f.se[x87_phys(&c->pre.f, 0)] & 0x7fff;
    return e >= 0x3fff + 63 && (c->post_t.f.sw & 0x400) && !(c->post_u.f.sw & 0x400);
}

/* FLD m32/m64 of an SNaN: Unicorn pushes it without setting the quiet bit. */
static bool match_x87_snan_load(const Case *c)
{
    if (!(x87_mem_form(c, 0xd9, 0x01) || x87_mem_form(c, 0xdd, 0x01)) || c->diff != DIFF_X87)
        return false;
    const X87Regs *t = &c->post_t.f, *u = &c->post_u.f;
    if (t->tag != u->tag || ((t->sw ^ u->sw) & ~0x82bfu))
        return false;
    for (int i = 0; i < 8; i++)
        if (t->se[i] != u->se[i] || (t->mant[i] ^ u->mant[i]) & ~(1ull << 62))
            return false;
    return true;
}

/* FSQRT, FYL2X, FYL2XP1 and the trigonometric functions of invalid or NaN
 * operands: Unicorn sets C2 and leaves the stack; Tandem raised IE or
 * propagated the NaN operand. */
static bool match_x87_domain_c2(const Case *c)
{
    bool f = x87_reg_form(c, 0xd9, 0xfa, 0xfa) || x87_reg_form(c, 0xd9, 0xf1, 0xf1) ||
             x87_reg_form(c, 0xd9, 0xf9, 0xf9) || x87_reg_form(c, 0xd9, 0xf2, 0xf2) ||
             x87_reg_form(c, 0xd9, 0xfb, 0xfb) || x87_reg_form(c, 0xd9, 0xfe, 0xff);
    /* Unicorn: C2 and the stack as it was */
    return f && x87_only(c, 0) && (c->post_u.f.sw & 0x400) && !((c->post_u.f.sw ^ c->pre.f.sw) & 0x3800);
}

static bool match_x87_fprem(const Case *c)
{
    return (x87_reg_form(c, 0xd9, 0xf8, 0xf8) || x87_reg_form(c, 0xd9, 0xf5, 0xf5)) && x87_only(c, 0);
}

/* FSCALE and FXTRACT (through doubles in QEMU 5). */
static bool match_x87_scale_xtract(const Case *c)
{
    return (x87_reg_form(c, 0xd9, 0xfd, 0xfd) || x87_reg_form(c, 0xd9, 0xf4, 0xf4)) && x87_only(c, 0);
}

/* FST/FSTP ST(i) into an empty ST(i): Unicorn leaves its tag empty. */
static bool match_x87_fst_tag(const Case *c)
{
    bool f = x87_reg_form(c, 0xdd, 0xd0, 0xdf) || x87_reg_form(c, 0xd9, 0xd8, 0xdf) ||
             x87_reg_form(c, 0xdf, 0xd0, 0xdf);
    if (!f || c->diff != DIFF_X87)
        return false;
    const X87Regs *t = &c->post_t.f, *u = &c->post_u.f;
    if (memcmp(t->mant, u->mant, sizeof t->mant) || memcmp(t->se, u->se, sizeof t->se) ||
        ((t->sw ^ u->sw) & ~0x4700u))
        return false;
    unsigned bit = 1u << x87_phys(&c->pre.f, c->ii->rm);
    return (t->tag ^ u->tag) == bit && (t->tag & bit) && x87_empty(&c->pre.f, c->ii->rm);
}

/* FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 under RC != nearest: Unicorn loads the
 * round-to-nearest constant (one ulp away). */
static bool match_x87_const_rc(const Case *c)
{
    if (!x87_reg_form(c, 0xd9, 0xe9, 0xed) || c->diff != DIFF_X87 || !((c->pre.f.cw >> 10) & 3))
        return false;
    const X87Regs *t = &c->post_t.f, *u = &c->post_u.f;
    unsigned p = (x87_phys(&c->pre.f, 0) + 7) & 7;
    if (t->tag != u->tag || t->cw != u->cw || ((t->sw ^ u->sw) & ~0x82bfu) || t->se[p] != u->se[p])
        return false;
    for (unsigned i = 0; i < 8; i++)
        if (i != p && (t->mant[i] != u->mant[i] || t->se[i] != u->se[i]))
            return false;
    return t->mant[p] + 1 == u->mant[p] || u->mant[p] + 1 == t->mant[p];
}

/* FIST/FISTP/FISTTP/FBSTP out of range (or NaN, infinity): Tandem raises IE
 * (and stores the integer or BCD indefinite), Unicorn stores something else. */
static bool match_x87_int_store(const Case *c)
{
    bool f = x87_mem_form(c, 0xdb, 0x0e) || x87_mem_form(c, 0xdd, 0x02) || x87_mem_form(c, 0xdf, 0xce);
    if (!f || c->exc_t >= 0 || c->exc_u >= 0 || (c->diff & ~(DIFF_X87 | DIFF_MEM)))
        return false;
    if (!(c->post_t.f.sw & 1) || (c->post_t.f.sw & 0x40) || (!(c->pre.f.sw & 1) && (c->post_u.f.sw & 1)))
        return false;
    /* Tandem stored the indefinite: the top of the integer, or BCD bytes 6-9 */
    const InsnInfo *ii = c->ii;
    uint32_t lin = c->seg_base + ii_ea(ii, &c->pre), v = 0;
    unsigned r = ii->reg & 7;
    if (ii->op == 0xdf && r == 6)
        return c->read_lin(c->ctx, lin + 6, 4, &v) && v == 0xffffc000u;
    if (ii->op == 0xdf && r <= 3)
        return c->read_lin(c->ctx, lin, 2, &v) && (v & 0xffff) == 0x8000;
    if (ii->op == 0xdb)
        return c->read_lin(c->ctx, lin, 4, &v) && v == 0x80000000u;
    return c->read_lin(c->ctx, lin + 4, 4, &v) && v == 0x80000000u;
}

/* FBSTP of a negative number that rounds to zero: Unicorn stores sign byte 0. */
static bool match_x87_fbstp_negzero(const Case *c)
{
    if (!x87_mem_form(c, 0xdf, 0x40) || c->exc_t >= 0 || c->exc_u >= 0 || (c->diff & ~(DIFF_X87 | DIFF_MEM)))
        return false;
    if (!(c->pre.f.se[x87_phys(&c->pre.f, 0)] & 0x8000) || x87_tandem_ie(c))
        return false;
    uint32_t lin = c->seg_base + ii_ea(c->ii, &c->pre), v = 0;
    return c->mem_same_but(c->ctx, lin + 9, 1) && c->read_t(c->ctx, c->ii, 4, &v) && v == 0;
}

/* FST/FSTP m32/m64 of an SNaN: Unicorn stores it without the quiet bit. */
static bool match_x87_snan_store(const Case *c)
{
    bool f = x87_mem_form(c, 0xd9, 0x0c) || x87_mem_form(c, 0xdd, 0x0c);
    return f && c->exc_t < 0 && c->exc_u < 0 && !(c->diff & ~(DIFF_X87 | DIFF_MEM)) &&
           !x87_empty(&c->pre.f, 0) && x87_kind(&c->pre.f, 0) == XK_SNAN;
}

/* 0/0 or a NaN divided by 0: Unicorn raises ZE; Tandem IE (or nothing more
 * for a QNaN). */
static bool match_x87_zero_by_zero(const Case *c)
{
    const InsnInfo *ii = c->ii;
    bool div = !ii->two_byte && (ii->op == 0xd8 || ii->op == 0xdc || ii->op == 0xda || ii->op == 0xde) &&
               (ii->reg & 7) >= 6;
    if (!div || c->diff != DIFF_X87 || !x87_regs_same(c))
        return false;
    const X87Regs *t = &c->post_t.f, *u = &c->post_u.f;
    return !(t->sw & 4) && (u->sw & 4) && ((t->sw ^ u->sw) & ~0x82bfu) == 0;
}

UcBug unicorn_bugs[] = {
    {
        "sse-mxcsr-flags",
        "SIMD floating-point instructions do not set the MXCSR exception flags (IE DE ZE OE UE PE); "
        "they stay as they were",
        "only MXCSR differs, only in bits 0-5, and Unicorn's flags are a subset of Tandem's; the "
        "stream goes on with Tandem's MXCSR given to Unicorn",
        "the flags are sticky status bits every SSE/SSE2 FP operation sets for the exceptions it "
        "detects, masked or not (QEMU 5, which Unicorn 2 is, keeps them in its softfloat status "
        "and never folds them into MXCSR); the flag logic is checked by tests/unit/test-sse.c",
        "SDM vol. 1 10.2.3.1 (MXCSR exception flags), 11.5.1",
        match_sse_mxcsr_flags, 0, true,
    },
    {
        "sse-no-align-check",
        "a legacy SSE instruction with a misaligned 16-byte memory operand (MOVAPS, MOVDQA, "
        "packed arithmetic...) runs instead of raising #GP(0)",
        "Tandem #GP, Unicorn no exception, SIMD instruction whose memory operand's linear address "
        "is not a multiple of 16",
        "legacy SSE instructions with 128-bit memory operands require 16-byte alignment except "
        "the unaligned moves (MOVUPS, MOVDQU, LDDQU...); QEMU TCG does not check it",
        "SDM vol. 1 11.4.1 (alignment of 128-bit memory operands), vol. 2 MOVAPS \"#GP(0) if a "
        "memory operand is not aligned on a 16-byte boundary\"",
        match_sse_no_align_check, 0, false,
    },
    {
        "sse-cmp-imm8",
        "CMPPS/CMPPD/CMPSS/CMPSD with imm8 above 7 raise #UD",
        "0F C2 with imm8 > 7, Unicorn #UD, Tandem no exception (or #GP for a misaligned "
        "operand, which QEMU's #UD check comes before)",
        "the legacy SSE forms select the predicate with imm8[2:0] (bits 7:3 are reserved, not "
        "checked); QEMU rejects them",
        "SDM vol. 2 CMPPS operation: \"CMP0 := SELECT(imm8[2:0])\" for the 128-bit legacy SSE version",
        match_sse_cmp_imm, 0, false,
    },
    {
        "sse-nan-choice",
        "with NaNs in both operands, or in several terms of a dot product, another NaN comes "
        "out (QEMU 5 prefers an SNaN over a QNaN operand and adds DPPS/DPPD terms in its own "
        "order)",
        "only XMM lanes differ (and MXCSR flags), and each differing lane is a NaN in both "
        "engines",
        "SSE propagates the first source operand's NaN (quietened) whatever the other is; "
        "checked on this host's Intel CPU: ADDPD SNaN, QNaN gives the quietened SNaN, DPPS adds "
        "(t1 + t0) + (t3 + t2), DPPD t0 + t1; tests/unit/test-sse.c has the cases",
        "SDM vol. 1 table 4-7 (rules for handling NaNs), 4.8.3.5",
        match_sse_nan_choice, 0, false,
    },
    {
        "sse41-dp-sum-order",
        "DPPS/DPPD add the products one after the other starting from +0: a sum of negative "
        "zeros comes out +0, and the partial sums round differently (by many ulps after "
        "cancellation)",
        "0F 3A 40/41, only the destination differs (and MXCSR flags), in the lanes that "
        "received the sum, each engine's differing lanes holding one value (its sum)",
        "the hardware adds pairwise, (t1 + t0) + (t3 + t2) for DPPS, t0 + t1 for DPPD, each "
        "step rounded (this host's Intel CPU agrees with Tandem on random non-NaN cases, "
        "tests/unit/test-sse-host.c; DPPD (-1 * 0) + (-1 * 0) = -0)",
        "SDM vol. 2 DPPS/DPPD (operation)",
        match_sse_dp_sum_order, 0, false,
    },
    {
        "sse42-pcmpstr",
        "PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM results (ECX, XMM0, flags) differ, e.g. an "
        "equal-ordered match cut by the end of the register is not reported",
        "0F 3A 60-63, no exception, only ECX, XMM0 and EFLAGS differ",
        "QEMU 5's string-compare helper departs from the SDM's aggregation and polarity rules; "
        "Tandem's results equal this host's Intel CPU's (tests/unit/test-sse-host.c runs random "
        "cases of every mode against it), e.g. PCMPESTRM 0x3d of needle 0,0,0 in a haystack "
        "ending in three zero words gives mask 0x1f (Unicorn 0xdf)",
        "SDM vol. 2 4.1 (\"Programming considerations\": aggregation operations, polarity)",
        match_sse42_pcmpstr, 0, false,
    },
    {
        "sse-ftz",
        "with MXCSR.FTZ set, results too small for a normal number come out as denormals",
        "MXCSR.FTZ was set, only XMM lanes differ (and MXCSR flags), each one a signed zero in "
        "Tandem and a denormal of the same sign in Unicorn",
        "FTZ returns zero for a tiny result when underflow is masked (checked on this host's "
        "Intel CPU: MULSS 2^-70 * 2^-70 gives 0 with UE and PE); QEMU 5 sets its flush-to-zero "
        "switch on the x87 status instead of the SSE one",
        "SDM vol. 1 10.2.3.3 (flush-to-zero)",
        match_sse_ftz, 0, false,
    },
    {
        "sse-daz",
        "with MXCSR.DAZ set, MINSS/MAXSS (and the packed forms) return a denormal source operand "
        "unchanged",
        "MXCSR.DAZ was set, only XMM lanes differ (and MXCSR flags), each one a signed zero in "
        "Tandem and a denormal of the same sign in Unicorn",
        "DAZ turns denormal sources into zeros before the instruction uses them, so the operand "
        "MIN/MAX deliver is the zero (this host's Intel CPU: MAXSS QNaN, denormal gives 0); QEMU "
        "compares flushed values but returns the raw operand",
        "SDM vol. 1 10.2.3.4 (denormals-are-zeros)",
        match_sse_daz, 0, false,
    },
    {
        "sse-rcp-precision",
        "RCPPS/RCPSS/RSQRTPS/RSQRTSS compute the exact quotient (rounded by MXCSR.RC), also for "
        "denormal sources (which the hardware reads as zero: infinity) and tiny results (which "
        "it flushes to zero); RSQRT of a negative denormal gives the QNaN indefinite, not -inf",
        "0F 52/53, only XMM lanes differ (and MXCSR flags), each by less than 2^-11 relative, or "
        "Tandem's lane is an infinity where Unicorn's is at least 2^63 (same sign), or a zero "
        "where Unicorn's is a denormal, or -inf where Unicorn's RSQRT gave the indefinite",
        "both are within the architectural error bound |rel. error| <= 1.5 * 2^-12; the "
        "hardware's table is undocumented (this host: RCPSS(3) = 0x3eaaa000), Tandem returns "
        "the correctly rounded value (cpu/sse-fp.c), QEMU the quotient under MXCSR.RC",
        "SDM vol. 2 RCPPS/RSQRTPS (\"relative error ... less than or equal to 1.5 * 2^-12\")",
        match_sse_rcp_precision, 0, false,
    },
    {
        "ssse3-horizontal-alias",
        "PHADDW/D, PHADDSW, PHSUBW/D, PHSUBSW with the same register as destination and source "
        "take the source half from the partly written destination",
        "0F 38 01-03/05-07 register form with reg == rm, only the SIMD registers differ, and "
        "Tandem's result has equal halves (what both operands being the same register gives)",
        "the source operand is read before the destination is written; QEMU's helper writes "
        "the destination in place",
        "SDM vol. 2 PHADDW/PHADDD, PHSUBW/PHSUBD (operation)",
        match_ssse3_horizontal_alias, 0, false,
    },
    {
        "unpaged-64",
        "64-bit mode (harness): Unicorn's UC_MODE_64 runs without paging and has nothing mapped "
        "at or above 4 GiB, so an access there (canonical or not) ends with "
        "UC_ERR_READ/WRITE/FETCH_UNMAPPED; Tandem's identity page tables map [0, 4 GiB) only, so "
        "it raises #PF (not present) or, for a non-canonical address, #GP(0)/#SS(0)",
        "mode 64, Tandem raises #PF/#GP/#SS and Unicorn reports unmapped memory (which, with "
        "all of [0, 4 GiB) mapped in Unicorn, means an access at or above 4 GiB)",
        "both fault; what differs is the harness's memory map (and Unicorn, without paging, "
        "does not check canonical addresses on data accesses at all)",
        "SDM vol. 3A 3.3.7.1 (canonical addressing: #GP/#SS), 4.5 (4-level paging)",
        match_unpaged_64, 0,
    },
    {
        "noncanonical-branch",
        "a near JMP/CALL/RET/Jcc to a non-canonical RIP is taken (RIP becomes the non-canonical "
        "value) instead of raising #GP(0) at the branch",
        "mode 64, Tandem raises #GP, Unicorn raises nothing and its RIP is non-canonical",
        "in 64-bit mode a near branch whose target is not canonical raises #GP(0) before RIP "
        "changes",
        "SDM vol. 2 JMP/CALL/RET: #GP(0) \"if the target offset is non-canonical\" (64-bit mode)",
        match_noncanonical_branch, 0,
    },
    {
        "lahf-sahf-rex",
        "LAHF/SAHF with a REX prefix store into / load from SPL instead of AH",
        "mode 64, 9F/9E with REX: Tandem's result with AH put back and its AH in SPL is "
        "Unicorn's (LAHF); Unicorn's SF ZF AF PF CF are SPL's bits, the rest equal (SAHF)",
        "LAHF and SAHF always use AH; REX only changes ModRM/opcode byte registers "
        "(QEMU reads/writes byte register 4, which a REX prefix turns into SPL)",
        "SDM vol. 2 LAHF, SAHF (\"AH <- EFLAGS(SF:ZF:0:AF:0:PF:1:CF)\")",
        match_lahf_sahf_rex, 0,
    },
    {
        "mov-c6c7-rex-r",
        "MOV Ev, imm (C6/C7 /0) with REX.R raises #UD",
        "mode 64, C6/C7 with ModRM.reg 0 and REX.R, Unicorn #UD, Tandem not",
        "REX.R extends ModRM.reg only where it names a register; for opcode extensions "
        "(groups) it is ignored (QEMU checks reg | REX.R == 0)",
        "SDM vol. 2 2.2.1.2 (REX.R: \"ignored when ModRM.reg specifies an opcode extension\")",
        match_mov_c6c7_rexr, 0,
    },
    {
        "rex-not-last",
        "a REX prefix followed by legacy prefixes (66, 67, F2, F3, F0, segment) still applies; "
        "the last REX among the prefixes counts",
        "mode 64, a REX byte followed by a legacy prefix: Tandem re-run with the last REX moved "
        "right before the opcode (its memory operand restored, other REX bytes replaced by DS "
        "prefixes at the front) gives exactly Unicorn's outcome",
        "a REX prefix must immediately precede the opcode (or the escape byte); other placements "
        "are ignored",
        "SDM vol. 2A 2.2.1 (\"Only one REX prefix is allowed per instruction. If used, the REX "
        "prefix byte must immediately precede the opcode byte or the escape opcode byte (0FH)\"; "
        "other placements are ignored)",
        match_rex_not_last, 0,
    },
    {
        "null-ss-rpl",
        "in 64-bit mode MOV SS / LSS load a null selector whose RPL is not the CPL",
        "mode 64 (CPL 0), 8E /2 or 0F B2, Tandem #GP, Unicorn none and its SS a null selector "
        "with RPL 1-3",
        "a null SS is allowed in 64-bit mode only below CPL 3 and with RPL = CPL",
        "SDM vol. 2B MOV, 64-bit mode exceptions: \"#GP(0) If an attempt is made to load SS "
        "register with NULL segment selector when CPL = 3 ... [or] when CPL < 3 and CPL != RPL\"",
        match_null_ss_rpl, 0,
    },
    {
        "movsxd-66-reads-32",
        "MOVSXD with 66 (r16, r/m16) reads 32 bits of memory",
        "mode 64, 63 with 66 and a memory operand whose 2 bytes end below 4 GiB but 4 bytes "
        "would not: Unicorn reports unmapped memory, Tandem reads the word",
        "with a 16-bit operand size the source is r/m16",
        "SDM vol. 2B MOVSX/MOVSXD (\"MOVSXD r16, r/m16\": 66 63 /r)",
        match_movsxd16, 0,
    },
    {
        "farcall-64-sp16",
        "a far CALL in 64-bit mode with a 16-bit stack segment loaded in SS pushes CS:RIP at "
        "(RSP - n) & 0xFFFF",
        "mode 64, FF /3, no exception, only memory differs, and with Tandem's frame copied to "
        "(RSP - n) & 0xFFFF Tandem's memory differs from Unicorn's only at Tandem's frame",
        "in 64-bit mode the stack pointer is RSP, 64 bits, whatever SS.B says",
        "SDM vol. 1 6.14.2 / vol. 3A 5.8.8 (64-bit mode: stack size 64 bits); vol. 2A CALL",
        match_farcall_sp16, 0,
    },
    {
        "enter-final-rsp",
        "ENTER does not check that the final stack pointer (after the allocation) is writable",
        "mode 64, C8, Tandem #PF/#SS, Unicorn nothing, and Unicorn's final RSP is at or above "
        "4 GiB - 8 (not mapped in Tandem's page tables)",
        "ENTER faults if a write using the final value of the stack pointer would fault "
        "(Tandem probes it; Bochs does the same)",
        "SDM vol. 2A ENTER, protected/64-bit mode exceptions: \"#PF(fault-code) ... if a write "
        "using the final value of the stack pointer ... would cause a page fault\"",
        match_enter_final_probe, 0,
    },
    {
        "cmpxchg-r32-zext",
        "CMPXCHG r/m32, r32 clears the upper half of a register destination whose comparison "
        "fails, and of RAX when it succeeds (neither is written)",
        "mode 64, 0F B1, 32-bit operands: ZF=0 with a register destination, Tandem's result "
        "with the destination's upper half cleared is exactly Unicorn's; ZF=1, the same with "
        "RAX's upper half cleared",
        "only the register written is zero-extended: the accumulator on a failed comparison, "
        "the destination on a successful one; hardware leaves the other unchanged (FEX-Emu "
        "PR #439, angr/vex PR #63, unicorn-engine issue #2332)",
        "SDM vol. 2 CMPXCHG; vol. 1 3.4.1.1 (only written 32-bit registers are zero-extended)",
        match_cmpxchg_r32_zext, 0,
    },
    {
        "near-branch-66",
        "a near CALL/JMP/Jcc/LOOP/RET with 66 in 64-bit mode uses a 16-bit operand size (IP "
        "truncated to 16 bits, 2-byte pushes/pops), as AMD processors do",
        "mode 64, near branch with 66 and no REX.W, neither engine faults, Unicorn's RIP is "
        "below 0x10000",
        "the model is GenuineIntel: Intel processors ignore 66 on near branches in 64-bit mode",
        "SDM vol. 1 6.3.7 (\"forced to 64 bits regardless of operand size prefixes (operand size "
        "prefixes are silently ignored)\"); AMD APM vol. 1 3.7.9 allows 16",
        match_near_branch_66, 0,
    },
    {
        "riprel-shxd-imm8",
        "SHLD/SHRD Ev, Gv, imm8 with a RIP-relative operand address the byte before it (the "
        "imm8 is not counted in the instruction length RIP-relative addressing adds)",
        "mode 64, 0F A4/AC with a RIP-relative operand: re-running Tandem with the displacement "
        "one less gives exactly Unicorn's registers, flags (less undefined) and memory",
        "RIP-relative addresses are relative to the next instruction, after every immediate",
        "SDM vol. 2 2.2.1.6 (RIP-relative addressing)",
        match_riprel_shxd, 0,
    },
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
    {
        "x87-no-exception-flags",
        "x87 arithmetic, comparisons, conversions and loads set none of the exception flags "
        "(IE DE OE UE PE; ZE only for a division), so ES/B stay clear, and C1 (rounded up) is "
        "never set",
        "only the x87 status word differs, in bits 0-5, 7, 9 and 15, Unicorn's flags a subset "
        "of Tandem's; the registers, tags and CW agree; the stream goes on with Tandem's x87 "
        "state given to Unicorn",
        "QEMU 5 (Unicorn 2) keeps the softfloat exception flags apart and never merges them into "
        "the x87 status word (added in QEMU 5.2); Tandem's flags are checked bit for bit against "
        "the host x87 by tests/unit/test-fpu.c",
        "SDM vol. 1 8.1.3.1 (exception flags), 8.1.3.3 (C1), 4.9 (floating-point exceptions)",
        match_x87_flags, 0, true,
    },
    {
        "x87-no-stack-fault",
        "reads an empty x87 register as the value it last held and pushes onto a full stack "
        "without a stack fault: no IE/SF, the operation runs on the stale values",
        "Tandem newly sets SF and IE, Unicorn does not, and before the instruction ST0, ST1 or "
        "the ModRM's ST(i) was empty or ST7 was full (a push); the stream ends there",
        "a stack underflow/overflow is an invalid-operation exception with SF set; masked, the "
        "destination gets the real (or integer/BCD) indefinite; QEMU 5 has no tag checks in its "
        "x87 helpers",
        "SDM vol. 1 8.5.1.1 (stack overflow or underflow exception), table 8-10",
        match_x87_stack_fault, 0, false,
    },
    {
        "x87-fcomi-keeps-osa",
        "FCOMI/FCOMIP/FUCOMI/FUCOMIP leave OF, SF and AF as they were",
        "DB/DF E8-F7, EFLAGS differ only in OF/SF/AF, Tandem's clear, Unicorn's as before "
        "(any x87 difference is the no-flags one)",
        "the instructions clear OF, SF and AF (the host x86-64 CPU turns EFLAGS 0xad7 into "
        "0x203 on FCOMI 0 vs 1); QEMU only replaces ZF, PF and CF",
        "SDM vol. 2A FCOMI/FCOMIP/FUCOMI/FUCOMIP (EFLAGS: OF, SF, AF cleared)",
        match_x87_fcomi_osa, 0, true,
    },
    {
        "x87-noncanonical-operands",
        "pseudo-denormals are taken as zero or left unnormalized; unnormals, pseudo-infinities "
        "and pseudo-NaNs are computed with (FXAM calls them normal) instead of raising IE",
        "ST0, ST1 or the ModRM's ST(i) was a non-empty pseudo-denormal (exponent 0, J = 1) or "
        "an unsupported encoding (J = 0 with a nonzero exponent) before the instruction; the "
        "stream ends there",
        "the x87 treats pseudo-denormals as denormals of exponent 1 (DE) and rejects the "
        "unsupported encodings with IE (FXAM: class 000); Tandem's handling of both is checked "
        "against the host x87 by tests/unit/test-fpu.c (edge operands)",
        "SDM vol. 1 8.2.2 (unsupported double extended-precision encodings), table 8-3; "
        "4.8.3.2 (pseudo-denormals)",
        match_x87_noncanonical, 0, false,
    },
    {
        "x87-transcendental-precision",
        "F2XM1 FYL2X FPTAN FPATAN FYL2XP1 FSINCOS FSIN FCOS compute with the host's double "
        "functions: results have at most 53 good bits (far fewer after cancellation in "
        "F2XM1/FYL2XP1), values outside double's exponent range flush to zero or overflow, "
        "trigonometric arguments are reduced with double's pi",
        "D9 F0-F3/F9/FB/FE/FF, stack (TOP, tags) and CW as Tandem's, flags as for "
        "x87-no-exception-flags; the result values are not compared here: "
        "tests/unit/test-fpu.c compares them with the host x87 (the deviation it measures is "
        "in docs/internals.md)",
        "the x87 delivers these within 1 ulp of the exact result in double extended "
        "precision; QEMU 5 goes through the host's double functions",
        "SDM vol. 1 8.3.10 (transcendental instruction accuracy)",
        match_x87_transcendental, 0, true,
    },
    {
        "x87-domain-c2",
        "FSQRT, FYL2X, FYL2XP1, FSIN, FCOS, FSINCOS and FPTAN of operands its double-based code "
        "rejects (negative, zero, infinite, NaN, or finite values that flush to 0 or overflow "
        "in double) set C2 and leave the stack, raising nothing",
        "D9 FA/F1/F9/F2/FB/FE/FF, only x87 state differing, Unicorn's C2 set and its TOP as "
        "before; the stream ends there",
        "these are invalid operations or NaN propagations (masked: the real indefinite or the "
        "QNaN, and FYL2X pops, FPTAN/FSINCOS push); C2 means only \"argument out of range\" "
        "(|x| >= 2^63) for the trigonometric ones",
        "SDM vol. 2A FSQRT, FYL2X, FYL2XP1, FSIN, FCOS, FSINCOS, FPTAN (#IA), table 4-7",
        match_x87_domain_c2, 0, false,
    },
    {
        "x87-fprem-double",
        "FPREM/FPREM1 compute through doubles: remainders lose their low bits, the quotient "
        "bits and the incomplete-reduction step differ",
        "D9 F8/F5 with only x87 state differing; the stream ends there",
        "the remainder is exact (the partial reduction of an exponent difference of 64 or more "
        "reduces it to a multiple of 32 on Intel parts, checked against the host x87 by "
        "tests/unit/test-fpu.c)",
        "SDM vol. 2A FPREM, FPREM1",
        match_x87_fprem, 0, false,
    },
    {
        "x87-fscale-fxtract",
        "FSCALE and FXTRACT go through doubles: results lose their low bits and range, "
        "infinities and NaNs come out as finite numbers, FSCALE by +-infinity is wrong",
        "D9 FD/F4 with only x87 state differing; the stream ends there",
        "both are exact in double extended precision (FSCALE rounds once, FXTRACT is exact) "
        "with the special cases of their tables; Tandem's results are checked against the host "
        "x87 by tests/unit/test-fpu.c",
        "SDM vol. 2A FSCALE (table 3-47), FXTRACT (table 3-51)",
        match_x87_scale_xtract, 0, false,
    },
    {
        "x87-fst-sti-tag",
        "FST/FSTP ST(i) into an empty register leaves it tagged empty",
        "DD/D9/DF D0-DF, only the tag of the destination ST(i) differs (empty before, Tandem "
        "not empty), registers equal",
        "the destination holds a value afterwards and its tag says so",
        "SDM vol. 1 8.1.7 (x87 FPU tag word), vol. 2A FST/FSTP",
        match_x87_fst_tag, 0, true,
    },
    {
        "x87-const-rc",
        "FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2 ignore the rounding control (always "
        "round-to-nearest)",
        "D9 E9-ED under RC != nearest, the pushed value one ulp from Tandem's, nothing else "
        "but flags differing",
        "the constants are held with more bits and rounded per RC (Tandem's values are the "
        "host x87's, checked by tests/unit/test-fpu.c)",
        "SDM vol. 1 8.3.8 (load constant instructions), vol. 2A FLD1/FLDL2T/...",
        match_x87_const_rc, 0, true,
    },
    {
        "x87-int-store-indefinite",
        "FIST/FISTP/FISTTP/FBSTP of a NaN, an infinity or an out-of-range value store a "
        "saturated or arbitrary value without IE",
        "DB /1-3, DD /1, DF /1-3/6/7 memory forms, Tandem newly raises IE (no stack fault), "
        "Unicorn does not; the stream ends there",
        "masked, the x87 stores the integer indefinite (the most negative integer) or the BCD "
        "indefinite and sets IE",
        "SDM vol. 2A FIST/FISTP, FISTTP, FBSTP (#IA), vol. 1 8.2.1 table 8-1",
        match_x87_int_store, 0, false,
    },
    {
        "x87-fbstp-negative-zero",
        "FBSTP of a negative value that rounds to zero stores sign byte 00",
        "DF /6, ST0 negative, only byte 9 of the stored BCD differs and the rest is zero",
        "the sign byte is the source's sign (the host x87 stores 80, checked by "
        "tests/unit/test-fpu.c)",
        "SDM vol. 2A FBSTP",
        match_x87_fbstp_negzero, 0, false,
    },
    {
        "x87-snan-store",
        "FST/FSTP m32/m64 of an SNaN store it without setting the quiet bit",
        "D9 /2 /3 and DD /2 /3 memory forms with an SNaN in ST0; the stream ends there",
        "converting an SNaN raises IE and, masked, stores the QNaN (quiet bit set)",
        "SDM vol. 1 4.8.3.4 (SNaN and QNaN), table 4-7",
        match_x87_snan_store, 0, false,
    },
    {
        "x87-zero-by-zero",
        "a division by zero raises ZE even when the dividend is 0 (0/0), an infinity or a NaN",
        "a division (ModRM.reg 6/7 of D8/DA/DC/DE), same registers, Unicorn's FSW has ZE and "
        "Tandem's not, nothing else but flags differing",
        "0/0 and an SNaN operand are invalid operations, a QNaN propagates; the divide-by-zero "
        "exception is only for a finite nonzero dividend",
        "SDM vol. 1 8.5.1.2 (invalid arithmetic operand), 8.5.3",
        match_x87_zero_by_zero, 0, true,
    },
    {
        "x87-trig-range",
        "FSIN/FCOS/FSINCOS/FPTAN of |x| >= 2^63 compute a result instead of setting C2",
        "D9 F2/FB/FE/FF, ST0 a normal number of magnitude 2^63 or more, Tandem's C2 set, "
        "Unicorn's not; the stream ends there",
        "the x87 leaves the operand and sets C2 (incomplete reduction) when |x| >= 2^63",
        "SDM vol. 2A FSIN, FCOS, FSINCOS, FPTAN (C2: source operand out of range)",
        match_x87_trig_range, 0, false,
    },
    {
        "x87-snan-load",
        "FLD m32/m64 of an SNaN pushes it without setting the quiet bit",
        "D9 /0, DD /0, the registers differ only in bit 62 of the significand, flags as for "
        "x87-no-exception-flags",
        "converting an SNaN raises IE and, masked, delivers the QNaN",
        "SDM vol. 2A FLD (#IA: SNaN source, not for m80), vol. 1 table 4-7",
        match_x87_snan_load, 0, true,
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
    { "rel-branch-66-64", "64-bit mode: a relative JMP/CALL/Jcc or a near RET with 66, which "
      "Unicorn runs with a 16-bit IP as AMD does (Intel ignores 66: \"near-branch-66\"); seen "
      "to abort Unicorn (66 E8, 66 7D, 66 C2)", 0 },
    { NULL, NULL, 0 },
};

/* The list above was established by running every opcode of both maps, with no
 * prefix, 66, F2, F3 and F0, ModRM.reg 0-7, register and memory forms, each in
 * a process of its own (only these encodings abort); millions of random-byte
 * instructions since then have not aborted Unicorn otherwise. */
UcCrash *unicorn_crash_filter(const InsnInfo *ii, bool count)
{
    int k = -1;
    uint8_t op = ii->op;
    bool rel = ii->two_byte ? (op >= 0x80 && op <= 0x8f)
                            : (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3) || op == 0xe8 ||
                              op == 0xe9 || op == 0xeb;
    if (!ii->two_byte && ii->op == 0xff && (ii->reg == 3 || ii->reg == 5) && !ii->mem)
        k = 1;
    else if (ii->lock && !lock_valid(ii))
        k = 0;
    else if (ii->long64 && ii->opsize_pfx && (rel || (!ii->two_byte && (op == 0xc2 || op == 0xc3))))
        k = 2;
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
