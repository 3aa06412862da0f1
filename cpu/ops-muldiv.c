/* Multiply and divide: MUL/IMUL/DIV/IDIV (group 3 /4-/7 of F6/F7), IMUL Gv,Ev
 * (0F AF) and IMUL Gv,Ev,Iz/Ib (69/6B).
 *
 * Multiplies set CF = OF = "the result does not fit the low half" (signed for
 * IMUL); SF/ZF/PF, undefined by the SDM, come from the low half of the
 * result and AF is cleared.  Divides raise #DE for a zero divisor or a
 * quotient that does not fit, before anything is written, and leave the
 * (undefined) flags unchanged.  64-bit forms use 128-bit arithmetic. */
#include "cpu/ops-int.h"

/* ---- one-operand MUL/IMUL: AX = AL * src, DX:AX = AX * src, ... ---- */
static void mul_8(Cpu *c, uint8_t s)
{
    uint16_t p = (uint16_t)(R8(c, RB_AL) * s);
    set_R16(c, R_EAX, p);
    FLAGS_RES_CO(c, 8, p, p >> 8, p >> 8);
}
static void imul1_8(Cpu *c, uint8_t s)
{
    int16_t p = (int16_t)((int8_t)R8(c, RB_AL) * (int8_t)s);
    set_R16(c, R_EAX, (uint16_t)p);
    bool ov = p != (int8_t)p;
    FLAGS_RES_CO(c, 8, p, ov, ov);
}

/* Wider forms: low half to (R/E)AX, high half to (R/E)DX. */
#define DEF_MUL1(bits, wbits) \
static void mul_##bits(Cpu *c, U_##bits s) \
{ \
    U_##wbits p = (U_##wbits)GET_##bits(c, R_EAX) * s; \
    U_##bits lo = (U_##bits)p, hi = (U_##bits)(p >> (bits)); \
    SET_##bits(c, R_EAX, lo); \
    SET_##bits(c, R_EDX, hi); \
    FLAGS_RES_CO(c, bits, lo, hi != 0, hi != 0); \
} \
static void imul1_##bits(Cpu *c, U_##bits s) \
{ \
    S_##wbits p = (S_##wbits)(S_##bits)GET_##bits(c, R_EAX) * (S_##bits)s; \
    U_##bits lo = (U_##bits)p, hi = (U_##bits)((U_##wbits)p >> (bits)); \
    bool ov = p != (S_##bits)lo; \
    SET_##bits(c, R_EAX, lo); \
    SET_##bits(c, R_EDX, hi); \
    FLAGS_RES_CO(c, bits, lo, ov, ov); \
}
typedef unsigned __int128 U_128;
typedef __int128 S_128;
DEF_MUL1(16, 32)
DEF_MUL1(32, 64)
DEF_MUL1(64, 128)

/* ---- DIV/IDIV: the dividend is AX, DX:AX, EDX:EAX or RDX:RAX ---- */
static void div_8(Cpu *c, uint8_t s)
{
    uint16_t n = R16(c, R_EAX);
    if (s == 0 || n / s > 0xff)
        cpu_exception_noerr(c, EXC_DE);
    set_R8(c, RB_AL, (uint8_t)(n / s));
    set_R8(c, RB_AH, (uint8_t)(n % s));
}
static void idiv_8(Cpu *c, uint8_t s)
{
    int32_t n = (int16_t)R16(c, R_EAX), d = (int8_t)s;
    if (d == 0)
        cpu_exception_noerr(c, EXC_DE);
    int32_t q = n / d;
    if (q != (int8_t)q)
        cpu_exception_noerr(c, EXC_DE);
    set_R8(c, RB_AL, (uint8_t)q);
    set_R8(c, RB_AH, (uint8_t)(n % d));
}

/* The dividend is formed one size up; for the signed case the only quotient
 * C cannot compute (MIN / -1) overflows the destination anyway. */
#define DEF_DIV(bits, wbits) \
static void div_##bits(Cpu *c, U_##bits s) \
{ \
    U_##wbits n = (U_##wbits)GET_##bits(c, R_EDX) << (bits) | GET_##bits(c, R_EAX); \
    if (s == 0 || n / s > (U_##bits)~(U_##bits)0) \
        cpu_exception_noerr(c, EXC_DE); \
    U_##bits q = (U_##bits)(n / s), r = (U_##bits)(n % s); \
    SET_##bits(c, R_EAX, q); \
    SET_##bits(c, R_EDX, r); \
} \
static void idiv_##bits(Cpu *c, U_##bits s) \
{ \
    S_##wbits n = (S_##wbits)((U_##wbits)GET_##bits(c, R_EDX) << (bits) | GET_##bits(c, R_EAX)); \
    S_##wbits d = (S_##bits)s; \
    if (d == 0 || (d == -1 && n == (S_##wbits)((U_##wbits)1 << ((wbits) - 1)))) \
        cpu_exception_noerr(c, EXC_DE); \
    S_##wbits q = n / d; \
    if (q != (S_##bits)q) \
        cpu_exception_noerr(c, EXC_DE); \
    SET_##bits(c, R_EAX, (U_##bits)q); \
    SET_##bits(c, R_EDX, (U_##bits)(n % d)); \
}
DEF_DIV(16, 32)
DEF_DIV(32, 64)
DEF_DIV(64, 128)

/* Group 3 handlers: the source is r/m; the memory read comes first. */
#define DEF_G3(op, bits) \
static INSN(op##_r##bits) { op##_##bits(cpu, GET_##bits(cpu, in->rm)); } \
static INSN(op##_m##bits) { op##_##bits(cpu, rd##bits(cpu, in->seg, insn_ea(cpu, in))); }
#define DEF_G3_ALL(op) DEF_G3(op, 8) DEF_G3(op, 16) DEF_G3(op, 32) DEF_G3(op, 64)
DEF_G3_ALL(mul)
DEF_G3_ALL(imul1)
DEF_G3_ALL(div)
DEF_G3_ALL(idiv)

/* ---- IMUL Gv,Ev / Gv,Ev,imm: truncated product, CF = OF = overflow ---- */
#define DEF_IMUL2(bits, wbits) \
static inline U_##bits imul2_##bits(Cpu *c, U_##bits a, U_##bits b) \
{ \
    S_##wbits p = (S_##wbits)(S_##bits)a * (S_##bits)b; \
    U_##bits r = (U_##bits)p; \
    bool ov = p != (S_##bits)r; \
    FLAGS_RES_CO(c, bits, r, ov, ov); \
    return r; \
} \
static INSN(imul_ge_r##bits) \
{ \
    SET_##bits(cpu, in->reg, imul2_##bits(cpu, GET_##bits(cpu, in->reg), GET_##bits(cpu, in->rm))); \
} \
static INSN(imul_ge_m##bits) \
{ \
    U_##bits s = rd##bits(cpu, in->seg, insn_ea(cpu, in)); \
    SET_##bits(cpu, in->reg, imul2_##bits(cpu, GET_##bits(cpu, in->reg), s)); \
} \
static INSN(imul_gei_r##bits) \
{ \
    SET_##bits(cpu, in->reg, imul2_##bits(cpu, GET_##bits(cpu, in->rm), (U_##bits)in->imm)); \
} \
static INSN(imul_gei_m##bits) \
{ \
    U_##bits s = rd##bits(cpu, in->seg, insn_ea(cpu, in)); \
    SET_##bits(cpu, in->reg, imul2_##bits(cpu, s, (U_##bits)in->imm)); \
}
DEF_IMUL2(16, 32)
DEF_IMUL2(32, 64)
DEF_IMUL2(64, 128)

const OpReg ops_muldiv[] = {
    { 0xf6, 4, { OPB(mul), OPF_BYTE } },
    { 0xf6, 5, { OPB(imul1), OPF_BYTE } },
    { 0xf6, 6, { OPB(div), OPF_BYTE } },
    { 0xf6, 7, { OPB(idiv), OPF_BYTE } },
    { 0xf7, 4, { OPV(mul), 0 } },
    { 0xf7, 5, { OPV(imul1), 0 } },
    { 0xf7, 6, { OPV(div), 0 } },
    { 0xf7, 7, { OPV(idiv), 0 } },
    { 0x0faf, -1, { OPV(imul_ge), OPF_MODRM } },
    { 0x69, -1, { OPV(imul_gei), OPF_MODRM | OPF_IMMZ } },
    { 0x6b, -1, { OPV(imul_gei), OPF_MODRM | OPF_IMM8 } },
    OPS_END,
};
