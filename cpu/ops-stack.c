/* Stack and miscellaneous data instructions: PUSH/POP r, PUSH imm, PUSH Ev,
 * POP Ev, PUSHA/POPA, ENTER/LEAVE, XLAT, LAHF/SAHF and the hint NOPs
 * (0F 18-0F 1F with a ModRM operand that is never accessed).
 * Segment-register pushes/pops and PUSHF/POPF live in ops-segment.c and
 * ops-flags.c.  Multi-slot operations read and write through local copies of
 * the stack pointer and commit registers only after their last access. */
#include "cpu/ops-int.h"

/* PUSH/POP r (50-5F): 16, 32 or 64 bits (OPF_DEF64).  PUSH SP pushes the
 * value before the decrement; POP SP leaves the popped value in SP. */
static INSN(push_r16) { push16(cpu, R16(cpu, in->reg)); }
static INSN(push_r32) { push32(cpu, R32(cpu, in->reg)); }
static INSN(push_r64) { push64(cpu, R64(cpu, in->reg)); }
static INSN(pop_r16) { uint16_t v = pop16(cpu); set_R16(cpu, in->reg, v); }
static INSN(pop_r32) { uint32_t v = pop32(cpu); set_R32(cpu, in->reg, v); }
static INSN(pop_r64) { uint64_t v = pop64(cpu); set_R64(cpu, in->reg, v); }

/* PUSH imm (68 Iz, 6A Ib sign-extended). */
static INSN(push_imm) { push_osize(cpu, in->osize, in->imm); }

/* PUSH Ev (FF /6) and POP Ev (8F /0), register forms: the register is r/m. */
static INSN(pushe_r16) { push16(cpu, R16(cpu, in->rm)); }
static INSN(pushe_r32) { push32(cpu, R32(cpu, in->rm)); }
static INSN(pushe_r64) { push64(cpu, R64(cpu, in->rm)); }
static INSN(pope_r16) { uint16_t v = pop16(cpu); set_R16(cpu, in->rm, v); }
static INSN(pope_r32) { uint32_t v = pop32(cpu); set_R32(cpu, in->rm, v); }
static INSN(pope_r64) { uint64_t v = pop64(cpu); set_R64(cpu, in->rm, v); }

/* PUSH Ev (FF /6): the operand is read with the stack pointer before the push. */
static INSN(push_m16) { push16(cpu, rd16(cpu, in->seg, insn_ea(cpu, in))); }
static INSN(push_m32) { push32(cpu, rd32(cpu, in->seg, insn_ea(cpu, in))); }
static INSN(push_m64) { push64(cpu, rd64(cpu, in->seg, insn_ea(cpu, in))); }

/* POP Ev (8F /0): the address is computed with the stack pointer after the
 * pop, but the stack pointer changes only once the store has succeeded. */
#define DEF_POP_M(bits) \
static INSN(pop_m##bits) \
{ \
    uint64_t old = cpu->r[R_ESP]; \
    U_##bits v = peek##bits(cpu, 0); \
    sp_set(cpu, sp_get(cpu) + (bits) / 8); \
    uint64_t newsp = cpu->r[R_ESP], ea = insn_ea(cpu, in); \
    cpu->r[R_ESP] = old; \
    wr##bits(cpu, in->seg, ea, v); \
    cpu->r[R_ESP] = newsp; \
}
DEF_POP_M(16)
DEF_POP_M(32)
DEF_POP_M(64)

/* PUSHA/POPA: AX CX DX BX (original SP) BP SI DI; POPA skips the SP slot. */
#define DEF_PUSHA(bits) \
static INSN(pusha_r##bits) \
{ \
    (void)in; \
    uint64_t sp = sp_get(cpu); \
    for (unsigned i = 0; i < 8; i++) { \
        sp = (sp - (bits) / 8) & cpu->sp_mask; \
        wr##bits(cpu, SEG_SS, sp, GET_##bits(cpu, i)); \
    } \
    sp_set(cpu, sp); \
} \
static INSN(popa_r##bits) \
{ \
    (void)in; \
    U_##bits v[8]; \
    uint64_t sp = sp_get(cpu); \
    for (int i = 7; i >= 0; i--) { \
        v[i] = rd##bits(cpu, SEG_SS, sp); \
        sp = (sp + (bits) / 8) & cpu->sp_mask; \
    } \
    for (unsigned i = 0; i < 8; i++) \
        if (i != R_ESP) \
            SET_##bits(cpu, i, v[i]); \
    sp_set(cpu, sp); \
}
DEF_PUSHA(16)
DEF_PUSHA(32)

/* Stack-segment access by operand size (0/1/2 = 16/32/64 bits). */
static uint64_t ss_read(Cpu *c, unsigned osize, uint64_t off)
{
    return osize == 0 ? rd16(c, SEG_SS, off) : osize == 1 ? rd32(c, SEG_SS, off) : rd64(c, SEG_SS, off);
}

static void ss_write(Cpu *c, unsigned osize, uint64_t off, uint64_t v)
{
    if (osize == 0)
        wr16(c, SEG_SS, off, (uint16_t)v);
    else if (osize == 1)
        wr32(c, SEG_SS, off, (uint32_t)v);
    else
        wr64(c, SEG_SS, off, v);
}

/* ENTER imm16, imm8: push the frame pointer, copy level-1 outer frame
 * pointers from the old frame, push the new frame pointer, allocate.  BP or
 * EBP/RBP is set by operand size (SDM: "BP <- FrameTemp[15:0]" for a 16-bit
 * operand, whatever the stack size; Bochs too), SP by stack size.  The final
 * stack pointer must be writable (SDM ENTER exceptions: #SS(0) if it is
 * outside the stack segment limit, #PF if a write there would fault; Bochs
 * probes it the same way), checked before anything is committed. */
static INSN(enter)
{
    unsigned osize = in->osize, bytes = 2u << osize;
    unsigned level = in->imm2 & 31;
    uint64_t mask = cpu->sp_mask, bp = cpu->r[R_EBP];
    uint64_t sp = (cpu->r[R_ESP] - bytes) & mask;
    ss_write(cpu, osize, sp, bp);
    /* FrameTemp: the stack pointer register after that push. */
    uint64_t frame = (cpu->r[R_ESP] & ~mask) | sp;
    if (level) {
        for (unsigned i = 1; i < level; i++) {
            uint64_t v = ss_read(cpu, osize, (bp - (uint64_t)i * bytes) & mask);
            sp = (sp - bytes) & mask;
            ss_write(cpu, osize, sp, v);
        }
        sp = (sp - bytes) & mask;
        ss_write(cpu, osize, sp, frame);
    }
    sp = (sp - (uint16_t)in->imm) & mask;
    mem_ref(cpu, SEG_SS, sp, bytes);
    if (cpu->hflags & HF_CS64)
        set_R64(cpu, R_EBP, frame);   /* 64-bit stack: RBP <- FrameTemp, even with 66 (SDM ENTER) */
    else
        set_reg_osize(cpu, osize, R_EBP, frame);
    sp_set(cpu, sp);
}

/* LEAVE: SP = BP (stack size), then pop BP (operand size). */
static INSN(leave)
{
    uint64_t sp = cpu->r[R_EBP] & cpu->sp_mask;
    uint64_t v = ss_read(cpu, in->osize, sp);
    sp_set(cpu, sp + (2u << in->osize));
    set_reg_osize(cpu, in->osize, R_EBP, v);
}

/* XLAT: AL = [seg:(E/R)BX + AL] with the address size. */
static INSN(xlat)
{
    uint64_t off = (cpu->r[R_EBX] + R8(cpu, RB_AL)) & addr_mask[in->asize];
    set_R8(cpu, RB_AL, rd8(cpu, in->seg, off));
}

/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF.  SAHF loads SF ZF AF PF CF from AH. */
static INSN(lahf)
{
    (void)in;
    set_R8(cpu, RB_AH, (uint8_t)((lf_get(cpu) & 0xd5) | 2));
}

static INSN(sahf)
{
    (void)in;
    uint32_t f = (lf_get(cpu) & F_OF) | (R8(cpu, RB_AH) & (F_SF | F_ZF | F_AF | F_PF | F_CF));
    lf_set(cpu, f);
}

static INSN(hint_nop) { (void)cpu; (void)in; }

#define PUSH_R(op) { op, -1, { OPVR(push), OPF_OPREG | OPF_DEF64 } }
#define POP_R(op) { op, -1, { OPVR(pop), OPF_OPREG | OPF_DEF64 } }
#define HINT_NOP(op) { op, -1, { OPX(hint_nop), OPF_MODRM } }

const OpReg ops_stack[] = {
    PUSH_R(0x50), PUSH_R(0x51), PUSH_R(0x52), PUSH_R(0x53),
    PUSH_R(0x54), PUSH_R(0x55), PUSH_R(0x56), PUSH_R(0x57),
    POP_R(0x58), POP_R(0x59), POP_R(0x5a), POP_R(0x5b),
    POP_R(0x5c), POP_R(0x5d), POP_R(0x5e), POP_R(0x5f),
    { 0x68, -1, { OPX(push_imm), OPF_IMMZ | OPF_DEF64 } },
    { 0x6a, -1, { OPX(push_imm), OPF_IMM8 | OPF_DEF64 } },
    { 0xff, 6, { { { pushe_r16, pushe_r32, pushe_r64 }, { push_m16, push_m32, push_m64 } }, OPF_DEF64 } },
    { 0x8f, 0, { { { pope_r16, pope_r32, pope_r64 }, { pop_m16, pop_m32, pop_m64 } }, OPF_DEF64 } },
    { 0x60, -1, { { { pusha_r16, pusha_r32, NULL } }, OPF_NO64 } },
    { 0x61, -1, { { { popa_r16, popa_r32, NULL } }, OPF_NO64 } },
    { 0xc8, -1, { OPX(enter), OPF_ENTER | OPF_DEF64 } },
    { 0xc9, -1, { OPX(leave), OPF_DEF64 } },
    { 0xd7, -1, { OPX(xlat), 0 } },
    { 0x9f, -1, { OPX(lahf), 0 } },
    { 0x9e, -1, { OPX(sahf), 0 } },
    HINT_NOP(0x0f18), HINT_NOP(0x0f19), HINT_NOP(0x0f1a), HINT_NOP(0x0f1b),
    HINT_NOP(0x0f1c), HINT_NOP(0x0f1d), HINT_NOP(0x0f1e),
    { 0x0f1f, 1, { OPX(hint_nop), 0 } }, { 0x0f1f, 2, { OPX(hint_nop), 0 } },
    { 0x0f1f, 3, { OPX(hint_nop), 0 } }, { 0x0f1f, 4, { OPX(hint_nop), 0 } },
    { 0x0f1f, 5, { OPX(hint_nop), 0 } }, { 0x0f1f, 6, { OPX(hint_nop), 0 } },
    { 0x0f1f, 7, { OPX(hint_nop), 0 } },
    OPS_END,
};
