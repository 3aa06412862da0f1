/* x86 instruction decoder: prefixes, REX, opcode maps, ModRM/SIB, displacements
 * and immediates into one Insn (see decode.h). */
#include "cpu/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAP_1B, MAP_0F, MAP_0F38, MAP_0F3A, NMAPS };

/* Built once by decode_init() from the families' OpReg lists, read-only after.
 * [map][mandatory-prefix variant][opcode]; variant MP_ANY serves opcodes that
 * ignore mandatory prefixes (mp_sensitive clear). */
static OpDesc maps[NMAPS][MP_COUNT][256];
static OpDesc *groups[NMAPS][MP_COUNT][256];
static uint8_t mp_sensitive[NMAPS][256];

INSN(op_ud)
{
    (void)in;
    RAISE_UD(cpu);
}

static void register_op(const OpReg *r)
{
    unsigned map, byte = r->op & 0xff;
    if (r->op < 0x100)
        map = MAP_1B;
    else if ((r->op & 0xff00) == 0x0f00 && r->op < 0x10000)
        map = MAP_0F;
    else if ((r->op & 0xffff00) == 0x0f3800)
        map = MAP_0F38;
    else if ((r->op & 0xffff00) == 0x0f3a00)
        map = MAP_0F3A;
    else {
        fprintf(stderr, "decode: bad opcode number 0x%x\n", r->op);
        abort();
    }
    unsigned v = r->mp < MP_COUNT ? r->mp : MP_ANY;
    if (v != MP_ANY)
        mp_sensitive[map][byte] = 1;
    if (r->ext < 0) {
        if (maps[map][v][byte].flags & OPF_GROUP) {
            fprintf(stderr, "decode: opcode 0x%x registered as group and plain\n", r->op);
            abort();
        }
        maps[map][v][byte] = r->d;
        return;
    }
    if (!groups[map][v][byte]) {
        groups[map][v][byte] = calloc(8, sizeof(OpDesc));
        if (!groups[map][v][byte])
            abort();
    }
    maps[map][v][byte].flags = OPF_GROUP | OPF_MODRM;
    groups[map][v][byte][r->ext & 7] = r->d;
}

void decode_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    for (const OpReg *const *fam = op_families; *fam; fam++)
        for (const OpReg *r = *fam; r->op != 0xffffffffu; r++)
            register_op(r);
}

static unsigned byte_reg(unsigned idx, bool rex)
{
    if (!rex && idx >= 4 && idx < 8)
        return (idx - 4) * 8 + 1;   /* AH, CH, DH, BH */
    return idx * 8;
}

static uint64_t load_imm(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, p, n);
    return v;
}

static uint64_t sext(uint64_t v, unsigned bytes)
{
    unsigned sh = 64 - bytes * 8;
    return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* 16-bit ModRM memory forms: base, index and whether SS is the default. */
static const uint8_t modrm16_base[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ZERO, R_ZERO, R_EBP, R_EBX };
static const uint8_t modrm16_index[8] = { R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, R_ZERO, R_ZERO };

int decode_insn(const DecodeCtx *ctx, const uint8_t *b, unsigned avail, Insn *in,
                uint32_t *flags_out)
{
    const bool cs64 = ctx->hflags & HF_CS64;
    const bool d32 = ctx->hflags & HF_CS32;
    unsigned p = 0, rex = 0, pfx = 0;
    int seg = -1;
    uint8_t c;

    memset(in, 0, sizeof *in);
    if (avail > 15)
        avail = 15;
#define NEED(n) do { if (p + (n) > avail) return avail >= 15 ? DECODE_TOO_LONG : DECODE_NEED_MORE; } while (0)

    for (;;) {
        NEED(1);
        c = b[p];
        switch (c) {
        case 0x26: seg = SEG_ES; break;
        case 0x2e: seg = SEG_CS; break;
        case 0x36: seg = SEG_SS; break;
        case 0x3e: seg = SEG_DS; break;
        case 0x64: seg = SEG_FS; break;
        case 0x65: seg = SEG_GS; break;
        case 0x66: pfx |= PFX_OPSIZE; break;
        case 0x67: pfx |= PFX_ADSIZE; break;
        case 0xf0: pfx |= PFX_LOCK; break;
        case 0xf2: pfx = (pfx & ~PFX_REP) | PFX_REPNE; break;
        case 0xf3: pfx = (pfx & ~PFX_REPNE) | PFX_REP; break;
        default:
            if (cs64 && (c & 0xf0) == 0x40) {
                rex = c;
                p++;
                continue;
            }
            goto opcode;
        }
        p++;
        rex = 0;   /* a REX prefix counts only right before the opcode */
    }

opcode:;
    unsigned map = MAP_1B;
    p++;
    if (c == 0x0f) {
        NEED(1);
        c = b[p++];
        map = MAP_0F;
        if (c == 0x38 || c == 0x3a) {
            map = c == 0x38 ? MAP_0F38 : MAP_0F3A;
            NEED(1);
            c = b[p++];
        }
    }
    unsigned mpv = MP_ANY;
    if (mp_sensitive[map][c]) {
        /* F2/F3 win over 66; the last of F2/F3 counts (kept in pfx). */
        mpv = (pfx & PFX_REPNE) ? MP_F2 : (pfx & PFX_REP) ? MP_F3 : (pfx & PFX_OPSIZE) ? MP_66 : MP_NONE;
        if (mpv == MP_F2 || mpv == MP_F3)
            pfx &= ~(unsigned)(PFX_REP | PFX_REPNE);
    }
    const OpDesc *d = &maps[map][mpv][c];
    uint8_t modrm = 0;
    if (d->flags & OPF_MODRM) {
        NEED(1);
        modrm = b[p++];
        if (d->flags & OPF_GROUP)
            d = &groups[map][mpv][c][(modrm >> 3) & 7];
    }
    uint32_t fl = d->flags | (maps[map][mpv][c].flags & OPF_MODRM);
    /* A 66 that selected the instruction is not an operand-size prefix. */
    bool opsize_pfx = (pfx & PFX_OPSIZE) && mpv != MP_66;
    const bool rexw = rex & 8, rexr = rex & 4, rexx = rex & 2, rexb = rex & 1;
    if (rex)
        pfx |= PFX_REX | (rexw ? PFX_REXW : 0);
    if (cs64 && seg >= 0 && seg < SEG_FS)
        seg = -1;   /* ES/CS/SS/DS overrides are ignored in 64-bit mode */
    if (seg >= 0)
        pfx |= PFX_SEG;

    unsigned osize, asize;
    if (cs64) {
        if (rexw || (fl & OPF_F64))
            osize = 2;
        else if (opsize_pfx)
            osize = 0;
        else
            osize = (fl & OPF_DEF64) ? 2 : 1;
        asize = (pfx & PFX_ADSIZE) ? 1 : 2;
    } else {
        osize = d32 ^ opsize_pfx;
        asize = d32 ^ !!(pfx & PFX_ADSIZE);
    }

    bool mem = false;
    in->base = R_ZERO;
    in->index = R_ZERO;
    in->seg = SEG_DS;
    if (fl & OPF_MODRM) {
        unsigned mod = modrm >> 6, rm = modrm & 7;
        in->reg = ((modrm >> 3) & 7) | (rexr ? 8 : 0);
        in->rm = rm | (rexb ? 8 : 0);
        if (mod != 3 && !(fl & OPF_MODREG)) {
            mem = true;
            if (asize == 0) {
                in->base = modrm16_base[rm];
                in->index = modrm16_index[rm];
                if (mod == 0 && rm == 6) {
                    in->base = R_ZERO;
                    NEED(2);
                    in->disp = (int16_t)load_imm(b + p, 2);
                    p += 2;
                } else if (mod == 1) {
                    NEED(1);
                    in->disp = (int8_t)b[p++];
                } else if (mod == 2) {
                    NEED(2);
                    in->disp = (int16_t)load_imm(b + p, 2);
                    p += 2;
                }
                if (in->base == R_EBP)
                    in->seg = SEG_SS;
            } else {
                unsigned base = rm;
                if (rm == 4) {
                    NEED(1);
                    uint8_t sib = b[p++];
                    unsigned idx = ((sib >> 3) & 7) | (rexx ? 8 : 0);
                    in->index = idx == 4 ? R_ZERO : idx;
                    in->scale = sib >> 6;
                    base = sib & 7;
                    if (base == 5 && mod == 0) {
                        in->base = R_ZERO;
                        NEED(4);
                        in->disp = (int32_t)load_imm(b + p, 4);
                        p += 4;
                        base = 99;
                    }
                } else if (rm == 5 && mod == 0) {
                    in->base = cs64 ? R_BRIP : R_ZERO;
                    NEED(4);
                    in->disp = (int32_t)load_imm(b + p, 4);
                    p += 4;
                    base = 99;
                }
                if (base != 99) {
                    in->base = base | (rexb ? 8 : 0);
                    if (base == R_ESP || base == R_EBP)
                        in->seg = SEG_SS;
                    if (mod == 1) {
                        NEED(1);
                        in->disp = (int8_t)b[p++];
                    } else if (mod == 2) {
                        NEED(4);
                        in->disp = (int32_t)load_imm(b + p, 4);
                        p += 4;
                    }
                }
            }
        }
    } else if (fl & OPF_OPREG) {
        in->reg = (c & 7) | (rexb ? 8 : 0);
    }
    if (seg >= 0)
        in->seg = (uint8_t)seg;
    if (fl & OPF_BYTE) {
        in->reg = (uint8_t)byte_reg(in->reg, rex != 0);
        if (!mem)
            in->rm = (uint8_t)byte_reg(in->rm, rex != 0);
    } else if ((fl & OPF_RMBYTE) && !mem) {
        in->rm = (uint8_t)byte_reg(in->rm, rex != 0);
    }

    /* Immediates */
    static const uint8_t vsize[3] = { 2, 4, 8 };
    if (fl & (OPF_IMM8 | OPF_IMM8U | OPF_REL8)) {
        NEED(1);
        in->imm = (fl & OPF_IMM8U) ? b[p] : sext(b[p], 1);
        p += 1;
    } else if (fl & OPF_IMM16) {
        NEED(2);
        in->imm = load_imm(b + p, 2);
        p += 2;
    } else if (fl & (OPF_IMMZ | OPF_RELZ)) {
        unsigned n = osize == 0 ? 2 : 4;
        NEED(n);
        in->imm = sext(load_imm(b + p, n), n);
        p += n;
    } else if (fl & OPF_IMMV) {
        unsigned n = vsize[osize];
        NEED(n);
        in->imm = load_imm(b + p, n);
        p += n;
    } else if (fl & OPF_MOFFS) {
        unsigned n = vsize[asize];
        NEED(n);
        in->imm = load_imm(b + p, n);
        p += n;
    } else if (fl & OPF_FARPTR) {
        unsigned n = osize == 0 ? 2 : 4;
        NEED(n + 2);
        in->imm = load_imm(b + p, n);
        in->imm2 = (uint16_t)load_imm(b + p + n, 2);
        p += n + 2;
    } else if (fl & OPF_ENTER) {
        NEED(3);
        in->imm = load_imm(b + p, 2);
        in->imm2 = b[p + 2];
        p += 3;
    }
#undef NEED

    in->len = (uint8_t)p;
    in->ofs = ctx->ofs;
    in->asize = (uint8_t)asize;
    in->osize = (uint8_t)osize;
    in->pfx = (uint8_t)pfx;
    in->modrm = modrm;
    in->op = c;
    if (in->base == R_BRIP)
        in->disp += ctx->ofs + (int32_t)p;
    if (fl & (OPF_REL8 | OPF_RELZ)) {
        uint64_t target = ctx->rip + p + in->imm;
        if (osize == 0)
            target &= 0xffff;
        else if (!cs64)
            target &= 0xffffffff;
        in->imm = target;
    }

    InsnFn fn = d->fn[mem][osize];
    if ((fl & OPF_NO64) && cs64)
        fn = NULL;
    if ((fl & OPF_ONLY64) && !cs64)
        fn = NULL;
    if ((fl & OPF_MEMONLY) && !mem)
        fn = NULL;
    if ((pfx & PFX_LOCK) && (!(fl & OPF_LOCK) || !mem))
        fn = NULL;
    if (!fn) {
        fn = op_ud;
        fl |= OPF_END;
    }
    in->fn = fn;
    *flags_out = fl;
    return DECODE_OK;
}
