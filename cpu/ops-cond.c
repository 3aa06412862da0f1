/* Conditional set and move: SETcc Eb (0F 90-9F) and CMOVcc Gv,Ev (0F 40-4F).
 * The condition is the opcode's low nibble (cond_true in flags.h). */
#include "cpu/ops-int.h"

static INSN(setcc_r8) { set_R8(cpu, in->rm, (uint8_t)cond_true(cpu, in->op & 15)); }
static INSN(setcc_m8) { wr8(cpu, in->seg, insn_ea(cpu, in), (uint8_t)cond_true(cpu, in->op & 15)); }

/* CMOVcc always writes its destination (so a 32-bit one is zero-extended in
 * 64-bit mode even when the condition is false) and always reads a memory
 * source (which may fault whatever the condition). */
#define DEF_CMOV(bits) \
static INSN(cmov_r##bits) \
{ \
    U_##bits v = cond_true(cpu, in->op & 15) ? GET_##bits(cpu, in->rm) : GET_##bits(cpu, in->reg); \
    SET_##bits(cpu, in->reg, v); \
} \
static INSN(cmov_m##bits) \
{ \
    U_##bits s = rd##bits(cpu, in->seg, insn_ea(cpu, in)); \
    SET_##bits(cpu, in->reg, cond_true(cpu, in->op & 15) ? s : GET_##bits(cpu, in->reg)); \
}
DEF_CMOV(16)
DEF_CMOV(32)
DEF_CMOV(64)

#define SETCC(cc) { 0x0f90 + (cc), -1, { OPB(setcc), OPF_MODRM | OPF_BYTE } }
#define CMOV(cc) { 0x0f40 + (cc), -1, { OPV(cmov), OPF_MODRM } }

const OpReg ops_cond[] = {
    SETCC(0), SETCC(1), SETCC(2), SETCC(3), SETCC(4), SETCC(5), SETCC(6), SETCC(7),
    SETCC(8), SETCC(9), SETCC(10), SETCC(11), SETCC(12), SETCC(13), SETCC(14), SETCC(15),
    CMOV(0), CMOV(1), CMOV(2), CMOV(3), CMOV(4), CMOV(5), CMOV(6), CMOV(7),
    CMOV(8), CMOV(9), CMOV(10), CMOV(11), CMOV(12), CMOV(13), CMOV(14), CMOV(15),
    OPS_END,
};
