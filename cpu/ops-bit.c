/* Bit instructions: BT/BTS/BTR/BTC with a register bit offset (0F A3/AB/B3/BB)
 * or an imm8 (group 8, 0F BA /4-/7), BSF/BSR (0F BC/BD), BSWAP (0F C8+r).
 *
 * BTx set CF to the selected bit and leave the other flags alone (the SDM
 * leaves OF/SF/AF/PF undefined and ZF unchanged).  With a memory operand and
 * a register offset, the offset is signed and may address memory beyond the
 * operand: the operand-size unit at EA + size * (offset >> log2(bits)). */
#include "cpu/ops-int.h"

#define BT_NONE(v, m) (v)
#define BT_SET(v, m) ((v) | (m))
#define BT_RESET(v, m) ((v) & ~(m))
#define BT_COMP(v, m) ((v) ^ (m))

/* Address of the unit holding bit `off` (signed) of the operand at EA. */
static inline uint64_t bt_ea(const Cpu *c, const Insn *in, int64_t off, unsigned log2bits)
{
    int64_t units = off >> log2bits;
    return (insn_ea(c, in) + (uint64_t)units * ((1u << log2bits) / 8)) & addr_mask[in->asize];
}

/* name: bt/bts/btr/btc; upd: BT_*; wr: whether it writes. */
#define DEF_BT(name, upd, wr, bits, log2bits) \
static INSN(name##_r##bits) \
{ \
    U_##bits v = GET_##bits(cpu, in->rm), m = (U_##bits)((U_##bits)1 << (GET_##bits(cpu, in->reg) & ((bits) - 1))); \
    lf_set_cf(cpu, (v & m) != 0); \
    if (wr) SET_##bits(cpu, in->rm, upd(v, m)); \
} \
static INSN(name##_m##bits) \
{ \
    int64_t off = (S_##bits)GET_##bits(cpu, in->reg); \
    uint64_t ea = bt_ea(cpu, in, off, log2bits); \
    U_##bits m = (U_##bits)((U_##bits)1 << (off & ((bits) - 1))); \
    if (wr) { \
        MemRef r = mem_ref(cpu, in->seg, ea, (bits) / 8); \
        U_##bits v = ref_load##bits(cpu, &r); \
        ref_store##bits(cpu, &r, (U_##bits)upd(v, m)); \
        lf_set_cf(cpu, (v & m) != 0); \
    } else { \
        lf_set_cf(cpu, (rd##bits(cpu, in->seg, ea) & m) != 0); \
    } \
} \
static INSN(name##_ir##bits) \
{ \
    U_##bits v = GET_##bits(cpu, in->rm), m = (U_##bits)((U_##bits)1 << (in->imm & ((bits) - 1))); \
    lf_set_cf(cpu, (v & m) != 0); \
    if (wr) SET_##bits(cpu, in->rm, upd(v, m)); \
} \
static INSN(name##_im##bits) \
{ \
    U_##bits m = (U_##bits)((U_##bits)1 << (in->imm & ((bits) - 1))); \
    if (wr) { \
        MemRef r = insn_ref(cpu, in, (bits) / 8); \
        U_##bits v = ref_load##bits(cpu, &r); \
        ref_store##bits(cpu, &r, (U_##bits)upd(v, m)); \
        lf_set_cf(cpu, (v & m) != 0); \
    } else { \
        lf_set_cf(cpu, (rd##bits(cpu, in->seg, insn_ea(cpu, in)) & m) != 0); \
    } \
}
#define DEF_BT_ALL(name, upd, wr) \
    DEF_BT(name, upd, wr, 16, 4) DEF_BT(name, upd, wr, 32, 5) DEF_BT(name, upd, wr, 64, 6)
DEF_BT_ALL(bt, BT_NONE, 0)
DEF_BT_ALL(bts, BT_SET, 1)
DEF_BT_ALL(btr, BT_RESET, 1)
DEF_BT_ALL(btc, BT_COMP, 1)

/* BSF/BSR: a zero source sets ZF and leaves the destination's value (a 32-bit
 * destination is still written, so its upper half is cleared in 64-bit mode,
 * as on Intel processors).  The other flags, undefined, follow the source as
 * for a logical operation. */
#define DEF_BSX(bits) \
static inline void bsf_do_##bits(Cpu *c, const Insn *in, U_##bits s) \
{ \
    FLAGS_LOGIC(c, bits, s); \
    SET_##bits(c, in->reg, s ? (U_##bits)__builtin_ctzll(s) : GET_##bits(c, in->reg)); \
} \
static inline void bsr_do_##bits(Cpu *c, const Insn *in, U_##bits s) \
{ \
    FLAGS_LOGIC(c, bits, s); \
    SET_##bits(c, in->reg, s ? (U_##bits)(63 - __builtin_clzll(s)) : GET_##bits(c, in->reg)); \
} \
static INSN(bsf_r##bits) { bsf_do_##bits(cpu, in, GET_##bits(cpu, in->rm)); } \
static INSN(bsf_m##bits) { bsf_do_##bits(cpu, in, rd##bits(cpu, in->seg, insn_ea(cpu, in))); } \
static INSN(bsr_r##bits) { bsr_do_##bits(cpu, in, GET_##bits(cpu, in->rm)); } \
static INSN(bsr_m##bits) { bsr_do_##bits(cpu, in, rd##bits(cpu, in->seg, insn_ea(cpu, in))); }
DEF_BSX(16)
DEF_BSX(32)
DEF_BSX(64)

/* BSWAP: the 16-bit form is undefined; Intel processors clear the low word. */
static INSN(bswap_r16) { set_R16(cpu, in->reg, 0); }
static INSN(bswap_r32) { set_R32(cpu, in->reg, __builtin_bswap32(R32(cpu, in->reg))); }
static INSN(bswap_r64) { set_R64(cpu, in->reg, __builtin_bswap64(R64(cpu, in->reg))); }

#define OPV_I(n) { { n##_ir16, n##_ir32, n##_ir64 }, { n##_im16, n##_im32, n##_im64 } }
#define BSWAP(op) { op, -1, { OPVR(bswap), OPF_OPREG } }

const OpReg ops_bit[] = {
    { 0x0fa3, -1, { OPV(bt), OPF_MODRM } },
    { 0x0fab, -1, { OPV(bts), OPF_MODRM | OPF_LOCK } },
    { 0x0fb3, -1, { OPV(btr), OPF_MODRM | OPF_LOCK } },
    { 0x0fbb, -1, { OPV(btc), OPF_MODRM | OPF_LOCK } },
    { 0x0fba, 4, { OPV_I(bt), OPF_IMM8U } },
    { 0x0fba, 5, { OPV_I(bts), OPF_IMM8U | OPF_LOCK } },
    { 0x0fba, 6, { OPV_I(btr), OPF_IMM8U | OPF_LOCK } },
    { 0x0fba, 7, { OPV_I(btc), OPF_IMM8U | OPF_LOCK } },
    { 0x0fbc, -1, { OPV(bsf), OPF_MODRM } },
    { 0x0fbd, -1, { OPV(bsr), OPF_MODRM } },
    BSWAP(0x0fc8), BSWAP(0x0fc9), BSWAP(0x0fca), BSWAP(0x0fcb),
    BSWAP(0x0fcc), BSWAP(0x0fcd), BSWAP(0x0fce), BSWAP(0x0fcf),
    OPS_END,
};
