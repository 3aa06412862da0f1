/* An instruction decoder of the oracle's own, independent of Tandem's: lengths,
 * prefixes, ModRM and immediates of the 16/32-bit integer set, the classes of
 * instructions the oracle does not compare, and the table of undefined results
 * (flags and registers) from the Intel SDM vol. 2. */
#include <string.h>

#include "tests/oracle/oracle.h"

const char *const insn_class_names[IC_NCLASS] = {
    "compared", "port I/O", "HLT", "software interrupt", "far transfer/IRET", "system",
    "x87", "MMX/SSE", "nondeterministic (CPUID/RDTSC/MSR)", "undocumented opcode",
    "extension not in the CPU model (VEX, 0F 0D prefetch, RTM, LZCNT)", "undecodable",
};

/* ModRM presence: one bit per opcode. */
static bool modrm1(uint8_t op)
{
    if (op < 0x40)
        return (op & 7) < 4;
    switch (op) {
    case 0x62: case 0x63: case 0x69: case 0x6b: case 0xc0: case 0xc1: case 0xc4: case 0xc5:
    case 0xc6: case 0xc7: case 0xd0: case 0xd1: case 0xd2: case 0xd3: case 0xf6: case 0xf7:
    case 0xfe: case 0xff:
        return true;
    }
    return (op >= 0x80 && op <= 0x8f) || (op >= 0xd8 && op <= 0xdf);
}

static bool modrm2(uint8_t op)
{
    if (op <= 0x03 || (op >= 0x10 && op <= 0x2f) || (op >= 0x40 && op <= 0x7f) ||
        (op >= 0x90 && op <= 0x9f) || op >= 0xd0)
        return true;
    switch (op) {
    case 0x0d: case 0xa3: case 0xa4: case 0xa5: case 0xab: case 0xac: case 0xad: case 0xae:
    case 0xaf: case 0x0f: case 0x38: case 0x3a:
        return true;
    }
    return op >= 0xb0 && op <= 0xc7;
}

static int classify1(const InsnInfo *ii, int mode)
{
    uint8_t op = ii->op;
    if ((op >= 0xe4 && op <= 0xe7) || (op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f))
        return IC_IO;
    if (op == 0xf4)
        return IC_HLT;
    if (op == 0xcc || op == 0xcd || op == 0xce || op == 0xf1)
        return IC_INT;
    if (op == 0xcf)
        return IC_FAR;
    if ((op == 0x9a || op == 0xea || op == 0xca || op == 0xcb) && mode != 16)
        return IC_FAR;
    if ((op >= 0xd8 && op <= 0xdf) || op == 0x9b)
        return IC_FPU;
    if (op == 0xd6)
        return IC_UNDOC;
    if (op == 0x63 && mode == 32)
        return IC_SYSTEM;   /* ARPL */
    /* 64-bit mode: C4/C5 are always VEX, 62 is EVEX (#UD in the model) */
    if (mode == 64 && (op == 0xc4 || op == 0xc5 || op == 0x62))
        return IC_NOTMODEL;
    /* LES/LDS with a register operand are VEX prefixes on AVX processors
     * (Unicorn executes AVX); XABORT/XBEGIN are RTM.  Neither is in the model. */
    if ((op == 0xc4 || op == 0xc5) && ii->has_modrm && ii->mod == 3)
        return IC_NOTMODEL;
    if ((op == 0xc6 || op == 0xc7) && ii->has_modrm && ii->modrm == 0xf8)
        return IC_NOTMODEL;
    return IC_OK;
}

static int classify2(const InsnInfo *ii)
{
    uint8_t op = ii->op;
    /* F3 0F BD is LZCNT where CPUID has ABM (Unicorn's 64-bit CPU model);
     * the model has not: BSR there (SDM vol. 2A LZCNT) */
    if (ii->long64 && op == 0xbd && ii->rep)
        return IC_NOTMODEL;
    if (op <= 0x09 || (op >= 0x20 && op <= 0x27) || (op >= 0x30 && op <= 0x37) || op == 0xaa)
        return op == 0x31 || op == 0x32 || op == 0x33 ? IC_NONDET : IC_SYSTEM;
    if (op == 0xa2)
        return IC_NONDET;
    if (op == 0x0d)
        return IC_NOTMODEL;     /* PREFETCH/PREFETCHW (3DNow!, PRFCHW) */
    if (op == 0x0e || op == 0x0f || op == 0x77 || op == 0xae)
        return IC_SIMD;
    if ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) || (op >= 0x38 && op <= 0x3f) ||
        (op >= 0x50 && op <= 0x7f) || (op >= 0xc2 && op <= 0xc6) || op >= 0xd0 || op == 0x78 ||
        op == 0x79 || op == 0xb8)
        return IC_SIMD;
    return IC_OK;
}

/* 64-bit mode operand size: near branches are always 64-bit (66 ignored, as
 * Intel does); stack operations default to 64 bits. */
static int osize64(const InsnInfo *ii)
{
    uint8_t op = ii->op;
    bool f64, d64;
    if (ii->two_byte) {
        f64 = op >= 0x80 && op <= 0x8f;
        d64 = op == 0xa0 || op == 0xa1 || op == 0xa8 || op == 0xa9;
    } else {
        f64 = (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3) || op == 0xe8 || op == 0xe9 ||
              op == 0xeb || op == 0xc2 || op == 0xc3;
        d64 = (op >= 0x50 && op <= 0x5f) || op == 0x68 || op == 0x6a || op == 0x8f || op == 0x9c ||
              op == 0x9d || op == 0xc8 || op == 0xc9;
    }
    if (f64)
        return 64;
    if (d64 && !(ii->rex & 8))
        return ii->opsize_pfx ? 16 : 64;
    return ii->osize;
}

void insn_info(const uint8_t *b, unsigned avail, int mode, InsnInfo *ii)
{
    memset(ii, 0, sizeof *ii);
    ii->seg = -1;
    ii->imm_off = -1;
    if (avail > 15)
        avail = 15;
    unsigned p = 0;
#define NEED(n) do { if (p + (n) > avail) goto toolong; } while (0)
    for (;;) {
        NEED(1);
        uint8_t c = b[p];
        if (c == 0x26 || c == 0x2e || c == 0x36 || c == 0x3e)
            ii->seg = (c >> 3) & 3;
        else if (c == 0x64 || c == 0x65)
            ii->seg = c - 0x64 + 4;
        else if (c == 0x66)
            ii->opsize_pfx = true;
        else if (c == 0x67)
            ii->adsize_pfx = true;
        else if (c == 0xf0)
            ii->lock = true;
        else if (c == 0xf2)
            ii->repne = true, ii->rep = false;
        else if (c == 0xf3)
            ii->rep = true, ii->repne = false;
        else if (mode == 64 && (c & 0xf0) == 0x40) {
            ii->rex = c;
            p++;
            continue;
        } else
            break;
        ii->rex = 0;            /* a REX prefix counts only right before the opcode */
        p++;
    }
    ii->long64 = mode == 64;
    if (mode == 64) {
        ii->osize = (ii->rex & 8) ? 64 : ii->opsize_pfx ? 16 : 32;
        ii->asize = ii->adsize_pfx ? 32 : 64;
        if (mode == 64 && (ii->seg >= 0 && ii->seg < 4))
            ii->seg = -1;       /* ES/CS/SS/DS overrides do nothing */
    } else {
        ii->osize = (mode == 32) ^ ii->opsize_pfx ? 32 : 16;
        ii->asize = (mode == 32) ^ ii->adsize_pfx ? 32 : 16;
    }
    NEED(1);
    uint8_t op = b[p++];
    if (op == 0x0f) {
        NEED(1);
        ii->two_byte = true;
        op = b[p++];
    }
    ii->op = op;
    if (mode == 64)
        ii->osize = osize64(ii);
    ii->has_modrm = ii->two_byte ? modrm2(op) : modrm1(op);
    if (ii->two_byte && (op == 0x38 || op == 0x3a)) {
        NEED(1);
        p++;                    /* third opcode byte; SIMD anyway */
    }
    if (ii->has_modrm) {
        NEED(1);
        uint8_t m = b[p++];
        ii->modrm = m;
        ii->mod = m >> 6;
        ii->reg = (m >> 3) & 7;
        ii->rm = m & 7;
        ii->regx = (uint8_t)(ii->reg | (ii->rex & 4 ? 8 : 0));
        ii->rmx = (uint8_t)(ii->rm | (ii->rex & 1 ? 8 : 0));
        ii->mem = ii->mod != 3;
        ii->base = ii->index = -1;
        if (ii->mem) {
            static const int8_t b16[8] = { 3, 3, 5, 5, -1, -1, 5, 3 };
            static const int8_t i16[8] = { 6, 7, 6, 7, 6, 7, -1, -1 };
            unsigned dl;
            if (ii->asize == 16) {
                ii->base = b16[ii->rm];
                ii->index = i16[ii->rm];
                if (ii->mod == 0 && ii->rm == 6) {
                    ii->base = -1;
                    dl = 2;
                } else {
                    dl = ii->mod == 1 ? 1 : ii->mod == 2 ? 2 : 0;
                }
            } else {
                ii->base = (int8_t)(m & 7);
                if ((m & 7) == 4) {
                    NEED(1);
                    uint8_t sib = b[p++];
                    unsigned idx = ((sib >> 3) & 7) | (ii->rex & 2 ? 8 : 0);
                    ii->base = sib & 7;
                    ii->index = idx == 4 ? -1 : (int8_t)idx;
                    ii->scale = sib >> 6;
                } else if (ii->mod == 0 && (m & 7) == 5 && mode == 64) {
                    ii->riprel = true;
                }
                if (ii->base == 5 && ii->mod == 0) {
                    ii->base = -1;
                    dl = 4;
                } else {
                    ii->base = (int8_t)(ii->base | (ii->rex & 1 ? 8 : 0));
                    dl = ii->mod == 1 ? 1 : ii->mod == 2 ? 4 : 0;
                }
            }
            NEED(dl);
            if (dl == 1)
                ii->disp = (int8_t)b[p];
            else if (dl == 2)
                ii->disp = (int16_t)(b[p] | b[p + 1] << 8);
            else if (dl == 4)
                ii->disp = (int32_t)((uint32_t)b[p] | (uint32_t)b[p + 1] << 8 | (uint32_t)b[p + 2] << 16 | (uint32_t)b[p + 3] << 24);
            p += dl;
        }
    }
    /* immediates */
    int imm = 0, imm2 = 0;
    int z = ii->osize == 16 ? 2 : 4;
    if (!ii->two_byte) {
        if (op < 0x40 && (op & 7) == 4)
            imm = 1;
        else if (op < 0x40 && (op & 7) == 5)
            imm = z;
        else switch (op) {
        case 0x68: case 0x69: case 0x81: case 0xa9: case 0xc7: case 0xe8: case 0xe9:
            imm = z; break;
        case 0x6a: case 0x6b: case 0x80: case 0x82: case 0x83: case 0xa8: case 0xc0: case 0xc1:
        case 0xc6: case 0xcd: case 0xd4: case 0xd5: case 0xeb:
            imm = 1; break;
        case 0xc2: case 0xca:
            imm = 2; break;
        case 0xc8:
            imm = 2; imm2 = 1; break;
        case 0x9a: case 0xea:
            imm = z; imm2 = 2; break;
        case 0xa0: case 0xa1: case 0xa2: case 0xa3:
            imm = ii->asize / 8; break;
        case 0xf6:
            imm = ii->reg < 2 ? 1 : 0; break;
        case 0xf7:
            imm = ii->reg < 2 ? z : 0; break;
        default:
            if ((op >= 0x70 && op <= 0x7f) || (op >= 0xb0 && op <= 0xb7) || (op >= 0xe0 && op <= 0xe7))
                imm = 1;
            else if (op >= 0xb8 && op <= 0xbf)
                imm = ii->osize == 64 ? 8 : z;
        }
    } else {
        if (op >= 0x80 && op <= 0x8f)
            imm = z;
        else if (op == 0xa4 || op == 0xac || op == 0xba || op == 0x3a || (op >= 0x70 && op <= 0x73) ||
                 op == 0xc2 || op == 0xc4 || op == 0xc5 || op == 0xc6)
            imm = 1;
    }
    if (imm) {
        NEED((unsigned)(imm + imm2));
        ii->imm_off = (int)p;
        ii->imm_len = imm;
        uint32_t v = 0;
        memcpy(&v, b + p, (size_t)(imm > 4 ? 4 : imm));
        ii->imm = v;
        p += (unsigned)(imm + imm2);
    }
    NEED(0);
    ii->len = (int)p;
    ii->klass = ii->two_byte ? classify2(ii) : classify1(ii, mode);
    ii->string = !ii->two_byte && ((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf));
    return;
toolong:
    ii->len = 0;
    ii->klass = IC_TOOLONG;
#undef NEED
}

uint32_t ii_ea(const InsnInfo *ii, const Regs *r)
{
    uint32_t ea = (uint32_t)ii->disp;
    if (ii->riprel)
        ea += r->eip + (uint32_t)ii->len;
    if (ii->base >= 0)
        ea += (uint32_t)reg64(r, ii->base);
    if (ii->index >= 0)
        ea += (uint32_t)reg64(r, ii->index) << ii->scale;
    return ii->asize == 16 ? (ea & 0xffff) : ea;
}

uint64_t ii_ea64(const InsnInfo *ii, const Regs *r)
{
    uint64_t ea = (uint64_t)(int64_t)ii->disp;
    if (ii->riprel)
        ea += rip64(r) + (uint64_t)ii->len;
    if (ii->base >= 0)
        ea += reg64(r, ii->base);
    if (ii->index >= 0)
        ea += reg64(r, ii->index) << ii->scale;
    return ii->asize == 32 ? (uint32_t)ea : ea;
}

int ii_seg(const InsnInfo *ii)
{
    if (ii->seg >= 0)
        return ii->seg;
    return ii->base == 4 || ii->base == 5 ? OS_SS : OS_DS;
}

/* ---- undefined results ---- */

enum {
    CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800,
    ALLF = CF | PF | AF | ZF | SF | OF,
};

static uint64_t reg_mask_osize(int osize)
{
    return osize == 16 ? 0xffffu : osize == 32 ? 0xffffffffu : ~0ull;
}

/* x87 condition codes the SDM leaves undefined after an instruction (vol. 2
 * "FPU Flags Affected"): C0, C2 and C3 after all but the comparisons, FXAM,
 * FTST and FPREM/FPREM1 (and C0/C3 after the trigonometric ones); C1 too
 * after FNOP and FNCLEX.  FCOMI and friends, FNINIT, FNSTSW, FNSTCW and
 * WAIT leave them alone or define them. */
static uint16_t x87_undefined_cc(const InsnInfo *ii)
{
    enum { C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000 };
    unsigned op = ii->op, r = ii->reg & 7, m = ii->modrm;
    bool arith = op == 0xd8 || op == 0xdc || op == 0xda || op == 0xde;
    if (arith && (r == 2 || r == 3))
        return 0;                                   /* FCOM FCOMP FCOMPP FICOM FICOMP */
    if (op == 0xdd && !ii->mem && (r == 4 || r == 5))
        return 0;                                   /* FUCOM FUCOMP */
    if ((op == 0xda && m == 0xe9) || (op == 0xdf && m == 0xe0) || (op == 0xdb && m == 0xe3))
        return 0;                                   /* FUCOMPP, FNSTSW AX, FNINIT */
    if ((op == 0xdb || op == 0xdf) && !ii->mem && (r == 5 || r == 6))
        return 0;                                   /* FCOMI FUCOMI (P): not affected */
    if ((op == 0xd9 || op == 0xdd) && ii->mem && r == 7)
        return 0;                                   /* FNSTCW, FNSTSW m16 */
    if (op == 0xd9 && !ii->mem) {
        if (m == 0xe4 || m == 0xe5 || m == 0xf8 || m == 0xf5)
            return 0;                               /* FTST FXAM FPREM FPREM1 */
        if (m == 0xf2 || m == 0xfb || m == 0xfe || m == 0xff)
            return C0 | C3;                         /* FPTAN FSINCOS FSIN FCOS: C2 defined */
        if (m == 0xd0)
            return C0 | C1 | C2 | C3;               /* FNOP */
    }
    if (op == 0xdb && m == 0xe2)
        return C0 | C1 | C2 | C3;                   /* FNCLEX */
    return op >= 0xd8 && op <= 0xdf ? C0 | C2 | C3 : 0;
}

void insn_undefined(const InsnInfo *ii, const uint8_t *bytes, const Regs *pre, const Regs *post_u,
                    int mode, Undef *u)
{
    (void)bytes;
    memset(u, 0, sizeof *u);
    uint8_t op = ii->op;
    if (!ii->two_byte && op >= 0xd8 && op <= 0xdf) {
        u->fsw = x87_undefined_cc(ii);
        return;
    }
    int width = (!ii->two_byte && !(op & 1) && op >= 0xc0 && op <= 0xd3) ? 8 : ii->osize;
    if (!ii->two_byte) {
        switch (op) {
        case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25:   /* AND */
        case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:   /* OR */
        case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35:   /* XOR */
        case 0x84: case 0x85: case 0xa8: case 0xa9:                         /* TEST */
            u->flags = AF; u->why = "logic: AF"; return;
        case 0x80: case 0x81: case 0x82: case 0x83:
            if (ii->reg == 1 || ii->reg == 4 || ii->reg == 6) { u->flags = AF; u->why = "logic: AF"; }
            return;
        case 0xf6: case 0xf7:
            if (ii->reg <= 1) { u->flags = AF; u->why = "TEST: AF"; }
            else if (ii->reg == 4 || ii->reg == 5) { u->flags = SF | ZF | AF | PF; u->why = "MUL/IMUL: SZAP"; }
            else if (ii->reg >= 6) { u->flags = ALLF; u->why = "DIV/IDIV: all"; }
            return;
        case 0x69: case 0x6b:
            u->flags = SF | ZF | AF | PF; u->why = "IMUL: SZAP"; return;
        case 0x27: case 0x2f:
            u->flags = OF; u->why = "DAA/DAS: OF"; return;
        case 0x37: case 0x3f:
            u->flags = OF | SF | ZF | PF; u->why = "AAA/AAS: OSZP"; return;
        case 0xd4: case 0xd5:
            u->flags = OF | AF | CF; u->why = "AAM/AAD: OAC"; return;
        case 0x06: case 0x0e: case 0x16: case 0x1e:   /* PUSH sreg */
            if (ii->osize >= 32) u->push_sreg32 = true;
            return;
        case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
            unsigned cnt = (op == 0xd0 || op == 0xd1) ? 1 : (op == 0xd2 || op == 0xd3) ? (pre->r[OR_ECX] & 0xff) : (ii->imm & 0xff);
            cnt &= ii->osize == 64 && width != 8 ? 63 : 31;
            if (cnt == 0)
                return;                       /* no flags affected */
            unsigned r = ii->reg;
            if (r <= 3) {                     /* ROL ROR RCL RCR */
                if (cnt != 1) { u->flags = OF; u->why = "rotate count != 1: OF"; }
                return;
            }
            u->flags = AF;
            u->why = "shift: AF";
            if (cnt != 1) { u->flags |= OF; u->why = "shift count != 1: OF AF"; }
            if ((r == 4 || r == 5 || r == 6) && cnt >= (unsigned)width) {
                u->flags |= CF;
                u->why = "SHL/SHR count >= width: CF OF AF";
            }
            return;
        }
        }
        return;
    }
    switch (op) {
    case 0xaf:
        u->flags = SF | ZF | AF | PF; u->why = "IMUL: SZAP"; return;
    case 0xa4: case 0xa5: case 0xac: case 0xad: {   /* SHLD/SHRD */
        unsigned cnt = (op == 0xa5 || op == 0xad) ? (pre->r[OR_ECX] & 0xff) : (ii->imm & 0xff);
        cnt &= ii->osize == 64 ? 63 : 31;
        if (cnt == 0)
            return;
        u->flags = AF;
        u->why = "SHLD/SHRD: AF";
        if (cnt != 1) { u->flags |= OF; u->why = "SHLD/SHRD count != 1: OF AF"; }
        if (cnt > (unsigned)ii->osize) {
            u->flags = ALLF;
            u->why = "SHLD/SHRD count > size: result and flags";
            if (ii->mem)
                u->mem_result = true;
            else
                u->regmask[ii->rmx] = reg_mask_osize(ii->osize);
        }
        return;
    }
    case 0xa3: case 0xab: case 0xb3: case 0xbb: case 0xba:
        u->flags = OF | SF | AF | PF; u->why = "BT*: OSAP"; return;
    case 0xbc: case 0xbd:
        u->flags = CF | OF | SF | AF | PF;
        u->why = "BSF/BSR: COSAP";
        if (post_u->eflags & ZF) {
            u->regmask[ii->regx] = reg_mask_osize(ii->osize);
            u->why = "BSF/BSR source 0: destination and COSAP";
        }
        return;
    case 0xc8: case 0xc9: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce: case 0xcf:
        if (ii->osize == 16) {
            /* QEMU swaps all 32 bits (and zero-extends in 64-bit mode) */
            u->regmask[(op & 7) | (ii->rex & 1 ? 8 : 0)] = mode == 64 ? ~0ull : 0xffffffffu;
            u->why = "BSWAP r16: result";
        }
        return;
    case 0xa0: case 0xa8:   /* PUSH FS/GS */
        if (ii->osize >= 32) u->push_sreg32 = true;
        return;
    }
}
