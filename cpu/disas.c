#include "cpu/disas.h"

#include <capstone/capstone.h>
#include <string.h>

#include "cpu/flags.h"

int disas_one(const uint8_t *code, size_t len, uint64_t pc, int bits, char *text, size_t textlen)
{
    csh h;
    cs_mode mode = bits == 64 ? CS_MODE_64 : bits == 32 ? CS_MODE_32 : CS_MODE_16;
    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        snprintf(text, textlen, "(capstone unavailable)");
        return 0;
    }
    cs_insn *insn;
    size_t n = cs_disasm(h, code, len, pc, 1, &insn);
    int ilen = 0;
    if (n) {
        char hex[48] = "";
        for (int i = 0; i < insn[0].size && i < 15; i++)
            snprintf(hex + i * 2, sizeof hex - (size_t)i * 2, "%02x", insn[0].bytes[i]);
        snprintf(text, textlen, "%-20s %s %s", hex, insn[0].mnemonic, insn[0].op_str);
        ilen = insn[0].size;
        cs_free(insn, n);
    } else {
        snprintf(text, textlen, "%02x                   (bad)", len ? code[0] : 0);
    }
    cs_close(&h);
    return ilen;
}

static void dump_seg(FILE *f, const char *name, const SegCache *s)
{
    fprintf(f, "%s =%04x %016llx %08x %04x\n", name, s->sel, (unsigned long long)s->base, s->limit,
            s->attr);
}

void cpu_dump_regs(Cpu *cpu, FILE *f)
{
    static const char *segn[] = { "ES", "CS", "SS", "DS", "FS", "GS" };
    uint32_t fl = cpu_get_eflags(cpu);
    if (cpu->hflags & HF_LMA) {
        static const char *rn[] = { "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
                                    "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15" };
        for (int i = 0; i < 16; i++)
            fprintf(f, "%s=%016llx%s", rn[i], (unsigned long long)cpu->r[i], i % 4 == 3 ? "\n" : " ");
        fprintf(f, "RIP=%016llx RFL=%08x [%c%c%c%c%c%c%c] CPL=%u\n",
                (unsigned long long)cpu->s.rip, fl, fl & F_OF ? 'O' : '-', fl & F_DF ? 'D' : '-',
                fl & F_SF ? 'S' : '-', fl & F_ZF ? 'Z' : '-', fl & F_AF ? 'A' : '-',
                fl & F_PF ? 'P' : '-', fl & F_CF ? 'C' : '-', cpu_cpl(cpu));
    } else {
        fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", (uint32_t)cpu->r[R_EAX],
                (uint32_t)cpu->r[R_EBX], (uint32_t)cpu->r[R_ECX], (uint32_t)cpu->r[R_EDX]);
        fprintf(f, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", (uint32_t)cpu->r[R_ESI],
                (uint32_t)cpu->r[R_EDI], (uint32_t)cpu->r[R_EBP], (uint32_t)cpu->r[R_ESP]);
        fprintf(f, "EIP=%08x EFL=%08x [%c%c%c%c%c%c%c] CPL=%u\n", (uint32_t)cpu->s.rip, fl,
                fl & F_OF ? 'O' : '-', fl & F_DF ? 'D' : '-', fl & F_SF ? 'S' : '-',
                fl & F_ZF ? 'Z' : '-', fl & F_AF ? 'A' : '-', fl & F_PF ? 'P' : '-',
                fl & F_CF ? 'C' : '-', cpu_cpl(cpu));
    }
    for (int i = 0; i < SEG_COUNT; i++)
        dump_seg(f, segn[i], &cpu->s.seg[i]);
    dump_seg(f, "LDT", &cpu->s.ldt);
    dump_seg(f, "TR ", &cpu->s.tr);
    fprintf(f, "GDT=     %016llx %08x\nIDT=     %016llx %08x\n",
            (unsigned long long)cpu->s.gdt.base, cpu->s.gdt.limit,
            (unsigned long long)cpu->s.idt.base, cpu->s.idt.limit);
    fprintf(f, "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx\n", (unsigned long long)cpu->s.cr0,
            (unsigned long long)cpu->s.cr2, (unsigned long long)cpu->s.cr3,
            (unsigned long long)cpu->s.cr4);
    fprintf(f, "DR6=%016llx DR7=%016llx EFER=%016llx\n", (unsigned long long)cpu->s.dr[6],
            (unsigned long long)cpu->s.dr[7], (unsigned long long)cpu->s.efer);
}
