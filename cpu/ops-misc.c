/* Flag instructions and HLT: CLC/STC/CMC, CLD/STD, CLI/STI (IOPL and
 * VME/PVI rules), HLT.  WAIT is with the x87 (ops-x87.c). */
#include "cpu/ops-common.h"

static INSN(clc) { (void)in; lf_set_cf(cpu, 0); }
static INSN(stc) { (void)in; lf_set_cf(cpu, 1); }
static INSN(cmc) { (void)in; lf_set_cf(cpu, !get_CF(cpu)); }
static INSN(cld) { (void)in; cpu->s.rflags &= ~(uint64_t)F_DF; }
static INSN(std) { (void)in; cpu->s.rflags |= F_DF; }

/* Virtual-interrupt extensions: CR4.VME in v86 mode, CR4.PVI at CPL 3. */
static bool vif_mode(Cpu *c)
{
    if (c->hflags & HF_VM)
        return c->s.cr4 & CR4_VME;
    return (c->s.cr4 & CR4_PVI) && cpu_cpl(c) == 3;
}

static bool iopl_allows_if(Cpu *c)
{
    if (!(c->hflags & HF_PE))
        return true;
    unsigned iopl = (c->s.rflags >> 12) & 3;
    if (c->hflags & HF_VM)
        return iopl == 3;
    return cpu_cpl(c) <= iopl;
}

static INSN(cli)
{
    (void)in;
    if (iopl_allows_if(cpu))
        cpu->s.rflags &= ~(uint64_t)F_IF;
    else if (vif_mode(cpu))
        cpu->s.rflags &= ~(uint64_t)F_VIF;
    else
        RAISE_GP(cpu, 0);
}

static INSN(sti)
{
    if (iopl_allows_if(cpu)) {
        if (!(cpu->s.rflags & F_IF)) {
            /* Interrupts stay blocked until after the next instruction. */
            cpu->s.rflags |= F_IF;
            cpu->s.intr_shadow = SHADOW_STI;
            cpu_update_slow(cpu);
        }
    } else if (vif_mode(cpu) && !(cpu->s.rflags & F_VIP)) {
        cpu->s.rflags |= F_VIF;
    } else {
        RAISE_GP(cpu, 0);
    }
    cpu->s.rip = cpu_next_rip(cpu, in);
}

static INSN(hlt)
{
    if (cpu_cpl(cpu) != 0)
        RAISE_GP(cpu, 0);
    cpu->s.rip = cpu_next_rip(cpu, in);
    cpu->s.halted = 1;
    cpu_update_slow(cpu);
}

const OpReg ops_misc[] = {
    { 0xf8, -1, { OPX(clc), 0 } },
    { 0xf9, -1, { OPX(stc), 0 } },
    { 0xf5, -1, { OPX(cmc), 0 } },
    { 0xfc, -1, { OPX(cld), 0 } },
    { 0xfd, -1, { OPX(std), 0 } },
    { 0xfa, -1, { OPX(cli), 0 } },
    { 0xfb, -1, { OPX(sti), OPF_END } },
    { 0xf4, -1, { OPX(hlt), OPF_END } },
    OPS_END,
};
