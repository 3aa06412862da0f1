/* Lazy flags (cpu/flags.h) against straightforward reference formulas: every
 * arithmetic flag macro at every width with edge and random operands, the
 * explicit flag loads (lf_set and friends), and the condition codes. */
#include <stdlib.h>
#include <string.h>

#include "cpu/flags.h"
#include "tests/unit/test.h"

static Cpu *cpu;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static const uint64_t edges[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000ull, 0xffffffffull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull, 0x0f, 0x10, 0xf0,
};
#define NEDGES (sizeof edges / sizeof edges[0])

static uint64_t mask_of(int bits) { return bits == 64 ? ~0ull : (1ull << bits) - 1; }
static int sign_of(uint64_t v, int bits) { return (int)((v >> (bits - 1)) & 1); }
static int parity(uint64_t v) { return !__builtin_parity((unsigned)(v & 0xff)); }

/* Reference EFLAGS (OSZAPC) for result r of an operation. */
static uint32_t ref_szp(uint64_t r, int bits)
{
    r &= mask_of(bits);
    return (r == 0 ? F_ZF : 0) | (sign_of(r, bits) ? F_SF : 0) | (parity(r) ? F_PF : 0);
}

static uint32_t ref_add(uint64_t a, uint64_t b, int cin, int bits)
{
    uint64_t m = mask_of(bits);
    a &= m; b &= m;
    uint64_t r = (a + b + (uint64_t)cin) & m;
    int cf;
    if (bits == 64)
        cf = r < a || (cin && r == a);
    else
        cf = ((a + b + (uint64_t)cin) >> bits) & 1;
    int of = sign_of(a, bits) == sign_of(b, bits) && sign_of(r, bits) != sign_of(a, bits);
    int af = (((a & 0xf) + (b & 0xf) + (uint64_t)cin) >> 4) & 1;
    return ref_szp(r, bits) | (cf ? F_CF : 0) | (of ? F_OF : 0) | (af ? F_AF : 0);
}

static uint32_t ref_sub(uint64_t a, uint64_t b, int bin, int bits)
{
    uint64_t m = mask_of(bits);
    a &= m; b &= m;
    uint64_t r = (a - b - (uint64_t)bin) & m;
    int cf = a < b || (bin && a == b);
    int of = sign_of(a, bits) != sign_of(b, bits) && sign_of(r, bits) != sign_of(a, bits);
    int af = (a & 0xf) < (b & 0xf) + (uint64_t)bin;
    return ref_szp(r, bits) | (cf ? F_CF : 0) | (of ? F_OF : 0) | (af ? F_AF : 0);
}

#define SIZES(X) X(8) X(16) X(32) X(64)

/* The lazy flag macros need compile-time widths: one checker per width. */
#define DEF_CHECK(bits) \
static void check_##bits(uint64_t a, uint64_t b) \
{ \
    typedef uint##bits##_t T; \
    T x = (T)a, y = (T)b; \
    /* ADD, ADC (both carries), SUB, SBB */ \
    for (int c = 0; c < 2; c++) { \
        T r = (T)(x + y + (T)c); \
        FLAGS_ADD(cpu, bits, x, y, r); \
        CHECK_EQ(lf_get(cpu), ref_add(x, y, c, bits)); \
        r = (T)(x - y - (T)c); \
        FLAGS_SUB(cpu, bits, x, y, r); \
        CHECK_EQ(lf_get(cpu), ref_sub(x, y, c, bits)); \
    } \
    /* logic: CF = OF = 0, AF = 0 in Tandem (undefined architecturally) */ \
    T l = (T)(x & y); \
    FLAGS_LOGIC(cpu, bits, l); \
    CHECK_EQ(lf_get(cpu) & ~(uint32_t)F_AF, ref_szp(l, bits)); \
    l = (T)(x ^ y); \
    FLAGS_LOGIC(cpu, bits, l); \
    CHECK_EQ(lf_get(cpu) & ~(uint32_t)F_AF, ref_szp(l, bits)); \
    /* NEG = 0 - x */ \
    T n = (T)(0 - x); \
    FLAGS_SUB(cpu, bits, 0, x, n); \
    CHECK_EQ(lf_get(cpu), ref_sub(0, x, 0, bits)); \
    CHECK_EQ(!!(lf_get(cpu) & F_CF), x != 0); \
    /* INC/DEC keep CF */ \
    for (int cf = 0; cf < 2; cf++) { \
        lf_set(cpu, cf ? F_CF : 0); \
        T r = (T)(x + 1); \
        FLAGS_INCDEC(cpu, bits, x, r, 0); \
        CHECK_EQ(lf_get(cpu), (ref_add(x, 1, 0, bits) & ~(uint32_t)F_CF) | (cf ? F_CF : 0)); \
        lf_set(cpu, cf ? F_CF : 0); \
        r = (T)(x - 1); \
        FLAGS_INCDEC(cpu, bits, x, r, 1); \
        CHECK_EQ(lf_get(cpu), (ref_sub(x, 1, 0, bits) & ~(uint32_t)F_CF) | (cf ? F_CF : 0)); \
    } \
    /* explicit CF/OF with result SZP (shifts, multiplies) */ \
    for (int k = 0; k < 4; k++) { \
        FLAGS_RES_CO(cpu, bits, x, k & 1, k >> 1); \
        CHECK_EQ(lf_get(cpu), ref_szp(x, bits) | ((k & 1) ? F_CF : 0) | ((k >> 1) ? F_OF : 0)); \
    } \
}
SIZES(DEF_CHECK)

static void check_all(uint64_t a, uint64_t b)
{
    check_8(a, b);
    check_16(a, b);
    check_32(a, b);
    check_64(a, b);
}

/* The condition of Jcc/SETcc/CMOVcc cc from an EFLAGS image. */
static int ref_cond(uint32_t f, unsigned cc)
{
    int cf = !!(f & F_CF), zf = !!(f & F_ZF), sf = !!(f & F_SF), of = !!(f & F_OF), pf = !!(f & F_PF);
    int v;
    switch (cc >> 1) {
    case 0: v = of; break;
    case 1: v = cf; break;
    case 2: v = zf; break;
    case 3: v = cf | zf; break;
    case 4: v = sf; break;
    case 5: v = pf; break;
    case 6: v = sf != of; break;
    default: v = zf | (sf != of); break;
    }
    return v ^ (int)(cc & 1);
}

int main(void)
{
    cpu = calloc(1, sizeof *cpu);
    if (!cpu)
        return 1;

    /* arithmetic against the reference formulas */
    for (size_t i = 0; i < NEDGES; i++)
        for (size_t j = 0; j < NEDGES; j++)
            check_all(edges[i], edges[j]);
    for (int i = 0; i < 20000; i++) {
        uint64_t a = rnd(), b = rnd();
        if (i & 1)
            b = (b & 0xff) - 0x80;
        check_all(a, b);
    }

    /* lf_set represents every combination of the six flags exactly */
    static const uint32_t bits6[6] = { F_CF, F_PF, F_AF, F_ZF, F_SF, F_OF };
    for (int m = 0; m < 64; m++) {
        uint32_t f = 0;
        for (int k = 0; k < 6; k++)
            if (m & (1 << k))
                f |= bits6[k];
        lf_set(cpu, f | F_DF | F_IF);   /* other bits are ignored */
        CHECK_EQ(lf_get(cpu), f);
        CHECK_EQ(get_CF(cpu), !!(f & F_CF));
        CHECK_EQ(get_PF(cpu), !!(f & F_PF));
        CHECK_EQ(get_AF(cpu), !!(f & F_AF));
        CHECK_EQ(get_ZF(cpu), !!(f & F_ZF));
        CHECK_EQ(get_SF(cpu), !!(f & F_SF));
        CHECK_EQ(get_OF(cpu), !!(f & F_OF));
        for (unsigned cc = 0; cc < 16; cc++)
            CHECK_EQ(cond_true(cpu, cc), ref_cond(f, cc));
        /* CF/OF updates keep the rest */
        for (int k = 0; k < 4; k++) {
            lf_set(cpu, f);
            lf_set_cf_of(cpu, k & 1, k >> 1);
            CHECK_EQ(lf_get(cpu), (f & ~(uint32_t)(F_CF | F_OF)) | ((k & 1) ? F_CF : 0) | ((k >> 1) ? F_OF : 0));
        }
        for (int c = 0; c < 2; c++) {
            lf_set(cpu, f);
            lf_set_cf(cpu, c);
            CHECK_EQ(lf_get(cpu), (f & ~(uint32_t)F_CF) | (c ? F_CF : 0));
        }
    }

    /* conditions straight after arithmetic (JZ/JNZ read lf_res directly) */
    for (int i = 0; i < 2000; i++) {
        uint32_t a = (uint32_t)rnd(), b = (uint32_t)rnd();
        if (i % 3 == 0)
            b = a;
        uint32_t r = a - b;
        FLAGS_SUB(cpu, 32, a, b, r);
        uint32_t f = ref_sub(a, b, 0, 32);
        for (unsigned cc = 0; cc < 16; cc++)
            CHECK_EQ(cond_true(cpu, cc), ref_cond(f, cc));
        CHECK_EQ(cpu->lf_res == 0, a == b);
        /* signed and unsigned comparisons */
        CHECK_EQ(cond_true(cpu, 2), a < b);                       /* JB */
        CHECK_EQ(cond_true(cpu, 12), (int32_t)a < (int32_t)b);     /* JL */
        CHECK_EQ(cond_true(cpu, 15), (int32_t)a > (int32_t)b);     /* JG */
        CHECK_EQ(cond_true(cpu, 7), a > b);                        /* JA */
    }

    /* cpu_get_eflags/cpu_set_eflags fold the lazy bits in and out */
    free(cpu);
    return test_main_result("test-flags");
}
