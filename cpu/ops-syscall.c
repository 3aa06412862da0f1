/* Fast system calls of long mode (SDM vol. 2 SYSCALL, SYSRET, SWAPGS,
 * RDTSCP; vol. 3 5.8.8): SYSCALL/SYSRET with the STAR/LSTAR/FMASK MSRs,
 * SWAPGS with KERNEL_GS_BASE, and RDTSCP with TSC_AUX.  SYSCALL follows
 * Intel: #UD outside 64-bit mode (AMD also has a legacy form, which Linux
 * never uses on Intel CPU models).  SYSENTER/SYSEXIT are in ops-system.c. */
#include "cpu/ops-common.h"
#include "cpu/ops-syscall.h"
#include "cpu/seg.h"

/* A flat segment of the fast system-call model (the descriptor tables are not
 * read): code with L (64-bit) or D (32-bit), or writable data. */
static void fast_seg(Cpu *c, int seg, uint16_t sel, unsigned dpl, unsigned kind)
{
    uint16_t attr = (uint16_t)(SA_S | SA_P | SA_G | SA_A | (dpl << SA_DPL_SHIFT));
    switch (kind) {
    case FAST_CODE64: attr |= SA_CODE | SA_R | SA_L; break;
    case FAST_CODE32: attr |= SA_CODE | SA_R | SA_DB; break;
    default: attr |= SA_W | SA_DB; break;
    }
    SegCache s = { 0, 0xffffffffu, sel, attr };
    c->s.seg[seg] = s;
}

void fast_load_cs_ss(Cpu *c, uint16_t cs, unsigned cs_kind, uint16_t ss, unsigned dpl)
{
    fast_seg(c, SEG_CS, cs, dpl, cs_kind);
    fast_seg(c, SEG_SS, ss, dpl, FAST_DATA);
    cpu_update_mode(c);
}

static bool sce(const Cpu *c)
{
    return c->s.efer & EFER_SCE;
}

/* SYSCALL: RCX = return RIP, R11 = RFLAGS; CS/SS from STAR[47:32] at CPL 0,
 * RIP from LSTAR, RFLAGS cleared by FMASK (and RF). */
static INSN(syscall)
{
    if (!sce(cpu) || !(cpu->hflags & HF_CS64))
        RAISE_UD(cpu);
    uint64_t flags = cpu_get_eflags(cpu) & ~(uint64_t)F_RF;
    uint16_t sel = (uint16_t)(cpu->s.star >> 32);
    cpu->r[R_ECX] = cpu_next_rip(cpu, in);
    cpu->r[11] = flags;
    cpu_set_eflags(cpu, 0, (uint32_t)cpu->s.fmask | F_RF);
    fast_load_cs_ss(cpu, sel & 0xfffc, FAST_CODE64, (uint16_t)((sel + 8) & 0xfffc), 0);
    cpu->s.rip = cpu->s.lstar;
}

/* SYSRET: back to CPL 3, 64-bit (REX.W: CS = STAR[63:48] + 16, RIP = RCX,
 * which must be canonical: Intel raises #GP(0) at CPL 0) or compatibility
 * mode (CS = STAR[63:48], EIP = ECX); SS = STAR[63:48] + 8; RFLAGS from R11. */
static INSN(sysret)
{
    if (!sce(cpu) || !(cpu->hflags & HF_CS64))
        RAISE_UD(cpu);
    if (cpu_cpl(cpu) != 0)
        RAISE_GP(cpu, 0);
    uint16_t base = (uint16_t)(cpu->s.star >> 48);
    bool to64 = in->osize == 2;
    uint64_t rip = to64 ? cpu->r[R_ECX] : (uint32_t)cpu->r[R_ECX];
    if (!is_canonical(rip))
        RAISE_GP(cpu, 0);
    uint16_t cs = (uint16_t)(((to64 ? base + 16 : base) & 0xfffc) | 3);
    fast_load_cs_ss(cpu, cs, to64 ? FAST_CODE64 : FAST_CODE32, (uint16_t)(((base + 8) & 0xfffc) | 3), 3);
    cpu_set_eflags(cpu, ((uint32_t)cpu->r[11] & 0x3c7fd7u) | 2, 0x3f7fd7u);
    cpu->s.rip = rip;
}

/* SWAPGS: exchanges GS.base and KERNEL_GS_BASE (64-bit mode, CPL 0). */
static void swapgs(Cpu *c)
{
    if (!(c->hflags & HF_CS64))
        RAISE_UD(c);
    if (cpu_cpl(c) != 0)
        RAISE_GP(c, 0);
    uint64_t t = c->s.seg[SEG_GS].base;
    c->s.seg[SEG_GS].base = c->s.kernel_gs_base;
    c->s.kernel_gs_base = t;
    seg_update_checks(c, SEG_GS);
}

/* RDTSCP: RDTSC plus ECX = TSC_AUX (CR4.TSD restricts both to CPL 0). */
static void rdtscp(Cpu *c)
{
    if ((c->s.cr4 & CR4_TSD) && cpu_cpl(c) != 0)
        RAISE_GP(c, 0);
    uint64_t t = cpu_read_tsc(c);
    set_R32(c, R_EAX, (uint32_t)t);
    set_R32(c, R_EDX, (uint32_t)(t >> 32));
    set_R32(c, R_ECX, (uint32_t)c->s.tsc_aux);
}

/* 0F 01 /7 with a register operand (the memory form is INVLPG): F8 SWAPGS,
 * F9 RDTSCP, the rest #UD here. */
INSN(op_0f01_7_reg)
{
    switch (in->modrm & 7) {
    case 0: swapgs(cpu); break;
    case 1: rdtscp(cpu); break;
    default: RAISE_UD(cpu);
    }
    cpu->s.rip = cpu_next_rip(cpu, in);
}

const OpReg ops_syscall[] = {
    { 0x0f05, -1, { OPX(syscall), OPF_END } },
    { 0x0f07, -1, { OPX(sysret), OPF_END } },
    OPS_END,
};
