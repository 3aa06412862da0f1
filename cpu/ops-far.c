/* Far control transfers (SDM vol. 2 JMP, CALL, RET, IRET, INT n, BOUND; vol. 3
 * ch. 5-7, 20): JMP/CALL far (direct and through memory) to code segments,
 * call gates, task gates and TSSs; RETF and IRET to the same or an outer
 * privilege level, IRET to virtual-8086 mode and task returns; INT n, INT3,
 * INTO, INT1 and BOUND; the virtual-8086 mode extensions (CR4.VME) of INT n
 * and IRET.  Every check happens in SDM order before anything is committed:
 * frames are built on an XStack and written by xstack_flush() just before the
 * registers change. */
#include "cpu/exec.h"
#include "cpu/far64.h"
#include "cpu/ops-common.h"
#include "cpu/paging.h"
#include "cpu/seg.h"
#include "cpu/task.h"

/* Protected mode proper (not real, not virtual-8086). */
static bool pm(const Cpu *c)
{
    return (c->hflags & (HF_PE | HF_VM)) == HF_PE;
}

static unsigned iopl(const Cpu *c)
{
    return (c->s.rflags >> 12) & 3;
}

/* The CS limit a real/virtual-8086 far transfer checks its offset against:
 * virtual-8086 loads always give 64 KiB, real mode keeps the cached limit. */
static uint32_t real_cs_limit(const Cpu *c)
{
    return (c->hflags & HF_VM) ? 0xffff : c->s.seg[SEG_CS].limit;
}

/* ---- JMP/CALL far ---- */

/* Real and virtual-8086 mode: CS = sel << 4; a call pushes CS:IP first. */
static void far_real(Cpu *c, const Insn *in, uint16_t sel, uint64_t off, bool call)
{
    off &= ip_mask(in->osize);
    if (off > real_cs_limit(c))
        RAISE_GP(c, 0);
    if (call) {
        XStack xs;
        xstack_init_cur(c, &xs);
        xstack_push(c, &xs, c->s.seg[SEG_CS].sel, 2u << in->osize);
        xstack_push(c, &xs, cpu_next_rip(c, in), 2u << in->osize);
        xstack_flush(c, &xs);
        sp_set(c, xs.sp);
    }
    seg_load_real(c, SEG_CS, sel);
    c->s.rip = off;
}

/* To a code segment at the current privilege level (directly, or through a
 * call gate): a call pushes CS:EIP, push_size bytes each (0: a jump). */
static void far_same(Cpu *c, const Insn *in, uint16_t sel, Desc *d, uint64_t off,
                     unsigned push_size)
{
    XStack xs;
    if (push_size) {
        xstack_init_cur(c, &xs);
        xstack_push(c, &xs, c->s.seg[SEG_CS].sel, push_size);
        xstack_push(c, &xs, cpu_next_rip(c, in), push_size);
    }
    if (off > desc_limit(d))
        RAISE_GP(c, 0);
    if (push_size) {
        xstack_flush(c, &xs);
        sp_set(c, xs.sp);
    }
    seg_load_cs(c, sel, d, cpu_cpl(c));
    c->s.rip = off;
}

/* CALL through a call gate to a more privileged non-conforming segment: the
 * stack of level dpl comes from the TSS and receives the caller's SS:ESP,
 * nparams parameters copied from the caller's stack, and CS:EIP. */
static void call_inner(Cpu *c, const Insn *in, uint16_t sel, Desc *d, uint64_t off,
                       bool gate32, unsigned nparams)
{
    unsigned dpl = desc_dpl(d), size = gate32 ? 4 : 2;
    uint16_t ss;
    uint64_t sp;
    Desc sd;
    tss_inner_stack(c, dpl, &ss, &sp);
    tss_check_inner_ss(c, ss, dpl, &sd);
    SegCache new_ss;
    seg_cache_from_desc(&new_ss, ss, &sd);
    XStack xs, caller;
    xstack_init(c, &xs, &new_ss, sp, dpl, false);
    xs.err = sel_err(ss);
    xstack_init_cur(c, &caller);
    uint64_t caller_sp = caller.sp;
    xstack_push(c, &xs, c->s.seg[SEG_SS].sel, size);
    xstack_push(c, &xs, c->r[R_ESP], size);
    for (unsigned i = nparams; i-- > 0;) {
        caller.sp = (caller_sp + i * size) & caller.mask;
        xstack_push(c, &xs, xstack_pop(c, &caller, size), size);
    }
    xstack_push(c, &xs, c->s.seg[SEG_CS].sel, size);
    xstack_push(c, &xs, cpu_next_rip(c, in), size);
    if (off > desc_limit(d))
        RAISE_GP(c, 0);
    xstack_flush(c, &xs);
    seg_load_ss(c, ss, &sd);
    c->r[R_ESP] = xstack_esp(&xs, sp);
    seg_load_cs(c, sel, d, dpl);
    c->s.rip = off;
}

/* Through a call gate (gsel/g: the gate, already read). */
static void far_call_gate(Cpu *c, const Insn *in, uint16_t gsel, Desc *g, bool call)
{
    unsigned cpl = cpu_cpl(c), gdpl = desc_dpl(g);
    if (gdpl < cpl || (gsel & 3) > gdpl)
        RAISE_GP(c, sel_err(gsel));
    if (!desc_present(g))
        cpu_exception(c, EXC_NP, sel_err(gsel));
    bool gate32 = desc_type(g) == DT_CALL32;
    uint16_t sel = (uint16_t)(g->lo >> 16);
    uint64_t off = (g->lo & 0xffff) | (gate32 ? (g->hi & 0xffff0000u) : 0);
    if (!(sel & 0xfffc))
        RAISE_GP(c, 0);
    Desc d;
    desc_read_or_raise(c, sel, &d, false, EXC_GP);
    unsigned dpl = desc_dpl(&d);
    bool conforming = desc_is_conforming(&d);
    /* A jump may not change the privilege level: non-conforming needs DPL = CPL. */
    if (!desc_is_code(&d) || dpl > cpl || (!call && !conforming && dpl != cpl))
        RAISE_GP(c, sel_err(sel));
    if (!desc_present(&d))
        cpu_exception(c, EXC_NP, sel_err(sel));
    if (call && !conforming && dpl < cpl)
        call_inner(c, in, sel, &d, off, gate32, g->hi & 0x1f);
    else
        far_same(c, in, sel, &d, off, call ? (gate32 ? 4 : 2) : 0);
}

/* Through a task gate or to a TSS: a task switch (nested for CALL). */
static void far_task(Cpu *c, const Insn *in, uint16_t sel, Desc *d, bool call)
{
    unsigned cpl = cpu_cpl(c), dpl = desc_dpl(d);
    if (dpl < cpl || dpl < (sel & 3))
        RAISE_GP(c, sel_err(sel));
    uint16_t tsel = sel;
    Desc td = *d;
    if (desc_type(d) == DT_TASK) {
        if (!desc_present(d))
            cpu_exception(c, EXC_NP, sel_err(sel));
        tsel = (uint16_t)(d->lo >> 16);
        if (tsel & 4)
            RAISE_GP(c, sel_err(tsel));
        desc_read_or_raise(c, tsel, &td, false, EXC_GP);
    }
    task_switch(c, tsel, &td, call ? TASK_CALL : TASK_JMP, cpu_next_rip(c, in));
}

/* Protected mode: the target selects a code segment, a call gate, a task gate
 * or a TSS. */
static void far_pm(Cpu *c, const Insn *in, uint16_t sel, uint64_t off, bool call)
{
    unsigned cpl = cpu_cpl(c), rpl = sel & 3;
    if (!(sel & 0xfffc))
        RAISE_GP(c, 0);
    Desc d;
    desc_read_or_raise(c, sel, &d, false, EXC_GP);
    if (desc_is_seg(&d)) {
        unsigned dpl = desc_dpl(&d);
        if (!desc_is_code(&d) ||
            (desc_is_conforming(&d) ? dpl > cpl : (rpl > cpl || dpl != cpl)))
            RAISE_GP(c, sel_err(sel));
        if (!desc_present(&d))
            cpu_exception(c, EXC_NP, sel_err(sel));
        far_same(c, in, sel, &d, off & ip_mask(in->osize), call ? 2u << in->osize : 0);
        return;
    }
    switch (desc_type(&d)) {
    case DT_CALL16:
    case DT_CALL32:
        far_call_gate(c, in, sel, &d, call);
        return;
    case DT_TASK:
    case DT_TSS16:
    case DT_TSS32:
        far_task(c, in, sel, &d, call);
        return;
    default:
        RAISE_GP(c, sel_err(sel));   /* busy TSS, LDT, interrupt/trap gate */
    }
}

static void far_transfer(Cpu *c, const Insn *in, uint16_t sel, uint64_t off, bool call)
{
    if (c->hflags & HF_LMA)
        far_long(c, in, sel, off, call);
    else if (pm(c))
        far_pm(c, in, sel, off, call);
    else
        far_real(c, in, sel, off, call);
}

/* m16:16 / m16:32: the offset, then the selector. */
static void read_far_ptr(Cpu *c, const Insn *in, uint16_t *sel, uint64_t *off)
{
    uint64_t ea = insn_ea(c, in);
    unsigned n = 2u << in->osize;
    *off = n == 2 ? rd16(c, in->seg, ea) : n == 4 ? rd32(c, in->seg, ea) : rd64(c, in->seg, ea);
    *sel = rd16(c, in->seg, (ea + n) & addr_mask[in->asize]);
}

static INSN(jmp_far_ptr) { far_transfer(cpu, in, in->imm2, in->imm, false); }
static INSN(call_far_ptr) { far_transfer(cpu, in, in->imm2, in->imm, true); }

static INSN(jmp_far_mem)
{
    uint16_t sel;
    uint64_t off;
    read_far_ptr(cpu, in, &sel, &off);
    far_transfer(cpu, in, sel, off, false);
}

static INSN(call_far_mem)
{
    uint16_t sel;
    uint64_t off;
    read_far_ptr(cpu, in, &sel, &off);
    far_transfer(cpu, in, sel, off, true);
}

/* ---- RETF / IRET ---- */

/* The code segment a protected-mode RETF/IRET returns to: #GP(0) if null,
 * #GP(sel) unless a code segment with RPL >= CPL and a DPL that fits the RPL,
 * #NP(sel) if not present. */
static void check_return_cs(Cpu *c, uint16_t sel, Desc *d)
{
    unsigned rpl = sel & 3;
    if (!(sel & 0xfffc))
        RAISE_GP(c, 0);
    desc_read_or_raise(c, sel, d, false, EXC_GP);
    unsigned dpl = desc_dpl(d);
    if (!desc_is_code(d) || rpl < cpu_cpl(c) ||
        (desc_is_conforming(d) ? dpl > rpl : dpl != rpl))
        RAISE_GP(c, sel_err(sel));
    if (!desc_present(d))
        cpu_exception(c, EXC_NP, sel_err(sel));
}

/* The stack segment of a return to the outer level rpl: #GP(0) if null,
 * #GP(sel) unless writable data with RPL = DPL = rpl, #NP(sel) if absent
 * (the RET/IRET exception lists of the SDM, as Bochs and QEMU do; only the
 * IRET pseudo-code says #SS). */
static void check_return_ss(Cpu *c, uint16_t sel, unsigned rpl, Desc *d)
{
    if (!(sel & 0xfffc))
        RAISE_GP(c, 0);
    desc_read_or_raise(c, sel, d, false, EXC_GP);
    if ((sel & 3) != rpl || !desc_is_data(d) || !desc_rw(d) || desc_dpl(d) != rpl)
        RAISE_GP(c, sel_err(sel));
    if (!desc_present(d))
        cpu_exception(c, EXC_NP, sel_err(sel));
}

/* After a return to an outer level: DS/ES/FS/GS the new CPL may not use
 * become null. */
static void null_inaccessible_segs(Cpu *c)
{
    static const int segs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    for (unsigned i = 0; i < sizeof segs / sizeof segs[0]; i++)
        seg_validate_outer(c, segs[i]);
}

/* Loads SS:ESP of a return to an outer level (after every check). */
static void return_stack(Cpu *c, uint16_t ss, Desc *sd, uint64_t esp)
{
    seg_load_ss(c, ss, sd);
    sp_set(c, esp);   /* a 16-bit stack keeps ESP's upper half, as hardware does */
}

static void retf_common(Cpu *c, const Insn *in, uint16_t imm)
{
    if (c->hflags & HF_CS64) {
        retf_long(c, in, imm);
        return;
    }
    unsigned size = 2u << in->osize;
    XStack xs;
    xstack_init_cur(c, &xs);
    uint64_t eip = xstack_pop(c, &xs, size);
    uint16_t sel = (uint16_t)xstack_pop(c, &xs, size);
    if (!pm(c)) {
        if (eip > real_cs_limit(c))
            RAISE_GP(c, 0);
        seg_load_real(c, SEG_CS, sel);
        sp_set(c, xs.sp + imm);
        c->s.rip = eip;
        return;
    }
    Desc d;
    check_return_cs(c, sel, &d);
    unsigned rpl = sel & 3;
    if (rpl == cpu_cpl(c)) {
        if (eip > desc_limit(&d))
            RAISE_GP(c, 0);
        seg_load_cs(c, sel, &d, rpl);
        sp_set(c, xs.sp + imm);
        c->s.rip = eip;
        return;
    }
    /* Outer level: the caller's SS:ESP follows the parameters. */
    xs.sp = (xs.sp + imm) & xs.mask;
    uint64_t esp = xstack_pop(c, &xs, size);
    uint16_t ss = (uint16_t)xstack_pop(c, &xs, size);
    Desc sd;
    check_return_ss(c, ss, rpl, &sd);
    if (eip > desc_limit(&d))
        RAISE_GP(c, 0);
    return_stack(c, ss, &sd, esp + imm);
    seg_load_cs(c, sel, &d, rpl);
    null_inaccessible_segs(c);
    c->s.rip = eip;
}

static INSN(retf) { retf_common(cpu, in, 0); }
static INSN(retf_imm) { retf_common(cpu, in, (uint16_t)in->imm); }

/* EFLAGS bits an IRET/POPF image may carry (16-bit images: the low half). */
#define EFL_ALL (F_ARITH | F_TF | F_IF | F_DF | F_IOPL | F_NT | F_RF | F_VM | F_AC | F_VIF | F_VIP | F_ID)
#define EFL_LOW16 (F_ARITH | F_TF | F_IF | F_DF | F_IOPL | F_NT)

/* Real mode: every flag but VM, VIF, VIP (and the upper half for 16 bits). */
static void iret_real(Cpu *c, const Insn *in)
{
    unsigned size = 2u << in->osize;
    XStack xs;
    xstack_init_cur(c, &xs);
    uint64_t eip = xstack_pop(c, &xs, size);
    uint16_t cs = (uint16_t)xstack_pop(c, &xs, size);
    uint32_t fl = (uint32_t)xstack_pop(c, &xs, size);
    if (eip > 0xffff)
        RAISE_GP(c, 0);   /* IRETD: EIP[31:16] must be 0 */
    seg_load_real(c, SEG_CS, cs);
    sp_set(c, xs.sp);
    cpu_set_eflags(c, fl, size == 4 ? EFL_ALL & ~(F_VM | F_VIF | F_VIP) : EFL_LOW16);
    c->s.rip = eip;
}

/* Virtual-8086 mode: with IOPL 3 like real mode, but IOPL stays.  With IOPL
 * < 3 it traps to the monitor (#GP(0)), except a 16-bit IRET under CR4.VME,
 * which loads VIF from the image's IF and traps only if the image sets TF or
 * enables interrupts while one is pending (VIP). */
static void iret_v86(Cpu *c, const Insn *in)
{
    bool vme = iopl(c) < 3 && (c->s.cr4 & CR4_VME) && in->osize == 0;
    if (iopl(c) != 3 && !vme)
        RAISE_GP(c, 0);
    unsigned size = 2u << in->osize;
    XStack xs;
    xstack_init_cur(c, &xs);
    uint64_t eip = xstack_pop(c, &xs, size);
    uint16_t cs = (uint16_t)xstack_pop(c, &xs, size);
    uint32_t fl = (uint32_t)xstack_pop(c, &xs, size);
    if (vme && ((fl & F_TF) || ((fl & F_IF) && (c->s.rflags & F_VIP))))
        RAISE_GP(c, 0);
    if (eip > 0xffff)
        RAISE_GP(c, 0);
    uint32_t mask = size == 4 ? EFL_ALL & ~(F_VM | F_VIF | F_VIP | F_IOPL) : EFL_LOW16 & ~F_IOPL;
    seg_load_real(c, SEG_CS, cs);
    sp_set(c, xs.sp);
    if (vme)
        cpu_set_eflags(c, (fl & ~(uint32_t)F_IF) | ((fl & F_IF) ? F_VIF : 0), (mask & ~(uint32_t)F_IF) | F_VIF);
    else
        cpu_set_eflags(c, fl, mask);
    c->s.rip = eip;
}

/* IRETD at CPL 0 with VM set in the image: pops ESP, SS, ES, DS, FS, GS and
 * enters virtual-8086 mode at CPL 3. */
static void iret_to_v86(Cpu *c, XStack *xs, uint64_t eip, uint16_t cs, uint32_t fl)
{
    uint64_t esp = xstack_pop(c, xs, 4);
    uint16_t sel[SEG_COUNT];
    static const int order[] = { SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++)
        sel[order[i]] = (uint16_t)xstack_pop(c, xs, 4);
    sel[SEG_CS] = cs;
    if (eip > 0xffff)
        RAISE_GP(c, 0);   /* beyond the 64 KiB limit of the v86 CS */
    cpu_set_eflags(c, fl, EFL_ALL);   /* VM=1: CPL 3 from here */
    for (int i = 0; i < SEG_COUNT; i++)
        seg_load_real(c, i, sel[i]);
    c->r[R_ESP] = (uint32_t)esp;
    c->s.rip = eip;
}

/* EFLAGS bits a protected-mode IRET may change at privilege cpl (before the
 * return) for an image of size bytes. */
static uint32_t iret_flags_mask(const Cpu *c, unsigned cpl, unsigned size)
{
    uint32_t m = F_ARITH | F_TF | F_DF | F_NT;
    if (size == 4)
        m |= F_RF | F_AC | F_ID;
    if (cpl <= iopl(c))
        m |= F_IF;
    if (cpl == 0)
        m |= F_IOPL | (size == 4 ? F_VIF | F_VIP : 0);
    return m;
}

static void iret_pm(Cpu *c, const Insn *in)
{
    unsigned size = 2u << in->osize, cpl = cpu_cpl(c);
    XStack xs;
    xstack_init_cur(c, &xs);
    uint64_t eip = xstack_pop(c, &xs, size);
    uint16_t sel = (uint16_t)xstack_pop(c, &xs, size);
    uint32_t fl = (uint32_t)xstack_pop(c, &xs, size);
    if ((fl & F_VM) && cpl == 0 && size == 4) {
        iret_to_v86(c, &xs, eip, sel, fl);
        return;
    }
    Desc d;
    check_return_cs(c, sel, &d);
    unsigned rpl = sel & 3;
    uint32_t mask = iret_flags_mask(c, cpl, size);
    if (rpl == cpl) {
        if (eip > desc_limit(&d))
            RAISE_GP(c, 0);
        seg_load_cs(c, sel, &d, rpl);
        sp_set(c, xs.sp);
        cpu_set_eflags(c, fl, mask);
        c->s.rip = eip;
        return;
    }
    uint64_t esp = xstack_pop(c, &xs, size);
    uint16_t ss = (uint16_t)xstack_pop(c, &xs, size);
    Desc sd;
    check_return_ss(c, ss, rpl, &sd);
    if (eip > desc_limit(&d))
        RAISE_GP(c, 0);
    cpu_set_eflags(c, fl, mask);
    return_stack(c, ss, &sd, esp);
    seg_load_cs(c, sel, &d, rpl);
    null_inaccessible_segs(c);
    c->s.rip = eip;
}

/* NT=1: return to the task in the back link of the current TSS. */
static void iret_task(Cpu *c, const Insn *in)
{
    uint16_t link = (uint16_t)sys_read(c, c->s.tr.base, 2);
    Desc d;
    if ((link & 4) || !desc_read(c, link, &d, false))
        cpu_exception(c, EXC_TS, sel_err(link));
    task_switch(c, link, &d, TASK_IRET, cpu_next_rip(c, in));
}

static INSN(iret)
{
    /* IRET ends NMI blocking, even when it faults. */
    cpu->s.nmi_masked = 0;
    if (!(cpu->hflags & HF_PE))
        iret_real(cpu, in);
    else if (cpu->hflags & HF_CS64)
        iret_long(cpu, in);
    else if (cpu->hflags & HF_VM)
        iret_v86(cpu, in);
    else if ((cpu->s.rflags & F_NT) && (cpu->hflags & HF_LMA))
        RAISE_GP(cpu, 0);   /* no task returns in IA-32e mode */
    else if (cpu->s.rflags & F_NT)
        iret_task(cpu, in);
    else
        iret_pm(cpu, in);
}

/* ---- software interrupts ---- */

/* CR4.VME: bit n of the interrupt redirection bitmap, the 32 bytes below the
 * I/O map base of the (32-bit) TSS.  Clear: INT n goes to the 8086 program's
 * own IVT; set: to the IDT (IOPL 3) or the monitor (#GP(0)). */
static bool vme_redirected(Cpu *c, uint8_t v)
{
    const SegCache *tr = &c->s.tr;
    if (!(tr->attr & SA_P) || !(tr->attr & 8) || tr->limit < 0x67)
        RAISE_GP(c, 0);
    uint64_t off = (uint64_t)(uint16_t)sys_read(c, tr->base + 0x66, 2) + v / 8;
    if (off < 32 || off - 32 > tr->limit)
        RAISE_GP(c, 0);
    return !((sys_read(c, tr->base + off - 32, 1) >> (v & 7)) & 1);
}

/* A redirected INT n: a real-mode frame on the v86 stack and CS:IP from the
 * IVT at linear 0.  With IOPL < 3 the pushed image shows VIF as IF and IOPL
 * as 3, and VIF (not IF) is cleared. */
static void vme_int(Cpu *c, const Insn *in, uint8_t v)
{
    bool virt = iopl(c) < 3;
    uint16_t ip = (uint16_t)sys_read(c, (uint64_t)v * 4, 2);
    uint16_t cs = (uint16_t)sys_read(c, (uint64_t)v * 4 + 2, 2);
    uint32_t fl = cpu_get_eflags(c) & 0xffff;
    if (virt)
        fl = (fl & ~(uint32_t)F_IF) | F_IOPL | ((c->s.rflags & F_VIF) ? F_IF : 0);
    XStack xs;
    xstack_init_cur(c, &xs);
    xstack_push(c, &xs, fl, 2);
    xstack_push(c, &xs, c->s.seg[SEG_CS].sel, 2);
    xstack_push(c, &xs, cpu_next_rip(c, in), 2);
    xstack_flush(c, &xs);
    sp_set(c, xs.sp);
    cpu_set_eflags(c, 0, F_TF | F_RF | (virt ? F_VIF : F_IF));
    seg_load_real(c, SEG_CS, cs);
    c->s.rip = ip;
    c->soft_int_done = true;
}

static INSN(int_n)
{
    uint8_t v = (uint8_t)in->imm;
    /* Virtual-8086 mode: INT n (only the CD form) is IOPL-sensitive, unless
     * VME redirects it. */
    if (cpu->hflags & HF_VM) {
        if ((cpu->s.cr4 & CR4_VME) && vme_redirected(cpu, v)) {
            vme_int(cpu, in, v);
            return;
        }
        if (iopl(cpu) < 3)
            RAISE_GP(cpu, 0);
    }
    deliver_event(cpu, v, false, 0, EV_KIND_SOFT, cpu_next_rip(cpu, in));
}

static INSN(int3)
{
    deliver_event(cpu, EXC_BP, false, 0, EV_KIND_SOFT_EXC, cpu_next_rip(cpu, in));
}

static INSN(into)
{
    if (get_OF(cpu))
        deliver_event(cpu, EXC_OF, false, 0, EV_KIND_SOFT_EXC, cpu_next_rip(cpu, in));
    else
        cpu->s.rip = cpu_next_rip(cpu, in);
}

/* INT1/ICEBP: a #DB trap delivered like a hardware exception (no IOPL or gate
 * DPL check, EXT set in error codes), and no single-step trap on top. */
static INSN(icebp)
{
    deliver_event(cpu, EXC_DB, false, 0, EV_KIND_EXC, cpu_next_rip(cpu, in));
    cpu->soft_int_done = true;
}

/* BOUND: #BR (a fault) unless lower <= index <= upper, signed. */
#define DEF_BOUND(bits) \
static INSN(bound_m##bits) \
{ \
    uint64_t ea = insn_ea(cpu, in); \
    int##bits##_t lo = (int##bits##_t)rd##bits(cpu, in->seg, ea); \
    int##bits##_t hi = (int##bits##_t)rd##bits(cpu, in->seg, (ea + bits / 8) & addr_mask[in->asize]); \
    int##bits##_t v = (int##bits##_t)R##bits(cpu, in->reg); \
    if (v < lo || v > hi) \
        cpu_exception(cpu, EXC_BR, 0); \
}
DEF_BOUND(16)
DEF_BOUND(32)

#define FAR_MEM(f) { { NULL, NULL, NULL }, { f, f, f } }

const OpReg ops_far[] = {
    { 0xea, -1, { { { jmp_far_ptr, jmp_far_ptr, NULL } }, OPF_FARPTR | OPF_END | OPF_NO64 } },
    { 0x9a, -1, { { { call_far_ptr, call_far_ptr, NULL } }, OPF_FARPTR | OPF_END | OPF_NO64 } },
    { 0xff, 3, { FAR_MEM(call_far_mem), OPF_END | OPF_MEMONLY } },
    { 0xff, 5, { FAR_MEM(jmp_far_mem), OPF_END | OPF_MEMONLY } },
    { 0xcb, -1, { { { retf, retf, retf } }, OPF_END } },
    { 0xca, -1, { { { retf_imm, retf_imm, retf_imm } }, OPF_IMM16 | OPF_END } },
    { 0xcf, -1, { { { iret, iret, iret } }, OPF_END } },
    { 0xcd, -1, { OPX(int_n), OPF_IMM8U | OPF_END } },
    { 0xcc, -1, { OPX(int3), OPF_END } },
    { 0xce, -1, { OPX(into), OPF_END | OPF_NO64 } },
    { 0xf1, -1, { OPX(icebp), OPF_END } },
    { 0x62, -1, { { { NULL, NULL, NULL }, { bound_m16, bound_m32, NULL } }, OPF_MODRM | OPF_MEMONLY | OPF_NO64 } },
    OPS_END,
};
