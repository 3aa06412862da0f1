/* Shifts and rotates: group 2 (ROL ROR RCL RCR SHL/SAL SHR SAR by 1, CL or
 * imm8: D0-D3, C0/C1) and the double shifts SHLD/SHRD (0F A4/A5/AC/AD).
 *
 * The count is masked to 5 bits (6 with a 64-bit operand); a masked count of
 * 0 changes nothing, not even the flags.  Where the SDM leaves a flag
 * undefined (OF for counts > 1, CF when shifting out more bits than the
 * operand has, AF) the result follows the same formula as the defined case,
 * which is what Intel hardware and Bochs produce: SHL OF = CF ^ MSB(result),
 * SHR/SAR OF = 0 beyond count 1, rotates OF from the result, AF = 0. */
#include "cpu/ops-int.h"

#define MSB(bits, v) ((unsigned)(((uint64_t)(v) >> ((bits) - 1)) & 1))
#define CMASK(bits) ((bits) == 64 ? 63u : 31u)

/* Count of a group-2 instruction: C0/C1 imm8, D0/D1 one, D2/D3 CL. */
static inline unsigned grp2_count(const Cpu *c, const Insn *in)
{
    if (in->op & 2)
        return R8(c, RB_CL);
    return in->op >= 0xd0 ? 1 : (uint8_t)in->imm;
}

/* Each op_BITS(c, a, n) gets a masked count n != 0 and sets the flags. */
#define DEF_SHIFTS(bits) \
static inline U_##bits shl_##bits(Cpu *c, U_##bits a, unsigned n) \
{ \
    uint64_t w = a; \
    U_##bits r = (U_##bits)(w << n); \
    /* last bit out: bit (bits - n) of a; 0 once n > bits */ \
    unsigned cf = n <= (bits) ? (unsigned)(w >> ((bits) - n)) & 1 : 0; \
    FLAGS_RES_CO(c, bits, r, cf, cf ^ MSB(bits, r)); \
    return r; \
} \
static inline U_##bits shr_##bits(Cpu *c, U_##bits a, unsigned n) \
{ \
    uint64_t w = a; \
    U_##bits r = (U_##bits)(n < 64 ? w >> n : 0); \
    FLAGS_RES_CO(c, bits, r, (w >> (n - 1)) & 1, n == 1 && MSB(bits, a)); \
    return r; \
} \
static inline U_##bits sar_##bits(Cpu *c, U_##bits a, unsigned n) \
{ \
    int64_t w = (S_##bits)a; \
    U_##bits r = (U_##bits)(w >> (n < 63 ? n : 63)); \
    FLAGS_RES_CO(c, bits, r, (w >> (n - 1)) & 1, 0); \
    return r; \
} \
static inline U_##bits rol_##bits(Cpu *c, U_##bits a, unsigned n) \
{ \
    unsigned m = n & ((bits) - 1); \
    U_##bits r = m ? (U_##bits)((a << m) | (a >> ((bits) - m))) : a; \
    unsigned cf = r & 1; \
    lf_set_cf_of(c, (int)cf, (int)(cf ^ MSB(bits, r))); \
    return r; \
} \
static inline U_##bits ror_##bits(Cpu *c, U_##bits a, unsigned n) \
{ \
    unsigned m = n & ((bits) - 1); \
    U_##bits r = m ? (U_##bits)((a >> m) | (a << ((bits) - m))) : a; \
    lf_set_cf_of(c, (int)MSB(bits, r), (int)(MSB(bits, r) ^ MSB((bits) - 1, r))); \
    return r; \
} \
/* RCL/RCR rotate the (bits+1)-bit value CF:a; 8 and 16 bits take the count \
 * modulo 9 and 17, and a rotation by 0 leaves CF and OF alone. */ \
static inline U_##bits rcl_##bits(Cpu *c, U_##bits a, unsigned n) \
{ \
    unsigned t = (bits) == 8 ? n % 9 : (bits) == 16 ? n % 17 : n; \
    if (t == 0) \
        return a; \
    unsigned __int128 x = (unsigned __int128)get_CF(c) << (bits) | a; \
    x = (x << t) | (x >> ((bits) + 1 - t)); \
    U_##bits r = (U_##bits)x; \
    unsigned cf = (unsigned)(x >> (bits)) & 1; \
    lf_set_cf_of(c, (int)cf, (int)(cf ^ MSB(bits, r))); \
    return r; \
} \
static inline U_##bits rcr_##bits(Cpu *c, U_##bits a, unsigned n) \
{ \
    unsigned t = (bits) == 8 ? n % 9 : (bits) == 16 ? n % 17 : n; \
    if (t == 0) \
        return a; \
    unsigned __int128 x = (unsigned __int128)get_CF(c) << (bits) | a; \
    x = (x >> t) | (x << ((bits) + 1 - t)); \
    U_##bits r = (U_##bits)x; \
    unsigned cf = (unsigned)(x >> (bits)) & 1; \
    lf_set_cf_of(c, (int)cf, (int)(MSB(bits, r) ^ MSB((bits) - 1, r))); \
    return r; \
}
DEF_SHIFTS(8)
DEF_SHIFTS(16)
DEF_SHIFTS(32)
DEF_SHIFTS(64)

/* Group-2 handlers.  The register form always writes the register (a 32-bit
 * operand is zero-extended even for count 0); the memory form checks for
 * write access and stores only when the count is not 0. */
#define DEF_G2(op, bits) \
static INSN(op##_r##bits) \
{ \
    unsigned n = grp2_count(cpu, in) & CMASK(bits); \
    U_##bits a = GET_##bits(cpu, in->rm); \
    SET_##bits(cpu, in->rm, n ? op##_##bits(cpu, a, n) : a); \
} \
static INSN(op##_m##bits) \
{ \
    MemRef m = insn_ref(cpu, in, (bits) / 8); \
    unsigned n = grp2_count(cpu, in) & CMASK(bits); \
    if (n) \
        ref_store##bits(cpu, &m, op##_##bits(cpu, ref_load##bits(cpu, &m), n)); \
}
#define DEF_G2_ALL(op) DEF_G2(op, 8) DEF_G2(op, 16) DEF_G2(op, 32) DEF_G2(op, 64)
DEF_G2_ALL(rol)
DEF_G2_ALL(ror)
DEF_G2_ALL(rcl)
DEF_G2_ALL(rcr)
DEF_G2_ALL(shl)
DEF_G2_ALL(shr)
DEF_G2_ALL(sar)

/* SHLD/SHRD: dest a, source b, masked count n != 0.  A 16-bit operand with a
 * count above 16 shifts the 48-bit a:b:a as Intel processors do; OF is set
 * when the sign changed. */
static inline uint16_t shld_16(Cpu *c, uint16_t a, uint16_t b, unsigned n)
{
    uint64_t v = (uint64_t)a << 32 | (uint64_t)b << 16 | a;
    uint16_t r = (uint16_t)((v << n) >> 32);
    FLAGS_RES_CO(c, 16, r, (v >> (48 - n)) & 1, MSB(16, a ^ r));
    return r;
}
static inline uint32_t shld_32(Cpu *c, uint32_t a, uint32_t b, unsigned n)
{
    uint64_t v = (uint64_t)a << 32 | b;
    uint32_t r = (uint32_t)((v << n) >> 32);
    FLAGS_RES_CO(c, 32, r, (v >> (64 - n)) & 1, MSB(32, a ^ r));
    return r;
}
static inline uint64_t shld_64(Cpu *c, uint64_t a, uint64_t b, unsigned n)
{
    uint64_t r = a << n | b >> (64 - n);
    FLAGS_RES_CO(c, 64, r, (a >> (64 - n)) & 1, MSB(64, a ^ r));
    return r;
}
static inline uint16_t shrd_16(Cpu *c, uint16_t a, uint16_t b, unsigned n)
{
    uint64_t v = (uint64_t)a << 32 | (uint64_t)b << 16 | a;
    uint16_t r = (uint16_t)(v >> n);
    FLAGS_RES_CO(c, 16, r, (v >> (n - 1)) & 1, MSB(16, a ^ r));
    return r;
}
static inline uint32_t shrd_32(Cpu *c, uint32_t a, uint32_t b, unsigned n)
{
    uint64_t v = (uint64_t)b << 32 | a;
    uint32_t r = (uint32_t)(v >> n);
    FLAGS_RES_CO(c, 32, r, (v >> (n - 1)) & 1, MSB(32, a ^ r));
    return r;
}
static inline uint64_t shrd_64(Cpu *c, uint64_t a, uint64_t b, unsigned n)
{
    uint64_t r = a >> n | b << (64 - n);
    FLAGS_RES_CO(c, 64, r, (a >> (n - 1)) & 1, MSB(64, a ^ r));
    return r;
}

/* 0F A4/AC take imm8, 0F A5/AD take CL. */
static inline unsigned dshift_count(const Cpu *c, const Insn *in)
{
    return (in->op & 1) ? R8(c, RB_CL) : (uint8_t)in->imm;
}

#define DEF_DSHIFT(op, bits) \
static INSN(op##_r##bits) \
{ \
    unsigned n = dshift_count(cpu, in) & CMASK(bits); \
    U_##bits a = GET_##bits(cpu, in->rm); \
    SET_##bits(cpu, in->rm, n ? op##_##bits(cpu, a, GET_##bits(cpu, in->reg), n) : a); \
} \
static INSN(op##_m##bits) \
{ \
    MemRef m = insn_ref(cpu, in, (bits) / 8); \
    unsigned n = dshift_count(cpu, in) & CMASK(bits); \
    if (n) \
        ref_store##bits(cpu, &m, op##_##bits(cpu, ref_load##bits(cpu, &m), GET_##bits(cpu, in->reg), n)); \
}
DEF_DSHIFT(shld, 16) DEF_DSHIFT(shld, 32) DEF_DSHIFT(shld, 64)
DEF_DSHIFT(shrd, 16) DEF_DSHIFT(shrd, 32) DEF_DSHIFT(shrd, 64)

#define G2(ext, op) \
    { 0xc0, ext, { OPB(op), OPF_BYTE | OPF_IMM8U } }, \
    { 0xc1, ext, { OPV(op), OPF_IMM8U } }, \
    { 0xd0, ext, { OPB(op), OPF_BYTE } }, \
    { 0xd1, ext, { OPV(op), 0 } }, \
    { 0xd2, ext, { OPB(op), OPF_BYTE } }, \
    { 0xd3, ext, { OPV(op), 0 } }

const OpReg ops_shift[] = {
    G2(0, rol), G2(1, ror), G2(2, rcl), G2(3, rcr),
    G2(4, shl), G2(5, shr), G2(6, shl) /* SAL */, G2(7, sar),
    { 0x0fa4, -1, { OPV(shld), OPF_MODRM | OPF_IMM8U } },
    { 0x0fa5, -1, { OPV(shld), OPF_MODRM } },
    { 0x0fac, -1, { OPV(shrd), OPF_MODRM | OPF_IMM8U } },
    { 0x0fad, -1, { OPV(shrd), OPF_MODRM } },
    OPS_END,
};
