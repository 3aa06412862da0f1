/* Hardware task switching (SDM vol. 3 ch. 7): the checks of table 7-1, saving
 * the old task, busy bits, NT and the back link, then loading the new task
 * (CR3, LDT, EFLAGS, registers, segments) with its faults raised in the new
 * task's context. */
#include "cpu/task.h"

#include "cpu/debug.h"
#include "cpu/exec.h"
#include "cpu/paging.h"

/* EFLAGS bits a task switch loads (everything defined). */
#define TASK_EFLAGS_MASK (F_ARITH | F_TF | F_IF | F_DF | F_IOPL | F_NT | F_RF | F_VM | F_AC | \
                          F_VIF | F_VIP | F_ID)

/* The new task's state, read in full before anything is changed. */
typedef struct TssImage {
    uint32_t cr3, eip, eflags;
    uint32_t regs[8];
    uint16_t segs[SEG_COUNT];   /* ES CS SS DS FS GS: the TSS order */
    uint16_t ldt;
    bool trap;                  /* T bit: #DB once the new task starts */
} TssImage;

static void tss_read(Cpu *c, uint64_t base, bool tss32, TssImage *t)
{
    if (tss32) {
        t->cr3 = (uint32_t)sys_read(c, base + 0x1c, 4);
        t->eip = (uint32_t)sys_read(c, base + 0x20, 4);
        t->eflags = (uint32_t)sys_read(c, base + 0x24, 4);
        for (int i = 0; i < 8; i++)
            t->regs[i] = (uint32_t)sys_read(c, base + 0x28 + i * 4, 4);
        for (int i = 0; i < SEG_COUNT; i++)
            t->segs[i] = (uint16_t)sys_read(c, base + 0x48 + i * 4, 2);
        t->ldt = (uint16_t)sys_read(c, base + 0x60, 2);
        t->trap = sys_read(c, base + 0x64, 2) & 1;
        return;
    }
    /* 16-bit TSS: the upper halves of the GPRs become 0xffff, of EIP and
     * EFLAGS zero; FS and GS are null (as Bochs models the 286 format). */
    t->cr3 = 0;
    t->eip = (uint16_t)sys_read(c, base + 0x0e, 2);
    t->eflags = (uint16_t)sys_read(c, base + 0x10, 2);
    for (int i = 0; i < 8; i++)
        t->regs[i] = 0xffff0000u | (uint16_t)sys_read(c, base + 0x12 + i * 2, 2);
    for (int i = SEG_ES; i <= SEG_DS; i++)
        t->segs[i] = (uint16_t)sys_read(c, base + 0x22 + i * 2, 2);
    t->segs[SEG_FS] = t->segs[SEG_GS] = 0;
    t->ldt = (uint16_t)sys_read(c, base + 0x2a, 2);
    t->trap = false;
}

/* Makes sure [lin, lin+len) can be written (len <= 4 KiB): faults now, before
 * the switch commits, rather than half way through saving. */
static void sys_probe_write(Cpu *c, uint64_t lin, unsigned len)
{
    uint8_t saved = c->mmu_idx;
    cpu_set_mmu(c, 0);
    mem_probe_write_slow(c, lin & c->lin_mask, 1, -1);
    mem_probe_write_slow(c, (lin + len - 1) & c->lin_mask, 1, -1);
    cpu_set_mmu(c, saved);
}

/* The dynamic fields of the old TSS: EIP, EFLAGS, GPRs, segment selectors. */
static void tss_save(Cpu *c, uint64_t base, bool tss32, uint32_t eip, uint32_t eflags)
{
    if (tss32) {
        sys_write(c, base + 0x20, eip, 4);
        sys_write(c, base + 0x24, eflags, 4);
        for (int i = 0; i < 8; i++)
            sys_write(c, base + 0x28 + i * 4, (uint32_t)c->r[i], 4);
        for (int i = 0; i < SEG_COUNT; i++)
            sys_write(c, base + 0x48 + i * 4, c->s.seg[i].sel, 2);
        return;
    }
    sys_write(c, base + 0x0e, eip & 0xffff, 2);
    sys_write(c, base + 0x10, eflags & 0xffff, 2);
    for (int i = 0; i < 8; i++)
        sys_write(c, base + 0x12 + i * 2, c->r[i] & 0xffff, 2);
    for (int i = SEG_ES; i <= SEG_DS; i++)
        sys_write(c, base + 0x22 + i * 2, c->s.seg[i].sel, 2);
}

static uint64_t gdt_desc_addr(Cpu *c, uint16_t sel)
{
    return c->s.gdt.base + (sel & 0xfff8);
}

/* Sets or clears the busy bit of a TSS descriptor in the GDT. */
static void set_busy(Cpu *c, uint16_t sel, bool busy)
{
    uint64_t a = gdt_desc_addr(c, sel) + 4;
    uint32_t hi = (uint32_t)sys_read(c, a, 4);
    hi = busy ? hi | (DT_BUSY << 8) : hi & ~(uint32_t)(DT_BUSY << 8);
    sys_write(c, a, hi, 4);
}

/* The LDT of the new task: #TS(sel) for anything but a present LDT
 * descriptor in the GDT; a null selector leaves LDTR unusable. */
static void load_task_ldt(Cpu *c, uint16_t sel)
{
    SegCache *l = &c->s.ldt;
    l->sel = sel;
    l->base = 0;
    l->limit = 0;
    l->attr = 0;
    if (!(sel & 0xfffc))
        return;
    Desc d;
    if ((sel & 4) || !desc_read(c, sel, &d, false))
        cpu_exception(c, EXC_TS, sel_err(sel));
    if (desc_is_seg(&d) || desc_type(&d) != DT_LDT || !desc_present(&d))
        cpu_exception(c, EXC_TS, sel_err(sel));
    seg_cache_from_desc(l, sel, &d);
}

/* Loads one segment register of the new task with the checks of table 7-1:
 * #TS(sel) for a bad selector or descriptor, #NP(sel) (#SS for SS) if not
 * present.  cpl is the new task's CPL (its CS.RPL). */
static void load_task_seg(Cpu *c, int seg, uint16_t sel, unsigned cpl)
{
    if (!(sel & 0xfffc)) {
        if (seg == SEG_CS || seg == SEG_SS)
            cpu_exception(c, EXC_TS, sel_err(sel));
        seg_set_null(c, seg, sel);
        return;
    }
    Desc d;
    if (!desc_read(c, sel, &d, false) || !desc_is_seg(&d))
        cpu_exception(c, EXC_TS, sel_err(sel));
    unsigned dpl = desc_dpl(&d), rpl = sel & 3;
    bool bad;
    if (seg == SEG_CS)
        bad = !desc_is_code(&d) || (desc_is_conforming(&d) ? dpl > rpl : dpl != rpl);
    else if (seg == SEG_SS)
        bad = !desc_is_data(&d) || !desc_rw(&d) || dpl != cpl || rpl != cpl;
    else
        bad = (desc_is_code(&d) && !desc_rw(&d)) ||
              (!desc_is_conforming(&d) && (dpl < cpl || dpl < rpl));
    if (bad)
        cpu_exception(c, EXC_TS, sel_err(sel));
    if (!desc_present(&d))
        cpu_exception(c, seg == SEG_SS ? EXC_SS : EXC_NP, sel_err(sel));
    desc_set_accessed(c, sel, &d);
    SegCache sc;
    seg_cache_from_desc(&sc, sel, &d);
    seg_set(c, seg, &sc);
}

/* Loads the new task's registers and segments.  Everything before this point
 * happened in the old task; every fault from here on belongs to the new task,
 * so RIP already holds its EIP when they are raised. */
static void load_task_state(Cpu *c, const TssImage *t, bool tss32)
{
    c->s.rip = t->eip;
    for (int i = 0; i < 8; i++)
        c->r[i] = t->regs[i];
    cpu_set_eflags(c, t->eflags, TASK_EFLAGS_MASK);
    unsigned cpl = t->segs[SEG_CS] & 3;
    bool vm = tss32 && (t->eflags & F_VM);
    /* Selectors first, with unusable caches, so a fault part way leaves the
     * new task's selectors and CPL in place. */
    for (int i = 0; i < SEG_COUNT; i++) {
        SegCache *s = &c->s.seg[i];
        s->sel = t->segs[i];
        s->base = 0;
        s->limit = 0;
        s->attr = i == SEG_SS ? (uint16_t)(cpl << SA_DPL_SHIFT) : 0;
    }
    cpu_update_mode(c);
    load_task_ldt(c, t->ldt);
    if (vm) {
        for (int i = 0; i < SEG_COUNT; i++)
            seg_load_real(c, i, t->segs[i]);
    } else {
        static const int order[SEG_COUNT] = { SEG_CS, SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS };
        for (int i = 0; i < SEG_COUNT; i++)
            load_task_seg(c, order[i], t->segs[order[i]], cpl);
    }
    if (t->eip > c->s.seg[SEG_CS].limit)
        RAISE_GP(c, 0);
}

void task_switch(Cpu *c, uint16_t sel, Desc *d, int reason, uint64_t next_rip)
{
    /* The new TSS descriptor: available for JMP/CALL/INT, busy for IRET. */
    bool iret = reason == TASK_IRET;
    unsigned type = desc_type(d);
    if (desc_is_seg(d) || (type & ~8u) != (iret ? DT_TSS16_BUSY : DT_TSS16))
        cpu_exception(c, iret ? EXC_TS : EXC_GP, sel_err(sel));
    if (!desc_present(d))
        cpu_exception(c, EXC_NP, sel_err(sel));
    bool tss32 = type & 8;
    uint32_t limit = desc_limit(d);
    if ((sel & 4) || limit < (tss32 ? 0x67u : 0x2bu))
        cpu_exception(c, EXC_TS, sel_err(sel));
    uint64_t base = desc_base(d);
    TssImage t;
    tss_read(c, base, tss32, &t);

    /* Everything the old task's half writes must be writable now. */
    SegCache old = c->s.tr;
    bool old32 = old.attr & 8;
    if (old32)
        sys_probe_write(c, old.base + 0x20, 0x40);
    else
        sys_probe_write(c, old.base + 0x0e, 0x1c);
    if (reason == TASK_JMP || iret)
        sys_probe_write(c, gdt_desc_addr(c, old.sel) + 4, 4);
    if (!iret)
        sys_probe_write(c, gdt_desc_addr(c, sel) + 4, 4);
    if (reason == TASK_CALL || reason == TASK_INT)
        sys_probe_write(c, base, 2);

    /* Commit: save the old task, busy bits, back link, TR. */
    uint32_t eflags = cpu_get_eflags(c);
    if (iret)
        eflags &= ~(uint32_t)F_NT;
    if (reason == TASK_JMP || iret)
        set_busy(c, old.sel, false);
    tss_save(c, old.base, old32, (uint32_t)next_rip, eflags);
    if (reason == TASK_CALL || reason == TASK_INT) {
        sys_write(c, base, old.sel, 2);
        t.eflags |= F_NT;
    }
    if (!iret)
        set_busy(c, sel, true);
    seg_cache_from_desc(&c->s.tr, sel, d);
    c->s.tr.attr |= DT_BUSY;
    c->s.cr0 |= CR0_TS;
    if (tss32 && (c->s.cr0 & CR0_PG)) {
        c->s.cr3 = t.cr3;
        tlb_flush(c, false);
    }
    /* Local breakpoint enables (L0-L3, LE) do not survive a task switch. */
    if (c->s.dr[7] & DR7_LOCAL) {
        c->s.dr[7] &= ~(uint64_t)DR7_LOCAL;
        debug_regs_changed(c);
    }

    /* The switching instruction has retired: faults from now on report the
     * new task's CS:EIP, which cpu_exception() must not rewind. */
    const Insn *cur = c->cur;
    uint64_t retired = cur ? (uint64_t)(cur - c->cur_block->insns) + 1 : 0;
    c->icount += retired;
    c->cur = NULL;
    c->cur_block = NULL;
    load_task_state(c, &t, tss32);
    c->icount -= retired;   /* exec_block() counts it on the normal path */
    cpu_update_mode(c);
    if (t.trap) {
        c->pending_db |= 1u << 15;   /* DR6.BT: #DB before the first instruction */
        cpu_update_slow(c);
    }
}

void tss_inner_stack(Cpu *c, unsigned dpl, uint16_t *ss, uint64_t *sp)
{
    SegCache *tr = &c->s.tr;
    bool tss32 = tr->attr & 8;
    uint32_t off = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
    uint32_t last = off + (tss32 ? 5 : 3);
    if (!(tr->attr & SA_P) || last > tr->limit)
        cpu_exception(c, EXC_TS, sel_err(tr->sel));
    if (tss32) {
        *sp = (uint32_t)sys_read(c, tr->base + off, 4);
        *ss = (uint16_t)sys_read(c, tr->base + off + 4, 2);
    } else {
        *sp = (uint16_t)sys_read(c, tr->base + off, 2);
        *ss = (uint16_t)sys_read(c, tr->base + off + 2, 2);
    }
}

void tss_check_inner_ss(Cpu *c, uint16_t ss, unsigned dpl, Desc *d)
{
    if (!(ss & 0xfffc))
        cpu_exception(c, EXC_TS, 0);
    if (!desc_read(c, ss, d, false))
        cpu_exception(c, EXC_TS, sel_err(ss));
    if ((ss & 3) != dpl || desc_dpl(d) != dpl || !desc_is_data(d) || !desc_rw(d))
        cpu_exception(c, EXC_TS, sel_err(ss));
    if (!desc_present(d))
        cpu_exception(c, EXC_SS, sel_err(ss));
}
