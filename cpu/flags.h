/* Lazy arithmetic flags.
 *
 * An instruction that sets OSZAPC stores two words instead of computing six bits:
 *   lf_res  the result, sign-extended to 64 bits, so ZF = (lf_res == 0),
 *           SF = bit 63 and PF = parity of the low byte;
 *   lf_aux  bit 63 = CF, bit 62 = CF ^ OF, bit 3 = AF,
 *           bit 2 = PF delta, bit 1 = SF delta (only set by explicit flag writes
 *           such as POPF/SAHF, so every combination of flags is representable).
 * CF/OF/AF come from the carry-out vector of the operation (bit i = carry out of
 * bit i), which costs a few ALU ops at the instruction and nothing at the branch. */
#ifndef CPU_FLAGS_H
#define CPU_FLAGS_H

#include "cpu/cpu.h"

#define LF_CF (1ull << 63)
#define LF_PO (1ull << 62)
#define LF_CO_MASK (LF_CF | LF_PO)
#define LF_AF 8ull
#define LF_PFD 4ull
#define LF_SFD 2ull

static inline int parity_even8(uint64_t v)
{
    return !__builtin_parity((unsigned)(v & 0xff));
}

static inline int get_CF(const Cpu *c) { return (int)(c->lf_aux >> 63); }
static inline int get_OF(const Cpu *c) { return (int)(((c->lf_aux >> 63) ^ (c->lf_aux >> 62)) & 1); }
static inline int get_ZF(const Cpu *c) { return c->lf_res == 0; }
static inline int get_SF(const Cpu *c) { return (int)((((uint64_t)c->lf_res) >> 63) ^ ((c->lf_aux >> 1) & 1)); }
static inline int get_PF(const Cpu *c) { return parity_even8((uint64_t)c->lf_res) ^ (int)((c->lf_aux >> 2) & 1); }
static inline int get_AF(const Cpu *c) { return (int)((c->lf_aux >> 3) & 1); }

/* The six arithmetic flags as EFLAGS bits. */
static inline uint32_t lf_get(const Cpu *c)
{
    return (uint32_t)(get_CF(c) | get_PF(c) << 2 | get_AF(c) << 4 | get_ZF(c) << 6 |
                      get_SF(c) << 7 | get_OF(c) << 11);
}

/* Sets lazy state to represent exactly the OSZAPC bits of f. */
static inline void lf_set(Cpu *c, uint32_t f)
{
    int64_t res = (f & F_ZF) ? 0 : 1;
    uint64_t cf = (f & F_CF) ? 1 : 0, of = (f & F_OF) ? 1 : 0;
    uint64_t aux = cf << 63 | (cf ^ of) << 62;
    if (f & F_AF)
        aux |= LF_AF;
    if (f & F_SF)
        aux |= LF_SFD;
    if (!!(f & F_PF) != parity_even8((uint64_t)res))
        aux |= LF_PFD;
    c->lf_res = res;
    c->lf_aux = aux;
}

/* Sets CF and OF, keeping SF, ZF, PF, AF (rotates). */
static inline void lf_set_cf_of(Cpu *c, int cf, int of)
{
    c->lf_aux = (c->lf_aux & ~LF_CO_MASK) | (uint64_t)cf << 63 | (uint64_t)(cf ^ of) << 62;
}

/* Sets CF only (BT family, CLC/STC/CMC keep the rest). */
static inline void lf_set_cf(Cpu *c, int cf)
{
    int of = get_OF(c);
    lf_set_cf_of(c, cf, of);
}

/* Result flags from a carry (or borrow) vector. */
#define LF_AUX_CV(bits, cv) \
    ((((uint64_t)(cv) << (64 - (bits))) & LF_CO_MASK) | ((uint64_t)(cv) & LF_AF))

#define SEXT(bits, v) ((int64_t)(int##bits##_t)(v))

#define FLAGS_LOGIC(c, bits, r) do { (c)->lf_res = SEXT(bits, r); (c)->lf_aux = 0; } while (0)

#define FLAGS_ADD(c, bits, a, b, r) do { \
    uint64_t cv_ = ((uint64_t)(a) & (uint64_t)(b)) | (((uint64_t)(a) | (uint64_t)(b)) & ~(uint64_t)(r)); \
    (c)->lf_res = SEXT(bits, r); (c)->lf_aux = LF_AUX_CV(bits, cv_); } while (0)

#define FLAGS_SUB(c, bits, a, b, r) do { \
    uint64_t bv_ = (~(uint64_t)(a) & (uint64_t)(b)) | (~((uint64_t)(a) ^ (uint64_t)(b)) & (uint64_t)(r)); \
    (c)->lf_res = SEXT(bits, r); (c)->lf_aux = LF_AUX_CV(bits, bv_); } while (0)

/* ADD/ADC (sub = false) and SUB/SBB/CMP (sub = true) of bits-wide operands
 * a and b (zero-extended), w their result with the carry/borrow in, computed
 * in 64 bits.  Below 64 bits x = a ^ b ^ w holds the carry (borrow) into
 * every bit up to bit `bits`: bit bits is the carry out of the sign bit (CF),
 * bit bits-1 the carry into it (CF ^ OF), bit 4 the carry out of bit 3 (AF),
 * the same lf_aux as FLAGS_ADD/FLAGS_SUB in fewer operations.  64-bit
 * operands have no bit 64 in w and take the carry-out vector. */
static inline void flags_arith(Cpu *c, unsigned bits, uint64_t a, uint64_t b, uint64_t w, bool sub)
{
    if (bits < 64) {
        uint64_t x = a ^ b ^ w;
        unsigned sh = 64 - bits;
        c->lf_res = (int64_t)(w << sh) >> sh;
        c->lf_aux = ((x << (sh - 1)) & LF_CO_MASK) | ((x >> 1) & LF_AF);
    } else if (sub) {
        FLAGS_SUB(c, 64, a, b, w);
    } else {
        FLAGS_ADD(c, 64, a, b, w);
    }
}

/* INC/DEC: like ADD/SUB 1 but CF is kept.  AF is the carry out of bit 3, i.e.
 * bit 4 of a ^ r (the operand 1 has no bit 4). */
#define FLAGS_INCDEC(c, bits, a, r, is_dec) do { \
    uint64_t cf_ = (c)->lf_aux & LF_CF; \
    uint64_t sign_ = 1ull << ((bits) - 1); \
    uint64_t of_ = (is_dec) ? ((uint64_t)(a) == sign_) : ((uint64_t)(r) == sign_); \
    (c)->lf_res = SEXT(bits, r); \
    (c)->lf_aux = cf_ | ((cf_ >> 1) ^ (of_ << 62)) | ((((uint64_t)(a) ^ (uint64_t)(r)) >> 1) & LF_AF); \
} while (0)

/* Explicit CF/OF with result-based SZP, AF clear (shifts, multiplies). */
#define FLAGS_RES_CO(c, bits, r, cf, of) do { \
    uint64_t cf2_ = (cf) ? 1 : 0, of2_ = (of) ? 1 : 0; \
    (c)->lf_res = SEXT(bits, r); (c)->lf_aux = cf2_ << 63 | (cf2_ ^ of2_) << 62; } while (0)

/* Condition codes 0..15 as in Jcc/SETcc/CMOVcc. */
static inline int cond_true(const Cpu *c, unsigned cc)
{
    int v;
    switch (cc >> 1) {
    case 0: v = get_OF(c); break;
    case 1: v = get_CF(c); break;
    case 2: v = get_ZF(c); break;
    case 3: v = get_CF(c) | get_ZF(c); break;
    case 4: v = get_SF(c); break;
    case 5: v = get_PF(c); break;
    case 6: v = get_SF(c) ^ get_OF(c); break;
    default: v = (get_SF(c) ^ get_OF(c)) | get_ZF(c); break;
    }
    return v ^ (int)(cc & 1);
}

#endif
