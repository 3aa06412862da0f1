/* SSE/MMX instructions with hand-checked vectors: PCMPxSTRx modes, CRC32C,
 * the x86 NaN rules, DAZ/FTZ, the integer indefinite, PSHUFB, PALIGNR,
 * PMADDUBSW saturation, POPCNT, the availability and alignment faults, #XM
 * versus #UD, LDMXCSR reserved bits, FXSAVE/FXRSTOR.  Each case runs a few
 * instructions in real mode at 0x1000 (data at 0x2000) and checks registers. */
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "cpu/sse.h"
#include "tests/unit/test.h"

static PhysMem pm;
static IoSpace io;
static Cpu *cpu;

/* Register file staged in and out of each run. */
static Xmm X[16];
static uint32_t MXCSR;
static uint64_t CR0, CR4;

enum { DATA = 0x2000 };

/* Runs code (HLT appended); returns -1 at HLT or the exception vector. */
static int run(const uint8_t *code, unsigned n)
{
    uint8_t buf[64];
    memcpy(buf, code, n);
    buf[n] = 0xf4;
    phys_rw(&pm, 0x1000, buf, n + 1, true);
    CpuState s;
    cpu_get_state(cpu, &s);
    s.seg[SEG_CS].sel = 0;
    s.seg[SEG_CS].base = 0;
    s.rip = 0x1000;
    s.halted = 0;
    s.cr0 = CR0;
    s.cr4 = CR4;
    cpu_set_state(cpu, &s);
    memcpy(cpu->fpu.xmm, X, sizeof X);
    cpu->fpu.mxcsr = MXCSR;
    CpuExit e = cpu_run(cpu, 100);
    memcpy(X, cpu->fpu.xmm, sizeof X);
    MXCSR = cpu->fpu.mxcsr;
    if (e == CPU_EXIT_EXCEPTION)
        return cpu->exc_vector;
    return e == CPU_EXIT_HALT ? -1 : -2;
}
#define RUN(...) ({ static const uint8_t c_[] = { __VA_ARGS__ }; run(c_, sizeof c_); })

static void reset_regs(void)
{
    memset(X, 0, sizeof X);
    MXCSR = 0x1f80;
    CR0 = CR0_ET;
    CR4 = CR4_OSFXSR | CR4_OSXMMEXCPT;
}

static void set_str(Xmm *x, const char *s) { memset(x, 0, sizeof *x); memcpy(x->b, s, strlen(s)); }
static uint32_t eflags(void) { return cpu_get_eflags(cpu) & F_ARITH; }
static void put_data(const void *p, unsigned n) { phys_rw(&pm, DATA, (void *)p, n, true); }

static void test_pcmpstr(void)
{
    reset_regs();
    /* equal any, unsigned bytes, least significant index: first of {a,b,c} */
    set_str(&X[1], "abc");
    set_str(&X[2], "xxaxxb");
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x00), -1);
    CHECK_EQ(cpu->r[R_ECX], 2);
    CHECK_EQ(eflags(), F_CF | F_ZF | F_SF);     /* both strings end inside the register */
    /* most significant index (bit 6): 'b' at 5 */
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x40), -1);
    CHECK_EQ(cpu->r[R_ECX], 5);
    /* bit mask into XMM0 (PCMPISTRM) */
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x62, 0xca, 0x00), -1);
    CHECK_EQ(X[0].q[0], 0x24);
    CHECK_EQ(X[0].q[1], 0);
    /* expanded byte mask */
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x62, 0xca, 0x40), -1);
    CHECK_EQ(X[0].q[0], 0x0000ff0000ff0000ull);
    /* equal ordered: "lo" in "hello" at 3 */
    set_str(&X[1], "lo");
    set_str(&X[2], "hello");
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x0c), -1);
    CHECK_EQ(cpu->r[R_ECX], 3);
    /* the needle may not run past the haystack's end: "ox" not in "hello" */
    set_str(&X[1], "ox");
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x0c), -1);
    CHECK_EQ(cpu->r[R_ECX], 16);
    /* ranges: 'a'..'z' in "12a" -> 2 */
    set_str(&X[1], "az");
    set_str(&X[2], "12a");
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x04), -1);
    CHECK_EQ(cpu->r[R_ECX], 2);
    /* equal each, negative polarity (strcmp): first difference at 2 */
    set_str(&X[1], "abcd");
    set_str(&X[2], "abxd");
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x18), -1);
    CHECK_EQ(cpu->r[R_ECX], 2);
    /* identical strings: negative polarity (0x18) finds nothing -> 16, CF=0 */
    set_str(&X[2], "abcd");
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x18), -1);
    CHECK_EQ(cpu->r[R_ECX], 16);
    CHECK_EQ(eflags() & F_CF, 0);
    /* masked negative (0x38) keeps the "both invalid" tail true: first at 4 */
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x38), -1);
    CHECK_EQ(cpu->r[R_ECX], 4);
    CHECK_EQ(eflags() & F_CF, F_CF);
    /* explicit lengths: EAX = 2, EDX = -3 (absolute value): "ab" vs "abx" -> equal each
     * negative masked: index 2 is valid in src2 only -> mismatch at 2 */
    cpu->r[R_EAX] = 2;
    cpu->r[R_EDX] = (uint32_t)-3;
    set_str(&X[1], "abcd");
    set_str(&X[2], "abcd");
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x61, 0xca, 0x38), -1);
    CHECK_EQ(cpu->r[R_ECX], 2);
    CHECK_EQ(eflags(), F_CF | F_ZF | F_SF);
    /* EAX = INT_MIN: |EAX| saturates to 16 (all of src1 valid, SF clear) */
    cpu->r[R_EAX] = 0x80000000u;
    cpu->r[R_EDX] = 6;
    set_str(&X[1], "abc");
    set_str(&X[2], "xxaxxb");
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x61, 0xca, 0x00), -1);
    CHECK_EQ(cpu->r[R_ECX], 2);
    CHECK_EQ(eflags(), F_CF | F_ZF);
    /* signed words, equal any: -1 in { 5, -1 } */
    memset(&X[1], 0, 16);
    memset(&X[2], 0, 16);
    X[1].w[0] = 5; X[1].w[1] = 0xffff;
    X[2].w[0] = 7; X[2].w[1] = 0xffff;
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x63, 0xca, 0x03), -1);
    CHECK_EQ(cpu->r[R_ECX], 1);
}

static void test_crc32(void)
{
    reset_regs();
    put_data("123456789", 9);
    /* mov eax, -1; crc32 eax, dword [0x2000]; crc32 eax, dword [0x2004];
     * crc32 eax, byte [0x2008]; not eax */
    CHECK_EQ(RUN(0x66, 0xb8, 0xff, 0xff, 0xff, 0xff,
                 0x66, 0xf2, 0x0f, 0x38, 0xf1, 0x06, 0x00, 0x20,
                 0x66, 0xf2, 0x0f, 0x38, 0xf1, 0x06, 0x04, 0x20,
                 0xf2, 0x0f, 0x38, 0xf0, 0x06, 0x08, 0x20,
                 0x66, 0xf7, 0xd0), -1);
    CHECK_EQ(cpu->r[R_EAX] & 0xffffffff, 0xe3069283);   /* the CRC-32C check value */
}

static void test_nan_rules(void)
{
    reset_regs();
    X[0].d[0] = 0x7fc00001;   /* QNaN */
    X[1].d[0] = 0x7f800002;   /* SNaN */
    X[0].d[1] = 0x7f800003;   /* SNaN first: quietened */
    X[1].d[1] = 0x7fc00004;
    X[0].d[2] = 0x00000000;   /* 0 * inf: QNaN indefinite */
    X[1].d[2] = 0x7f800000;
    X[0].d[3] = 0x3f800000;   /* 1 * QNaN: the second operand's NaN */
    X[1].d[3] = 0xffc00005;
    CHECK_EQ(RUN(0x0f, 0x59, 0xc1), -1);    /* mulps xmm0, xmm1 */
    CHECK_EQ(X[0].d[0], 0x7fc00001);
    CHECK_EQ(X[0].d[1], 0x7fc00003);
    CHECK_EQ(X[0].d[2], 0xffc00000);
    CHECK_EQ(X[0].d[3], 0xffc00005);
    CHECK_EQ(MXCSR & MX_FLAGS, MX_IE);
    /* MINPS/MAXPS: the second operand for NaNs and for +0/-0 */
    reset_regs();
    X[0].d[0] = 0x7fc00000; X[1].d[0] = 0x40000000;
    X[0].d[1] = 0x80000000; X[1].d[1] = 0x00000000;
    X[0].d[2] = 0x3f800000; X[1].d[2] = 0x7f800001;
    X[0].d[3] = 0x3f800000; X[1].d[3] = 0x40000000;
    Xmm a = X[0];
    CHECK_EQ(RUN(0x0f, 0x5d, 0xc1), -1);    /* minps */
    CHECK_EQ(X[0].d[0], 0x40000000);
    CHECK_EQ(X[0].d[1], 0x00000000);
    CHECK_EQ(X[0].d[2], 0x7f800001);        /* not quietened */
    CHECK_EQ(X[0].d[3], 0x3f800000);
    CHECK_EQ(MXCSR & MX_FLAGS, MX_IE);
    X[0] = a;
    CHECK_EQ(RUN(0x0f, 0x5f, 0xc1), -1);    /* maxps */
    CHECK_EQ(X[0].d[1], 0x00000000);
    CHECK_EQ(X[0].d[3], 0x40000000);
    /* CMPPS predicates on (1, NaN): EQ LT LE UNORD NEQ NLT NLE ORD */
    static const uint32_t want[8] = { 0, 0, 0, ~0u, ~0u, ~0u, ~0u, 0 };
    for (unsigned p = 0; p < 8; p++) {
        reset_regs();
        X[0].d[0] = 0x3f800000;
        X[1].d[0] = 0x7fc00000;
        uint8_t code[] = { 0x0f, 0xc2, 0xc1, (uint8_t)p };
        CHECK_EQ(run(code, sizeof code), -1);
        CHECK_EQ(X[0].d[0], want[p]);
        /* LT, LE, NLT, NLE signal on a QNaN */
        CHECK_EQ(MXCSR & MX_IE, (p == 1 || p == 2 || p == 5 || p == 6) ? MX_IE : 0);
    }
    /* UCOMISS with a QNaN: unordered flags, no IE; COMISS: IE */
    reset_regs();
    X[1].d[0] = 0x7fc00000;
    CHECK_EQ(RUN(0x0f, 0x2e, 0xc1), -1);
    CHECK_EQ(eflags(), F_ZF | F_PF | F_CF);
    CHECK_EQ(MXCSR & MX_IE, 0);
    CHECK_EQ(RUN(0x0f, 0x2f, 0xc1), -1);
    CHECK_EQ(MXCSR & MX_IE, MX_IE);
    /* COMISD 1.0 vs 2.0: less -> CF */
    reset_regs();
    X[0].f[0] = 1.0;
    X[1].f[0] = 2.0;
    CHECK_EQ(RUN(0x66, 0x0f, 0x2f, 0xc1), -1);
    CHECK_EQ(eflags(), F_CF);
}

static void test_daz_ftz(void)
{
    /* 2^-70 * 2^-70 underflows: FTZ gives +0 with UE and PE */
    reset_regs();
    MXCSR = 0x1f80 | MX_FTZ;
    X[0].d[0] = 0x1c800000;   /* 2^-70 */
    X[1].d[0] = 0x1c800000;
    CHECK_EQ(RUN(0xf3, 0x0f, 0x59, 0xc1), -1);   /* mulss */
    CHECK_EQ(X[0].d[0], 0);
    CHECK_EQ(MXCSR & MX_FLAGS, MX_UE | MX_PE);
    /* without FTZ: a denormal result, UE and PE */
    reset_regs();
    X[0].d[0] = 0x1c800000;
    X[1].d[0] = 0x1c800000;
    CHECK_EQ(RUN(0xf3, 0x0f, 0x59, 0xc1), -1);
    CHECK_EQ(X[0].d[0], 0x00000200);             /* 2^-140 = 2^-149 * 2^9 */
    CHECK_EQ(MXCSR & MX_FLAGS, 0);               /* exact: no underflow when masked */
    /* a denormal input raises DE; with DAZ it reads as zero and does not */
    reset_regs();
    X[0].d[0] = 0x00000001;
    X[1].d[0] = 0x00000000;
    CHECK_EQ(RUN(0xf3, 0x0f, 0x58, 0xc1), -1);   /* addss */
    CHECK_EQ(X[0].d[0], 1);
    CHECK_EQ(MXCSR & MX_FLAGS, MX_DE);
    reset_regs();
    MXCSR = 0x1f80 | MX_DAZ;
    X[0].d[0] = 0x80000001;
    X[1].d[0] = 0x00000000;
    CHECK_EQ(RUN(0xf3, 0x0f, 0x58, 0xc1), -1);
    CHECK_EQ(X[0].d[0], 0);                      /* -0 + +0 = +0 */
    CHECK_EQ(MXCSR & MX_FLAGS, 0);
    /* rounding control: 1/3 rounded up and down differ in the last bit */
    reset_regs();
    X[0].d[0] = 0x3f800000;
    X[1].d[0] = 0x40400000;
    MXCSR = 0x1f80 | (1 << MX_RC_SHIFT);
    CHECK_EQ(RUN(0xf3, 0x0f, 0x5e, 0xc1), -1);   /* divss: down */
    CHECK_EQ(X[0].d[0], 0x3eaaaaaa);
    X[0].d[0] = 0x3f800000;
    MXCSR = 0x1f80 | (2 << MX_RC_SHIFT);
    CHECK_EQ(RUN(0xf3, 0x0f, 0x5e, 0xc1), -1);   /* up */
    CHECK_EQ(X[0].d[0], 0x3eaaaaab);
    CHECK_EQ(MXCSR & MX_FLAGS, MX_PE);
}

static void test_cvt(void)
{
    reset_regs();
    X[0].s[0] = 3e9f;
    CHECK_EQ(RUN(0xf3, 0x0f, 0x2c, 0xc0), -1);   /* cvttss2si eax, xmm0 */
    CHECK_EQ(cpu->r[R_EAX], 0x80000000u);
    CHECK_EQ(MXCSR & MX_FLAGS, MX_IE);
    reset_regs();
    X[0].f[0] = -1.5;
    CHECK_EQ(RUN(0xf2, 0x0f, 0x2d, 0xc0), -1);   /* cvtsd2si eax, xmm0: nearest even */
    CHECK_EQ(cpu->r[R_EAX], 0xfffffffeu);
    CHECK_EQ(MXCSR & MX_FLAGS, MX_PE);
    X[0].f[0] = -1.5;
    CHECK_EQ(RUN(0xf2, 0x0f, 0x2c, 0xc0), -1);   /* cvttsd2si: truncates */
    CHECK_EQ(cpu->r[R_EAX], 0xffffffffu);
    /* CVTTPS2DQ: NaN and overflow give the indefinite per element */
    reset_regs();
    X[1].d[0] = 0x7fc00000;
    X[1].s[1] = -2147483648.0f;
    X[1].s[2] = 2147483648.0f;
    X[1].s[3] = 7.9f;
    CHECK_EQ(RUN(0xf3, 0x0f, 0x5b, 0xc1), -1);
    CHECK_EQ(X[0].d[0], 0x80000000u);
    CHECK_EQ(X[0].d[1], 0x80000000u);
    CHECK_EQ(X[0].d[2], 0x80000000u);
    CHECK_EQ(X[0].d[3], 7);
    /* CVTSD2SS of an SNaN: quietened, top significand bits kept */
    reset_regs();
    X[1].q[0] = 0x7ff4000000000000ull;
    CHECK_EQ(RUN(0xf2, 0x0f, 0x5a, 0xc1), -1);
    CHECK_EQ(X[0].d[0], 0x7fe00000u);
    CHECK_EQ(MXCSR & MX_FLAGS, MX_IE);
}

static void test_int_ops(void)
{
    reset_regs();
    for (int i = 0; i < 16; i++)
        X[0].b[i] = (uint8_t)(0x10 + i);
    static const uint8_t sel[16] = { 15, 0, 0x80, 3, 0x13, 4, 4, 4, 0xff, 1, 2, 3, 8, 9, 10, 11 };
    memcpy(X[1].b, sel, 16);
    CHECK_EQ(RUN(0x66, 0x0f, 0x38, 0x00, 0xc1), -1);   /* pshufb xmm0, xmm1 */
    CHECK_EQ(X[0].q[0], 0x141414131300101full);
    CHECK_EQ(X[0].q[1], 0x1b1a191813121100ull);
    /* palignr xmm0, xmm1, 5: (xmm0:xmm1) >> 40 */
    for (int i = 0; i < 16; i++) {
        X[0].b[i] = (uint8_t)(0x40 + i);
        X[1].b[i] = (uint8_t)(0x20 + i);
    }
    CHECK_EQ(RUN(0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x05), -1);
    CHECK_EQ(X[0].q[0], 0x2c2b2a2928272625ull);
    CHECK_EQ(X[0].q[1], 0x44434241402f2e2dull);
    /* pmaddubsw: 255*127*2 saturates to 0x7fff, 255*-128*2 to 0x8000 */
    memset(X, 0, 32);
    X[0].b[0] = X[0].b[1] = X[0].b[2] = X[0].b[3] = 255;
    X[1].b[0] = X[1].b[1] = 127;
    X[1].b[2] = X[1].b[3] = 0x80;
    X[0].b[4] = 1; X[0].b[5] = 2; X[1].b[4] = 3; X[1].b[5] = 0xfc;
    CHECK_EQ(RUN(0x66, 0x0f, 0x38, 0x04, 0xc1), -1);
    CHECK_EQ(X[0].w[0], 0x7fff);
    CHECK_EQ(X[0].w[1], 0x8000);
    CHECK_EQ(X[0].w[2], (uint16_t)(3 - 8));
    /* pmovmskb eax, xmm1 and pcmpeqb */
    reset_regs();
    X[1].b[0] = 0x80; X[1].b[15] = 0xff;
    CHECK_EQ(RUN(0x66, 0x0f, 0xd7, 0xc1), -1);
    CHECK_EQ(cpu->r[R_EAX] & 0xffffffff, 0x8001);
    /* packsswb saturation */
    reset_regs();
    X[0].w[0] = 300; X[0].w[1] = (uint16_t)-300; X[1].w[0] = 5;
    CHECK_EQ(RUN(0x66, 0x0f, 0x63, 0xc1), -1);
    CHECK_EQ(X[0].b[0], 0x7f);
    CHECK_EQ(X[0].b[1], 0x80);
    CHECK_EQ(X[0].b[8], 5);
    /* psraw by 20 fills with the sign; pslldq by 3 */
    reset_regs();
    X[0].w[0] = 0x8000; X[0].w[1] = 0x7fff;
    CHECK_EQ(RUN(0x66, 0x0f, 0x71, 0xe0, 20), -1);
    CHECK_EQ(X[0].w[0], 0xffff);
    CHECK_EQ(X[0].w[1], 0);
    X[0].q[0] = 0x0807060504030201ull; X[0].q[1] = 0x100f0e0d0c0b0a09ull;
    CHECK_EQ(RUN(0x66, 0x0f, 0x73, 0xf8, 3), -1);
    CHECK_EQ(X[0].q[0], 0x0504030201000000ull);
    CHECK_EQ(X[0].q[1], 0x0d0c0b0a09080706ull);
    /* maskmovdqu xmm0, xmm1: bytes with mask bit 7 go to DS:DI */
    reset_regs();
    static const uint8_t before[16] = { 0 };
    put_data(before, 16);
    for (int i = 0; i < 16; i++) {
        X[0].b[i] = (uint8_t)(0xa0 + i);
        X[1].b[i] = (i % 3 == 0) ? 0x80 : 0x7f;
    }
    cpu->r[R_EDI] = DATA;
    CHECK_EQ(RUN(0x66, 0x0f, 0xf7, 0xc1), -1);
    CHECK_EQ(phys_read(&pm, DATA, 8), 0x00a60000a30000a0ull);
    CHECK_EQ(phys_read(&pm, DATA + 8, 8), 0xaf0000ac0000a900ull);
    /* popcnt ax, bx */
    cpu->r[R_EBX] = 0xf0f1;
    CHECK_EQ(RUN(0xf3, 0x0f, 0xb8, 0xc3), -1);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 9);
    CHECK_EQ(eflags(), 0);
    cpu->r[R_EBX] = 0;
    CHECK_EQ(RUN(0xf3, 0x0f, 0xb8, 0xc3), -1);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 0);
    CHECK_EQ(eflags(), F_ZF);
}

static void test_mmx(void)
{
    reset_regs();
    CR4 = 0;                                     /* MMX does not need OSFXSR */
    cpu->fpu.st[0].mant = 0x00ff00ff00ff00ffull;
    cpu->fpu.st[1].mant = 0x0101010101010101ull;
    cpu->fpu.tw = 0xffff;
    cpu->fpu.top = 3;
    CHECK_EQ(RUN(0x0f, 0xdc, 0xc1), -1);        /* paddusb mm0, mm1 */
    CHECK_EQ(cpu->fpu.st[0].mant, 0x01ff01ff01ff01ffull);
    CHECK_EQ(cpu->fpu.st[0].se, 0xffff);
    CHECK_EQ(cpu->fpu.tw, 0);
    CHECK_EQ(cpu->fpu.top, 0);
    CHECK_EQ(RUN(0x0f, 0x77), -1);              /* emms */
    CHECK_EQ(cpu->fpu.tw, 0xffff);
    CR0 |= CR0_TS;
    CHECK_EQ(RUN(0x0f, 0xdc, 0xc1), EXC_NM);
    CR0 = CR0_ET | CR0_EM;
    CHECK_EQ(RUN(0x0f, 0xdc, 0xc1), EXC_UD);
}

static void test_faults(void)
{
    reset_regs();
    CHECK_EQ(RUN(0x0f, 0x58, 0x06, 0x01, 0x20), EXC_GP);    /* addps xmm0, [0x2001] */
    CHECK_EQ(RUN(0x0f, 0x28, 0x06, 0x08, 0x20), EXC_GP);    /* movaps */
    CHECK_EQ(RUN(0x66, 0x0f, 0x6f, 0x06, 0x04, 0x20), EXC_GP);  /* movdqa */
    CHECK_EQ(RUN(0x0f, 0x10, 0x06, 0x01, 0x20), -1);        /* movups: no alignment */
    CHECK_EQ(RUN(0xf3, 0x0f, 0x6f, 0x06, 0x01, 0x20), -1);  /* movdqu */
    CHECK_EQ(RUN(0xf3, 0x0f, 0x58, 0x06, 0x01, 0x20), -1);  /* addss: scalar */
    CHECK_EQ(RUN(0x0f, 0x58, 0x06, 0x10, 0x20), -1);        /* aligned addps */
    CR4 = 0;
    CHECK_EQ(RUN(0x0f, 0x58, 0xc1), EXC_UD);
    CR4 = CR4_OSFXSR;
    CR0 |= CR0_TS;
    CHECK_EQ(RUN(0x0f, 0x58, 0xc1), EXC_NM);
    CR0 = CR0_ET | CR0_EM;
    CHECK_EQ(RUN(0x0f, 0x58, 0xc1), EXC_UD);
    /* unmasked divide-by-zero: #XM with OSXMMEXCPT, else #UD; no result */
    reset_regs();
    MXCSR = 0x1f80 & ~(MX_ZE << MX_MASK_SHIFT);
    X[0].s[0] = 1.0f;
    X[0].s[1] = 1.0f;
    CHECK_EQ(RUN(0x0f, 0x5e, 0xc1), EXC_XM);    /* divps xmm0, xmm1 (zeros) */
    CHECK_EQ(X[0].s[0], 1.0f);
    CHECK(MXCSR & MX_ZE);
    CR4 = CR4_OSFXSR;
    CHECK_EQ(RUN(0x0f, 0x5e, 0xc1), EXC_UD);
    /* LDMXCSR: reserved bits -> #GP; STMXCSR stores */
    reset_regs();
    uint32_t bad = 0x10000, good = 0x9fc0;
    put_data(&bad, 4);
    CHECK_EQ(RUN(0x0f, 0xae, 0x16, 0x00, 0x20), EXC_GP);
    put_data(&good, 4);
    CHECK_EQ(RUN(0x0f, 0xae, 0x16, 0x00, 0x20, 0x0f, 0xae, 0x1e, 0x04, 0x20), -1);
    CHECK_EQ(MXCSR, 0x9fc0);
    CHECK_EQ(phys_read(&pm, DATA + 4, 4), 0x9fc0);
}

static void test_fxsave(void)
{
    reset_regs();
    for (int i = 0; i < 8; i++)
        X[i].q[0] = X[i].q[1] = 0x1111111111111111ull * (uint64_t)(i + 1);
    MXCSR = 0x1fa1;
    /* fxsave [0x3000]; then clear xmm3 and mxcsr; fxrstor [0x3000] */
    CHECK_EQ(RUN(0x0f, 0xae, 0x06, 0x00, 0x30), -1);
    CHECK_EQ(phys_read(&pm, 0x3000 + 24, 4), 0x1fa1);
    CHECK_EQ(phys_read(&pm, 0x3000 + 28, 4), MXCSR_MASK);
    CHECK_EQ(phys_read(&pm, 0x3000 + 160 + 3 * 16, 8), 0x4444444444444444ull);
    X[3].q[0] = 0;
    MXCSR = 0x1f80;
    CHECK_EQ(RUN(0x0f, 0xae, 0x0e, 0x00, 0x30), -1);
    CHECK_EQ(X[3].q[0], 0x4444444444444444ull);
    CHECK_EQ(MXCSR, 0x1fa1);
    /* misaligned: #GP; FXRSTOR of reserved MXCSR bits: #GP */
    CHECK_EQ(RUN(0x0f, 0xae, 0x06, 0x08, 0x30), EXC_GP);
    phys_write(&pm, 0x3000 + 24, 0x40000, 4);
    CHECK_EQ(RUN(0x0f, 0xae, 0x0e, 0x00, 0x30), EXC_GP);
    /* TS -> #NM even with OSFXSR clear */
    CR4 = 0;
    CR0 |= CR0_TS;
    CHECK_EQ(RUN(0x0f, 0xae, 0x06, 0x00, 0x30), EXC_NM);
}

int main(void)
{
    phys_init(&pm);
    io_init(&io);
    phys_alloc_ram(&pm, 1 << 20, 0xe0000000);
    CpuEnv env = { .mem = &pm, .io = &io };
    cpu = cpu_new(&env);
    cpu->stop_on_exception = true;
    test_pcmpstr();
    test_crc32();
    test_nan_rules();
    test_daz_ftz();
    test_cvt();
    test_int_ops();
    test_mmx();
    test_faults();
    test_fxsave();
    cpu_free(cpu);
    phys_destroy(&pm);
    return test_main_result("test-sse");
}
