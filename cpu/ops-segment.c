/* Segment register instructions: MOV Sreg,Ew / MOV Ew,Sreg, PUSH/POP of
 * ES CS SS DS FS GS, and the far-pointer loads LDS LES LSS LFS LGS.  Loads go
 * through seg_load() (every protected-mode check); registers change only after
 * it succeeded.  Loading SS blocks interrupts for one instruction (MOV/POP SS). */
#include "cpu/ops-common.h"
#include "cpu/seg.h"

/* ModRM.reg / opcode numbering of the segment registers is the SEG_* order. */
static bool sreg_valid(unsigned r) { return r < SEG_COUNT; }

/* After MOV SS / POP SS: no interrupt and no single-step trap before the next
 * instruction (SDM vol. 3 6.8.3), which therefore runs on its own after this
 * block ends.  Other
 * segment loads do not affect decoding and let the block go on. */
static void ss_loaded(Cpu *c)
{
    c->s.intr_shadow = SHADOW_MOV_SS;
    cpu_update_slow(c);
    cpu_stop_after_current(c);
}

/* MOV Sreg, Ew (8E): CS is #UD, as are the encodings beyond GS. */
static void mov_sreg(Cpu *c, const Insn *in, uint16_t sel)
{
    unsigned r = in->reg & 7;
    seg_load(c, (int)r, sel);
    if (r == SEG_SS)
        ss_loaded(c);
}

static void check_mov_sreg(Cpu *c, const Insn *in)
{
    if (!sreg_valid(in->reg & 7) || (in->reg & 7) == SEG_CS)
        RAISE_UD(c);
}

static INSN(mov_sw_r)
{
    check_mov_sreg(cpu, in);
    mov_sreg(cpu, in, R16(cpu, in->rm));
}

static INSN(mov_sw_m)
{
    check_mov_sreg(cpu, in);
    mov_sreg(cpu, in, rd16(cpu, in->seg, insn_ea(cpu, in)));
}

/* MOV Ew, Sreg (8C): a register destination takes the selector zero-extended
 * to the operand size (P6 and later); memory always gets 16 bits. */
static uint16_t sreg_read(Cpu *c, const Insn *in)
{
    if (!sreg_valid(in->reg & 7))
        RAISE_UD(c);
    return c->s.seg[in->reg & 7].sel;
}

static INSN(mov_ws_r16) { set_R16(cpu, in->rm, sreg_read(cpu, in)); }
static INSN(mov_ws_r32) { set_R32(cpu, in->rm, sreg_read(cpu, in)); }
static INSN(mov_ws_r64) { set_R64(cpu, in->rm, sreg_read(cpu, in)); }
static INSN(mov_ws_m)
{
    uint16_t sel = sreg_read(cpu, in);
    wr16(cpu, in->seg, insn_ea(cpu, in), sel);
}

/* ---- PUSH/POP Sreg ---- */

/* The segment register of a PUSH/POP opcode (06/07 ES, 0E CS, 16/17 SS,
 * 1E/1F DS, 0F A0/A1 FS, 0F A8/A9 GS). */
static int sreg_of_op(const Insn *in)
{
    switch (in->op) {
    case 0xa0: case 0xa1: return SEG_FS;
    case 0xa8: case 0xa9: return SEG_GS;
    default: return (in->op >> 3) & 3;   /* 0x06 ES, 0x0e CS, 0x16 SS, 0x1e DS */
    }
}

/* A 32/64-bit push of a segment register moves only the 16-bit selector into
 * the low half of the slot (P6 and later; the rest of the slot is unchanged). */
static INSN(push_sreg)
{
    uint16_t sel = cpu->s.seg[sreg_of_op(in)].sel;
    unsigned size = 2u << in->osize;
    uint64_t sp = (cpu->r[R_ESP] - size) & cpu->sp_mask;
    wr16(cpu, SEG_SS, sp, sel);
    sp_set(cpu, sp);
}

/* POP Sreg: the load may fault, so SP moves only afterwards; the increment
 * uses the stack width from before the load (POP SS may change it). */
static INSN(pop_sreg)
{
    int seg = sreg_of_op(in);
    unsigned size = 2u << in->osize;
    uint64_t mask = cpu->sp_mask;
    uint64_t sp = cpu->r[R_ESP] & mask;
    uint16_t sel = rd16(cpu, SEG_SS, sp);
    seg_load(cpu, seg, sel);
    cpu->r[R_ESP] = (cpu->r[R_ESP] & ~mask) | ((sp + size) & mask);
    if (seg == SEG_SS)
        ss_loaded(cpu);
}

/* ---- LDS/LES/LSS/LFS/LGS: Gv <- offset, Sreg <- selector of an m16:16/32 ---- */

static int sreg_of_lxs(const Insn *in)
{
    switch (in->op) {
    case 0xc4: return SEG_ES;
    case 0xc5: return SEG_DS;
    case 0xb2: return SEG_SS;
    case 0xb4: return SEG_FS;
    default: return SEG_GS;   /* 0xb5 */
    }
}

static void load_far(Cpu *c, const Insn *in, uint64_t off, unsigned n)
{
    uint16_t sel = rd16(c, in->seg, (insn_ea(c, in) + n) & addr_mask[in->asize]);
    seg_load(c, sreg_of_lxs(in), sel);
    set_reg_osize(c, in->osize, in->reg, off);
}

static INSN(lxs_m16) { load_far(cpu, in, rd16(cpu, in->seg, insn_ea(cpu, in)), 2); }
static INSN(lxs_m32) { load_far(cpu, in, rd32(cpu, in->seg, insn_ea(cpu, in)), 4); }
static INSN(lxs_m64) { load_far(cpu, in, rd64(cpu, in->seg, insn_ea(cpu, in)), 8); }

#define LXS { { NULL, NULL, NULL }, { lxs_m16, lxs_m32, lxs_m64 } }
#define PUSHPOP(op, fn, fl) { op, -1, { OPX(fn), (fl) } }

const OpReg ops_segment[] = {
    { 0x8e, -1, { { { mov_sw_r, mov_sw_r, mov_sw_r }, { mov_sw_m, mov_sw_m, mov_sw_m } },
                  OPF_MODRM } },
    { 0x8c, -1, { { { mov_ws_r16, mov_ws_r32, mov_ws_r64 }, { mov_ws_m, mov_ws_m, mov_ws_m } },
                  OPF_MODRM } },
    PUSHPOP(0x06, push_sreg, OPF_NO64), PUSHPOP(0x07, pop_sreg, OPF_NO64),
    PUSHPOP(0x0e, push_sreg, OPF_NO64),
    PUSHPOP(0x16, push_sreg, OPF_NO64), PUSHPOP(0x17, pop_sreg, OPF_NO64),
    PUSHPOP(0x1e, push_sreg, OPF_NO64), PUSHPOP(0x1f, pop_sreg, OPF_NO64),
    PUSHPOP(0x0fa0, push_sreg, OPF_DEF64), PUSHPOP(0x0fa1, pop_sreg, OPF_DEF64),
    PUSHPOP(0x0fa8, push_sreg, OPF_DEF64), PUSHPOP(0x0fa9, pop_sreg, OPF_DEF64),
    { 0xc4, -1, { LXS, OPF_MODRM | OPF_MEMONLY | OPF_NO64 } },
    { 0xc5, -1, { LXS, OPF_MODRM | OPF_MEMONLY | OPF_NO64 } },
    { 0x0fb2, -1, { LXS, OPF_MODRM | OPF_MEMONLY } },
    { 0x0fb4, -1, { LXS, OPF_MODRM | OPF_MEMONLY } },
    { 0x0fb5, -1, { LXS, OPF_MODRM | OPF_MEMONLY } },
    OPS_END,
};
