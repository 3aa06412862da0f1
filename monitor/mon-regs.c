/* `info registers [-a]` and `info fpu`: the canonical CpuState, whichever
 * backend runs, with the segment descriptors and flags decoded. */
#include "monitor/monitor-int.h"

#include <math.h>
#include <string.h>

static const char *const seg_names[SEG_COUNT] = { "ES", "CS", "SS", "DS", "FS", "GS" };

static const char *cpu_mode(const CpuState *s)
{
    if (!(s->cr0 & CR0_PE))
        return "real mode (16-bit)";
    if (s->efer & EFER_LMA)
        return (s->seg[SEG_CS].attr & SA_L) ? "long mode (64-bit)" : "compatibility mode (32/16-bit)";
    if (s->rflags & F_VM)
        return "virtual-8086 mode";
    return (s->seg[SEG_CS].attr & SA_DB) ? "protected mode (32-bit)" : "protected mode (16-bit)";
}

static void print_flags(FILE *out, uint64_t f)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { F_CF, "CF" }, { F_PF, "PF" }, { F_AF, "AF" }, { F_ZF, "ZF" }, { F_SF, "SF" },
        { F_TF, "TF" }, { F_IF, "IF" }, { F_DF, "DF" }, { F_OF, "OF" }, { F_NT, "NT" },
        { F_RF, "RF" }, { F_VM, "VM" }, { F_AC, "AC" }, { F_VIF, "VIF" }, { F_VIP, "VIP" },
        { F_ID, "ID" },
    };
    fprintf(out, "[");
    const char *sep = "";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit) {
            fprintf(out, "%s%s", sep, names[i].name);
            sep = " ";
        }
    fprintf(out, "] IOPL=%u", (unsigned)((f >> 12) & 3));
}

/* The descriptor type in words: code/data with their bits, or the system type. */
static void seg_type(char *buf, size_t len, uint16_t attr)
{
    static const char *const sys[16] = {
        "reserved", "16-bit TSS (available)", "LDT", "16-bit TSS (busy)", "16-bit call gate",
        "task gate", "16-bit interrupt gate", "16-bit trap gate", "reserved",
        "32/64-bit TSS (available)", "reserved", "32/64-bit TSS (busy)", "32/64-bit call gate",
        "reserved", "32/64-bit interrupt gate", "32/64-bit trap gate",
    };
    if (!(attr & SA_S)) {
        snprintf(buf, len, "%s", sys[attr & SA_TYPE]);
        return;
    }
    if (attr & SA_CODE)
        snprintf(buf, len, "code%s%s%s%s", (attr & SA_R) ? " readable" : " exec-only",
                 (attr & SA_C) ? " conforming" : "", (attr & SA_A) ? " accessed" : "",
                 (attr & SA_L) ? " 64-bit" : (attr & SA_DB) ? " 32-bit" : " 16-bit");
    else
        snprintf(buf, len, "data%s%s%s%s", (attr & SA_W) ? " read/write" : " read-only",
                 (attr & SA_E) ? " expand-down" : "", (attr & SA_A) ? " accessed" : "",
                 (attr & SA_DB) ? " big" : "");
}

static void print_seg(FILE *out, const char *name, const SegCache *sc, bool pe)
{
    fprintf(out, "%-3s=%04x base=%016llx limit=%08x attr=%03x", name, sc->sel,
            (unsigned long long)sc->base, sc->limit, sc->attr);
    if (pe && !(sc->attr & SA_P)) {
        fprintf(out, " unusable\n");
        return;
    }
    char type[64];
    seg_type(type, sizeof type, sc->attr);
    fprintf(out, " DPL=%u %s%s\n", (sc->attr >> SA_DPL_SHIFT) & 3, type, (sc->attr & SA_G) ? " G" : "");
}

static void print_gprs(FILE *out, const CpuState *s)
{
    static const char *const r64[16] = { "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
                                         "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15" };
    static const char *const r32[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };
    if (s->efer & EFER_LMA) {
        for (int i = 0; i < 16; i++)
            fprintf(out, "%-3s=%016llx%s", r64[i], (unsigned long long)s->regs[i], i % 4 == 3 ? "\n" : " ");
        fprintf(out, "RIP=%016llx RFL=%08llx ", (unsigned long long)s->rip, (unsigned long long)s->rflags);
    } else {
        for (int i = 0; i < 8; i++)
            fprintf(out, "%s=%08x%s", r32[i], (uint32_t)s->regs[i], i % 4 == 3 ? "\n" : " ");
        fprintf(out, "EIP=%08x EFL=%08x ", (uint32_t)s->rip, (uint32_t)s->rflags);
    }
    print_flags(out, s->rflags);
    unsigned cpl = (s->cr0 & CR0_PE) ? ((s->rflags & F_VM) ? 3 : s->seg[SEG_SS].attr >> SA_DPL_SHIFT & 3) : 0;
    fprintf(out, " CPL=%u%s%s%s\n", cpl, s->halted ? " HLT" : "",
            s->intr_shadow ? " interrupt-shadow" : "", s->nmi_masked ? " NMI-blocked" : "");
}

static void print_system(FILE *out, const CpuState *s)
{
    bool pe = s->cr0 & CR0_PE;
    for (int i = 0; i < SEG_COUNT; i++)
        print_seg(out, seg_names[i], &s->seg[i], pe);
    print_seg(out, "LDT", &s->ldt, pe);
    print_seg(out, "TR", &s->tr, pe);
    fprintf(out, "GDT=     base=%016llx limit=%08x\n", (unsigned long long)s->gdt.base, s->gdt.limit);
    fprintf(out, "IDT=     base=%016llx limit=%08x\n", (unsigned long long)s->idt.base, s->idt.limit);
    fprintf(out, "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx CR8=%llx\n",
            (unsigned long long)s->cr0, (unsigned long long)s->cr2, (unsigned long long)s->cr3,
            (unsigned long long)s->cr4, (unsigned long long)s->cr8);
    fprintf(out, "DR0=%016llx DR1=%016llx DR2=%016llx DR3=%016llx\n", (unsigned long long)s->dr[0],
            (unsigned long long)s->dr[1], (unsigned long long)s->dr[2], (unsigned long long)s->dr[3]);
    fprintf(out, "DR6=%016llx DR7=%016llx\n", (unsigned long long)s->dr[6], (unsigned long long)s->dr[7]);
    fprintf(out, "EFER=%016llx [%s%s%s%s] APIC_BASE=%016llx PAT=%016llx\n", (unsigned long long)s->efer,
            (s->efer & EFER_SCE) ? " SCE" : "", (s->efer & EFER_LME) ? " LME" : "",
            (s->efer & EFER_LMA) ? " LMA" : "", (s->efer & EFER_NXE) ? " NXE" : "",
            (unsigned long long)s->apic_base, (unsigned long long)s->pat);
    fprintf(out, "STAR=%016llx LSTAR=%016llx CSTAR=%016llx FMASK=%016llx\n",
            (unsigned long long)s->star, (unsigned long long)s->lstar, (unsigned long long)s->cstar,
            (unsigned long long)s->fmask);
    fprintf(out, "KERNEL_GS_BASE=%016llx SYSENTER_CS=%04llx ESP=%016llx EIP=%016llx\n",
            (unsigned long long)s->kernel_gs_base, (unsigned long long)s->sysenter_cs,
            (unsigned long long)s->sysenter_esp, (unsigned long long)s->sysenter_eip);
    fprintf(out, "TSC=%016llx XCR0=%016llx\n", (unsigned long long)s->tsc, (unsigned long long)s->xcr0);
}

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* An 80-bit extended real as a double, for reading (the raw bits are shown too). */
static double ext80(const uint8_t *p)
{
    uint64_t mant = le(p, 8);
    int exp = (int)(le(p + 8, 2) & 0x7fff);
    double sign = (p[9] & 0x80) ? -1.0 : 1.0;
    if (exp == 0x7fff)
        return (mant << 1) ? NAN : sign * INFINITY;
    return sign * ldexp((double)mant, exp - 16383 - 63);
}

/* The FXSAVE image (SDM vol. 1 table 10-2): x87 control, status, abridged
 * tag, ST0-7 in stack order, MXCSR, XMM0-15. */
static void print_fpu(FILE *out, const CpuState *s)
{
    const uint8_t *fx = s->fxsave;
    unsigned fsw = (unsigned)le(fx + 2, 2);
    fprintf(out, "FCW=%04x FSW=%04x [TOP=%u%s%s] FTW=%02x FOP=%04x FIP=%016llx FDP=%016llx\n",
            (unsigned)le(fx, 2), fsw, (fsw >> 11) & 7, (fsw & 0x80) ? " ES" : "", (fsw & 0x40) ? " SF" : "",
            fx[4], (unsigned)le(fx + 6, 2), (unsigned long long)le(fx + 8, 8),
            (unsigned long long)le(fx + 16, 8));
    for (int i = 0; i < 8; i++) {
        const uint8_t *r = fx + 32 + 16 * i;
        fprintf(out, "ST%d=%04llx%016llx (%.17g)%s", i, (unsigned long long)le(r + 8, 2),
                (unsigned long long)le(r, 8), ext80(r), i % 2 ? "\n" : "  ");
    }
    fprintf(out, "MXCSR=%08x (mask %08x)\n", (unsigned)le(fx + 24, 4), (unsigned)le(fx + 28, 4));
    int nxmm = (s->efer & EFER_LMA) ? 16 : 8;
    for (int i = 0; i < nxmm; i++) {
        const uint8_t *x = fx + 160 + 16 * i;
        fprintf(out, "XMM%02d=%016llx %016llx%s", i, (unsigned long long)le(x + 8, 8),
                (unsigned long long)le(x, 8), i % 2 ? "\n" : " ");
    }
}

void mon_dump_cpu(const CpuState *s, FILE *out, bool fpu)
{
    fprintf(out, "mode: %s\n", cpu_mode(s));
    print_gprs(out, s);
    print_system(out, s);
    if (fpu)
        print_fpu(out, s);
}

void mon_info_registers(Monitor *mon, FILE *out, int argc, char **argv)
{
    bool all = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "-f"))
            all = true;
        else {
            fprintf(out, "info registers: unknown option '%s' (-a adds x87/SSE)\n", argv[i]);
            return;
        }
    }
    CpuState s;
    mon_cpu_state(mon, &s);
    mon_dump_cpu(&s, out, all);
}

void mon_info_fpu(Monitor *mon, FILE *out, int argc, char **argv)
{
    CpuState s;
    mon_cpu_state(mon, &s);
    print_fpu(out, &s);
}
