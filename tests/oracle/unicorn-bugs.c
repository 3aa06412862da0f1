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

static bool match_shift_mem_flags(const Case *c);

/* Tandem faulted with #GP/#SS, Unicorn did not, and Tandem with every segment
 * made flat (no limit, present, writable) does exactly what Unicorn did:
 * registers (less the bits the SDM leaves undefined), EIP, segment
 * registers, memory, or the same later exception. */
static bool match_no_seg_checks(const Case *c)
{
    if (!(c->exc_t == 13 || c->exc_t == 12) || c->exc_u == 13 || c->exc_u == 12 || !c->rerun_relaxed)
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
    if (exc != c->exc_u)
        return false;
    if (exc >= 0)
        return same_arch(&post, &c->post_u);   /* both faulted later on (#DE...) */
    Undef un;
    insn_undefined(c->ii, c->bytes, &c->pre, &c->post_u, c->mode, &un);
    Regs a = post, b = c->post_u;
    for (int i = 0; i < 8; i++) {
        a.r[i] &= ~un.regmask[i];
        b.r[i] &= ~un.regmask[i];
    }
    if (!un.mem_result && !un.push_sreg32 && c->mem_same && !c->mem_same(c->ctx))
        return false;
    if (only_flags_differ_in(&a, &b, un.flags))
        return true;
    /* combined with another deviation (LOCK NEG flags, shift flags) */
    Case c2 = *c;
    c2.post_t = post;
    c2.exc_t = -1;
    c2.diff = !same_arch(&a, &b) ? DIFF_GPR : ((a.eflags ^ b.eflags) & ~un.flags) ? DIFF_FLAGS : 0;
    return match_lock_neg(&c2) || match_shift_mem_flags(&c2);
}

/* The access wraps around the top of the 4 GiB offset space: the limit check
 * (limit 0xffffffff) must fault, QEMU wraps the linear address instead.
 * Recognised as: Tandem #GP/#SS, Unicorn none, and an offset the instruction
 * uses (its registers, or ESP for the stack) lies within 16 bytes of 2^32. */
static bool match_wrap_4g(const Case *c)
{
    if (!(c->exc_t == 13 || c->exc_t == 12))
        return false;
    if (c->exc_u != -1 && c->exc_u != 100 + UC_ERR_READ_UNMAPPED_ && c->exc_u != 100 + UC_ERR_WRITE_UNMAPPED_)
        return false;
    const InsnInfo *ii = c->ii;
    if (ii->mem && ii->asize == 32 && ii_ea(ii, &c->pre) >= 0xfffffff0u)
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
    if (c->pre.r[OR_ESP] < 16 || c->pre.r[OR_ESP] >= 0xfffffff0u)
        return true;                  /* stack accesses */
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

/* 8F /1../7: only 8F /0 (POP Ev) exists; Unicorn pops anyway. */
static bool match_pop_8f(const Case *c)
{
    const InsnInfo *ii = c->ii;
    return !ii->two_byte && ii->op == 0x8f && ii->reg != 0 && c->exc_t == 6 && c->exc_u == -1;
}

/* Shifts of a memory operand (SHL/SAL/SHR/SAR, SHLD/SHRD): with a
 * UC_HOOK_MEM_WRITE installed (the oracle's write tracking), Unicorn's CF and
 * OF come out wrong.  QEMU computes them from a TCG temporary (the operand
 * shifted by count - 1) that is still live after the store, and Unicorn emits
 * a branch (its exit-request check) after every memory access: the temporary
 * is dead at that branch, and the store's helper call (hooks force the slow
 * path) clobbers the register holding it.  The same instruction with the
 * same inputs in a Unicorn without the hook gives the SDM's flags.
 * Recognised: a memory-operand shift with a non-zero count, no exception in
 * either engine, only CF/OF differing, and Tandem's CF (and OF for a count of
 * 1) equal to the SDM's values computed here from the operand before the
 * instruction (pre_mem). */
static bool match_shift_mem_flags(const Case *c)
{
    const InsnInfo *ii = c->ii;
    if (!ii->mem || !c->pre_mem || c->exc_t != -1 || c->exc_u != -1 || c->diff != DIFF_FLAGS)
        return false;
    Undef un;
    insn_undefined(ii, c->bytes, &c->pre, &c->post_u, c->mode, &un);
    if ((c->post_t.eflags ^ c->post_u.eflags) & ~(0x801u | un.flags))
        return false;
    bool dbl = ii->two_byte && (ii->op == 0xa4 || ii->op == 0xa5 || ii->op == 0xac || ii->op == 0xad);
    bool g2 = !ii->two_byte && (ii->op == 0xc0 || ii->op == 0xc1 || (ii->op >= 0xd0 && ii->op <= 0xd3)) &&
              ii->reg >= 4;
    if (!dbl && !g2)
        return false;
    int w = g2 && !(ii->op & 1) ? 8 : ii->osize;
    unsigned n;
    if (dbl)
        n = (ii->op & 1) ? c->pre.r[OR_ECX] & 0xff : ii->imm & 0xff;
    else
        n = ii->op == 0xd0 || ii->op == 0xd1 ? 1 : ii->op >= 0xd2 ? c->pre.r[OR_ECX] & 0xff : ii->imm & 0xff;
    n &= 31;
    if (n == 0)
        return false;
    uint64_t mask = (1ull << w) - 1;
    uint64_t a = 0;
    memcpy(&a, c->pre_mem, (size_t)w / 8);
    uint64_t sa = (uint64_t)(((int64_t)(a << (64 - w))) >> (64 - w));   /* sign-extended */
    int cf, of = -1;
    uint64_t r;
    if (dbl) {
        if (n > (unsigned)w)
            return false;                 /* result and flags undefined: masked */
        uint64_t b = c->pre.r[ii->reg] & mask;
        if (ii->op == 0xa4 || ii->op == 0xa5) {       /* SHLD */
            r = ((a << n) | (b >> (w - n))) & mask;
            cf = (int)((a >> (w - n)) & 1);
        } else {                                      /* SHRD */
            r = ((a >> n) | (b << (w - n))) & mask;
            cf = (int)((a >> (n - 1)) & 1);
        }
        if (n == 1)
            of = (int)(((a ^ r) >> (w - 1)) & 1);
    } else if (ii->reg == 7) {                        /* SAR */
        cf = (int)((sa >> (n - 1 < 63 ? n - 1 : 63)) & 1);
        if (n == 1)
            of = 0;
    } else if (ii->reg == 5) {                        /* SHR */
        if (n > (unsigned)w)
            return false;                 /* CF undefined: masked */
        cf = (int)((a >> (n - 1)) & 1);
        if (n == 1)
            of = (int)((a >> (w - 1)) & 1);
    } else {                                          /* SHL, SAL (/4, /6) */
        if (n > (unsigned)w)
            return false;
        r = (a << n) & mask;
        cf = (int)((a >> (w - n)) & 1);
        if (n == 1)
            of = cf ^ (int)((r >> (w - 1)) & 1);
    }
    if ((int)(c->post_t.eflags & 1) != cf)
        return false;
    if (of >= 0 && (int)((c->post_t.eflags >> 11) & 1) != of)
        return false;
    return true;
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
        "an access whose offset + size - 1 passes 0xffffffff wraps to address 0, or fails "
        "with UC_ERR_READ/WRITE_UNMAPPED at 2^32, instead of raising #GP/#SS",
        "32-bit mode, Tandem raises #GP(0)/#SS(0), Unicorn raises nothing (or reports unmapped "
        "memory), and the instruction "
        "has its memory operand, ESP (or ESP - 16) or ESI/EDI of a string instruction within "
        "16 bytes of 2^32",
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
        "opcode 8F with ModRM.reg != 0, Tandem #UD, Unicorn no exception",
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
        "shift-mem-flags-hook",
        "SHL/SAL/SHR/SAR and SHLD/SHRD with a memory destination set CF and OF from a "
        "clobbered TCG temporary while a UC_HOOK_MEM_WRITE is installed (the oracle's write "
        "tracking); without the hook the same instruction gives the SDM's flags",
        "a shift with a ModRM memory operand and a non-zero count, no exception, nothing but "
        "CF/OF differing, and Tandem's CF (and OF for count 1) equal to the SDM's value "
        "computed by the recogniser from the operand read before the instruction",
        "the flags are those of the shift; the hook must not change them (Unicorn's exit "
        "check after each store ends the TCG basic block while QEMU's cc temporary is live)",
        "SDM vol. 2B SAL/SAR/SHL/SHR and SHLD/SHRD (\"Flags Affected\": CF = last bit "
        "shifted out; OF for 1-bit shifts)",
        match_shift_mem_flags, 0,
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

/* Invalid uses of LOCK: Unicorn 2.0.1 either ignores the prefix (no #UD) or,
 * for several encodings (LOCK CMP m/imm and m/r, LOCK CMPS, LOCK BT* with a
 * register, LOCK FF /3 /5 with a register, depending on the code before them),
 * aborts the whole process with "tcg fatal error" while translating -- also
 * when the instruction is only a later part of the block being translated.
 * So they are never given to Unicorn: the generator turns such a LOCK into a
 * DS override, and a random stream is ended before any step whose translation
 * could reach one (the bytes from EIP to the end of the code are scanned).
 * Tandem's #UD for them is covered by tests/unit/test-decode.c. */
UcCrash unicorn_crashers[] = {
    { "invalid-lock", "LOCK with a non-lockable instruction or a register destination "
      "(#UD per SDM vol. 2A LOCK): ignored by Unicorn, or crashes it", 0 },
    { "far-indirect-reg", "CALL/JMP far with a register operand (FF /3, FF /5, mod 3; #UD per "
      "SDM vol. 2A CALL/JMP): crashes Unicorn whatever the prefixes", 0 },
    { NULL, NULL, 0 },
};

/* The list above was established by running every opcode of both maps, with no
 * prefix, 66, F2, F3 and F0, ModRM.reg 0-7, register and memory forms, each in
 * a process of its own (only these encodings abort). */
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
