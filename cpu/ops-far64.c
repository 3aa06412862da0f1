/* Far control transfers in long mode (SDM vol. 2 IRET, RET, CALL, JMP;
 * vol. 3 5.8.3.1, 6.14): IRET/IRETQ (64-bit mode always pops SS:RSP),
 * RETF with 64-bit operands, far JMP/CALL to 64-bit or compatibility-mode code
 * segments and through 16-byte call gates.  ops-far.c hands these cases over;
 * checks follow SDM order and nothing is committed before the last fault. */
#include "cpu/far64.h"

#include "cpu/ops-common.h"
#include "cpu/paging.h"
#include "cpu/seg.h"

static bool cs_is64(const Desc *d)
{
    return d->hi & (1u << 21);
}

/* RIP check of a transfer to code segment d: canonical for 64-bit code,
 * within the limit for compatibility-mode code. */
static void check_target_rip(Cpu *c, const Desc *d, uint64_t rip)
{
    if (cs_is64(d) ? !is_canonical(rip) : rip > desc_limit(d))
        RAISE_GP(c, 0);
}

/* The code segment of a far return to privilege rpl = sel & 3: code, RPL >=
 * CPL, DPL fitting the RPL (conforming: <=), not L and D together, present. */
static void ret_cs(Cpu *c, uint16_t sel, Desc *d)
{
    unsigned rpl = sel & 3;
    if (!(sel & 0xfffc))
        RAISE_GP(c, 0);
    desc_read_or_raise(c, sel, d, false, EXC_GP);
    unsigned dpl = desc_dpl(d);
    if (!desc_is_code(d) || rpl < cpu_cpl(c) || (desc_is_conforming(d) ? dpl > rpl : dpl != rpl) ||
        (cs_is64(d) && (d->hi & (1u << 22))))
        RAISE_GP(c, sel_err(sel));
    if (!desc_present(d))
        cpu_exception(c, EXC_NP, sel_err(sel));
}

/* The SS popped by a return to privilege rpl: a null selector is allowed when
 * the return goes to 64-bit code below CPL 3 (*null set); otherwise writable
 * data with RPL = DPL = rpl, present. */
static void ret_ss(Cpu *c, uint16_t sel, unsigned rpl, bool to64, Desc *d, bool *null)
{
    *null = !(sel & 0xfffc);
    if (*null) {
        if (!to64 || rpl == 3)
            RAISE_GP(c, 0);
        return;
    }
    desc_read_or_raise(c, sel, d, false, EXC_GP);
    if ((sel & 3) != rpl || !desc_is_data(d) || !desc_rw(d) || desc_dpl(d) != rpl)
        RAISE_GP(c, sel_err(sel));
    if (!desc_present(d))
        cpu_exception(c, EXC_SS, sel_err(sel));
}

/* Loads SS (a usable null selector at rpl, or descriptor d) and RSP. */
static void load_ss_rsp(Cpu *c, uint16_t sel, unsigned rpl, bool null, Desc *d, uint64_t rsp)
{
    if (null) {
        SegCache s = { 0, 0, sel, (uint16_t)((rpl << SA_DPL_SHIFT) | SA_P | SA_S | SA_W | SA_DB) };
        seg_set(c, SEG_SS, &s);
    } else {
        seg_load_ss(c, sel, d);
    }
    c->r[R_ESP] = rsp;
}

static void null_outer_segs(Cpu *c)
{
    static const int segs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    for (unsigned i = 0; i < sizeof segs / sizeof segs[0]; i++)
        seg_validate_outer(c, segs[i]);
}

static unsigned iopl(const Cpu *c)
{
    return (c->s.rflags >> 12) & 3;
}

/* IRET in 64-bit mode: RIP, CS, RFLAGS, RSP, SS with the operand size, at
 * any privilege change or none.  Compatibility mode uses the protected-mode
 * IRET (ops-far.c), which has no SS:ESP at the same level. */
void iret_long(Cpu *c, const Insn *in)
{
    if (c->s.rflags & F_NT)
        RAISE_GP(c, 0);   /* no task returns in IA-32e mode */
    unsigned size = 2u << in->osize, cpl = cpu_cpl(c);
    XStack xs;
    xstack_init_cur(c, &xs);
    uint64_t rip = xstack_pop(c, &xs, size);
    uint16_t sel = (uint16_t)xstack_pop(c, &xs, size);
    uint32_t fl = (uint32_t)xstack_pop(c, &xs, size);
    uint64_t rsp = xstack_pop(c, &xs, size);
    uint16_t ss = (uint16_t)xstack_pop(c, &xs, size);
    Desc d, sd;
    ret_cs(c, sel, &d);
    unsigned rpl = sel & 3;
    bool null;
    ret_ss(c, ss, rpl, cs_is64(&d), &sd, &null);
    check_target_rip(c, &d, rip);
    uint32_t mask = F_ARITH | F_TF | F_DF | F_NT;
    if (size >= 4)
        mask |= F_RF | F_AC | F_ID;
    if (cpl <= iopl(c))
        mask |= F_IF;
    if (cpl == 0)
        mask |= F_IOPL | (size >= 4 ? F_VIF | F_VIP : 0);
    cpu_set_eflags(c, fl, mask);
    seg_load_cs(c, sel, &d, rpl);
    load_ss_rsp(c, ss, rpl, null, &sd, rsp);
    if (rpl > cpl)
        null_outer_segs(c);
    c->s.rip = rip;
}

/* RETF (imm) in 64-bit mode: RIP and CS with the operand size; to an outer
 * level also RSP and SS, after imm bytes of parameters. */
void retf_long(Cpu *c, const Insn *in, uint16_t imm)
{
    unsigned size = 2u << in->osize;
    XStack xs;
    xstack_init_cur(c, &xs);
    uint64_t rip = xstack_pop(c, &xs, size);
    uint16_t sel = (uint16_t)xstack_pop(c, &xs, size);
    Desc d, sd;
    ret_cs(c, sel, &d);
    unsigned rpl = sel & 3;
    if (rpl == cpu_cpl(c)) {
        check_target_rip(c, &d, rip);
        seg_load_cs(c, sel, &d, rpl);
        c->r[R_ESP] = xs.sp + imm;
        c->s.rip = rip;
        return;
    }
    xs.sp += imm;
    uint64_t rsp = xstack_pop(c, &xs, size);
    uint16_t ss = (uint16_t)xstack_pop(c, &xs, size);
    bool null;
    ret_ss(c, ss, rpl, cs_is64(&d), &sd, &null);
    check_target_rip(c, &d, rip);
    seg_load_cs(c, sel, &d, rpl);
    load_ss_rsp(c, ss, rpl, null, &sd, rsp + imm);
    null_outer_segs(c);
    c->s.rip = rip;
}

/* To a code segment at the current level (directly or through a gate): a
 * call pushes CS and the return RIP, push_size bytes each. */
static void far_same64(Cpu *c, const Insn *in, uint16_t sel, Desc *d, uint64_t off, unsigned push_size)
{
    XStack xs;
    xstack_init_cur(c, &xs);
    if (push_size) {
        xstack_push(c, &xs, c->s.seg[SEG_CS].sel, push_size);
        xstack_push(c, &xs, cpu_next_rip(c, in), push_size);
    }
    check_target_rip(c, d, off);
    xstack_flush(c, &xs);
    seg_load_cs(c, sel, d, cpu_cpl(c));
    c->r[R_ESP] = xs.sp;
    c->s.rip = off;
}

/* A 16-byte call gate: its target must be a 64-bit code segment; a call to a
 * more privileged level switches to RSPn of the TSS with a null SS and pushes
 * SS, RSP, CS, RIP (8 bytes each; there are no parameters to copy). */
static void far_gate64(Cpu *c, const Insn *in, uint16_t gsel, bool call)
{
    Desc g, d;
    desc_read_or_raise(c, gsel, &g, true, EXC_GP);
    unsigned cpl = cpu_cpl(c), gdpl = desc_dpl(&g);
    if (gdpl < cpl || (gsel & 3) > gdpl || (g.hi3 & 0x1f00))
        RAISE_GP(c, sel_err(gsel));
    if (!desc_present(&g))
        cpu_exception(c, EXC_NP, sel_err(gsel));
    uint16_t sel = (uint16_t)(g.lo >> 16);
    uint64_t off = (g.lo & 0xffff) | (g.hi & 0xffff0000u) | (uint64_t)g.hi2 << 32;
    if (!(sel & 0xfffc))
        RAISE_GP(c, 0);
    desc_read_or_raise(c, sel, &d, false, EXC_GP);
    unsigned dpl = desc_dpl(&d);
    bool conforming = desc_is_conforming(&d);
    if (!desc_is_code(&d) || dpl > cpl || (!call && !conforming && dpl != cpl) || !cs_is64(&d) ||
        (d.hi & (1u << 22)))
        RAISE_GP(c, sel_err(sel));
    if (!desc_present(&d))
        cpu_exception(c, EXC_NP, sel_err(sel));
    if (!(call && !conforming && dpl < cpl)) {
        far_same64(c, in, sel, &d, off, call ? 8 : 0);
        return;
    }
    SegCache *tr = &c->s.tr;
    uint32_t toff = 4 + dpl * 8;
    if (!(tr->attr & SA_P) || toff + 7 > tr->limit)
        cpu_exception(c, EXC_TS, tr->sel & 0xfffc);
    uint64_t rsp = sys_read(c, tr->base + toff, 8);
    if (!is_canonical(rsp))
        cpu_exception(c, EXC_SS, 0);
    XStack xs;
    SegCache ss = c->s.seg[SEG_SS];
    xstack_init(c, &xs, &ss, rsp, dpl, true);
    xstack_push(c, &xs, c->s.seg[SEG_SS].sel, 8);
    xstack_push(c, &xs, c->r[R_ESP], 8);
    xstack_push(c, &xs, c->s.seg[SEG_CS].sel, 8);
    xstack_push(c, &xs, cpu_next_rip(c, in), 8);
    check_target_rip(c, &d, off);
    xstack_flush(c, &xs);
    seg_load_cs(c, sel, &d, dpl);
    /* SS becomes a null selector with RPL = the new CPL (and its DPL). */
    SegCache nss = { 0, 0, (uint16_t)dpl, (uint16_t)((dpl << SA_DPL_SHIFT) | SA_P | SA_S | SA_W | SA_DB) };
    seg_set(c, SEG_SS, &nss);
    c->r[R_ESP] = xs.sp;
    c->s.rip = off;
}

/* Far JMP/CALL in long mode (through m16:16/32/64): a code segment (64-bit
 * or compatibility mode) or a 64-bit call gate; task gates and TSSs are #GP. */
void far_long(Cpu *c, const Insn *in, uint16_t sel, uint64_t off, bool call)
{
    unsigned cpl = cpu_cpl(c), rpl = sel & 3;
    if (!(sel & 0xfffc))
        RAISE_GP(c, 0);
    Desc d;
    desc_read_or_raise(c, sel, &d, false, EXC_GP);
    if (!desc_is_seg(&d)) {
        if (desc_type(&d) != DT_CALL32)
            RAISE_GP(c, sel_err(sel));
        far_gate64(c, in, sel, call);
        return;
    }
    unsigned dpl = desc_dpl(&d);
    if (!desc_is_code(&d) || (desc_is_conforming(&d) ? dpl > cpl : (rpl > cpl || dpl != cpl)) ||
        (cs_is64(&d) && (d.hi & (1u << 22))))
        RAISE_GP(c, sel_err(sel));
    if (!desc_present(&d))
        cpu_exception(c, EXC_NP, sel_err(sel));
    far_same64(c, in, sel, &d, off & ip_mask(in->osize), call ? 2u << in->osize : 0);
}
