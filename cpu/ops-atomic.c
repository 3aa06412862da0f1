/* Compare-and-exchange and exchange-and-add: CMPXCHG (0F B0/B1), XADD
 * (0F C0/C1), CMPXCHG8B/CMPXCHG16B (0F C7 /1).  LOCK is allowed on the memory
 * forms; with one CPU every instruction is atomic already.  Memory forms
 * check for write access first: the destination is written back even when a
 * comparison fails, as on hardware. */
#include "cpu/ops-int.h"

/* CMPXCHG: flags of CMP accumulator, dest.  Equal: dest = src; otherwise the
 * accumulator receives dest.  A memory dest is rewritten with itself on a
 * mismatch; a register dest is not touched (so in 64-bit mode a 32-bit one
 * keeps its upper half, and EAX is zero-extended only when written). */
#define DEF_CMPXCHG(bits) \
static INSN(cmpxchg_r##bits) \
{ \
    U_##bits acc = GET_##bits(cpu, RB_AL), d = GET_##bits(cpu, in->rm); \
    U_##bits r = (U_##bits)(acc - d); \
    FLAGS_SUB(cpu, bits, acc, d, r); \
    if (acc == d) \
        SET_##bits(cpu, in->rm, GET_##bits(cpu, in->reg)); \
    else \
        SET_##bits(cpu, RB_AL, d); \
} \
static INSN(cmpxchg_m##bits) \
{ \
    MemRef m = insn_ref(cpu, in, (bits) / 8); \
    U_##bits acc = GET_##bits(cpu, RB_AL), d = ref_load##bits(cpu, &m); \
    U_##bits r = (U_##bits)(acc - d); \
    FLAGS_SUB(cpu, bits, acc, d, r); \
    if (acc == d) { \
        ref_store##bits(cpu, &m, GET_##bits(cpu, in->reg)); \
    } else { \
        ref_store##bits(cpu, &m, d); \
        SET_##bits(cpu, RB_AL, d); \
    } \
}
DEF_CMPXCHG(8)
DEF_CMPXCHG(16)
DEF_CMPXCHG(32)
DEF_CMPXCHG(64)

/* XADD: src = dest, dest = dest + src (the sum wins when both are one register). */
#define DEF_XADD(bits) \
static INSN(xadd_r##bits) \
{ \
    U_##bits d = GET_##bits(cpu, in->rm), s = GET_##bits(cpu, in->reg), r = (U_##bits)(d + s); \
    FLAGS_ADD(cpu, bits, d, s, r); \
    SET_##bits(cpu, in->reg, d); \
    SET_##bits(cpu, in->rm, r); \
} \
static INSN(xadd_m##bits) \
{ \
    MemRef m = insn_ref(cpu, in, (bits) / 8); \
    U_##bits d = ref_load##bits(cpu, &m), s = GET_##bits(cpu, in->reg), r = (U_##bits)(d + s); \
    FLAGS_ADD(cpu, bits, d, s, r); \
    ref_store##bits(cpu, &m, r); \
    SET_##bits(cpu, in->reg, d); \
}
DEF_XADD(8)
DEF_XADD(16)
DEF_XADD(32)
DEF_XADD(64)

/* Sets ZF alone (CMPXCHG8B/16B keep the other arithmetic flags). */
static void set_zf_only(Cpu *c, int zf)
{
    uint32_t f = lf_get(c);
    lf_set(c, zf ? (f | F_ZF) : (f & ~(uint32_t)F_ZF));
}

/* CMPXCHG8B m64: EDX:EAX vs m64; equal: m64 = ECX:EBX, else EDX:EAX = m64. */
static INSN(cmpxchg8b)
{
    MemRef m = insn_ref(cpu, in, 8);
    uint64_t v = ref_load64(cpu, &m);
    uint64_t cmp = (uint64_t)R32(cpu, R_EDX) << 32 | R32(cpu, R_EAX);
    if (v == cmp) {
        ref_store64(cpu, &m, (uint64_t)R32(cpu, R_ECX) << 32 | R32(cpu, R_EBX));
    } else {
        ref_store64(cpu, &m, v);
        set_R32(cpu, R_EAX, (uint32_t)v);
        set_R32(cpu, R_EDX, (uint32_t)(v >> 32));
    }
    set_zf_only(cpu, v == cmp);
}

/* CMPXCHG16B m128 (REX.W): the operand must be 16-byte aligned. */
static INSN(cmpxchg16b)
{
    uint64_t ea = insn_ea(cpu, in);
    if (ea & 15)
        RAISE_GP(cpu, 0);
    MemRef m = mem_ref(cpu, in->seg, ea, 16);
    uint64_t lo, hi;
    if (m.host) {
        memcpy(&lo, m.host, 8);
        memcpy(&hi, (uint8_t *)m.host + 8, 8);
    } else {
        lo = mem_read_slow(cpu, m.lin, 8, m.seg);
        hi = mem_read_slow(cpu, m.lin + 8, 8, m.seg);
    }
    bool eq = lo == R64(cpu, R_EAX) && hi == R64(cpu, R_EDX);
    uint64_t nlo = eq ? R64(cpu, R_EBX) : lo, nhi = eq ? R64(cpu, R_ECX) : hi;
    if (m.host) {
        memcpy(m.host, &nlo, 8);
        memcpy((uint8_t *)m.host + 8, &nhi, 8);
    } else {
        mem_write_slow(cpu, m.lin, nlo, 8, m.seg);
        mem_write_slow(cpu, m.lin + 8, nhi, 8, m.seg);
    }
    if (!eq) {
        set_R64(cpu, R_EAX, lo);
        set_R64(cpu, R_EDX, hi);
    }
    set_zf_only(cpu, eq);
}

const OpReg ops_atomic[] = {
    { 0x0fb0, -1, { OPB(cmpxchg), OPF_MODRM | OPF_BYTE | OPF_LOCK } },
    { 0x0fb1, -1, { OPV(cmpxchg), OPF_MODRM | OPF_LOCK } },
    { 0x0fc0, -1, { OPB(xadd), OPF_MODRM | OPF_BYTE | OPF_LOCK } },
    { 0x0fc1, -1, { OPV(xadd), OPF_MODRM | OPF_LOCK } },
    { 0x0fc7, 1, { { { NULL, NULL, NULL }, { cmpxchg8b, cmpxchg8b, cmpxchg16b } },
                   OPF_MEMONLY | OPF_LOCK } },
    OPS_END,
};
