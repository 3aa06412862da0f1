/* Exceptions and interrupts: raising (with double/triple fault rules) and
 * delivery through the real-mode IVT, the protected-mode IDT (interrupt, trap
 * and task gates, privilege changes, virtual-8086 frames) and the long-mode IDT. */
#include <stdio.h>

#include "cpu/exec.h"
#include "cpu/flags.h"
#include "cpu/paging.h"
#include "cpu/seg.h"
#include "cpu/stack.h"
#include "cpu/task.h"
#include "system/log.h"

static bool exc_has_error_code(int v)
{
    return v == EXC_DF || (v >= EXC_TS && v <= EXC_PF) || v == EXC_AC || v == 21;
}

static bool contributory(int v)
{
    return v == EXC_DE || (v >= EXC_TS && v <= EXC_GP);
}

void cpu_exception(Cpu *c, int vec, uint32_t err)
{
    bool has_err = exc_has_error_code(vec);
    if (c->cur) {
        /* Raised by an instruction: it did not retire; report its address. */
        c->icount += (uint64_t)(c->cur - c->cur_block->insns);
        c->s.rip = cpu_cur_rip(c);
        c->cur = NULL;
        c->cur_block = NULL;
    }
    cpu_set_mmu(c, cpu_cpl(c) == 3);
    if (c->in_delivery) {
        int prev = c->delivering_vector;
        c->in_delivery = false;
        if (has_err && vec != EXC_PF && vec != EXC_DF && vec != EXC_AC)
            err = (err & ~1u) | (c->delivering_ext ? 1u : 0);
        if (prev == EXC_DF) {
            if (log_enabled(LOG_INT))
                log_printf("int: triple fault (vector %d while delivering #DF)\n", vec);
            c->shutdown = true;
            longjmp(c->jb, 1);
        }
        if (prev >= 0 && ((contributory(prev) && contributory(vec)) ||
                          (prev == EXC_PF && (vec == EXC_PF || contributory(vec))))) {
            vec = EXC_DF;
            err = 0;
            has_err = true;
        }
    }
    c->exc_vector = vec;
    c->exc_err = has_err ? err : 0;
    c->exc_has_err = has_err;
    longjmp(c->jb, 1);
}

void cpu_exception_noerr(Cpu *c, int vec)
{
    cpu_exception(c, vec, 0);
}

static void log_event(Cpu *c, int vec, bool has_err, uint32_t err, int kind)
{
    static const char *kinds[] = { "exception", "hw-irq", "int", "int", "nmi" };
    log_printf("int: %s v=%02x", kinds[kind], vec);
    if (has_err)
        log_printf(" e=%04x", err);
    log_printf(" cpl=%u %04x:%08llx", cpu_cpl(c), c->s.seg[SEG_CS].sel, (unsigned long long)c->s.rip);
    if (vec == EXC_PF && kind == EV_KIND_EXC)
        log_printf(" cr2=%08llx", (unsigned long long)c->s.cr2);
    log_printf(" eax=%08x esp=%08x\n", (uint32_t)c->r[R_EAX], (uint32_t)c->r[R_ESP]);
}

/* Fault-class exceptions push RF=1 so that the handler's IRET does not
 * re-trigger an instruction breakpoint on the restarted instruction (SDM vol. 3
 * 17.3.1.1); #DB is a trap or an instruction-breakpoint fault, which keep RF. */
static bool pushes_rf(int vec, int kind)
{
    static const uint32_t faults = 1u << EXC_DE | 1u << EXC_BR | 1u << EXC_UD | 1u << EXC_NM |
                                   1u << EXC_TS | 1u << EXC_NP | 1u << EXC_SS | 1u << EXC_GP |
                                   1u << EXC_PF | 1u << EXC_MF | 1u << EXC_AC | 1u << EXC_XM | 1u << 20;
    return kind == EV_KIND_EXC && vec < 32 && (faults >> vec & 1);
}

/* Real mode: 4-byte IVT entries, 16-bit frame on SS:SP. */
static void deliver_real(Cpu *c, int vec, uint64_t ret_ip)
{
    uint64_t ent = (uint64_t)vec * 4;
    if (ent + 3 > c->s.idt.limit)
        RAISE_GP(c, (uint32_t)vec * 8 + 2);
    uint16_t ip = (uint16_t)sys_read(c, c->s.idt.base + ent, 2);
    uint16_t cs = (uint16_t)sys_read(c, c->s.idt.base + ent + 2, 2);
    XStack xs;
    xstack_init_cur(c, &xs);
    xstack_push(c, &xs, cpu_get_eflags(c), 2);
    xstack_push(c, &xs, c->s.seg[SEG_CS].sel, 2);
    xstack_push(c, &xs, ret_ip, 2);
    xstack_flush(c, &xs);
    sp_set(c, xs.sp);
    c->s.rflags &= ~(uint64_t)(F_IF | F_TF | F_AC | F_RF);
    seg_load_real(c, SEG_CS, cs);
    c->s.rip = ip;
}

/* Task gate in the IDT: the TSS must be an available TSS in the GDT (#GP
 * otherwise, #NP if absent); the error code goes on the new task's stack. */
static void deliver_task_gate(Cpu *c, const Desc *g, bool has_err, uint32_t err, uint64_t ret_ip)
{
    uint16_t tsel = (uint16_t)(g->lo >> 16);
    Desc td;
    if (tsel & 4)
        RAISE_GP(c, sel_err(tsel));
    desc_read_or_raise(c, tsel, &td, false, EXC_GP);
    task_switch(c, tsel, &td, TASK_INT, ret_ip);
    if (has_err) {
        if (c->s.tr.attr & 8)
            push32(c, err);
        else
            push16(c, (uint16_t)err);
    }
}

static void deliver_protected(Cpu *c, int vec, bool has_err, uint32_t err, int kind,
                              uint64_t ret_ip)
{
    uint32_t ext = (kind == EV_KIND_SOFT || kind == EV_KIND_SOFT_EXC) ? 0 : 1;
    uint32_t idt_err = (uint32_t)vec * 8 + 2 + ext;
    if ((uint64_t)vec * 8 + 7 > c->s.idt.limit)
        RAISE_GP(c, idt_err);
    uint64_t gaddr = c->s.idt.base + (uint64_t)vec * 8;
    Desc g = { (uint32_t)sys_read(c, gaddr, 4), (uint32_t)sys_read(c, gaddr + 4, 4), 0, 0 };
    unsigned type = (g.hi >> 8) & 0x1f;
    unsigned cpl = cpu_cpl(c);
    if (type != 0x05 && type != 0x06 && type != 0x07 && type != 0x0e && type != 0x0f)
        RAISE_GP(c, idt_err);
    if (kind == EV_KIND_SOFT || kind == EV_KIND_SOFT_EXC) {
        if (desc_dpl(&g) < cpl)
            RAISE_GP(c, idt_err);
    }
    if (!desc_present(&g))
        cpu_exception(c, EXC_NP, idt_err);

    if (type == 0x05) {
        deliver_task_gate(c, &g, has_err, err, ret_ip);
        return;
    }

    bool gate32 = type & 8;
    bool trap = type & 1;
    uint16_t sel = (uint16_t)(g.lo >> 16);
    uint32_t offset = (g.lo & 0xffff) | (gate32 ? (g.hi & 0xffff0000u) : 0);
    if (!(sel & 0xfffc))
        RAISE_GP(c, ext);
    Desc cd;
    if (!desc_read(c, sel, &cd, false))
        RAISE_GP(c, (sel & 0xfffc) + ext);
    unsigned dpl = desc_dpl(&cd);
    if (!desc_is_code(&cd) || dpl > cpl)
        RAISE_GP(c, (sel & 0xfffc) + ext);
    if (!desc_present(&cd))
        cpu_exception(c, EXC_NP, (sel & 0xfffc) + ext);
    bool conforming = cd.hi & (4u << 8);
    bool vm = c->hflags & HF_VM;
    unsigned size = gate32 ? 4 : 2;
    uint32_t eflags = cpu_get_eflags(c) | (pushes_rf(vec, kind) ? F_RF : 0);
    XStack xs;
    unsigned new_cpl;
    SegCache new_ss = c->s.seg[SEG_SS];
    uint64_t new_esp = c->r[R_ESP];
    Desc sd;

    if (!conforming && dpl < cpl) {
        /* Inner privilege: stack from the TSS. */
        if (vm && dpl != 0)
            RAISE_GP(c, (sel & 0xfffc) + ext);
        uint16_t ss;
        uint64_t sp;
        tss_inner_stack(c, dpl, &ss, &sp);
        tss_check_inner_ss(c, ss, dpl, &sd);
        seg_cache_from_desc(&new_ss, ss, &sd);
        xstack_init(c, &xs, &new_ss, sp, dpl, false);
        xs.err = (ss & 0xfffc) + ext;
        new_esp = sp;
        if (vm) {
            xstack_push(c, &xs, c->s.seg[SEG_GS].sel, size);
            xstack_push(c, &xs, c->s.seg[SEG_FS].sel, size);
            xstack_push(c, &xs, c->s.seg[SEG_DS].sel, size);
            xstack_push(c, &xs, c->s.seg[SEG_ES].sel, size);
        }
        xstack_push(c, &xs, c->s.seg[SEG_SS].sel, size);
        xstack_push(c, &xs, c->r[R_ESP], size);
        new_cpl = dpl;
    } else if (conforming || dpl == cpl) {
        if (vm)
            RAISE_GP(c, (sel & 0xfffc) + ext);
        xstack_init_cur(c, &xs);
        new_cpl = cpl;
    } else {
        RAISE_GP(c, (sel & 0xfffc) + ext);
    }
    xstack_push(c, &xs, eflags, size);
    xstack_push(c, &xs, c->s.seg[SEG_CS].sel, size);
    xstack_push(c, &xs, ret_ip, size);
    if (has_err)
        xstack_push(c, &xs, err, size);
    uint32_t limit = desc_limit(&cd);
    if (offset > limit)
        RAISE_GP(c, 0);
    xstack_flush(c, &xs);

    /* Commit. */
    if (new_cpl != cpl)
        desc_set_accessed(c, new_ss.sel, &sd);
    desc_set_accessed(c, sel, &cd);
    if (new_cpl != cpl || vm) {
        if (vm) {
            for (int s = SEG_ES; s <= SEG_GS; s++)
                if (s != SEG_CS && s != SEG_SS)
                    seg_set_null(c, s, 0);
        }
        c->s.seg[SEG_SS] = new_ss;
    }
    c->s.rflags &= ~(uint64_t)(F_TF | F_NT | F_RF | F_VM | (trap ? 0 : F_IF));
    SegCache cs;
    seg_cache_from_desc(&cs, (uint16_t)((sel & 0xfffc) | new_cpl), &cd);
    c->s.seg[SEG_CS] = cs;
    cpu_update_mode(c);
    c->r[R_ESP] = xstack_esp(&xs, new_esp);
    c->s.rip = offset;
}

/* Long mode: 16-byte gates, 64-bit frames, IST. */
static void deliver_long(Cpu *c, int vec, bool has_err, uint32_t err, int kind, uint64_t ret_ip)
{
    uint32_t ext = (kind == EV_KIND_SOFT || kind == EV_KIND_SOFT_EXC) ? 0 : 1;
    uint32_t idt_err = (uint32_t)vec * 8 + 2 + ext;
    if ((uint64_t)vec * 16 + 15 > c->s.idt.limit)
        RAISE_GP(c, idt_err);
    uint64_t ga = c->s.idt.base + (uint64_t)vec * 16;
    Desc g = { (uint32_t)sys_read(c, ga, 4), (uint32_t)sys_read(c, ga + 4, 4),
               (uint32_t)sys_read(c, ga + 8, 4), (uint32_t)sys_read(c, ga + 12, 4) };
    unsigned type = (g.hi >> 8) & 0x1f;
    unsigned cpl = cpu_cpl(c);
    if (type != 0x0e && type != 0x0f)
        RAISE_GP(c, idt_err);
    if ((kind == EV_KIND_SOFT || kind == EV_KIND_SOFT_EXC) && desc_dpl(&g) < cpl)
        RAISE_GP(c, idt_err);
    if (!desc_present(&g))
        cpu_exception(c, EXC_NP, idt_err);
    uint16_t sel = (uint16_t)(g.lo >> 16);
    uint64_t offset = (g.lo & 0xffff) | (g.hi & 0xffff0000u) | ((uint64_t)g.hi2 << 32);
    unsigned ist = g.hi & 7;
    if (!(sel & 0xfffc))
        RAISE_GP(c, ext);
    Desc cd;
    if (!desc_read(c, sel, &cd, false))
        RAISE_GP(c, (sel & 0xfffc) + ext);
    unsigned dpl = desc_dpl(&cd);
    if (!desc_is_code(&cd) || dpl > cpl || !(cd.hi & (1u << 21)) || (cd.hi & (1u << 22)))
        RAISE_GP(c, (sel & 0xfffc) + ext);
    if (!desc_present(&cd))
        cpu_exception(c, EXC_NP, (sel & 0xfffc) + ext);
    bool conforming = cd.hi & (4u << 8);
    unsigned new_cpl = (!conforming && dpl < cpl) ? dpl : cpl;
    uint64_t rsp = c->r[R_ESP];
    SegCache *tr = &c->s.tr;
    if (new_cpl != cpl || ist) {
        uint32_t off = ist ? 0x24 + (ist - 1) * 8 : 4 + new_cpl * 8;
        if (!(tr->attr & SA_P) || (uint64_t)off + 7 > tr->limit)
            cpu_exception(c, EXC_TS, tr->sel & 0xfffc);
        rsp = sys_read(c, tr->base + off, 8);
    }
    rsp &= ~0xfull;
    XStack xs;
    SegCache ss = c->s.seg[SEG_SS];
    xstack_init(c, &xs, &ss, rsp, new_cpl, true);
    xstack_push(c, &xs, c->s.seg[SEG_SS].sel, 8);
    xstack_push(c, &xs, c->r[R_ESP], 8);
    xstack_push(c, &xs, cpu_get_eflags(c) | (pushes_rf(vec, kind) ? F_RF : 0), 8);
    xstack_push(c, &xs, c->s.seg[SEG_CS].sel, 8);
    xstack_push(c, &xs, ret_ip, 8);
    if (has_err)
        xstack_push(c, &xs, err, 8);
    xstack_flush(c, &xs);
    if (new_cpl != cpl) {
        /* The new SS is a null selector with RPL = new CPL. */
        seg_set_null(c, SEG_SS, (uint16_t)new_cpl);
        c->s.seg[SEG_SS].attr = (uint16_t)((new_cpl << SA_DPL_SHIFT) | SA_P | SA_S | SA_W | SA_DB);
    }
    desc_set_accessed(c, sel, &cd);
    c->s.rflags &= ~(uint64_t)(F_TF | F_NT | F_RF | F_VM | ((type & 1) ? 0 : F_IF));
    SegCache cs;
    seg_cache_from_desc(&cs, (uint16_t)((sel & 0xfffc) | new_cpl), &cd);
    c->s.seg[SEG_CS] = cs;
    cpu_update_mode(c);
    c->r[R_ESP] = xs.sp;
    c->s.rip = offset;
}

void deliver_event(Cpu *c, int vec, bool has_err, uint32_t err, int kind, uint64_t ret_ip)
{
    if (log_enabled(LOG_INT))
        log_event(c, vec, has_err, err, kind);
    c->in_delivery = true;
    c->delivering_vector = kind == EV_KIND_EXC ? vec : -1;
    c->delivering_ext = !(kind == EV_KIND_SOFT || kind == EV_KIND_SOFT_EXC);
    if (kind == EV_KIND_SOFT || kind == EV_KIND_SOFT_EXC)
        c->soft_int_done = true;
    /* Entering the #DB handler clears DR7.GD so that it can use the debug registers. */
    if (vec == EXC_DB && kind == EV_KIND_EXC)
        c->s.dr[7] &= ~(uint64_t)(1u << 13);
    if (!(c->s.cr0 & CR0_PE))
        deliver_real(c, vec, ret_ip);
    else if (c->s.efer & EFER_LMA)
        deliver_long(c, vec, has_err, err, kind, ret_ip);
    else
        deliver_protected(c, vec, has_err, err, kind, ret_ip);
    c->in_delivery = false;
    if (c->s.halted) {
        c->s.halted = 0;
        cpu_update_slow(c);
    }
}

void cpu_do_interrupts(Cpu *c)
{
    if (c->nmi_pending && !c->s.nmi_masked) {
        c->nmi_pending = false;
        __atomic_fetch_and(&c->events, ~(uint32_t)EV_NMI, __ATOMIC_SEQ_CST);
        c->s.halted = 0;
        deliver_event(c, EXC_NMI, false, 0, EV_KIND_NMI, c->s.rip);
        c->s.nmi_masked = 1;
        cpu_update_slow(c);
        return;
    }
    if ((c->events & EV_INTR) && (c->s.rflags & F_IF) && c->env.intr_ack) {
        int v = c->env.intr_ack(c->env.opaque);
        if (v >= 0) {
            c->s.halted = 0;
            cpu_update_slow(c);
            deliver_event(c, v, false, 0, EV_KIND_HW, c->s.rip);
        }
    }
}
