/* CPU lifecycle, reset state, mode bookkeeping and canonical state conversion. */
#include "cpu/cpu.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/exec.h"
#include "cpu/flags.h"
#include "cpu/seg.h"

const uint64_t addr_mask[3] = { 0xffff, 0xffffffff, ~0ull };

static void map_changed(void *opaque)
{
    Cpu *cpu = opaque;
    tlb_flush(cpu, true);
    cpu_flush_code(cpu);
}

Cpu *cpu_new(const CpuEnv *env)
{
    decode_init();
    Cpu *cpu = calloc(1, sizeof *cpu);
    if (!cpu)
        abort();
    cpu->env = *env;
    cpu->bc = bc_new(env->mem->ram_size);
    phys_add_listener(env->mem, map_changed, cpu);
    phys_add_write_listener(env->mem, cpu_ram_written, cpu);
    cpu_power_on(cpu);
    return cpu;
}

void cpu_free(Cpu *cpu)
{
    if (!cpu)
        return;
    phys_remove_listener(cpu->env.mem, map_changed, cpu);
    phys_remove_write_listener(cpu->env.mem, cpu_ram_written, cpu);
    bc_free(cpu->bc);
    free(cpu);
}

static void set_seg(SegCache *s, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
    s->sel = sel;
    s->base = base;
    s->limit = limit;
    s->attr = attr;
}

/* Power-on state (Intel SDM vol. 3, table 9-1), shared by every backend so they
 * all start identically.  Keeps s->cpuid_version (the CPU model's signature,
 * also in EDX after reset); 0 selects CPU_DEFAULT_VERSION. */
void cpu_state_power_on(CpuState *s)
{
    uint32_t version = s->cpuid_version ? s->cpuid_version : CPU_DEFAULT_VERSION;
    memset(s, 0, sizeof *s);
    s->cpuid_version = version;
    s->regs[R_EDX] = version;
    s->rip = 0xfff0;
    s->rflags = 0x2;
    s->cr0 = CR0_ET | CR0_NW | CR0_CD;
    set_seg(&s->seg[SEG_CS], 0xf000, 0xffff0000, 0xffff, 0x9b);
    for (int i = 0; i < SEG_COUNT; i++)
        if (i != SEG_CS)
            set_seg(&s->seg[i], 0, 0, 0xffff, 0x93);
    s->gdt.limit = s->idt.limit = 0xffff;
    set_seg(&s->ldt, 0, 0, 0xffff, 0x82);
    set_seg(&s->tr, 0, 0, 0xffff, 0x8b);
    s->dr[6] = 0xffff0ff0;
    s->dr[7] = 0x400;
    s->pat = 0x0007040600070406ull;
    s->apic_base = 0xfee00900;
    Fpu f;
    fpu_power_on(&f);
    fpu_to_fxsave(&f, s->fxsave);
}

void cpu_power_on(Cpu *cpu)
{
    CpuState *s = &cpu->s;
    cpu_state_power_on(s);
    memcpy(cpu->r, s->regs, sizeof s->regs);
    fpu_from_fxsave(&cpu->fpu, s->fxsave);
    cpu->r[R_ZERO] = cpu->r[R_BRIP] = 0;
    cpu->tsc_offset = 0;
    lf_set(cpu, 0);
    cpu->exc_vector = -1;
    cpu->shutdown = false;
    cpu->in_delivery = false;
    cpu->nmi_pending = false;
    __atomic_fetch_and(&cpu->events, ~(uint32_t)(EV_NMI | EV_RESET), __ATOMIC_SEQ_CST);
    cpu_update_mode(cpu);
    tlb_flush(cpu, true);
    cpu_flush_code(cpu);
}

uint32_t cpu_get_eflags(Cpu *cpu)
{
    return (uint32_t)((cpu->s.rflags & ~(uint64_t)F_ARITH) | lf_get(cpu) | 2);
}

void cpu_set_eflags(Cpu *cpu, uint32_t value, uint32_t mask)
{
    uint64_t old = cpu->s.rflags;
    if (mask & F_ARITH) {
        uint32_t cur = lf_get(cpu);
        lf_set(cpu, (cur & ~mask) | (value & mask & F_ARITH));
    }
    mask &= ~(uint32_t)F_ARITH;
    cpu->s.rflags = ((old & ~(uint64_t)mask) | (value & mask)) | 2;
    /* TF/RF select the single-instruction path, VM the mode, AC (with CPL 3) the
     * alignment checks in the segment windows. */
    if ((old ^ cpu->s.rflags) & (F_TF | F_VM | F_AC | F_RF))
        cpu_update_mode(cpu);
}

void cpu_update_slow(Cpu *cpu)
{
    cpu->slow = cpu->s.halted || cpu->s.intr_shadow || (cpu->hflags & HF_SINGLE) || cpu->nbp ||
                cpu->pending_db;
}

static bool dr7_exec_breakpoints(const Cpu *cpu)
{
    uint64_t dr7 = cpu->s.dr[7];
    for (int i = 0; i < 4; i++)
        if (((dr7 >> (i * 2)) & 3) && ((dr7 >> (16 + i * 4)) & 3) == 0)
            return true;
    return false;
}

void cpu_update_mode(Cpu *cpu)
{
    CpuState *s = &cpu->s;
    bool pe = s->cr0 & CR0_PE;
    bool vm = pe && (s->rflags & F_VM);
    bool lma = s->efer & EFER_LMA;
    unsigned cpl = !pe ? 0 : vm ? 3 : (s->seg[SEG_SS].attr >> SA_DPL_SHIFT) & 3;
    uint32_t hf = cpl;
    if (pe)
        hf |= HF_PE;
    if (vm)
        hf |= HF_VM;
    if (lma)
        hf |= HF_LMA;
    if (lma && !vm && (s->seg[SEG_CS].attr & SA_L))
        hf |= HF_CS64;
    else if (!vm && (s->seg[SEG_CS].attr & SA_DB))
        hf |= HF_CS32;
    if (!vm && (s->seg[SEG_SS].attr & SA_DB))
        hf |= HF_SS32;
    /* RF: the next instruction skips instruction breakpoints and clears RF
     * (exec.c slow_step), so it runs on the single-instruction path too. */
    if ((s->rflags & (F_TF | F_RF)) || cpu->trace || dr7_exec_breakpoints(cpu))
        hf |= HF_SINGLE;
    cpu->hflags = hf;
    cpu->blk_key = (uint64_t)hf << 32 | (uint32_t)s->seg[SEG_CS].base;
    cpu_set_mmu(cpu, cpl == 3);
    cpu->lin_mask = (hf & HF_CS64) ? ~0ull : 0xffffffffull;
    cpu->branch_limit = (hf & HF_CS64) ? 0x00007fffffffffffull : s->seg[SEG_CS].limit;
    cpu->sp_mask = (hf & HF_CS64) ? ~0ull : (hf & HF_SS32) ? 0xffffffffull : 0xffff;
    for (int i = 0; i < SEG_COUNT; i++)
        seg_update_checks(cpu, i);
    cpu_update_slow(cpu);
}

void cpu_set_intr(Cpu *cpu, bool level)
{
    cpu->intr_line = level;
    if (level)
        __atomic_fetch_or(&cpu->events, (uint32_t)EV_INTR, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&cpu->events, ~(uint32_t)EV_INTR, __ATOMIC_SEQ_CST);
}

void cpu_raise_nmi(Cpu *cpu)
{
    cpu->nmi_pending = true;
    __atomic_fetch_or(&cpu->events, (uint32_t)EV_NMI, __ATOMIC_SEQ_CST);
}

void cpu_request_exit(Cpu *cpu)
{
    __atomic_fetch_or(&cpu->events, (uint32_t)EV_EXIT, __ATOMIC_SEQ_CST);
}

uint64_t cpu_read_tsc(Cpu *cpu)
{
    uint64_t base = cpu->env.tsc_now ? cpu->env.tsc_now(cpu->env.opaque) : cpu->icount;
    return base + cpu->tsc_offset;
}

void cpu_get_state(Cpu *cpu, CpuState *st)
{
    *st = cpu->s;
    memcpy(st->regs, cpu->r, sizeof st->regs);
    fpu_to_fxsave(&cpu->fpu, st->fxsave);
    st->rflags = cpu_get_eflags(cpu) | (cpu->s.rflags & ~0xffffffffull);
    st->tsc = cpu_read_tsc(cpu);
    st->nmi_pending = cpu->nmi_pending;
}

void cpu_set_state(Cpu *cpu, const CpuState *st)
{
    cpu->s = *st;
    memcpy(cpu->r, st->regs, sizeof st->regs);
    fpu_from_fxsave(&cpu->fpu, st->fxsave);
    lf_set(cpu, (uint32_t)st->rflags);
    uint64_t base = cpu->env.tsc_now ? cpu->env.tsc_now(cpu->env.opaque) : cpu->icount;
    cpu->tsc_offset = st->tsc - base;
    if (st->nmi_pending) {
        cpu_raise_nmi(cpu);
    } else {
        cpu->nmi_pending = false;
        __atomic_fetch_and(&cpu->events, ~(uint32_t)EV_NMI, __ATOMIC_SEQ_CST);
    }
    cpu_update_mode(cpu);
    tlb_flush(cpu, true);
}

void cpu_set_breakpoints(Cpu *cpu, const uint64_t *lin, int n)
{
    if (n > 16)
        n = 16;
    if (n > 0)
        memcpy(cpu->bp, lin, (size_t)n * sizeof *lin);     /* lin may be NULL for none */
    cpu->nbp = n;
    cpu_update_slow(cpu);
}

#define SEG_FIELDS(f) \
    { #f ".base", offsetof(CpuState, f.base), 8, 1, SF_UINT, 0 }, \
    { #f ".limit", offsetof(CpuState, f.limit), 4, 1, SF_UINT, 0 }, \
    { #f ".sel", offsetof(CpuState, f.sel), 2, 1, SF_UINT, 0 }, \
    { #f ".attr", offsetof(CpuState, f.attr), 2, 1, SF_UINT, 0 }

static const StateField cpu_fields[] = {
    STATE_UINT_ARRAY(CpuState, regs),
    STATE_UINT(CpuState, rip),
    STATE_UINT(CpuState, rflags),
    SEG_FIELDS(seg[0]), SEG_FIELDS(seg[1]), SEG_FIELDS(seg[2]),
    SEG_FIELDS(seg[3]), SEG_FIELDS(seg[4]), SEG_FIELDS(seg[5]),
    SEG_FIELDS(ldt), SEG_FIELDS(tr),
    { "gdt.base", offsetof(CpuState, gdt.base), 8, 1, SF_UINT, 0 },
    { "gdt.limit", offsetof(CpuState, gdt.limit), 4, 1, SF_UINT, 0 },
    { "idt.base", offsetof(CpuState, idt.base), 8, 1, SF_UINT, 0 },
    { "idt.limit", offsetof(CpuState, idt.limit), 4, 1, SF_UINT, 0 },
    STATE_UINT(CpuState, cr0), STATE_UINT(CpuState, cr2), STATE_UINT(CpuState, cr3),
    STATE_UINT(CpuState, cr4), STATE_UINT(CpuState, cr8), STATE_UINT(CpuState, xcr0),
    STATE_UINT_ARRAY(CpuState, dr),
    STATE_UINT(CpuState, efer), STATE_UINT(CpuState, star), STATE_UINT(CpuState, lstar),
    STATE_UINT(CpuState, cstar), STATE_UINT(CpuState, fmask),
    STATE_UINT(CpuState, kernel_gs_base), STATE_UINT(CpuState, sysenter_cs),
    STATE_UINT(CpuState, sysenter_esp), STATE_UINT(CpuState, sysenter_eip),
    STATE_UINT(CpuState, tsc), STATE_UINT(CpuState, tsc_aux), STATE_UINT(CpuState, pat),
    STATE_UINT(CpuState, apic_base), STATE_UINT(CpuState, misc_enable),
    STATE_UINT(CpuState, mtrr_def_type), STATE_UINT_ARRAY(CpuState, mtrr_fixed),
    STATE_UINT_ARRAY(CpuState, mtrr_var),
    STATE_BYTES(CpuState, fxsave),
    STATE_UINT(CpuState, halted), STATE_UINT(CpuState, intr_shadow),
    STATE_UINT(CpuState, nmi_masked), STATE_UINT(CpuState, cpuid_version),
    { "nmi_pending", offsetof(CpuState, nmi_pending), 1, 1, SF_UINT, 2 },
    STATE_END,
};

const StateDesc cpu_state_desc = { "cpu", 2, cpu_fields, NULL };
