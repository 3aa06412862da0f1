/* Near control transfers: JMP, Jcc, CALL, RET, LOOP/LOOPcc, JCXZ, and the
 * indirect near forms of group 5.  All end their block and set RIP. */
#include "cpu/ops-int.h"

static INSN(jmp_rel) { near_branch(cpu, in->imm); }

#define DEF_JCC(cc) \
static INSN(jcc_##cc) \
{ \
    if (cond_true(cpu, cc)) near_branch(cpu, in->imm); \
    else cpu->s.rip = cpu_next_rip(cpu, in); \
}
DEF_JCC(0) DEF_JCC(1) DEF_JCC(2) DEF_JCC(3) DEF_JCC(6) DEF_JCC(7)
DEF_JCC(8) DEF_JCC(9) DEF_JCC(10) DEF_JCC(11) DEF_JCC(12) DEF_JCC(13) DEF_JCC(14) DEF_JCC(15)

/* JZ/JNZ get their own handlers: the common loop branch costs one compare. */
static INSN(jz) { if (cpu->lf_res == 0) near_branch(cpu, in->imm); else cpu->s.rip = cpu_next_rip(cpu, in); }
static INSN(jnz) { if (cpu->lf_res != 0) near_branch(cpu, in->imm); else cpu->s.rip = cpu_next_rip(cpu, in); }

static INSN(call_rel)
{
    uint64_t ret = cpu_next_rip(cpu, in);
    uint64_t target = in->imm;
    near_branch_check(cpu, target);
    push_osize(cpu, in->osize, ret);
    cpu->s.rip = target;
}

static void ret_common(Cpu *cpu, const Insn *in, uint64_t extra)
{
    unsigned bytes = 2u << in->osize;
    uint64_t target;
    switch (in->osize) {
    case 0: target = peek16(cpu, 0); break;
    case 1: target = peek32(cpu, 0); break;
    default: target = peek64(cpu, 0); break;
    }
    near_branch(cpu, target);
    sp_set(cpu, sp_get(cpu) + bytes + extra);
}

static INSN(ret_near) { ret_common(cpu, in, 0); }
static INSN(ret_near_imm) { ret_common(cpu, in, (uint16_t)in->imm); }

/* Group 5: CALL/JMP near indirect. */
#define DEF_INDIRECT(bits) \
static INSN(call_ind_r##bits) \
{ \
    uint64_t target = GET_##bits(cpu, in->rm); \
    uint64_t ret = cpu_next_rip(cpu, in); \
    near_branch_check(cpu, target); \
    push_osize(cpu, in->osize, ret); \
    cpu->s.rip = target; \
} \
static INSN(call_ind_m##bits) \
{ \
    uint64_t target = rd##bits(cpu, in->seg, insn_ea(cpu, in)); \
    uint64_t ret = cpu_next_rip(cpu, in); \
    near_branch_check(cpu, target); \
    push_osize(cpu, in->osize, ret); \
    cpu->s.rip = target; \
} \
static INSN(jmp_ind_r##bits) { near_branch(cpu, GET_##bits(cpu, in->rm)); } \
static INSN(jmp_ind_m##bits) { near_branch(cpu, rd##bits(cpu, in->seg, insn_ea(cpu, in))); }


DEF_INDIRECT(16)
DEF_INDIRECT(32)
DEF_INDIRECT(64)

/* LOOP/LOOPE/LOOPNE/JCXZ: count register by address size, no flags. */
static INSN(loop)
{
    uint64_t n = (count_get(cpu, in->asize) - 1) & addr_mask[in->asize];
    count_set(cpu, in->asize, n);
    if (n)
        near_branch(cpu, in->imm);
    else
        cpu->s.rip = cpu_next_rip(cpu, in);
}

static INSN(loope)
{
    uint64_t n = (count_get(cpu, in->asize) - 1) & addr_mask[in->asize];
    count_set(cpu, in->asize, n);
    if (n && get_ZF(cpu))
        near_branch(cpu, in->imm);
    else
        cpu->s.rip = cpu_next_rip(cpu, in);
}

static INSN(loopne)
{
    uint64_t n = (count_get(cpu, in->asize) - 1) & addr_mask[in->asize];
    count_set(cpu, in->asize, n);
    if (n && !get_ZF(cpu))
        near_branch(cpu, in->imm);
    else
        cpu->s.rip = cpu_next_rip(cpu, in);
}

static INSN(jcxz)
{
    if (count_get(cpu, in->asize) == 0)
        near_branch(cpu, in->imm);
    else
        cpu->s.rip = cpu_next_rip(cpu, in);
}

#define BR (OPF_END)
#define JCC8(cc) { 0x70 + cc, -1, { OPX(jcc_##cc), OPF_REL8 | BR | OPF_F64 } }
#define JCCZ(cc) { 0x0f80 + cc, -1, { OPX(jcc_##cc), OPF_RELZ | BR | OPF_F64 } }

const OpReg ops_branch[] = {
    { 0xeb, -1, { OPX(jmp_rel), OPF_REL8 | BR | OPF_F64 } },
    { 0xe9, -1, { OPX(jmp_rel), OPF_RELZ | BR | OPF_F64 } },
    { 0xe8, -1, { OPX(call_rel), OPF_RELZ | BR | OPF_F64 } },
    { 0xc3, -1, { OPX(ret_near), BR | OPF_F64 } },
    { 0xc2, -1, { OPX(ret_near_imm), OPF_IMM16 | BR | OPF_F64 } },
    JCC8(0), JCC8(1), JCC8(2), JCC8(3), { 0x74, -1, { OPX(jz), OPF_REL8 | BR | OPF_F64 } },
    { 0x75, -1, { OPX(jnz), OPF_REL8 | BR | OPF_F64 } }, JCC8(6), JCC8(7),
    JCC8(8), JCC8(9), JCC8(10), JCC8(11), JCC8(12), JCC8(13), JCC8(14), JCC8(15),
    JCCZ(0), JCCZ(1), JCCZ(2), JCCZ(3), { 0x0f84, -1, { OPX(jz), OPF_RELZ | BR | OPF_F64 } },
    { 0x0f85, -1, { OPX(jnz), OPF_RELZ | BR | OPF_F64 } }, JCCZ(6), JCCZ(7),
    JCCZ(8), JCCZ(9), JCCZ(10), JCCZ(11), JCCZ(12), JCCZ(13), JCCZ(14), JCCZ(15),
    { 0xe0, -1, { OPX(loopne), OPF_REL8 | BR | OPF_F64 } },
    { 0xe1, -1, { OPX(loope), OPF_REL8 | BR | OPF_F64 } },
    { 0xe2, -1, { OPX(loop), OPF_REL8 | BR | OPF_F64 } },
    { 0xe3, -1, { OPX(jcxz), OPF_REL8 | BR | OPF_F64 } },
    { 0xff, 2, { OPV(call_ind), BR | OPF_F64 } },
    { 0xff, 4, { OPV(jmp_ind), BR | OPF_F64 } },
    OPS_END,
};
