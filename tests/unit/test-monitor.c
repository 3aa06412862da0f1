/* The monitor's CPU dumps in the modes tests/scripts/monitor.sh's real-mode
 * guest does not reach: 32-bit protected mode, virtual-8086, long mode and
 * compatibility mode (mode line, register widths, decoded descriptors,
 * flags, EFER), the x87/SSE part from the FXSAVE image, and mon_cpu_bits /
 * mon_cpu_pc, which x/i and the breakpoints use. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "monitor/monitor-int.h"
#include "test.h"

static char *dump(const CpuState *s, bool fpu)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    mon_dump_cpu(s, f, fpu);
    fclose(f);
    return buf;
}

static SegCache seg(uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
    return (SegCache){ .base = base, .limit = limit, .sel = sel, .attr = attr };
}

static void test_protected32(void)
{
    CpuState s;
    memset(&s, 0, sizeof s);
    s.cr0 = CR0_PE | CR0_ET;
    s.regs[R_EAX] = 0x89abcdef;
    s.regs[R_ESP] = 0x7ff0;
    s.rip = 0x401000;
    s.rflags = 0x2 | F_IF | F_ZF | F_CF | (3 << 12);
    s.seg[SEG_CS] = seg(0x08, 0, 0xffffffff, 0x9b | SA_DB | SA_G);
    s.seg[SEG_SS] = seg(0x10, 0, 0xffffffff, 0x93 | SA_DB | SA_G);
    s.seg[SEG_DS] = seg(0x10, 0x100000, 0xfffff, 0x97);         /* expand-down */
    s.seg[SEG_FS] = seg(0, 0, 0, 0);                             /* null: unusable */
    s.tr = seg(0x28, 0x5000, 0x67, 0x8b);
    char *t = dump(&s, false);
    CHECK(strstr(t, "mode: protected mode (32-bit)") != NULL);
    CHECK(strstr(t, "EAX=89abcdef") != NULL);
    CHECK(strstr(t, "RAX=") == NULL);
    CHECK(strstr(t, "EIP=00401000") != NULL);
    CHECK(strstr(t, "[CF ZF IF] IOPL=3 CPL=0") != NULL);
    CHECK(strstr(t, "CS =0008 base=0000000000000000 limit=ffffffff attr=c9b DPL=0 code readable accessed 32-bit G") != NULL);
    CHECK(strstr(t, "DS =0010 base=0000000000100000 limit=000fffff attr=097 DPL=0 data read/write expand-down accessed") != NULL);
    CHECK(strstr(t, "FS =0000 base=0000000000000000 limit=00000000 attr=000 unusable") != NULL);
    CHECK(strstr(t, "TR =0028 base=0000000000005000 limit=00000067 attr=08b DPL=0 32/64-bit TSS (busy)") != NULL);
    CHECK(strstr(t, "FCW=") == NULL);
    CHECK_EQ(mon_cpu_bits(&s), 32);
    CHECK_EQ(mon_cpu_pc(&s), 0x401000);
    free(t);

    s.rflags |= F_VM;                        /* virtual-8086 */
    s.seg[SEG_CS] = seg(0x1234, 0x12340, 0xffff, 0xf3);
    s.seg[SEG_SS] = seg(0x2000, 0x20000, 0xffff, 0xf3);
    s.rip = 0x10;
    t = dump(&s, false);
    CHECK(strstr(t, "mode: virtual-8086 mode") != NULL);
    CHECK(strstr(t, "CPL=3") != NULL);
    CHECK_EQ(mon_cpu_bits(&s), 16);
    CHECK_EQ(mon_cpu_pc(&s), 0x12350);
    free(t);
}

static void test_long64(void)
{
    CpuState s;
    memset(&s, 0, sizeof s);
    s.cr0 = CR0_PE | CR0_PG;
    s.cr4 = CR4_PAE;
    s.efer = EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE;
    s.regs[15] = 0x1122334455667788ull;
    s.rip = 0xffffffff81000000ull;
    s.rflags = 0x2;
    s.seg[SEG_CS] = seg(0x33, 0, 0xffffffff, 0xfb | SA_L | SA_G);  /* ring-3 64-bit code */
    s.seg[SEG_SS] = seg(0x2b, 0, 0xffffffff, 0xf3 | SA_DB | SA_G);
    /* x87: ST0 = 1.0 (exponent 0x3fff, integer bit set); XMM15 distinct halves. */
    uint16_t fcw = 0x037f;
    memcpy(s.fxsave, &fcw, 2);
    uint64_t one = 1ull << 63;
    uint16_t ex = 0x3fff;
    memcpy(s.fxsave + 32, &one, 8);
    memcpy(s.fxsave + 40, &ex, 2);
    uint32_t mxcsr = 0x1f80;
    memcpy(s.fxsave + 24, &mxcsr, 4);
    uint64_t lo = 0x0123456789abcdefull, hi = 0xfedcba9876543210ull;
    memcpy(s.fxsave + 160 + 15 * 16, &lo, 8);
    memcpy(s.fxsave + 160 + 15 * 16 + 8, &hi, 8);
    char *t = dump(&s, true);
    CHECK(strstr(t, "mode: long mode (64-bit)") != NULL);
    CHECK(strstr(t, "R15=1122334455667788") != NULL);
    CHECK(strstr(t, "RIP=ffffffff81000000") != NULL);
    CHECK(strstr(t, "CPL=3") != NULL);
    CHECK(strstr(t, "code readable accessed 64-bit G") != NULL);
    CHECK(strstr(t, "[ SCE LME LMA NXE]") != NULL);
    CHECK(strstr(t, "FCW=037f") != NULL);
    CHECK(strstr(t, "ST0=3fff8000000000000000 (1)") != NULL);
    CHECK(strstr(t, "MXCSR=00001f80") != NULL);
    CHECK(strstr(t, "XMM15=fedcba9876543210 0123456789abcdef") != NULL);
    CHECK_EQ(mon_cpu_bits(&s), 64);
    CHECK_EQ(mon_cpu_pc(&s), 0xffffffff81000000ull);
    free(t);

    s.seg[SEG_CS].attr = 0xfb | SA_DB | SA_G;  /* compatibility mode */
    t = dump(&s, true);
    CHECK(strstr(t, "mode: compatibility mode") != NULL);
    CHECK(strstr(t, "XMM15=") != NULL);        /* 16 XMM registers while LMA */
    CHECK_EQ(mon_cpu_bits(&s), 32);
    free(t);
}

int main(void)
{
    test_protected32();
    test_long64();
    return test_main_result("test-monitor");
}
