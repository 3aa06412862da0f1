/* Two-operand integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP in
 * every encoding (Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iz / group 1),
 * TEST, INC/DEC, NOT/NEG.  Handlers are generated per operation, operand size
 * and register/memory form by the macros below. */
#include "cpu/ops-int.h"

/* alu_OP_BITS(cpu, a, b) -> result, setting the lazy flags. */
#define DEF_ALU_SIZE(bits) \
static inline uint##bits##_t alu_add_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ uint64_t w = (uint64_t)a + b; flags_arith(c, bits, a, b, w, false); return (uint##bits##_t)w; } \
static inline uint##bits##_t alu_adc_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ uint64_t w = (uint64_t)a + b + (uint64_t)get_CF(c); flags_arith(c, bits, a, b, w, false); return (uint##bits##_t)w; } \
static inline uint##bits##_t alu_sub_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ uint64_t w = (uint64_t)a - b; flags_arith(c, bits, a, b, w, true); return (uint##bits##_t)w; } \
static inline uint##bits##_t alu_sbb_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ uint64_t w = (uint64_t)a - b - (uint64_t)get_CF(c); flags_arith(c, bits, a, b, w, true); return (uint##bits##_t)w; } \
static inline uint##bits##_t alu_and_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ uint##bits##_t r = a & b; FLAGS_LOGIC(c, bits, r); return r; } \
static inline uint##bits##_t alu_or_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ uint##bits##_t r = a | b; FLAGS_LOGIC(c, bits, r); return r; } \
static inline uint##bits##_t alu_xor_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ uint##bits##_t r = a ^ b; FLAGS_LOGIC(c, bits, r); return r; } \
static inline uint##bits##_t alu_cmp_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ flags_arith(c, bits, a, b, (uint64_t)a - b, true); return a; } \
static inline uint##bits##_t alu_test_##bits(Cpu *c, uint##bits##_t a, uint##bits##_t b) \
{ uint##bits##_t r = a & b; FLAGS_LOGIC(c, bits, r); return a; }

DEF_ALU_SIZE(8)
DEF_ALU_SIZE(16)
DEF_ALU_SIZE(32)
DEF_ALU_SIZE(64)


/* CMP and TEST never write their destination. */
#define WRITES_add 1
#define WRITES_or 1
#define WRITES_adc 1
#define WRITES_sbb 1
#define WRITES_and 1
#define WRITES_sub 1
#define WRITES_xor 1
#define WRITES_cmp 0
#define WRITES_test 0

/* E,G forms: destination r/m, source reg. */
#define DEF_EG(op, bits) \
static INSN(op##_EG_r##bits) \
{ \
    uint##bits##_t r = alu_##op##_##bits(cpu, GET_##bits(cpu, in->rm), GET_##bits(cpu, in->reg)); \
    if (WRITES_##op) SET_##bits(cpu, in->rm, r); \
} \
static INSN(op##_EG_m##bits) \
{ \
    if (WRITES_##op) { \
        MemRef m = insn_ref(cpu, in, bits / 8); \
        uint##bits##_t r = alu_##op##_##bits(cpu, ref_load##bits(cpu, &m), GET_##bits(cpu, in->reg)); \
        ref_store##bits(cpu, &m, r); \
    } else { \
        alu_##op##_##bits(cpu, rd##bits(cpu, in->seg, insn_ea(cpu, in)), GET_##bits(cpu, in->reg)); \
    } \
}

/* G,E forms: destination reg, source r/m. */
#define DEF_GE(op, bits) \
static INSN(op##_GE_r##bits) \
{ \
    uint##bits##_t r = alu_##op##_##bits(cpu, GET_##bits(cpu, in->reg), GET_##bits(cpu, in->rm)); \
    if (WRITES_##op) SET_##bits(cpu, in->reg, r); \
} \
static INSN(op##_GE_m##bits) \
{ \
    uint##bits##_t v = rd##bits(cpu, in->seg, insn_ea(cpu, in)); \
    uint##bits##_t r = alu_##op##_##bits(cpu, GET_##bits(cpu, in->reg), v); \
    if (WRITES_##op) SET_##bits(cpu, in->reg, r); \
}

/* E,I forms (group 1, TEST Ev,Iz, and the accumulator forms via rm = 0). */
#define DEF_EI(op, bits) \
static INSN(op##_EI_r##bits) \
{ \
    uint##bits##_t r = alu_##op##_##bits(cpu, GET_##bits(cpu, in->rm), (uint##bits##_t)in->imm); \
    if (WRITES_##op) SET_##bits(cpu, in->rm, r); \
} \
static INSN(op##_EI_m##bits) \
{ \
    if (WRITES_##op) { \
        MemRef m = insn_ref(cpu, in, bits / 8); \
        uint##bits##_t r = alu_##op##_##bits(cpu, ref_load##bits(cpu, &m), (uint##bits##_t)in->imm); \
        ref_store##bits(cpu, &m, r); \
    } else { \
        alu_##op##_##bits(cpu, rd##bits(cpu, in->seg, insn_ea(cpu, in)), (uint##bits##_t)in->imm); \
    } \
}

/* Accumulator, immediate: AL/AX/EAX/RAX op imm. */
#define DEF_AI(op, bits) \
static INSN(op##_AI_r##bits) \
{ \
    uint##bits##_t r = alu_##op##_##bits(cpu, GET_##bits(cpu, 0), (uint##bits##_t)in->imm); \
    if (WRITES_##op) SET_##bits(cpu, 0, r); \
}

#define DEF_ALL_SIZES(def, op) def(op, 8) def(op, 16) def(op, 32) def(op, 64)
#define DEF_OP(op) DEF_ALL_SIZES(DEF_EG, op) DEF_ALL_SIZES(DEF_GE, op) \
                   DEF_ALL_SIZES(DEF_EI, op) DEF_ALL_SIZES(DEF_AI, op)

DEF_OP(add)
DEF_OP(or)
DEF_OP(adc)
DEF_OP(sbb)
DEF_OP(and)
DEF_OP(sub)
DEF_OP(xor)
DEF_OP(cmp)
DEF_ALL_SIZES(DEF_EG, test)
DEF_ALL_SIZES(DEF_EI, test)
DEF_ALL_SIZES(DEF_AI, test)

/* INC/DEC, NOT/NEG (one operand). */
#define DEF_UNARY(name, bits, expr, flags) \
static INSN(name##_r##bits) \
{ \
    uint##bits##_t a = GET_##bits(cpu, in->rm), r = (uint##bits##_t)(expr); \
    flags; \
    SET_##bits(cpu, in->rm, r); \
} \
static INSN(name##_m##bits) \
{ \
    MemRef m = insn_ref(cpu, in, bits / 8); \
    uint##bits##_t a = ref_load##bits(cpu, &m), r = (uint##bits##_t)(expr); \
    flags; \
    ref_store##bits(cpu, &m, r); \
}

#define DEF_UNARY_ALL(name, expr, flags) \
    DEF_UNARY(name, 8, expr, flags(8)) DEF_UNARY(name, 16, expr, flags(16)) \
    DEF_UNARY(name, 32, expr, flags(32)) DEF_UNARY(name, 64, expr, flags(64))

#define FL_INC(bits) FLAGS_INCDEC(cpu, bits, a, r, 0)
#define FL_DEC(bits) FLAGS_INCDEC(cpu, bits, a, r, 1)
#define FL_NONE(bits) (void)0
#define FL_NEG(bits) FLAGS_SUB(cpu, bits, 0, a, r)

DEF_UNARY_ALL(inc, a + 1, FL_INC)
DEF_UNARY_ALL(dec, a - 1, FL_DEC)
DEF_UNARY_ALL(not, ~a, FL_NONE)
DEF_UNARY_ALL(neg, 0 - a, FL_NEG)

/* INC/DEC r16/r32 (0x40-0x4f outside 64-bit mode): register in reg. */
#define DEF_INCDEC_OPREG(name, bits, dec) \
static INSN(name##_o##bits) \
{ \
    uint##bits##_t a = GET_##bits(cpu, in->reg), r = (uint##bits##_t)(dec ? a - 1 : a + 1); \
    FLAGS_INCDEC(cpu, bits, a, r, dec); \
    SET_##bits(cpu, in->reg, r); \
}
DEF_INCDEC_OPREG(inc, 16, 0)
DEF_INCDEC_OPREG(inc, 32, 0)
DEF_INCDEC_OPREG(dec, 16, 1)
DEF_INCDEC_OPREG(dec, 32, 1)

#define ALU_ROW(base, op) \
    { (base) + 0, -1, { OPB(op##_EG), OPF_MODRM | OPF_BYTE | OPF_LOCK } }, \
    { (base) + 1, -1, { OPV(op##_EG), OPF_MODRM | OPF_LOCK } }, \
    { (base) + 2, -1, { OPB(op##_GE), OPF_MODRM | OPF_BYTE } }, \
    { (base) + 3, -1, { OPV(op##_GE), OPF_MODRM } }, \
    { (base) + 4, -1, { { { op##_AI_r8, op##_AI_r8, op##_AI_r8 } }, OPF_IMM8 } }, \
    { (base) + 5, -1, { OPVR(op##_AI), OPF_IMMZ } }

#define GRP1(ext, op) \
    { 0x80, ext, { OPB(op##_EI), OPF_BYTE | OPF_IMM8 | OPF_LOCK } }, \
    { 0x81, ext, { OPV(op##_EI), OPF_IMMZ | OPF_LOCK } }, \
    { 0x82, ext, { OPB(op##_EI), OPF_BYTE | OPF_IMM8 | OPF_LOCK | OPF_NO64 } }, \
    { 0x83, ext, { OPV(op##_EI), OPF_IMM8 | OPF_LOCK } }

/* CMP never writes: LOCK CMP is #UD. */
#define ALU_ROW_CMP(base) \
    { (base) + 0, -1, { OPB(cmp_EG), OPF_MODRM | OPF_BYTE } }, \
    { (base) + 1, -1, { OPV(cmp_EG), OPF_MODRM } }, \
    { (base) + 2, -1, { OPB(cmp_GE), OPF_MODRM | OPF_BYTE } }, \
    { (base) + 3, -1, { OPV(cmp_GE), OPF_MODRM } }, \
    { (base) + 4, -1, { { { cmp_AI_r8, cmp_AI_r8, cmp_AI_r8 } }, OPF_IMM8 } }, \
    { (base) + 5, -1, { OPVR(cmp_AI), OPF_IMMZ } }

const OpReg ops_alu[] = {
    ALU_ROW(0x00, add), ALU_ROW(0x08, or), ALU_ROW(0x10, adc), ALU_ROW(0x18, sbb),
    ALU_ROW(0x20, and), ALU_ROW(0x28, sub), ALU_ROW(0x30, xor), ALU_ROW_CMP(0x38),
    GRP1(0, add), GRP1(1, or), GRP1(2, adc), GRP1(3, sbb),
    GRP1(4, and), GRP1(5, sub), GRP1(6, xor),
    { 0x80, 7, { OPB(cmp_EI), OPF_BYTE | OPF_IMM8 } },
    { 0x81, 7, { OPV(cmp_EI), OPF_IMMZ } },
    { 0x82, 7, { OPB(cmp_EI), OPF_BYTE | OPF_IMM8 | OPF_NO64 } },
    { 0x83, 7, { OPV(cmp_EI), OPF_IMM8 } },
    { 0x84, -1, { OPB(test_EG), OPF_MODRM | OPF_BYTE } },
    { 0x85, -1, { OPV(test_EG), OPF_MODRM } },
    { 0xa8, -1, { { { test_AI_r8, test_AI_r8, test_AI_r8 } }, OPF_IMM8 } },
    { 0xa9, -1, { OPVR(test_AI), OPF_IMMZ } },
    /* group 3: TEST (also /1), NOT, NEG; MUL/IMUL/DIV/IDIV live in ops-muldiv.c */
    { 0xf6, 0, { OPB(test_EI), OPF_BYTE | OPF_IMM8 } },
    { 0xf6, 1, { OPB(test_EI), OPF_BYTE | OPF_IMM8 } },
    { 0xf7, 0, { OPV(test_EI), OPF_IMMZ } },
    { 0xf7, 1, { OPV(test_EI), OPF_IMMZ } },
    { 0xf6, 2, { OPB(not), OPF_BYTE | OPF_LOCK } },
    { 0xf7, 2, { OPV(not), OPF_LOCK } },
    { 0xf6, 3, { OPB(neg), OPF_BYTE | OPF_LOCK } },
    { 0xf7, 3, { OPV(neg), OPF_LOCK } },
    /* group 4/5: INC/DEC (CALL/JMP/PUSH of group 5 live in their families) */
    { 0xfe, 0, { OPB(inc), OPF_BYTE | OPF_LOCK } },
    { 0xfe, 1, { OPB(dec), OPF_BYTE | OPF_LOCK } },
    { 0xff, 0, { OPV(inc), OPF_LOCK } },
    { 0xff, 1, { OPV(dec), OPF_LOCK } },
#define INCDEC_OPREG(op, name) \
    { op, -1, { { { name##_o16, name##_o32, NULL } }, OPF_OPREG | OPF_NO64 } }
    INCDEC_OPREG(0x40, inc), INCDEC_OPREG(0x41, inc), INCDEC_OPREG(0x42, inc), INCDEC_OPREG(0x43, inc),
    INCDEC_OPREG(0x44, inc), INCDEC_OPREG(0x45, inc), INCDEC_OPREG(0x46, inc), INCDEC_OPREG(0x47, inc),
    INCDEC_OPREG(0x48, dec), INCDEC_OPREG(0x49, dec), INCDEC_OPREG(0x4a, dec), INCDEC_OPREG(0x4b, dec),
    INCDEC_OPREG(0x4c, dec), INCDEC_OPREG(0x4d, dec), INCDEC_OPREG(0x4e, dec), INCDEC_OPREG(0x4f, dec),
    OPS_END,
};
