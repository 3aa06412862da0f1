/* Data movement: MOV in its register, memory, immediate and moffs forms, LEA,
 * XCHG, MOVZX/MOVSX, CBW/CWDE/CDQE, CWD/CDQ/CQO. */
#include "cpu/ops-int.h"


#define DEF_MOV(bits) \
static INSN(mov_EG_r##bits) { SET_##bits(cpu, in->rm, GET_##bits(cpu, in->reg)); } \
static INSN(mov_EG_m##bits) { wr##bits(cpu, in->seg, insn_ea(cpu, in), GET_##bits(cpu, in->reg)); } \
static INSN(mov_GE_r##bits) { SET_##bits(cpu, in->reg, GET_##bits(cpu, in->rm)); } \
static INSN(mov_EI_r##bits) { SET_##bits(cpu, in->rm, (uint##bits##_t)in->imm); } \
static INSN(mov_EI_m##bits) { wr##bits(cpu, in->seg, insn_ea(cpu, in), (uint##bits##_t)in->imm); } \
static INSN(mov_OI_r##bits) { SET_##bits(cpu, in->reg, (uint##bits##_t)in->imm); } \
static INSN(mov_AO_r##bits) { SET_##bits(cpu, 0, rd##bits(cpu, in->seg, in->imm & addr_mask[in->asize])); } \
static INSN(mov_OA_r##bits) { wr##bits(cpu, in->seg, in->imm & addr_mask[in->asize], GET_##bits(cpu, 0)); } \
static INSN(xchg_EG_r##bits) \
{ \
    uint##bits##_t a = GET_##bits(cpu, in->rm), b = GET_##bits(cpu, in->reg); \
    SET_##bits(cpu, in->rm, b); SET_##bits(cpu, in->reg, a); \
} \
static INSN(xchg_EG_m##bits) \
{ \
    MemRef m = insn_ref(cpu, in, bits / 8); \
    uint##bits##_t a = ref_load##bits(cpu, &m); \
    ref_store##bits(cpu, &m, GET_##bits(cpu, in->reg)); \
    SET_##bits(cpu, in->reg, a); \
}
DEF_MOV(8)
DEF_MOV(16)
DEF_MOV(32)
DEF_MOV(64)

/* MOV Gv, Ev loads: 8 and 16 bits keep the rest of the register; 32 and 64
 * bits write all of it, through rd_reg_zx() (the most frequent loads). */
static INSN(mov_GE_m8) { set_R8(cpu, in->reg, rd8(cpu, in->seg, insn_ea(cpu, in))); }
static INSN(mov_GE_m16) { set_R16(cpu, in->reg, rd16(cpu, in->seg, insn_ea(cpu, in))); }
static INSN(mov_GE_m32) { rd_reg_zx(cpu, in->seg, insn_ea(cpu, in), 4, in->reg); }
static INSN(mov_GE_m64) { rd_reg_zx(cpu, in->seg, insn_ea(cpu, in), 8, in->reg); }

/* XCHG eAX, reg (0x90-0x97); 0x90 without REX.B is NOP. */
#define DEF_XCHG_A(bits) \
static INSN(xchg_A_r##bits) \
{ \
    uint##bits##_t a = GET_##bits(cpu, 0), b = GET_##bits(cpu, in->reg); \
    SET_##bits(cpu, 0, b); SET_##bits(cpu, in->reg, a); \
}
DEF_XCHG_A(16)
DEF_XCHG_A(32)
DEF_XCHG_A(64)

static INSN(nop) { (void)cpu; (void)in; }

static INSN(xchg_90_r32)
{
    if (in->reg == 0)
        return;                /* NOP: does not zero-extend EAX in 64-bit mode */
    xchg_A_r32(cpu, in);
}

/* LEA: the effective address, truncated to the operand size. */
static INSN(lea_m16) { set_R16(cpu, in->reg, (uint16_t)insn_ea(cpu, in)); }
static INSN(lea_m32) { set_R32(cpu, in->reg, (uint32_t)insn_ea(cpu, in)); }
static INSN(lea_m64) { set_R64(cpu, in->reg, insn_ea(cpu, in)); }

/* MOVZX/MOVSX Gv, Eb/Ew */
#define DEF_MOVX(name, bits, sbits, stype, ext) \
static INSN(name##_r##bits) { SET_##bits(cpu, in->reg, (uint##bits##_t)(ext)(stype)GET_##sbits(cpu, in->rm)); } \
static INSN(name##_m##bits) { SET_##bits(cpu, in->reg, (uint##bits##_t)(ext)(stype)rd##sbits(cpu, in->seg, insn_ea(cpu, in))); }
/* MOVZX to 32/64 bits writes the whole register: rd_reg_zx(). */
#define DEF_MOVZX_WIDE(name, sbits) \
static INSN(name##_r32) { SET_32(cpu, in->reg, GET_##sbits(cpu, in->rm)); } \
static INSN(name##_r64) { SET_64(cpu, in->reg, GET_##sbits(cpu, in->rm)); } \
static INSN(name##_m32) { rd_reg_zx(cpu, in->seg, insn_ea(cpu, in), sbits / 8, in->reg); } \
static INSN(name##_m64) { rd_reg_zx(cpu, in->seg, insn_ea(cpu, in), sbits / 8, in->reg); }
DEF_MOVX(movzxb, 16, 8, uint8_t, uint64_t)
DEF_MOVZX_WIDE(movzxb, 8)
DEF_MOVX(movzxw, 16, 16, uint16_t, uint64_t)
DEF_MOVZX_WIDE(movzxw, 16)
DEF_MOVX(movsxb, 16, 8, int8_t, int64_t)
DEF_MOVX(movsxb, 32, 8, int8_t, int64_t)
DEF_MOVX(movsxb, 64, 8, int8_t, int64_t)
DEF_MOVX(movsxw, 16, 16, int16_t, int64_t)
DEF_MOVX(movsxw, 32, 16, int16_t, int64_t)
DEF_MOVX(movsxw, 64, 16, int16_t, int64_t)
/* CBW/CWDE/CDQE and CWD/CDQ/CQO */
static INSN(cbw_r16) { (void)in; set_R16(cpu, 0, (uint16_t)(int8_t)R8(cpu, 0)); }
static INSN(cbw_r32) { (void)in; set_R32(cpu, 0, (uint32_t)(int16_t)R16(cpu, 0)); }
static INSN(cbw_r64) { (void)in; set_R64(cpu, 0, (uint64_t)(int32_t)R32(cpu, 0)); }
static INSN(cwd_r16) { (void)in; set_R16(cpu, R_EDX, (int16_t)R16(cpu, 0) < 0 ? 0xffff : 0); }
static INSN(cwd_r32) { (void)in; set_R32(cpu, R_EDX, (int32_t)R32(cpu, 0) < 0 ? 0xffffffffu : 0); }
static INSN(cwd_r64) { (void)in; set_R64(cpu, R_EDX, (int64_t)R64(cpu, 0) < 0 ? ~0ull : 0); }

#define MOV_OI(op) { op, -1, { { { mov_OI_r8, mov_OI_r8, mov_OI_r8 } }, OPF_OPREG | OPF_BYTE | OPF_IMM8U } }
#define MOV_OIV(op) { op, -1, { OPVR(mov_OI), OPF_OPREG | OPF_IMMV } }
#define XCHG_A(op) { op, -1, { OPVR(xchg_A), OPF_OPREG } }

const OpReg ops_mov[] = {
    { 0x88, -1, { OPB(mov_EG), OPF_MODRM | OPF_BYTE } },
    { 0x89, -1, { OPV(mov_EG), OPF_MODRM } },
    { 0x8a, -1, { OPB(mov_GE), OPF_MODRM | OPF_BYTE } },
    { 0x8b, -1, { OPV(mov_GE), OPF_MODRM } },
    { 0x8d, -1, { { { NULL, NULL, NULL }, { lea_m16, lea_m32, lea_m64 } }, OPF_MODRM } },
    { 0xa0, -1, { { { mov_AO_r8, mov_AO_r8, mov_AO_r8 } }, OPF_MOFFS } },
    { 0xa1, -1, { OPVR(mov_AO), OPF_MOFFS } },
    { 0xa2, -1, { { { mov_OA_r8, mov_OA_r8, mov_OA_r8 } }, OPF_MOFFS } },
    { 0xa3, -1, { OPVR(mov_OA), OPF_MOFFS } },
    MOV_OI(0xb0), MOV_OI(0xb1), MOV_OI(0xb2), MOV_OI(0xb3),
    MOV_OI(0xb4), MOV_OI(0xb5), MOV_OI(0xb6), MOV_OI(0xb7),
    MOV_OIV(0xb8), MOV_OIV(0xb9), MOV_OIV(0xba), MOV_OIV(0xbb),
    MOV_OIV(0xbc), MOV_OIV(0xbd), MOV_OIV(0xbe), MOV_OIV(0xbf),
    { 0xc6, 0, { OPB(mov_EI), OPF_BYTE | OPF_IMM8U } },
    { 0xc7, 0, { OPV(mov_EI), OPF_IMMZ } },
    { 0x86, -1, { OPB(xchg_EG), OPF_MODRM | OPF_BYTE | OPF_LOCK } },
    { 0x87, -1, { OPV(xchg_EG), OPF_MODRM | OPF_LOCK } },
    { 0x90, -1, { { { xchg_A_r16, xchg_90_r32, xchg_A_r64 } }, OPF_OPREG } },
    XCHG_A(0x91), XCHG_A(0x92), XCHG_A(0x93), XCHG_A(0x94), XCHG_A(0x95), XCHG_A(0x96), XCHG_A(0x97),
    { 0x0fb6, -1, { OPV(movzxb), OPF_MODRM | OPF_RMBYTE } },
    { 0x0fb7, -1, { OPV(movzxw), OPF_MODRM } },
    { 0x0fbe, -1, { OPV(movsxb), OPF_MODRM | OPF_RMBYTE } },
    { 0x0fbf, -1, { OPV(movsxw), OPF_MODRM } },
    { 0x98, -1, { OPVR(cbw), 0 } },
    { 0x99, -1, { OPVR(cwd), 0 } },
    { 0x0f1f, 0, { OPX(nop), 0 } },
    OPS_END,
};
