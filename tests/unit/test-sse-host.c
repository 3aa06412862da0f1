/* SSE instructions in Tandem against the host CPU: on an x86-64 host with
 * SSE4.2, random register-form instances of every registered SSE/SSE2/SSE3/
 * SSSE3/SSE4.1 form (special FP values, random MXCSR rounding/DAZ/FTZ) and of
 * PCMPESTRI/M and PCMPISTRI/M (short strings, explicit lengths of either sign
 * including INT_MIN) run in both; XMM0-2, ECX, MXCSR (flags included) and,
 * for the string compares, EFLAGS must be equal.  Left out: the MMX forms
 * (the oracle covers them), RCPPS/RSQRTPS (approximations: any value within
 * 1.5 * 2^-12 is right), CRC32 (its operand size differs between Tandem's real
 * mode and the host's 64-bit mode; test-sse.c checks it), and for DPPS/DPPD the
 * NaN results (which NaN an Intel CPU returns from several NaN terms depends on
 * the destination element; Tandem returns one sum).  The host's instructions
 * run from a small generated buffer.  Other hosts: skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/flags.h"
#include "tests/unit/test.h"

#if defined(__x86_64__) && defined(__linux__)
#include <sys/mman.h>

extern const OpReg ops_sse_int[], ops_sse_mov[], ops_sse_fp[], ops_sse_cvt[], ops_sse_shuf[],
    ops_sse41_fp[], ops_sse42[];

static PhysMem pm;
static IoSpace io;
static Cpu *cpu;
static uint8_t *jit;

/* The state both sides load and store (the host code's offsets are fixed). */
typedef struct St {
    uint8_t x[3][16];     /* XMM0-2 */
    uint64_t ecx, edx, eax;
    uint32_t mxcsr, flags;
} St;

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static int encode(const OpReg *r, unsigned imm, uint8_t *c)
{
    static const uint8_t mpb[MP_COUNT] = { 0, 0, 0x66, 0xf3, 0xf2 };
    int n = 0;
    if (mpb[r->mp])
        c[n++] = mpb[r->mp];
    c[n++] = 0x0f;
    if (r->op >> 8 != 0x0f)
        c[n++] = (uint8_t)(r->op >> 8);
    c[n++] = (uint8_t)r->op;
    c[n++] = r->ext >= 0 ? (uint8_t)(0xc1 | r->ext << 3) : 0xca;   /* xmm1/ecx, xmm2/edx */
    if (r->d.flags & OPF_IMM8U)
        c[n++] = (uint8_t)imm;
    return n;
}

/* Tandem: real mode at 0x1000, the instruction then HLT. */
static int run_tandem(const uint8_t *ins, int n, St *s)
{
    uint8_t code[32];
    memcpy(code, ins, (size_t)n);
    code[n] = 0xf4;
    phys_rw(&pm, 0x1000, code, (unsigned)n + 1, true);
    CpuState st;
    cpu_get_state(cpu, &st);
    st.seg[SEG_CS].sel = 0;
    st.seg[SEG_CS].base = 0;
    st.rip = 0x1000;
    st.halted = 0;
    st.cr0 = CR0_ET;
    st.cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT;
    cpu_set_state(cpu, &st);
    for (int i = 0; i < 3; i++)
        memcpy(cpu->fpu.xmm[i].b, s->x[i], 16);
    cpu->r[R_ECX] = (uint32_t)s->ecx;
    cpu->r[R_EDX] = (uint32_t)s->edx;
    cpu->r[R_EAX] = (uint32_t)s->eax;
    cpu->fpu.mxcsr = s->mxcsr;
    CpuExit e = cpu_run(cpu, 10);
    for (int i = 0; i < 3; i++)
        memcpy(s->x[i], cpu->fpu.xmm[i].b, 16);
    s->ecx = (uint32_t)cpu->r[R_ECX];
    s->mxcsr = cpu->fpu.mxcsr;
    s->flags = cpu_get_eflags(cpu) & F_ARITH;
    return e == CPU_EXIT_EXCEPTION ? cpu->exc_vector : -1;
}

/* Host: load XMM0-2, RCX, RDX, RAX, MXCSR from St (RDI), run, store back. */
static void run_host(const uint8_t *ins, int n, St *s)
{
    static const uint8_t pro[] = {
        0xf3, 0x0f, 0x6f, 0x07, 0xf3, 0x0f, 0x6f, 0x4f, 0x10, 0xf3, 0x0f, 0x6f, 0x57, 0x20,
        0x48, 0x8b, 0x4f, 0x30, 0x48, 0x8b, 0x57, 0x38, 0x48, 0x8b, 0x47, 0x40,
        0x0f, 0xae, 0x57, 0x48,                         /* ldmxcsr [rdi+72] */
    };
    static const uint8_t epi[] = {
        0x9c, 0x41, 0x58,                               /* pushf; pop r8 */
        0xf3, 0x0f, 0x7f, 0x07, 0xf3, 0x0f, 0x7f, 0x4f, 0x10, 0xf3, 0x0f, 0x7f, 0x57, 0x20,
        0x89, 0x4f, 0x30, 0xc7, 0x47, 0x34, 0, 0, 0, 0, /* ECX, zero-extended */
        0x0f, 0xae, 0x5f, 0x48,                         /* stmxcsr [rdi+72] */
        0x44, 0x89, 0x47, 0x4c, 0xc3,                   /* flags; ret */
    };
    memcpy(jit, pro, sizeof pro);
    memcpy(jit + sizeof pro, ins, (size_t)n);
    memcpy(jit + sizeof pro + (size_t)n, epi, sizeof epi);
    uint32_t saved;
    __asm__ volatile("stmxcsr %0" : "=m"(saved));
    ((void (*)(St *))(void *)jit)(s);
    __asm__ volatile("ldmxcsr %0" : : "m"(saved));
    s->flags &= F_ARITH;
}

static const uint32_t f32s[] = {
    0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
    0x7f800001, 0xffa00000, 1, 0x807fffff, 0x00800000, 0x7f7fffff, 0x4f000000, 0xcf000000,
    0x4effffff, 0x3f000000, 0x3fc00000, 0x40200000, 0xbfc00000, 0x5f000000, 0x1c800000,
    0x00400000, 0x3eaaaaab, 0x0d800000, 0x8d800000, 0x7effffff,
};
static const uint64_t f64s[] = {
    0, 1ull << 63, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff4000000000000ull, 1,
    0x800fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull, 0x41e0000000000000ull,
    0xc1e0000000000000ull, 0x41dfffffffc00000ull, 0x43e0000000000000ull, 0x3fe0000000000000ull,
    0x3ff8000000000000ull, 0x4004000000000000ull, 0x47efffffe0000000ull, 0x36a0000000000000ull,
    0x3fd5555555555555ull, 0x2000000000000000ull, 0xa000000000000000ull, 0x380fffffffffffffull,
};

static void rnd_vec(uint8_t *v)
{
    unsigned k = rnd() % 4;
    for (int i = 0; i < 16; i += 4) {
        uint32_t x = rnd() ^ rnd() << 16;
        if (k == 0)
            x = f32s[rnd() % (sizeof f32s / 4)];
        else if (k == 1 && rnd() % 2)
            x = rnd() % 64 - 16;
        memcpy(v + i, &x, 4);
    }
    if (k == 2)
        for (int i = 0; i < 16; i += 8)
            memcpy(v + i, &f64s[rnd() % (sizeof f64s / 8)], 8);
}

static void rnd_str(uint8_t *v)
{
    unsigned alpha = 1 + rnd() % 4;
    for (int i = 0; i < 16; i++) {
        v[i] = rnd() % 5 == 0 ? 0 : (uint8_t)('a' + rnd() % alpha);
        if (rnd() % 7 == 0)
            v[i] = (uint8_t)rnd();
    }
}

static bool has_nan32(const uint8_t *v)
{
    for (int i = 0; i < 16; i += 4) {
        uint32_t x;
        memcpy(&x, v + i, 4);
        if ((x & 0x7f800000u) == 0x7f800000u && (x & 0x7fffffu))
            return true;
    }
    return false;
}

static int failures_shown;

static void compare(const uint8_t *ins, int n, const St *in, const St *t, const St *h, bool flags)
{
    bool same = !memcmp(t->x, h->x, sizeof t->x) && t->mxcsr == h->mxcsr && t->ecx == h->ecx &&
                (!flags || t->flags == h->flags);
    CHECK(same);
    if (same || failures_shown++ >= 10)
        return;
    fprintf(stderr, "  insn");
    for (int i = 0; i < n; i++)
        fprintf(stderr, " %02x", ins[i]);
    fprintf(stderr, ": mxcsr in %04x tandem %04x host %04x, ecx %08llx/%08llx, flags %x/%x\n", in->mxcsr,
            t->mxcsr, h->mxcsr, (unsigned long long)t->ecx, (unsigned long long)h->ecx, t->flags, h->flags);
    for (int i = 0; i < 3; i++) {
        uint64_t a[2], b[2], c[2];
        memcpy(a, in->x[i], 16);
        memcpy(b, t->x[i], 16);
        memcpy(c, h->x[i], 16);
        fprintf(stderr, "  xmm%d in %016llx_%016llx tandem %016llx_%016llx host %016llx_%016llx\n", i,
                (unsigned long long)a[1], (unsigned long long)a[0], (unsigned long long)b[1],
                (unsigned long long)b[0], (unsigned long long)c[1], (unsigned long long)c[0]);
    }
}

/* Register forms that this test runs (see the header comment). */
static bool selected(const OpReg *r)
{
    uint32_t b = r->op & 0xff, map = r->op >> 8;
    if (!r->d.fn[0][1])
        return false;
    bool mmx = r->mp == MP_NONE &&
               ((map == 0x0f && ((b >= 0x60 && b <= 0x7f) || b == 0xc4 || b == 0xc5 || b >= 0xd0 || b == 0x2a ||
                                 b == 0x2c || b == 0x2d)) ||
                (map == 0x0f38 && b <= 0x1e) || (map == 0x0f3a && b == 0x0f));
    bool mm_operand = map == 0x0f && (b == 0x2a || b == 0x2c || b == 0x2d || b == 0xd6) && r->mp != MP_F3 &&
                      r->mp != MP_F2;
    return !mmx && !mm_operand && !(map == 0x0f && (b == 0x52 || b == 0x53 || b == 0xf7 || b == 0xb8 || b == 0xd6)) &&
           !(map == 0x0f38 && b >= 0xf0);
}

static void random_forms(int iters)
{
    static const OpReg *const tabs[] = { ops_sse_int, ops_sse_mov, ops_sse_fp, ops_sse_cvt,
                                         ops_sse_shuf, ops_sse41_fp, ops_sse42 };
    const OpReg *list[600];
    int nl = 0;
    for (size_t t = 0; t < sizeof tabs / sizeof tabs[0]; t++)
        for (const OpReg *r = tabs[t]; r->op != 0xffffffffu; r++)
            if (selected(r) && nl < 600)
                list[nl++] = r;
    CHECK(nl > 200);
    for (int it = 0; it < iters; it++) {
        const OpReg *r = list[rnd() % (unsigned)nl];
        uint32_t map = r->op >> 8, b = r->op & 0xff;
        bool pcmp = map == 0x0f3a && b >= 0x60, dp = map == 0x0f3a && (b == 0x40 || b == 0x41);
        unsigned imm = rnd() & 0xff;
        if (map == 0x0f && b == 0xc2)
            imm &= 7;
        if (pcmp)
            imm &= 0x7f;
        uint8_t ins[16];
        int n = encode(r, imm, ins);
        St s;
        for (int i = 0; i < 3; i++)
            (pcmp ? rnd_str : rnd_vec)(s.x[i]);
        s.ecx = rnd();
        s.edx = rnd() % 3 == 0 ? f32s[rnd() % 20] : rnd();
        s.eax = rnd();
        if (pcmp) {
            s.eax = (uint32_t)(rnd() % 41) - 20u;
            s.edx = (uint32_t)(rnd() % 41) - 20u;
            if (rnd() % 20 == 0)
                s.eax = 0x80000000u;
            if (rnd() % 20 == 0)
                s.edx = rnd();
        }
        s.mxcsr = 0x1f80 | (rnd() % 3 == 0 ? (rnd() % 4) << 13 : 0) | (rnd() % 6 == 0 ? 0x40 : 0) |
                  (rnd() % 6 == 0 ? 0x8000 : 0);
        s.flags = 0;
        St t = s, h = s;
        int e = run_tandem(ins, n, &t);
        CHECK_EQ(e, -1);
        if (e >= 0)
            continue;
        run_host(ins, n, &h);
        if (dp && has_nan32(h.x[1]))
            continue;
        if (!pcmp)
            t.flags = h.flags = 0;
        compare(ins, n, &s, &t, &h, pcmp);
    }
}

static int run_all(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("sse4.2")) {
        printf("test-sse-host: skipped (the host has no SSE4.2)\n");
        return 0;
    }
    jit = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (jit == MAP_FAILED) {
        printf("test-sse-host: skipped (no executable mapping)\n");
        return 0;
    }
    phys_init(&pm);
    io_init(&io);
    phys_alloc_ram(&pm, 1 << 20, 0xe0000000);
    CpuEnv env = { .mem = &pm, .io = &io };
    cpu = cpu_new(&env);
    cpu->stop_on_exception = true;
    const char *n = getenv("TEST_SSE_HOST_ITERS");
    random_forms(n ? atoi(n) : 60000);
    cpu_free(cpu);
    phys_destroy(&pm);
    munmap(jit, 4096);
    return test_main_result("test-sse-host");
}
#else
static int run_all(void)
{
    printf("test-sse-host: skipped (not an x86-64 Linux host)\n");
    return 0;
}
#endif

int main(void)
{
    return run_all();
}
