/* Flag transfer instructions: PUSHF/PUSHFD, POPF/POPFD (SDM vol. 2, with the
 * real, protected and virtual-8086 mode rules and the VME variants), LAHF and
 * SAHF. */
#include "cpu/ops-common.h"

static unsigned iopl(const Cpu *c) { return (c->s.rflags >> 12) & 3; }

/* Virtual-8086 mode with IOPL < 3: PUSHF/POPF trap to the monitor (#GP(0)),
 * unless CR4.VME lets the 16-bit forms work on VIF. */
static bool v86_sensitive(const Cpu *c)
{
    return (c->hflags & HF_VM) && iopl(c) < 3;
}

static bool vme_16(const Cpu *c, const Insn *in)
{
    return (c->s.cr4 & CR4_VME) && in->osize == 0;
}

/* PUSHF: the image never has VM or RF; with VME, IF reads as VIF and IOPL as 3. */
static INSN(pushf)
{
    uint32_t fl = cpu_get_eflags(cpu) & ~(uint32_t)(F_VM | F_RF);
    if (v86_sensitive(cpu)) {
        if (!vme_16(cpu, in))
            RAISE_GP(cpu, 0);
        fl = (fl & ~(uint32_t)F_IF) | F_IOPL | ((cpu->s.rflags & F_VIF) ? F_IF : 0);
    }
    push_osize(cpu, in->osize, fl);
}

/* EFLAGS bits POPF may write, before the privilege rules: the 16-bit form
 * only the low half; RF, VM, VIF and VIP never (RF is cleared instead). */
static uint32_t popf_mask(const Cpu *c, unsigned osize)
{
    uint32_t m = F_ARITH | F_TF | F_IF | F_DF | F_IOPL | F_NT;
    if (osize != 0)
        m |= F_AC | F_ID;
    if (c->hflags & HF_PE) {
        if (cpu_cpl(c) > 0)
            m &= ~(uint32_t)F_IOPL;     /* also virtual-8086 mode (CPL 3) */
        if (cpu_cpl(c) > iopl(c))
            m &= ~(uint32_t)F_IF;       /* silently kept: no fault */
    }
    return m;
}

/* POPF in virtual-8086 mode with VME and IOPL < 3 (16-bit only): IF goes to
 * VIF; setting TF, or IF while VIP is pending, traps to the monitor. */
static void popf_vme(Cpu *c, uint16_t fl)
{
    if ((fl & F_TF) || ((fl & F_IF) && (c->s.rflags & F_VIP)))
        RAISE_GP(c, 0);
    uint32_t vif = (fl & F_IF) ? F_VIF : 0;
    cpu_set_eflags(c, (fl & ~(uint32_t)F_IF) | vif, F_ARITH | F_TF | F_DF | F_NT | F_VIF);
}

static INSN(popf)
{
    unsigned size = 2u << in->osize;
    uint64_t sp = sp_get(cpu);
    uint32_t fl = in->osize == 0 ? peek16(cpu, 0) : in->osize == 1 ? peek32(cpu, 0)
                                                                    : (uint32_t)peek64(cpu, 0);
    if (v86_sensitive(cpu)) {
        if (!vme_16(cpu, in))
            RAISE_GP(cpu, 0);
        popf_vme(cpu, (uint16_t)fl);
    } else {
        /* RF stays 0: it was cleared at the start of this instruction. */
        cpu_set_eflags(cpu, fl, popf_mask(cpu, in->osize));
    }
    sp_set(cpu, sp + size);
    /* TF or IF may have changed: the next instruction starts a new block. */
    cpu->s.rip = cpu_next_rip(cpu, in);
}

/* LAHF/SAHF: AH <-> SF:ZF:0:AF:0:PF:1:CF. */
static INSN(lahf)
{
    (void)in;
    set_R8(cpu, 1, (uint8_t)(cpu_get_eflags(cpu) & 0xff));
}

static INSN(sahf)
{
    (void)in;
    cpu_set_eflags(cpu, R8(cpu, 1), F_CF | F_PF | F_AF | F_ZF | F_SF);
}

const OpReg ops_flags[] = {
    { 0x9c, -1, { { { pushf, pushf, pushf } }, OPF_DEF64 } },
    { 0x9d, -1, { { { popf, popf, popf } }, OPF_DEF64 | OPF_END } },
    { 0x9f, -1, { OPX(lahf), 0 } },
    { 0x9e, -1, { OPX(sahf), 0 } },
    OPS_END,
};
