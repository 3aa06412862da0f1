/* System instructions (SDM vol. 2; vol. 3 ch. 2-5, 17): descriptor-table
 * registers (LGDT LIDT SGDT SIDT LLDT SLDT LTR STR), segment checks (LAR LSL
 * VERR VERW ARPL), control and debug registers (MOV CRn/DRn, LMSW SMSW CLTS),
 * TLB and cache control (INVLPG INVD WBINVD), CPUID, time stamp and MSRs
 * (RDTSC RDMSR WRMSR RDPMC), SYSENTER/SYSEXIT and UD2. */
#include "cpu/cpuid.h"
#include "cpu/debug.h"
#include "cpu/msr.h"
#include "cpu/ops-common.h"
#include "cpu/ops-syscall.h"
#include "cpu/paging.h"
#include "cpu/seg.h"

/* Protected mode proper (not real, not virtual-8086). */
static bool pm(const Cpu *c)
{
    return (c->hflags & (HF_PE | HF_VM)) == HF_PE;
}

/* Privileged instructions: #GP(0) unless CPL 0 (virtual-8086 mode is CPL 3). */
static void need_cpl0(Cpu *c)
{
    if (cpu_cpl(c) != 0)
        RAISE_GP(c, 0);
}

/* Instructions that only exist in protected mode: #UD in real and v86 mode. */
static void need_pm(Cpu *c)
{
    if (!pm(c))
        RAISE_UD(c);
}

static bool reg_form(const Insn *in)
{
    return (in->modrm >> 6) == 3;
}

/* The r/m16 source operand (selectors, LMSW). */
static uint16_t read_ew(Cpu *c, const Insn *in)
{
    return reg_form(in) ? R16(c, in->rm) : rd16(c, in->seg, insn_ea(c, in));
}

/* A 16-bit value stored to r/m: registers get it zero-extended to the operand
 * size (SLDT/STR/SMSW store only 16 bits to memory). */
static void write_ew(Cpu *c, const Insn *in, uint64_t v)
{
    if (!reg_form(in))
        wr16(c, in->seg, insn_ea(c, in), (uint16_t)v);
    else if (in->osize == 0)
        set_R16(c, in->rm, (uint16_t)v);
    else
        set_reg_osize(c, in->osize, in->rm, v);
}

/* LAR/LSL/VERR/VERW/ARPL report through ZF only. */
static void set_zf(Cpu *c, bool z)
{
    cpu_set_eflags(c, z ? F_ZF : 0, F_ZF);
}

/* ---- descriptor-table registers ---- */

/* LGDT/LIDT m16&32 (16-bit operand size: 24-bit base; 64-bit mode: 64-bit base). */
static void load_dtr(Cpu *c, const Insn *in, DescTable *t)
{
    need_cpl0(c);
    uint64_t ea = insn_ea(c, in), a = (ea + 2) & addr_mask[in->asize];
    uint16_t limit = rd16(c, in->seg, ea);
    uint64_t base;
    if (c->hflags & HF_CS64) {
        base = rd64(c, in->seg, a);
        if (!is_canonical(base))
            RAISE_GP(c, 0);
    } else {
        base = rd32(c, in->seg, a);
        if (in->osize == 0)
            base &= 0xffffff;
    }
    t->base = base;
    t->limit = limit;
}

/* SGDT/SIDT: limit and the full base (32 bits, 64 in 64-bit mode); both
 * stores are checked before either happens. */
static void store_dtr(Cpu *c, const Insn *in, const DescTable *t)
{
    unsigned n = (c->hflags & HF_CS64) ? 8 : 4;
    uint64_t ea = insn_ea(c, in), a = (ea + 2) & addr_mask[in->asize];
    (void)mem_ref(c, in->seg, ea, 2 + n);
    wr16(c, in->seg, ea, (uint16_t)t->limit);
    if (n == 8)
        wr64(c, in->seg, a, t->base);
    else
        wr32(c, in->seg, a, (uint32_t)t->base);
}

static INSN(lgdt) { load_dtr(cpu, in, &cpu->s.gdt); }
static INSN(lidt) { load_dtr(cpu, in, &cpu->s.idt); }
static INSN(sgdt) { store_dtr(cpu, in, &cpu->s.gdt); }
static INSN(sidt) { store_dtr(cpu, in, &cpu->s.idt); }

static INSN(sldt)
{
    need_pm(cpu);
    write_ew(cpu, in, cpu->s.ldt.sel);
}

static INSN(str)
{
    need_pm(cpu);
    write_ew(cpu, in, cpu->s.tr.sel);
}

/* The LDT or TSS descriptor named by an LLDT/LTR operand: in the GDT (#GP(sel)
 * if TI=1 or beyond the limit), of the wanted system type (#GP(sel)), present
 * (#NP(sel)). */
static void read_sys_desc(Cpu *c, uint16_t sel, Desc *d, uint32_t types)
{
    bool lma = c->s.efer & EFER_LMA;
    if (sel & 4)
        RAISE_GP(c, sel_err(sel));
    /* Long mode: 16-byte descriptors whose upper type field must be 0, and
     * no 16-bit TSS. */
    desc_read_or_raise(c, sel, d, lma, EXC_GP);
    if (lma)
        types &= ~(1u << DT_TSS16);
    if (desc_is_seg(d) || !((types >> desc_type(d)) & 1) || (lma && (d->hi3 & 0x1f00)))
        RAISE_GP(c, sel_err(sel));
    if (!desc_present(d))
        cpu_exception(c, EXC_NP, sel_err(sel));
}

/* The cache entry of an LDT/TSS descriptor (base bits 63:32 in long mode). */
static void sys_cache_from_desc(Cpu *c, SegCache *s, uint16_t sel, const Desc *d)
{
    seg_cache_from_desc(s, sel, d);
    if (c->s.efer & EFER_LMA) {
        s->base |= (uint64_t)d->hi2 << 32;
        if (!is_canonical(s->base))
            RAISE_GP(c, sel_err(sel));
    }
}

static INSN(lldt)
{
    need_pm(cpu);
    need_cpl0(cpu);
    uint16_t sel = read_ew(cpu, in);
    SegCache *l = &cpu->s.ldt;
    if (!(sel & 0xfffc)) {
        /* A null selector leaves LDTR unusable: TI=1 selectors then fault. */
        l->sel = sel;
        l->base = 0;
        l->limit = 0;
        l->attr = 0;
        return;
    }
    Desc d;
    read_sys_desc(cpu, sel, &d, 1u << DT_LDT);
    SegCache sc;
    sys_cache_from_desc(cpu, &sc, sel, &d);
    *l = sc;
}

/* LTR: an available TSS, which becomes busy. */
static INSN(ltr)
{
    need_pm(cpu);
    need_cpl0(cpu);
    uint16_t sel = read_ew(cpu, in);
    if (!(sel & 0xfffc))
        RAISE_GP(cpu, 0);
    Desc d;
    read_sys_desc(cpu, sel, &d, 1u << DT_TSS16 | 1u << DT_TSS32);
    SegCache sc;
    sys_cache_from_desc(cpu, &sc, sel, &d);
    d.hi |= DT_BUSY << 8;
    desc_write_hi(cpu, sel, d.hi);
    sc.attr |= DT_BUSY;
    cpu->s.tr = sc;
}

/* ---- LAR, LSL, VERR, VERW, ARPL ---- */

/* Descriptor types LAR and LSL accept (S=0): TSSs and LDT for both, gates
 * (call and task; not interrupt/trap) for LAR only. */
#define SYS_TSS_LDT (1u << DT_TSS16 | 1u << DT_LDT | 1u << DT_TSS16_BUSY | 1u << DT_TSS32 | \
                     1u << DT_TSS32_BUSY)
#define SYS_LAR (SYS_TSS_LDT | 1u << DT_CALL16 | 1u << DT_TASK | 1u << DT_CALL32)

/* Is the descriptor of sel visible at this CPL and RPL?  Conforming code is
 * visible at any level; everything else needs DPL >= CPL and DPL >= RPL. */
static bool desc_visible(Cpu *c, uint16_t sel, Desc *d, uint32_t sys_types)
{
    /* Long mode has no 16-bit TSSs/call gates nor task gates. */
    if (c->s.efer & EFER_LMA)
        sys_types &= ~(1u << DT_TSS16 | 1u << DT_TSS16_BUSY | 1u << DT_CALL16 | 1u << DT_TASK);
    if (!(sel & 0xfffc) || !desc_read(c, sel, d, false))
        return false;
    if (desc_is_seg(d)) {
        if (desc_is_conforming(d))
            return true;
    } else if (!((sys_types >> desc_type(d)) & 1)) {
        return false;
    }
    return desc_dpl(d) >= cpu_cpl(c) && desc_dpl(d) >= (sel & 3u);
}

/* LAR: the access rights (descriptor bits 8-23; 8-15 with 16-bit operands). */
static INSN(lar)
{
    need_pm(cpu);
    uint16_t sel = read_ew(cpu, in);
    Desc d;
    bool ok = desc_visible(cpu, sel, &d, SYS_LAR);
    if (ok)
        set_reg_osize(cpu, in->osize, in->reg, d.hi & (in->osize ? 0x00ffff00u : 0xff00u));
    set_zf(cpu, ok);
}

/* LSL: the byte-granular segment limit. */
static INSN(lsl)
{
    need_pm(cpu);
    uint16_t sel = read_ew(cpu, in);
    Desc d;
    bool ok = desc_visible(cpu, sel, &d, SYS_TSS_LDT);
    if (ok)
        set_reg_osize(cpu, in->osize, in->reg, desc_limit(&d));
    set_zf(cpu, ok);
}

/* VERR/VERW: readable (data, readable code) / writable (writable data) at this
 * CPL and RPL; system descriptors never are. */
static void verify(Cpu *c, const Insn *in, bool write)
{
    need_pm(c);
    uint16_t sel = read_ew(c, in);
    Desc d;
    bool ok = desc_visible(c, sel, &d, 0) &&
              (write ? desc_is_data(&d) && desc_rw(&d) : desc_is_data(&d) || desc_rw(&d));
    set_zf(c, ok);
}

static INSN(verr) { verify(cpu, in, false); }
static INSN(verw) { verify(cpu, in, true); }

/* ARPL Ew, Gw: raises the destination selector's RPL to the source's. */
static void arpl(Cpu *c, const Insn *in)
{
    need_pm(c);
    unsigned rpl = R16(c, in->reg) & 3;
    if (reg_form(in)) {
        uint16_t d = R16(c, in->rm);
        if ((d & 3) < rpl)
            set_R16(c, in->rm, (uint16_t)((d & ~3u) | rpl));
        set_zf(c, (d & 3) < rpl);
        return;
    }
    MemRef m = insn_ref(c, in, 2);
    uint16_t d = ref_load16(c, &m);
    if ((d & 3) < rpl)
        ref_store16(c, &m, (uint16_t)((d & ~3u) | rpl));
    set_zf(c, (d & 3) < rpl);
}

/* Opcode 63: ARPL outside 64-bit mode, MOVSXD Gv, Ed in 64-bit mode. */
static uint32_t ed_operand(Cpu *c, const Insn *in)
{
    return reg_form(in) ? R32(c, in->rm) : rd32(c, in->seg, insn_ea(c, in));
}

static INSN(op63_16)
{
    if (!(cpu->hflags & HF_CS64)) {
        arpl(cpu, in);
        return;
    }
    set_R16(cpu, in->reg, reg_form(in) ? R16(cpu, in->rm) : rd16(cpu, in->seg, insn_ea(cpu, in)));
}

static INSN(op63_32)
{
    if (!(cpu->hflags & HF_CS64)) {
        arpl(cpu, in);
        return;
    }
    set_R32(cpu, in->reg, ed_operand(cpu, in));
}

static INSN(op63_64)
{
    set_R64(cpu, in->reg, (uint64_t)(int64_t)(int32_t)ed_operand(cpu, in));
}

/* ---- control registers ---- */

#define CR0_VALID (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | \
                   CR0_NW | CR0_CD | CR0_PG)
#define MAXPHYADDR 40

/* PAE paging outside long mode loads the four PDPTEs with CR3 (and when PG or
 * PAE turns on): a present one with reserved bits set is #GP(0). */
static void check_pdptes(Cpu *c, uint64_t cr3)
{
    for (int i = 0; i < 4; i++) {
        uint64_t e = phys_read(c->env.mem, ((cr3 & 0xffffffe0u) + i * 8) & c->env.mem->a20_mask, 8);
        if ((e & 1) && (e & (0x1e6ull | ~((1ull << MAXPHYADDR) - 1))))
            RAISE_GP(c, 0);
    }
}

static bool legacy_pae_paging(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
    return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & EFER_LMA);
}

/* MOV CR0 (and LMSW): reserved bits in 31:0 are ignored, ET reads 1; PG
 * without PE and NW without CD are #GP(0).  Turning paging on with EFER.LME
 * activates long mode (needs PAE, 32-bit code), turning it off leaves it. */
static void write_cr0(Cpu *c, uint64_t v)
{
    if (v >> 32)
        RAISE_GP(c, 0);
    v = (v & CR0_VALID) | CR0_ET;
    if (((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)))
        RAISE_GP(c, 0);
    uint64_t old = c->s.cr0, efer = c->s.efer;
    if ((v & ~old & CR0_PG) && (efer & EFER_LME)) {
        if (!(c->s.cr4 & CR4_PAE) || (c->s.seg[SEG_CS].attr & SA_L))
            RAISE_GP(c, 0);
        efer |= EFER_LMA;
    } else if ((old & ~v & CR0_PG) && (efer & EFER_LMA)) {
        if (c->hflags & HF_CS64)
            RAISE_GP(c, 0);
        efer &= ~(uint64_t)EFER_LMA;
    }
    if ((v & ~old & CR0_PG) && legacy_pae_paging(v, c->s.cr4, efer))
        check_pdptes(c, c->s.cr3);
    c->s.cr0 = v;
    c->s.efer = efer;
    if ((old ^ v) & (CR0_PG | CR0_PE | CR0_WP))
        tlb_flush(c, true);
    cpu_update_mode(c);
}

/* MOV CR3: a new address space (global pages stay). */
static void write_cr3(Cpu *c, uint64_t v)
{
    if (c->hflags & HF_CS64) {
        if (v >> MAXPHYADDR)
            RAISE_GP(c, 0);
    } else {
        v = (uint32_t)v;
    }
    if (legacy_pae_paging(c->s.cr0, c->s.cr4, c->s.efer))
        check_pdptes(c, v);
    c->s.cr3 = v;
    tlb_flush(c, false);
}

/* MOV CR4: only the bits the CPU model has; PAE stays on in long mode. */
static void write_cr4(Cpu *c, uint64_t v)
{
    if ((v & ~cpuid_cr4_valid(c)) || ((c->s.efer & EFER_LMA) && !(v & CR4_PAE)))
        RAISE_GP(c, 0);
    uint64_t old = c->s.cr4;
    if ((v & ~old & CR4_PAE) && legacy_pae_paging(c->s.cr0, v, c->s.efer))
        check_pdptes(c, c->s.cr3);
    c->s.cr4 = v;
    if ((old ^ v) & (CR4_PGE | CR4_PSE | CR4_PAE))
        tlb_flush(c, true);
    cpu_update_mode(c);
}

/* The control register of a MOV CRn: CR0, CR2-4 (CR8 in 64-bit mode); #UD
 * for the others. */
static unsigned cr_index(Cpu *c, const Insn *in)
{
    unsigned n = in->reg;
    if (n == 1 || (n > 4 && !(n == 8 && (c->hflags & HF_CS64))))
        RAISE_UD(c);
    return n;
}

static INSN(mov_r_cr)
{
    unsigned n = cr_index(cpu, in);
    need_cpl0(cpu);
    uint64_t v = n == 0 ? cpu->s.cr0 : n == 2 ? cpu->s.cr2 : n == 3 ? cpu->s.cr3
               : n == 4 ? cpu->s.cr4
               : cpu->env.cr8_read ? cpu->env.cr8_read(cpu->env.opaque) : cpu->s.cr8;
    if (cpu->hflags & HF_CS64)
        set_R64(cpu, in->rm, v);
    else
        set_R32(cpu, in->rm, (uint32_t)v);
    cpu->s.rip = cpu_next_rip(cpu, in);
}

static INSN(mov_cr_r)
{
    unsigned n = cr_index(cpu, in);
    need_cpl0(cpu);
    uint64_t v = (cpu->hflags & HF_CS64) ? R64(cpu, in->rm) : R32(cpu, in->rm);
    switch (n) {
    case 0: write_cr0(cpu, v); break;
    case 2: cpu->s.cr2 = v; break;
    case 3: write_cr3(cpu, v); break;
    case 4: write_cr4(cpu, v); break;
    default:
        if (v & ~0xfull)
            RAISE_GP(cpu, 0);
        cpu->s.cr8 = v;
        if (cpu->env.cr8_write)
            cpu->env.cr8_write(cpu->env.opaque, v);
        break;
    }
    cpu->s.rip = cpu_next_rip(cpu, in);
}

/* LMSW: loads PE, MP, EM, TS; it can set PE but not clear it. */
static INSN(lmsw)
{
    need_cpl0(cpu);
    uint16_t v = read_ew(cpu, in);
    uint64_t cr0 = cpu->s.cr0;
    write_cr0(cpu, (cr0 & ~0xeull) | (v & 0xf) | (cr0 & CR0_PE));
    cpu->s.rip = cpu_next_rip(cpu, in);
}

/* SMSW: CR0 (the whole register into a 32/64-bit register), at any CPL. */
static INSN(smsw)
{
    write_ew(cpu, in, cpu->s.cr0);
}

static INSN(clts)
{
    (void)in;
    need_cpl0(cpu);
    cpu->s.cr0 &= ~(uint64_t)CR0_TS;
}

/* ---- debug registers ---- */

/* DR0-7: DR4/DR5 alias DR6/DR7 unless CR4.DE (#UD); #GP(0) above CPL 0;
 * with DR7.GD set, any access is a #DB fault with DR6.BD. */
static unsigned dr_access(Cpu *c, const Insn *in)
{
    unsigned n = in->reg;
    need_cpl0(c);
    if (n > 7 || ((n == 4 || n == 5) && (c->s.cr4 & CR4_DE)))
        RAISE_UD(c);
    if (c->s.dr[7] & DR7_GD) {
        c->s.dr[6] |= DR6_BD;
        cpu_exception(c, EXC_DB, 0);
    }
    return n == 4 || n == 5 ? n + 2 : n;
}

static INSN(mov_r_dr)
{
    unsigned n = dr_access(cpu, in);
    if (cpu->hflags & HF_CS64)
        set_R64(cpu, in->rm, cpu->s.dr[n]);
    else
        set_R32(cpu, in->rm, (uint32_t)cpu->s.dr[n]);
    cpu->s.rip = cpu_next_rip(cpu, in);
}

static INSN(mov_dr_r)
{
    unsigned n = dr_access(cpu, in);
    uint64_t v = (cpu->hflags & HF_CS64) ? R64(cpu, in->rm) : R32(cpu, in->rm);
    if (n >= 6 && (v >> 32))
        RAISE_GP(cpu, 0);
    if (n == 6)
        cpu->s.dr[6] = (v & (0xf | DR6_BD | DR6_BS | DR6_BT)) | DR6_FIXED1;
    else if (n == 7)
        cpu->s.dr[7] = (v & 0xffff23ffull) | DR7_FIXED1;
    else
        cpu->s.dr[n] = v;
    if (n != 6)
        debug_regs_changed(cpu);
    cpu->s.rip = cpu_next_rip(cpu, in);
}

/* ---- TLB and caches ---- */

static INSN(invlpg)
{
    need_cpl0(cpu);
    tlb_flush_page(cpu, (cpu->segbase[in->seg] + insn_ea(cpu, in)) & cpu->lin_mask);
    cpu->s.rip = cpu_next_rip(cpu, in);
}

/* INVD/WBINVD: there are no caches to flush. */
static INSN(invd)
{
    (void)in;
    need_cpl0(cpu);
}

/* ---- CPUID, TSC, MSRs, performance counters ---- */

static void set_edx_eax(Cpu *c, uint64_t v)
{
    set_R32(c, R_EAX, (uint32_t)v);
    set_R32(c, R_EDX, (uint32_t)(v >> 32));
}

static INSN(cpuid)
{
    (void)in;
    uint32_t r[4];
    cpuid_query(cpu, R32(cpu, R_EAX), R32(cpu, R_ECX), r);
    set_R32(cpu, R_EAX, r[0]);
    set_R32(cpu, R_EBX, r[1]);
    set_R32(cpu, R_ECX, r[2]);
    set_R32(cpu, R_EDX, r[3]);
}

/* RDTSC: CR4.TSD restricts it to CPL 0. */
static INSN(rdtsc)
{
    (void)in;
    if ((cpu->s.cr4 & CR4_TSD) && cpu_cpl(cpu) != 0)
        RAISE_GP(cpu, 0);
    set_edx_eax(cpu, cpu_read_tsc(cpu));
}

static INSN(rdmsr)
{
    (void)in;
    need_cpl0(cpu);
    uint64_t v;
    if (!msr_read(cpu, R32(cpu, R_ECX), &v))
        RAISE_GP(cpu, 0);
    set_edx_eax(cpu, v);
}

static INSN(wrmsr)
{
    need_cpl0(cpu);
    uint64_t v = (uint64_t)R32(cpu, R_EDX) << 32 | R32(cpu, R_EAX);
    if (!msr_write(cpu, R32(cpu, R_ECX), v))
        RAISE_GP(cpu, 0);
    cpu->s.rip = cpu_next_rip(cpu, in);
}

/* RDPMC: no performance counters are implemented, so every counter number is
 * invalid (#GP(0)), as is any use at CPL > 0 without CR4.PCE. */
static INSN(rdpmc)
{
    (void)in;
    RAISE_GP(cpu, 0);
}

/* ---- SYSENTER / SYSEXIT ---- */

/* SYSENTER: CS = SYSENTER_CS (64-bit code in long mode), SS = CS + 8, at
 * CPL 0; ESP/EIP from the MSRs (all 64 bits in long mode). */
static INSN(sysenter)
{
    (void)in;
    uint16_t cs = (uint16_t)cpu->s.sysenter_cs;
    bool lma = cpu->s.efer & EFER_LMA;
    if (!(cpu->hflags & HF_PE) || !(cs & 0xfffc))
        RAISE_GP(cpu, 0);
    cpu_set_eflags(cpu, 0, F_VM | F_IF | F_RF);
    fast_load_cs_ss(cpu, cs & 0xfffc, lma ? FAST_CODE64 : FAST_CODE32, (uint16_t)((cs & 0xfffc) + 8), 0);
    cpu->r[R_ESP] = lma ? cpu->s.sysenter_esp : (uint32_t)cpu->s.sysenter_esp;
    cpu->s.rip = lma ? cpu->s.sysenter_eip : (uint32_t)cpu->s.sysenter_eip;
}

/* SYSEXIT: to CPL 3 with ESP = ECX, EIP = EDX: CS = SYSENTER_CS + 16, SS + 24;
 * with REX.W (64-bit mode) to 64-bit code: CS + 32, SS + 40, RSP = RCX and
 * RIP = RDX, which must be canonical. */
static INSN(sysexit)
{
    uint16_t cs = (uint16_t)cpu->s.sysenter_cs;
    if (!(cpu->hflags & HF_PE) || !(cs & 0xfffc) || cpu_cpl(cpu) != 0)
        RAISE_GP(cpu, 0);
    bool to64 = in->osize == 2;
    uint64_t rsp = to64 ? cpu->r[R_ECX] : R32(cpu, R_ECX);
    uint64_t rip = to64 ? cpu->r[R_EDX] : R32(cpu, R_EDX);
    if (to64 && (!is_canonical(rsp) || !is_canonical(rip)))
        RAISE_GP(cpu, 0);
    unsigned d = to64 ? 32 : 16;
    fast_load_cs_ss(cpu, (uint16_t)(((cs + d) & 0xfffc) | 3), to64 ? FAST_CODE64 : FAST_CODE32,
                    (uint16_t)(((cs + d + 8) & 0xfffc) | 3), 3);
    cpu->r[R_ESP] = rsp;
    cpu->s.rip = rip;
}

#define G6(ext, fn) { 0x0f00, ext, { OPX(fn), 0 } }
#define MEM(fn) { { NULL, NULL, NULL }, { fn, fn, fn } }
#define CTRL (OPF_MODRM | OPF_MODREG | OPF_END)

const OpReg ops_system[] = {
    G6(0, sldt), G6(1, str), G6(2, lldt), G6(3, ltr), G6(4, verr), G6(5, verw),
    { 0x0f01, 0, { MEM(sgdt), 0 } },
    { 0x0f01, 1, { MEM(sidt), 0 } },
    { 0x0f01, 2, { MEM(lgdt), 0 } },
    { 0x0f01, 3, { MEM(lidt), 0 } },
    { 0x0f01, 4, { OPX(smsw), 0 } },
    { 0x0f01, 6, { OPX(lmsw), OPF_END } },
    { 0x0f01, 7, { { { op_0f01_7_reg, op_0f01_7_reg, op_0f01_7_reg }, { invlpg, invlpg, invlpg } },
                   OPF_END } },
    { 0x0f02, -1, { OPX(lar), OPF_MODRM } },
    { 0x0f03, -1, { OPX(lsl), OPF_MODRM } },
    { 0x63, -1, { { { op63_16, op63_32, op63_64 }, { op63_16, op63_32, op63_64 } }, OPF_MODRM } },
    { 0x0f06, -1, { OPX(clts), 0 } },
    { 0x0f08, -1, { OPX(invd), 0 } },
    { 0x0f09, -1, { OPX(invd), 0 } },
    { 0x0f0b, -1, { OPX(op_ud), OPF_END } },
    { 0x0f20, -1, { OPX(mov_r_cr), CTRL } },
    { 0x0f22, -1, { OPX(mov_cr_r), CTRL } },
    { 0x0f21, -1, { OPX(mov_r_dr), CTRL } },
    { 0x0f23, -1, { OPX(mov_dr_r), CTRL } },
    { 0x0f30, -1, { OPX(wrmsr), OPF_END } },
    { 0x0f31, -1, { OPX(rdtsc), 0 } },
    { 0x0f32, -1, { OPX(rdmsr), 0 } },
    { 0x0f33, -1, { OPX(rdpmc), 0 } },
    { 0x0f34, -1, { OPX(sysenter), OPF_END } },
    { 0x0f35, -1, { OPX(sysexit), OPF_END } },
    { 0x0fa2, -1, { OPX(cpuid), 0 } },
    OPS_END,
};
