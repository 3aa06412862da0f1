/* Instruction stream generation.
 *
 * Directed streams come from an opcode table of the 16/32-bit integer set:
 * each template gives the family, the opcode (with its ModRM.reg for groups) and
 * which operands follow.  Operands are random (ModRM/SIB forms, displacements,
 * immediates mixed with edge values, prefixes 66/67/segment/REP/LOCK), with
 * helper instructions in front where the instruction needs a meaningful setup:
 * pointers reloaded before memory operands, small counts before REP, a return
 * address stored before RET, a selector before a segment load.  Branch targets
 * are instruction starts of the same stream.
 *
 * Random streams are plain random bytes (executed until they leave the code,
 * fault, or hit something the oracle does not compare). */
#include <string.h>

#include "tests/oracle/oracle.h"

const char *const family_names[FAM_COUNT] = {
    "alu", "mov", "branch", "misc", "shift", "muldiv", "bcd", "bit", "cond", "atomic",
    "string", "stack", "flags", "segment", "far", "edge", "random", "sse", "mmx", "x87",
};

enum {
    T_M = 1 << 0,        /* ModRM */
    T_MEMONLY = 1 << 1,
    T_REGONLY = 1 << 2,
    T_I8 = 1 << 3,
    T_IZ = 1 << 4,       /* imm16/32 by operand size */
    T_I16 = 1 << 5,
    T_LOCK = 1 << 6,     /* LOCK valid with a memory destination */
    T_REL8 = 1 << 7,
    T_RELZ = 1 << 8,
    T_MOFFS = 1 << 9,
    T_OPREG = 1 << 10,   /* register in the opcode's low 3 bits */
    T_CNT = 1 << 11,     /* the imm8 is a shift count */
    T_CL = 1 << 12,      /* count in CL */
    T_STR = 1 << 13,     /* string instruction */
    T_NO66 = 1 << 14,
    T_SP = 1 << 15,      /* special generator */
    T_BYTE = 1 << 16,    /* byte operation */
    T_NOLOCKTRY = 1 << 17,
    T_NO64 = 1 << 18,    /* not in 64-bit mode (a REX prefix there, or #UD) */
    T_ONLY64 = 1 << 19,  /* only in 64-bit mode */
};

typedef struct Tmpl {
    uint8_t fam;
    uint16_t op;
    int8_t ext;
    uint32_t f;
} Tmpl;

#define A(op, f) { FAM_ALU, op, -1, f }
#define AG(op, e, f) { FAM_ALU, op, e, f }
static const Tmpl tmpls[] = {
    /* ---- alu ---- */
#define ALUROW(b, l) A(b, T_M | T_BYTE | (l)), A(b + 1, T_M | (l)), A(b + 2, T_M | T_BYTE), \
    A(b + 3, T_M), A(b + 4, T_I8 | T_BYTE), A(b + 5, T_IZ)
    ALUROW(0x00, T_LOCK), ALUROW(0x08, T_LOCK), ALUROW(0x10, T_LOCK), ALUROW(0x18, T_LOCK),
    ALUROW(0x20, T_LOCK), ALUROW(0x28, T_LOCK), ALUROW(0x30, T_LOCK), ALUROW(0x38, 0),
#define GRP1(e, l) AG(0x80, e, T_M | T_I8 | T_BYTE | (l)), AG(0x81, e, T_M | T_IZ | (l)), \
    AG(0x82, e, T_M | T_I8 | T_BYTE | (l)), AG(0x83, e, T_M | T_I8 | (l))
    GRP1(0, T_LOCK), GRP1(1, T_LOCK), GRP1(2, T_LOCK), GRP1(3, T_LOCK), GRP1(4, T_LOCK),
    GRP1(5, T_LOCK), GRP1(6, T_LOCK), GRP1(7, 0),
    A(0x84, T_M | T_BYTE), A(0x85, T_M), A(0xa8, T_I8 | T_BYTE), A(0xa9, T_IZ),
    AG(0xf6, 0, T_M | T_I8 | T_BYTE), AG(0xf7, 0, T_M | T_IZ),
    AG(0xf6, 2, T_M | T_BYTE | T_LOCK), AG(0xf6, 3, T_M | T_BYTE | T_LOCK), AG(0xf7, 2, T_M | T_LOCK),
    AG(0xf7, 3, T_M | T_LOCK),
    AG(0xfe, 0, T_M | T_BYTE | T_LOCK), AG(0xfe, 1, T_M | T_BYTE | T_LOCK), AG(0xff, 0, T_M | T_LOCK),
    AG(0xff, 1, T_M | T_LOCK),
    A(0x40, T_OPREG | T_NO64), A(0x48, T_OPREG | T_NO64),

    /* ---- mov ---- */
#define M(op, f) { FAM_MOV, op, -1, f }
    M(0x88, T_M | T_BYTE), M(0x89, T_M), M(0x8a, T_M | T_BYTE), M(0x8b, T_M), M(0x8d, T_M | T_MEMONLY),
    M(0xa0, T_MOFFS | T_BYTE), M(0xa1, T_MOFFS), M(0xa2, T_MOFFS | T_BYTE), M(0xa3, T_MOFFS),
    M(0xb0, T_OPREG | T_I8 | T_BYTE), M(0xb8, T_OPREG | T_IZ),
    { FAM_MOV, 0xc6, 0, T_M | T_I8 | T_BYTE }, { FAM_MOV, 0xc7, 0, T_M | T_IZ },
    M(0x86, T_M | T_BYTE | T_LOCK), M(0x87, T_M | T_LOCK), M(0x90, T_OPREG),
    M(0x0fb6, T_M), M(0x0fb7, T_M), M(0x0fbe, T_M), M(0x0fbf, T_M), M(0x98, 0), M(0x99, 0),
    { FAM_MOV, 0x0f1f, 0, T_M }, { FAM_MOV, 0x63, -1, T_M | T_ONLY64 },   /* MOVSXD */

    /* ---- branch ---- */
#define B(op, f) { FAM_BRANCH, op, -1, f }
    B(0x70, T_REL8 | T_OPREG), B(0x78, T_REL8 | T_OPREG), B(0x0f80, T_RELZ | T_OPREG),
    B(0x0f88, T_RELZ | T_OPREG), B(0xeb, T_REL8), B(0xe9, T_RELZ), B(0xe8, T_RELZ),
    B(0xe0, T_REL8), B(0xe1, T_REL8), B(0xe2, T_REL8), B(0xe3, T_REL8),
    B(0xc3, T_SP), B(0xc2, T_SP), { FAM_BRANCH, 0xff, 2, T_SP }, { FAM_BRANCH, 0xff, 4, T_SP },

    /* ---- misc ---- */
#define MI(op) { FAM_MISC, op, -1, 0 }
    MI(0xf8), MI(0xf9), MI(0xf5), MI(0xfc), MI(0xfd), MI(0xfa), MI(0xfb), MI(0x90),

    /* ---- shift ---- */
#define SH(op, e, f) { FAM_SHIFT, op, e, f }
#define SHG(e) SH(0xc0, e, T_M | T_I8 | T_CNT | T_BYTE), SH(0xc1, e, T_M | T_I8 | T_CNT), \
    SH(0xd0, e, T_M | T_BYTE), SH(0xd1, e, T_M), SH(0xd2, e, T_M | T_CL | T_BYTE), SH(0xd3, e, T_M | T_CL)
    SHG(0), SHG(1), SHG(2), SHG(3), SHG(4), SHG(5), SHG(6), SHG(7),
    SH(0x0fa4, -1, T_M | T_I8 | T_CNT), SH(0x0fa5, -1, T_M | T_CL),
    SH(0x0fac, -1, T_M | T_I8 | T_CNT), SH(0x0fad, -1, T_M | T_CL),

    /* ---- muldiv ---- */
#define MD(op, e, f) { FAM_MULDIV, op, e, f }
    MD(0xf6, 4, T_M | T_BYTE), MD(0xf6, 5, T_M | T_BYTE), MD(0xf7, 4, T_M), MD(0xf7, 5, T_M),
    MD(0xf6, 6, T_M | T_BYTE | T_SP), MD(0xf6, 7, T_M | T_BYTE | T_SP), MD(0xf7, 6, T_M | T_SP),
    MD(0xf7, 7, T_M | T_SP),
    MD(0x0faf, -1, T_M), MD(0x69, -1, T_M | T_IZ), MD(0x6b, -1, T_M | T_I8),

    /* ---- bcd ---- */
#define BC(op, f) { FAM_BCD, op, -1, T_SP | (f) }
    BC(0x27, 0), BC(0x2f, 0), BC(0x37, 0), BC(0x3f, 0), BC(0xd4, T_I8), BC(0xd5, T_I8),

    /* ---- bit ---- */
#define BT(op, e, f) { FAM_BIT, op, e, f }
    BT(0x0fa3, -1, T_M | T_SP), BT(0x0fab, -1, T_M | T_LOCK | T_SP), BT(0x0fb3, -1, T_M | T_LOCK | T_SP),
    BT(0x0fbb, -1, T_M | T_LOCK | T_SP),
    BT(0x0fba, 4, T_M | T_I8), BT(0x0fba, 5, T_M | T_I8 | T_LOCK), BT(0x0fba, 6, T_M | T_I8 | T_LOCK),
    BT(0x0fba, 7, T_M | T_I8 | T_LOCK),
    BT(0x0fbc, -1, T_M), BT(0x0fbd, -1, T_M), BT(0x0fc8, -1, T_OPREG),

    /* ---- cond ---- */
    { FAM_COND, 0x0f90, -1, T_M | T_OPREG }, { FAM_COND, 0x0f98, -1, T_M | T_OPREG },
    { FAM_COND, 0x0f40, -1, T_M | T_OPREG }, { FAM_COND, 0x0f48, -1, T_M | T_OPREG },

    /* ---- atomic ---- */
#define AT(op, e, f) { FAM_ATOMIC, op, e, T_SP | (f) }
    AT(0x0fb0, -1, T_M | T_LOCK | T_BYTE), AT(0x0fb1, -1, T_M | T_LOCK),
    AT(0x0fc0, -1, T_M | T_LOCK | T_BYTE), AT(0x0fc1, -1, T_M | T_LOCK),
    AT(0x0fc7, 1, T_M | T_LOCK | T_MEMONLY), AT(0x86, -1, T_M | T_LOCK | T_BYTE),
    AT(0x87, -1, T_M | T_LOCK), AT(0x01, -1, T_M | T_LOCK), AT(0x0fab, -1, T_M | T_LOCK),

    /* ---- string ---- */
#define ST(op) { FAM_STRING, op, -1, T_STR | T_SP }
    ST(0xa4), ST(0xa5), ST(0xa6), ST(0xa7), ST(0xaa), ST(0xab), ST(0xac), ST(0xad), ST(0xae),
    ST(0xaf), { FAM_STRING, 0xd7, -1, T_SP },

    /* ---- stack ---- */
#define SK(op, e, f) { FAM_STACK, op, e, T_SP | (f) }
    SK(0x50, -1, T_OPREG), SK(0x58, -1, T_OPREG), SK(0x68, -1, T_IZ), SK(0x6a, -1, T_I8),
    SK(0x60, -1, T_NO64), SK(0x61, -1, T_NO64), SK(0xc8, -1, 0), SK(0xc9, -1, 0), SK(0x8f, 0, T_M),
    SK(0xff, 6, T_M),

    /* ---- flags ---- */
    { FAM_FLAGS, 0x9c, -1, T_SP }, { FAM_FLAGS, 0x9d, -1, T_SP }, { FAM_FLAGS, 0x9e, -1, T_SP },
    { FAM_FLAGS, 0x9f, -1, 0 },

    /* ---- segment ---- */
#define SG(op, e, f) { FAM_SEGMENT, op, e, T_SP | (f) }
    SG(0x8c, -1, T_M), SG(0x8e, -1, T_M), SG(0x06, -1, 0), SG(0x07, -1, 0), SG(0x0e, -1, 0),
    SG(0x16, -1, 0), SG(0x17, -1, 0), SG(0x1e, -1, 0), SG(0x1f, -1, 0), SG(0x0fa0, -1, 0),
    SG(0x0fa1, -1, 0), SG(0x0fa8, -1, 0), SG(0x0fa9, -1, 0), SG(0xc4, -1, T_M | T_MEMONLY),
    SG(0xc5, -1, T_M | T_MEMONLY), SG(0x0fb2, -1, T_M | T_MEMONLY), SG(0x0fb4, -1, T_M | T_MEMONLY),
    SG(0x0fb5, -1, T_M | T_MEMONLY),

    /* ---- far (real mode only) ---- */
    { FAM_FAR, 0xea, -1, T_SP }, { FAM_FAR, 0x9a, -1, T_SP }, { FAM_FAR, 0xcb, -1, T_SP },
    { FAM_FAR, 0xca, -1, T_SP }, { FAM_FAR, 0xcf, -1, T_SP }, { FAM_FAR, 0xff, 3, T_SP },
    { FAM_FAR, 0xff, 5, T_SP },
};
#define NTMPL (int)(sizeof tmpls / sizeof tmpls[0])

/* ---- generation context ---- */
typedef struct Fixup {
    uint16_t field;      /* offset of the rel field */
    uint8_t size;        /* 1, 2 or 4 */
    int16_t insn;        /* the branch */
    int16_t target;      /* instruction index (may be n: end of stream) */
} Fixup;

typedef struct Gen {
    Rng *rng;
    int mode;
    Stream *st;
    int fam;
    bool open;
    Fixup fix[MAX_INSNS];
    int nfix;
    uint32_t limit;      /* stop emitting past this many bytes */
    bool long64;         /* 64-bit mode: generated as 32-bit code (mode 32) plus REX */
} Gen;

static const uint32_t edge32[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000u,
    0x80000001u, 0xfffffffeu, 0xffffffffu, 0x0f0f0f0f, 0xf0f0f0f0u, 0x55555555, 0xaaaaaaaau,
};
#define NEDGE (sizeof edge32 / sizeof edge32[0])

static uint32_t rnd_edge(Gen *g) { return edge32[rng_below(g->rng, NEDGE)]; }

static uint32_t rnd_val(Gen *g)
{
    unsigned k = rng_below(g->rng, 100);
    if (k < 35)
        return rnd_edge(g);
    if (k < 50)
        return rng_below(g->rng, 64) - 16u;
    return rng_u32(g->rng);
}

/* A pointer into the data area (32-bit) or any offset (16-bit). */
static uint32_t rnd_ptr(Gen *g)
{
    if (g->mode == 16)
        return rng_below(g->rng, 0x10000);
    return DATA_LO + 0x100 + rng_below(g->rng, RAM_SIZE - DATA_LO - 0x300);
}

static void emit(Gen *g, uint8_t b)
{
    Stream *st = g->st;
    if (st->len < CODE_SIZE - CODE_PAD)
        st->code[st->len++] = b;
}

static void emit16(Gen *g, uint32_t v) { emit(g, (uint8_t)v); emit(g, (uint8_t)(v >> 8)); }
static void emit32(Gen *g, uint32_t v) { emit16(g, v); emit16(g, v >> 16); }
static void emitz(Gen *g, int osize, uint32_t v) { if (osize == 16) emit16(g, v); else emit32(g, v); }

static bool room(Gen *g) { return g->st->n < MAX_INSNS - 8 && g->st->len < g->limit; }

static void begin(Gen *g, int fam)
{
    Stream *st = g->st;
    st->start[st->n] = (uint16_t)st->len;
    st->fam[st->n] = (uint8_t)fam;
    g->open = true;
}

static void end(Gen *g)
{
    g->st->n++;
    g->st->start[g->st->n] = (uint16_t)g->st->len;
    g->open = false;
}

static void emit_op(Gen *g, uint16_t op)
{
    if (op > 0xff)
        emit(g, 0x0f);
    emit(g, (uint8_t)op);
}

/* Helper instruction: MOV reg, imm (full register in 32-bit mode; with wide,
 * a 32-bit MOV in 16-bit mode too). */
static void h_mov_reg(Gen *g, int reg, uint32_t v, bool wide)
{
    begin(g, FAM_MOV);
    if (g->mode == 16 && wide)
        emit(g, 0x66);
    emit(g, (uint8_t)(0xb8 + reg));
    if (g->mode == 32 || wide)
        emit32(g, v);
    else
        emit16(g, v);
    end(g);
}

static void h_mov_r8(Gen *g, int reg8, uint8_t v)
{
    begin(g, FAM_MOV);
    emit(g, (uint8_t)(0xb0 + reg8));
    emit(g, v);
    end(g);
}

static void h_simple(Gen *g, int fam, uint8_t b0)
{
    begin(g, fam);
    emit(g, b0);
    end(g);
}

/* Stores a word/dword at [SS:eSP + off] with MOV (16-bit: MOV BP, SP first). */
static void h_store_stack(Gen *g, int off, uint32_t v, int size)
{
    if (g->mode == 16) {
        begin(g, FAM_MOV);
        emit(g, 0x89); emit(g, 0xe5);
        end(g);
    }
    begin(g, FAM_MOV);
    if ((g->mode == 32) == (size == 2))
        emit(g, 0x66);
    if (g->mode == 32) {
        emit(g, 0xc7); emit(g, 0x44); emit(g, 0x24); emit(g, (uint8_t)off);
    } else {
        emit(g, 0xc7); emit(g, 0x46); emit(g, (uint8_t)off);
    }
    if (size == 2)
        emit16(g, v);
    else
        emit32(g, v);
    end(g);
}

static uint8_t seg_prefix(int seg)
{
    static const uint8_t segp[6] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
    return segp[seg];
}

/* ---- ModRM operands ---- */
typedef struct Operand {
    uint8_t bytes[8];
    int n;
    bool mem;
} Operand;

/* Chooses a ModRM operand with reg field `reg`; memory forms point into the
 * data area, reloading base/index registers with helper MOVs first when wanted. */
static void make_operand(Gen *g, Operand *o, int reg, int asize, int memwant)
{
    Rng *r = g->rng;
    o->n = 0;
    bool mem = memwant > 0 ? true : memwant < 0 ? false : rng_chance(r, 55);
    o->mem = mem;
    if (!mem) {
        o->bytes[o->n++] = (uint8_t)(0xc0 | reg << 3 | rng_below(r, 8));
        return;
    }
    if (asize == 32) {
        unsigned k = rng_below(r, 100);
        if (k < 22) {
            o->bytes[o->n++] = (uint8_t)(reg << 3 | 5);
            uint32_t p = g->mode == 32 ? rnd_ptr(g) : rng_below(r, 0xfff0);
            memcpy(o->bytes + o->n, &p, 4);
            o->n += 4;
            return;
        }
        int base = (int)rng_below(r, 8);
        bool sib = base == 4 || rng_chance(r, 35);
        int index = sib ? (int)rng_below(r, 8) : 4;
        int scale = sib ? (int)rng_below(r, 4) : 0;
        int mod = (int)rng_below(r, 3);
        if (base == 5 && mod == 0)
            mod = 1;
        bool reload = g->mode == 16 ? rng_chance(r, 70) : rng_chance(r, 40);
        if (reload && room(g)) {
            uint32_t p = g->mode == 32 ? rnd_ptr(g) : rng_below(r, 0x8000);
            if (base != 4 || g->mode == 16)
                h_mov_reg(g, base, p, true);
            if (index != 4 && index != base)
                h_mov_reg(g, index, rng_below(r, 64), true);
        }
        o->bytes[o->n++] = (uint8_t)(mod << 6 | reg << 3 | (sib ? 4 : base));
        if (sib)
            o->bytes[o->n++] = (uint8_t)(scale << 6 | index << 3 | base);
        if (mod == 1) {
            o->bytes[o->n++] = (uint8_t)rng_u32(r);
        } else if (mod == 2) {
            uint32_t d = rng_chance(r, 85) ? rng_below(r, 0x1000) - 0x800u : rng_u32(r);
            if (g->mode == 16)
                d = rng_below(r, 0x4000);
            memcpy(o->bytes + o->n, &d, 4);
            o->n += 4;
        }
        return;
    }
    /* 16-bit addressing */
    int rm = (int)rng_below(r, 8);
    int mod = (int)rng_below(r, 3);
    o->bytes[o->n++] = (uint8_t)(mod << 6 | reg << 3 | rm);
    if (mod == 0 && rm == 6) {
        uint16_t d = (uint16_t)rng_u32(r);
        memcpy(o->bytes + o->n, &d, 2);
        o->n += 2;
    } else if (mod == 1) {
        o->bytes[o->n++] = (uint8_t)rng_u32(r);
    } else if (mod == 2) {
        uint16_t d = (uint16_t)rng_u32(r);
        memcpy(o->bytes + o->n, &d, 2);
        o->n += 2;
    }
}

static void emit_operand(Gen *g, const Operand *o)
{
    for (int i = 0; i < o->n; i++)
        emit(g, o->bytes[i]);
}

static uint32_t rnd_imm8(Gen *g, bool count)
{
    static const uint8_t counts[] = { 0, 1, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 255 };
    if (count)
        return rng_chance(g->rng, 80) ? counts[rng_below(g->rng, sizeof counts)] : rng_below(g->rng, 256);
    return (uint8_t)rnd_val(g);
}

/* Prefixes shared by most templates. */
typedef struct Pfx {
    bool p66, p67, lock, rep, repne;
    int seg;
} Pfx;

static void choose_prefixes(Gen *g, const Tmpl *t, Pfx *p)
{
    Rng *r = g->rng;
    memset(p, 0, sizeof *p);
    p->seg = -1;
    if (!(t->f & (T_NO66 | T_BYTE)) && rng_chance(r, 22))
        p->p66 = true;
    if ((t->f & (T_M | T_MOFFS | T_STR)) && rng_chance(r, g->mode == 32 ? 8 : 12))
        p->p67 = true;
    if (g->long64 && (t->f & (T_REL8 | T_RELZ)))
        p->p66 = false;   /* near branches: Intel ignores 66 in 64-bit mode, AMD does not */
    if ((t->f & (T_M | T_MOFFS | T_STR)) && rng_chance(r, 15)) {
        p->seg = (int)rng_below(r, 6);
        if (p->seg == 1 && g->mode == 32 && rng_chance(r, 80))
            p->seg = 3;   /* CS is not writable there: mostly #GP */
    }
}

static void emit_prefixes(Gen *g, const Pfx *p)
{
    uint8_t v[6];
    int n = 0;
    if (p->lock) v[n++] = 0xf0;
    if (p->rep) v[n++] = 0xf3;
    if (p->repne) v[n++] = 0xf2;
    if (p->seg >= 0) v[n++] = seg_prefix(p->seg);
    if (p->p66) v[n++] = 0x66;
    if (p->p67) v[n++] = 0x67;
    /* random order */
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(g->rng, (uint32_t)i + 1);
        uint8_t x = v[i]; v[i] = v[j]; v[j] = x;
    }
    for (int i = 0; i < n; i++)
        emit(g, v[i]);
}

static void add_fixup(Gen *g, int size)
{
    Rng *r = g->rng;
    Fixup *f = &g->fix[g->nfix++];
    f->field = (uint16_t)g->st->len;
    f->size = (uint8_t)size;
    f->insn = (int16_t)g->st->n;
    int i = g->st->n;
    unsigned k = rng_below(r, 100);
    if (k < 70)
        f->target = (int16_t)(i + 1 + (int)rng_below(r, 4));
    else if (k < 85)
        f->target = (int16_t)(i - (int)rng_below(r, 4));
    else
        f->target = (int16_t)(i + 1);
    if (f->target < 0)
        f->target = 0;
    for (int b = 0; b < size; b++)
        emit(g, 0);
}

/* The generic template emitter. */
static void gen_generic(Gen *g, const Tmpl *t, const Pfx *pfx_in, int memwant)
{
    Rng *r = g->rng;
    Pfx p = *pfx_in;
    int osize = (g->mode == 32) ^ p.p66 ? 32 : 16;
    int asize = (g->mode == 32) ^ p.p67 ? 32 : 16;
    Operand o = { { 0 }, 0, false };
    uint16_t op = t->op;
    if (t->f & T_OPREG)
        op = (uint16_t)(op + rng_below(r, 8));
    if (t->f & T_M) {
        int reg = t->ext >= 0 ? t->ext : (int)rng_below(r, 8);
        if (t->f & T_MEMONLY)
            memwant = 1;
        else if (t->f & T_REGONLY)
            memwant = -1;
        make_operand(g, &o, reg, asize, memwant);
    }
    if (t->f & T_CL) {
        if (rng_chance(r, 60) && room(g))
            h_mov_r8(g, 1, (uint8_t)rnd_imm8(g, true));
    }
    if ((t->f & T_LOCK) && o.mem && rng_chance(r, g->fam == FAM_ATOMIC ? 40 : 8))
        p.lock = true;
    else if (!(t->f & T_NOLOCKTRY) && rng_chance(r, 1))
        p.lock = true;      /* mostly invalid: #UD */
    begin(g, t->fam);
    emit_prefixes(g, &p);
    bool imm64 = false;
    if (g->long64) {
        /* 64-bit mode: 67 selects 32-bit addressing (same ModRM forms), no
         * 16-bit; a REX prefix half of the time: W (64-bit operands; MOV
         * r64, imm64), R/X/B (R8-R15, SPL..DIL) */
        asize = p.p67 ? 32 : 64;
        if (rng_chance(r, 50)) {
            uint8_t rex = (uint8_t)(0x40 | rng_below(r, 16));
            emit(g, rex);
            if (rex & 8) {
                osize = 64;
                imm64 = op >= 0xb8 && op <= 0xbf;
            }
        }
    }
    emit_op(g, op);
    emit_operand(g, &o);
    if (t->f & T_I8)
        emit(g, (uint8_t)rnd_imm8(g, t->f & T_CNT));
    if (imm64) {
        emit32(g, rnd_val(g));
        emit32(g, rng_chance(r, 60) ? 0 : rnd_val(g));
    } else if (t->f & T_IZ) {
        emitz(g, osize, rnd_val(g));
    }
    if (t->f & T_I16)
        emit16(g, rnd_val(g));
    if (t->f & T_MOFFS) {
        uint32_t a = rnd_ptr(g);
        if (asize == 16)
            emit16(g, g->mode == 16 ? a : rng_below(r, 0x10000));
        else
            emit32(g, g->mode == 32 ? a : rng_below(r, 0xfff0));
        if (asize == 64)
            emit32(g, rng_chance(r, 95) ? 0 : rnd_val(g));
    }
    if (t->f & T_REL8)
        add_fixup(g, 1);
    if (t->f & T_RELZ)
        add_fixup(g, osize == 16 ? 2 : 4);
    end(g);
}

/* Return address into the stream for RET and friends: the offset that the
 * stream's instruction `idx` will have (patched later). */
typedef struct AddrFix { uint16_t field; uint8_t size; int16_t target; } AddrFix;
static AddrFix afix[MAX_INSNS];
static int nafix;

static void emit_addr_fix(Gen *g, int size, int target)
{
    AddrFix *a = &afix[nafix++];
    a->field = (uint16_t)g->st->len;
    a->size = (uint8_t)size;
    a->target = (int16_t)target;
    for (int i = 0; i < size; i++)
        emit(g, 0);
}

static int fwd_target(Gen *g) { return g->st->n + 2 + (int)rng_below(g->rng, 3); }

static void gen_special(Gen *g, const Tmpl *t, const Pfx *p0)
{
    Rng *r = g->rng;
    Pfx p = *p0;
    int osize = (g->mode == 32) ^ p.p66 ? 32 : 16;
    int asize = (g->mode == 32) ^ p.p67 ? 32 : 16;
    int sp16 = g->mode == 16;
    switch (t->fam) {
    case FAM_BRANCH:
        if (t->op == 0xc3 || t->op == 0xc2) {
            /* store a return address at [eSP], then RET (imm) */
            if (g->mode == 32 && rng_chance(r, 30))
                h_mov_reg(g, OR_ESP, rnd_ptr(g) & ~3u, false);
            int tgt = fwd_target(g) + 1;
            int size = osize / 8;
            if (sp16) {
                begin(g, FAM_MOV); emit(g, 0x89); emit(g, 0xe5); end(g);
                begin(g, FAM_MOV);
                if (size == 4) emit(g, 0x66);
                emit(g, 0xc7); emit(g, 0x46); emit(g, 0);
            } else {
                if (g->long64) {
                    /* 64-bit RET pops 8 bytes (66 ignored): zero the upper half */
                    p.p66 = false;
                    size = 4;
                    begin(g, FAM_MOV);
                    emit(g, 0xc7); emit(g, 0x44); emit(g, 0x24); emit(g, 4); emit32(g, 0);
                    end(g);
                }
                begin(g, FAM_MOV);
                if (size == 2) emit(g, 0x66);
                emit(g, 0xc7); emit(g, 0x04); emit(g, 0x24);
            }
            emit_addr_fix(g, size, tgt);
            end(g);
            begin(g, FAM_BRANCH);
            if (p.p66) emit(g, 0x66);
            emit(g, (uint8_t)t->op);
            if (t->op == 0xc2)
                emit16(g, rng_chance(r, 50) ? rng_below(r, 16) * 2 : rng_below(r, 0x10000));
            end(g);
            return;
        }
        /* FF /2, /4: register or memory target */
        {
            int tgt = fwd_target(g) + 1;
            bool mem = rng_chance(r, 50);
            int reg = (int)rng_below(r, 8);
            if (reg == OR_ESP)
                reg = OR_EAX;
            if (!mem) {
                begin(g, FAM_MOV);
                if (p.p66) emit(g, 0x66);
                emit(g, (uint8_t)(0xb8 + reg));
                emit_addr_fix(g, osize / 8, tgt);
                end(g);
                begin(g, FAM_BRANCH);
                if (p.p66) emit(g, 0x66);
                emit(g, 0xff);
                emit(g, (uint8_t)(0xc0 | t->ext << 3 | reg));
                end(g);
            } else {
                uint32_t a = rnd_ptr(g) & ~3u;
                begin(g, FAM_MOV);
                if (p.p66) emit(g, 0x66);
                emit(g, 0xc7);
                emit(g, sp16 ? 0x06 : 0x05);
                if (sp16) emit16(g, a); else emit32(g, a);
                emit_addr_fix(g, osize / 8, tgt);
                end(g);
                begin(g, FAM_BRANCH);
                if (p.p66) emit(g, 0x66);
                emit(g, 0xff);
                emit(g, (uint8_t)(t->ext << 3 | (sp16 ? 6 : 5)));
                if (sp16) emit16(g, a); else emit32(g, a);
                end(g);
            }
        }
        return;
    case FAM_MULDIV:
        if (rng_chance(r, 55) && room(g)) {
            /* make the quotient fit often: clear the high half */
            if (t->f & T_BYTE)
                h_mov_r8(g, 4, rng_chance(r, 70) ? 0 : (uint8_t)rng_u32(r));   /* AH */
            else
                h_mov_reg(g, OR_EDX, rng_chance(r, 70) ? 0 : rng_below(r, 16), false);
        }
        gen_generic(g, &(Tmpl){ t->fam, t->op, t->ext, t->f & ~T_SP }, &p, 0);
        return;
    case FAM_BCD:
        if (rng_chance(r, 60) && room(g)) {
            begin(g, FAM_MOV); emit(g, 0xb8); emitz(g, g->mode, rng_u32(r)); end(g);
            if (rng_chance(r, 60)) {
                /* an ADD/SUB to get AF/CF from real arithmetic */
                begin(g, FAM_ALU);
                emit(g, rng_chance(r, 50) ? 0x04 : 0x2c);
                emit(g, (uint8_t)rng_u32(r));
                end(g);
            }
        }
        begin(g, FAM_BCD);
        emit(g, (uint8_t)t->op);
        if (t->f & T_I8) {
            unsigned k = rng_below(r, 100);
            emit(g, k < 60 ? 10 : k < 70 ? 0 : (uint8_t)rng_u32(r));
        }
        end(g);
        return;
    case FAM_BIT:
        /* bit offset in a register: keep it near for memory forms */
        if (rng_chance(r, 60) && room(g)) {
            int reg = (int)rng_below(r, 8);
            if (reg != OR_ESP) {
                uint32_t v = rng_chance(r, 70) ? rng_below(r, 512) - 128u : rnd_edge(g);
                h_mov_reg(g, reg, v, false);
            }
        }
        gen_generic(g, &(Tmpl){ t->fam, t->op, t->ext, t->f & ~T_SP }, &p, 0);
        return;
    case FAM_ATOMIC: {
        if (t->op == 0x0fc7) {
            /* CMPXCHG8B: EDX:EAX equal to the operand half of the time */
            Operand o;
            make_operand(g, &o, 1, asize, 1);
            if (rng_chance(r, 50) && room(g)) {
                Operand o2 = o;
                begin(g, FAM_MOV);
                if (p.seg >= 0) emit(g, seg_prefix(p.seg));
                if (p.p67) emit(g, 0x67);
                emit(g, 0x8b);
                o2.bytes[0] = (uint8_t)(o2.bytes[0] & ~0x38);
                emit_operand(g, &o2);
                end(g);
            }
            if (rng_chance(r, 40))
                p.lock = true;
            begin(g, FAM_ATOMIC);
            emit_prefixes(g, &p);
            emit(g, 0x0f); emit(g, 0xc7);
            emit_operand(g, &o);
            end(g);
            return;
        }
        if ((t->op == 0x0fb0 || t->op == 0x0fb1) && rng_chance(r, 45) && room(g)) {
            /* make the accumulator equal to the destination: MOV eAX, dest */
            Operand o;
            int reg = (int)rng_below(r, 8);
            make_operand(g, &o, reg, asize, 0);
            Operand o2 = o;
            o2.bytes[0] = (uint8_t)(o2.bytes[0] & ~0x38);
            begin(g, FAM_MOV);
            if (p.p67 && o.mem) emit(g, 0x67);
            if (p.p66) emit(g, 0x66);
            emit(g, t->op == 0x0fb0 ? 0x8a : 0x8b);
            emit_operand(g, &o2);
            end(g);
            if (o.mem && rng_chance(r, 40))
                p.lock = true;
            p.seg = -1;
            begin(g, FAM_ATOMIC);
            emit_prefixes(g, &p);
            emit_op(g, t->op);
            emit_operand(g, &o);
            end(g);
            return;
        }
        gen_generic(g, &(Tmpl){ t->fam, t->op, t->ext, t->f & ~T_SP }, &p, 0);
        return;
    }
    case FAM_STRING: {
        if (t->op == 0xd7) {
            if (rng_chance(r, 70) && room(g))
                h_mov_reg(g, OR_EBX, g->mode == 32 ? rnd_ptr(g) : rng_below(r, 0x10000), asize == 32 && g->mode == 16);
            begin(g, FAM_STRING);
            emit_prefixes(g, &p);
            emit(g, 0xd7);
            end(g);
            return;
        }
        bool wide = asize == 32 && g->mode == 16;
        if (rng_chance(r, 70)) {
            unsigned k = rng_below(r, 100);
            if (k < 50) p.rep = true;
            else if (k < 75) p.repne = true;
        }
        if (rng_chance(r, 50) && room(g))
            h_mov_reg(g, OR_ESI, g->mode == 32 ? rnd_ptr(g) : rng_below(r, 0x10000), wide);
        if (rng_chance(r, 50) && room(g))
            h_mov_reg(g, OR_EDI, g->mode == 32 ? rnd_ptr(g) : rng_below(r, 0x10000), wide);
        if ((p.rep || p.repne) && room(g)) {
            uint32_t n = rng_chance(r, 90) ? rng_below(r, 40) : rng_below(r, 300);
            if (g->mode == 16 && !wide)
                n |= rng_u32(r) & 0xffff0000u;   /* only CX counts */
            h_mov_reg(g, OR_ECX, n, wide || g->mode == 32);
        }
        if (rng_chance(r, 30))
            h_simple(g, FAM_MISC, rng_chance(r, 50) ? 0xfc : 0xfd);
        if (rng_chance(r, 20) && (t->op == 0xae || t->op == 0xaf || t->op == 0xa6 || t->op == 0xa7) && room(g))
            h_mov_reg(g, OR_EAX, rnd_val(g), false);
        begin(g, FAM_STRING);
        emit_prefixes(g, &p);
        emit(g, (uint8_t)t->op);
        end(g);
        return;
    }
    case FAM_STACK: {
        if (rng_chance(r, 20) && room(g))
            h_mov_reg(g, OR_ESP, g->mode == 32 ? (rnd_ptr(g) & ~3u) + (rng_chance(r, 10) ? 2 : 0) : rng_below(r, 0x10000) & ~1u, false);
        if (t->op == 0xc9 || t->op == 0xc8) {
            if (rng_chance(r, 70) && room(g))
                h_mov_reg(g, OR_EBP, g->mode == 32 ? (rnd_ptr(g) & ~3u) : rng_below(r, 0x10000), false);
        }
        if (t->op == 0xc8) {
            begin(g, FAM_STACK);
            if (p.p66) emit(g, 0x66);
            emit(g, 0xc8);
            emit16(g, rng_chance(r, 70) ? rng_below(r, 64) : rng_u32(r));
            unsigned k = rng_below(r, 100);
            emit(g, k < 40 ? 0 : k < 60 ? 1 : k < 85 ? (uint8_t)rng_below(r, 8) : (uint8_t)rng_u32(r));
            end(g);
            return;
        }
        if (t->op == 0x8f || (t->op == 0xff && t->ext == 6)) {
            gen_generic(g, &(Tmpl){ t->fam, t->op, t->ext, t->f & ~T_SP }, &p, 0);
            return;
        }
        gen_generic(g, &(Tmpl){ t->fam, t->op, t->ext, t->f & ~T_SP }, &(Pfx){ p.p66, false, false, false, false, -1 }, 0);
        return;
    }
    case FAM_FLAGS:
        if (t->op == 0x9d && rng_chance(r, 70)) {
            /* a flags image without TF (and mostly with the reserved bits as
             * they read), in the slot POPF pops */
            uint32_t v = rng_u32(r) & ~0x100u;
            if (rng_chance(r, 70))
                v &= 0x0cd5;
            h_store_stack(g, 0, v, osize / 8);
        }
        if (t->op == 0x9e && rng_chance(r, 50))
            h_mov_r8(g, 4, (uint8_t)rng_u32(r));
        begin(g, FAM_FLAGS);
        if (p.p66) emit(g, 0x66);
        emit(g, (uint8_t)t->op);
        end(g);
        return;
    case FAM_SEGMENT: {
        static const uint16_t sel32[] = { 0x10, 0x10, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x40,
                                          0x48, 0x08, 0x00, 0x03, 0x13, 0x12, 0x50, 0x1b, 0x2b };
        uint16_t sel = g->mode == 32 ? sel32[rng_below(r, sizeof sel32 / sizeof sel32[0])]
                                     : (uint16_t)(rng_chance(r, 80) ? 0x1000 + rng_below(r, 0xe000) : rng_u32(r));
        bool load = t->op == 0x8e || t->op == 0x07 || t->op == 0x17 || t->op == 0x1f ||
                    t->op == 0x0fa1 || t->op == 0x0fa9;
        bool lptr = t->op == 0xc4 || t->op == 0xc5 || t->op == 0x0fb2 || t->op == 0x0fb4 || t->op == 0x0fb5;
        if (t->op == 0x8e || t->op == 0x8c) {
            int sreg = (int)rng_below(r, 100) < 6 ? 6 + (int)rng_below(r, 2) : (int)rng_below(r, 6);
            if (t->op == 0x8e && sreg == 1 && rng_chance(r, 70))
                sreg = 3;
            Operand o;
            if (t->op == 0x8e) {
                /* source: a register loaded with sel, or memory holding it */
                make_operand(g, &o, sreg, asize, rng_chance(r, 70) ? -1 : 1);
                if (!o.mem) {
                    int rr = o.bytes[0] & 7;
                    if (rr != OR_ESP)
                        h_mov_reg(g, rr, (rng_u32(r) & 0xffff0000u) | sel, false);
                }
            } else {
                make_operand(g, &o, sreg, asize, 0);
            }
            begin(g, FAM_SEGMENT);
            emit_prefixes(g, &p);
            emit(g, (uint8_t)t->op);
            emit_operand(g, &o);
            end(g);
            return;
        }
        if (load && rng_chance(r, 75))
            h_store_stack(g, 0, sel, osize / 8);
        if (lptr) {
            Operand o;
            make_operand(g, &o, (int)rng_below(r, 8), asize, 1);
            /* store offset:selector at the operand when it is an absolute address */
            if ((o.bytes[0] & 0xc7) == (asize == 32 ? 5 : 6) && p.seg < 0 && rng_chance(r, 80)) {
                uint32_t a = 0;
                memcpy(&a, o.bytes + 1, asize / 8);
                int off = osize / 8;
                begin(g, FAM_MOV);
                if (p.p67) emit(g, 0x67);
                if (g->mode == 32) emit(g, 0x66);
                emit(g, 0xc7);
                emit(g, (uint8_t)(asize == 32 ? 5 : 6));
                if (asize == 32) emit32(g, a + (uint32_t)off); else emit16(g, a + (uint32_t)off);
                emit16(g, sel);
                end(g);
            }
            begin(g, FAM_SEGMENT);
            emit_prefixes(g, &p);
            emit_op(g, t->op);
            emit_operand(g, &o);
            end(g);
            return;
        }
        begin(g, FAM_SEGMENT);
        if (p.p66) emit(g, 0x66);
        emit_op(g, t->op);
        end(g);
        return;
    }
    case FAM_FAR: {
        /* real mode: targets are instructions of the stream seen through
         * another CS (CS - k, IP + 16k) */
        uint16_t k = (uint16_t)rng_below(r, 16);
        int tgt = fwd_target(g) + 1;
        if (t->op == 0xea || t->op == 0x9a) {
            begin(g, FAM_FAR);
            if (p.p66) emit(g, 0x66);
            emit(g, (uint8_t)t->op);
            emit_addr_fix(g, osize / 8, tgt);
            afix[nafix - 1].target |= (int16_t)(k << 10);   /* offset + 16k */
            emit16(g, CODE_SEG16 - k);
            end(g);
            return;
        }
        if (t->op == 0xcb || t->op == 0xca || t->op == 0xcf) {
            int size = osize / 8;
            begin(g, FAM_MOV); emit(g, 0x89); emit(g, 0xe5); end(g);
            begin(g, FAM_MOV);
            if (size == 4) emit(g, 0x66);
            emit(g, 0xc7); emit(g, 0x46); emit(g, 0);
            emit_addr_fix(g, size, tgt + 2 + (t->op == 0xcf));
            end(g);
            begin(g, FAM_MOV);
            if (size == 4) emit(g, 0x66);
            emit(g, 0xc7); emit(g, 0x46); emit(g, (uint8_t)size);
            if (size == 4) emit32(g, CODE_SEG16); else emit16(g, CODE_SEG16);
            end(g);
            if (t->op == 0xcf) {
                begin(g, FAM_MOV);
                if (size == 4) emit(g, 0x66);
                emit(g, 0xc7); emit(g, 0x46); emit(g, (uint8_t)(2 * size));
                uint32_t fl = rng_u32(r) & 0x0cd5;
                if (size == 4) emit32(g, fl | (rng_u32(r) & 0x00250000u)); else emit16(g, fl);
                end(g);
            }
            begin(g, FAM_FAR);
            if (p.p66) emit(g, 0x66);
            emit(g, (uint8_t)t->op);
            if (t->op == 0xca)
                emit16(g, rng_below(r, 8) * 2);
            end(g);
            return;
        }
        /* FF /3, /5: far pointer in memory */
        uint32_t a = rng_below(r, 0xfff0);
        int size = osize / 8;
        begin(g, FAM_MOV);
        if (size == 4) emit(g, 0x66);
        emit(g, 0xc7); emit(g, 0x06); emit16(g, a);
        emit_addr_fix(g, size, tgt + 1);
        end(g);
        begin(g, FAM_MOV);
        emit(g, 0xc7); emit(g, 0x06); emit16(g, a + (uint32_t)size);
        emit16(g, CODE_SEG16);
        end(g);
        begin(g, FAM_FAR);
        if (p.p66) emit(g, 0x66);
        emit(g, 0xff); emit(g, (uint8_t)(t->ext << 3 | 6)); emit16(g, a);
        end(g);
        return;
    }
    }
}

/* ---- edge cases ---- */
static void gen_edge(Gen *g)
{
    Rng *r = g->rng;
    unsigned k = rng_below(r, 6);
    int w = rng_chance(r, 50) ? 32 : 16;
    bool p66 = (g->mode == 32) != (w == 32);
    switch (k) {
    case 0: {   /* ADC/SBB with CF set or clear */
        h_mov_reg(g, OR_EAX, rnd_edge(g), false);
        h_mov_reg(g, OR_EBX, rnd_edge(g), false);
        h_simple(g, FAM_MISC, rng_chance(r, 60) ? 0xf9 : 0xf8);
        begin(g, FAM_ALU);
        if (p66) emit(g, 0x66);
        emit(g, rng_chance(r, 50) ? 0x11 : 0x19);
        emit(g, 0xd8);
        end(g);
        return;
    }
    case 1: {   /* shifts/rotates by CL with the interesting counts */
        static const uint8_t cnt[] = { 0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33 };
        h_mov_reg(g, OR_EAX, rnd_edge(g), false);
        h_mov_r8(g, 1, cnt[rng_below(r, sizeof cnt)]);
        h_simple(g, FAM_MISC, rng_chance(r, 50) ? 0xf9 : 0xf8);
        begin(g, FAM_SHIFT);
        bool byte = rng_chance(r, 30);
        if (p66 && !byte) emit(g, 0x66);
        emit(g, byte ? 0xd2 : 0xd3);
        emit(g, (uint8_t)(0xc0 | rng_below(r, 8) << 3));
        end(g);
        return;
    }
    case 2: {   /* division at the overflow boundary */
        static const uint32_t num[] = { 0x80000000u, 0x7fffffff, 0xffffffffu, 0, 1 };
        h_mov_reg(g, OR_EAX, num[rng_below(r, 5)], false);
        h_mov_reg(g, OR_EDX, rng_chance(r, 50) ? 0xffffffffu : 0, false);
        h_mov_reg(g, OR_ECX, rng_chance(r, 50) ? 0xffffffffu : rnd_edge(g), false);
        begin(g, FAM_MULDIV);
        if (p66) emit(g, 0x66);
        emit(g, rng_chance(r, 25) ? 0xf6 : 0xf7);
        emit(g, (uint8_t)(0xc1 | (6 + rng_below(r, 2)) << 3));
        end(g);
        return;
    }
    case 3: {   /* DAA/DAS/AAA/AAS over AL with AF/CF from an explicit flags image */
        static const uint8_t ops[] = { 0x27, 0x2f, 0x37, 0x3f };
        h_mov_reg(g, OR_EAX, rng_u32(r), false);
        /* SAHF: AH holds the flags to load (CF, AF, others) */
        h_mov_r8(g, 4, (uint8_t)(rng_u32(r) & 0xd5));
        h_simple(g, FAM_FLAGS, 0x9e);
        h_mov_reg(g, OR_EAX, (rng_u32(r) & 0xffffff00u) | rng_below(r, 256), false);
        h_simple(g, FAM_BCD, ops[rng_below(r, 4)]);
        return;
    }
    case 4: {   /* MUL/IMUL at the overflow boundary */
        h_mov_reg(g, OR_EAX, rnd_edge(g), false);
        h_mov_reg(g, OR_EBX, rnd_edge(g), false);
        begin(g, FAM_MULDIV);
        if (p66) emit(g, 0x66);
        unsigned v = rng_below(r, 3);
        if (v == 0) { emit(g, 0xf7); emit(g, (uint8_t)(0xc3 | (4 + rng_below(r, 2)) << 3)); }
        else if (v == 1) { emit(g, 0x0f); emit(g, 0xaf); emit(g, 0xc3); }
        else { emit(g, 0x6b); emit(g, 0xc3); emit(g, (uint8_t)rnd_edge(g)); }
        end(g);
        return;
    }
    default: {  /* INC/DEC/NEG at the sign boundary, keeping CF */
        h_mov_reg(g, OR_EAX, rnd_edge(g), false);
        h_simple(g, FAM_MISC, rng_chance(r, 50) ? 0xf9 : 0xf8);
        begin(g, FAM_ALU);
        if (p66) emit(g, 0x66);
        unsigned v = rng_below(r, 3);
        emit(g, 0xf7 + (v < 2 ? 8 : 0));
        emit(g, (uint8_t)(v == 0 ? 0xc0 : v == 1 ? 0xc8 : 0xd8));
        end(g);
        return;
    }
    }
}

/* ---- streams ---- */
static void init_regs(Gen *g, Regs *r)
{
    Rng *rng = g->rng;
    memset(r, 0, sizeof *r);
    for (int i = 0; i < 8; i++) {
        unsigned k = rng_below(rng, 100);
        uint32_t v;
        if (g->mode == 32)
            v = k < 55 ? rnd_ptr(g) : k < 75 ? rng_below(rng, 256) : rnd_edge(g);
        else
            v = k < 80 ? rng_below(rng, 0x10000) : k < 90 ? (uint32_t)rnd_edge(g) : rng_u32(rng);
        r->r[i] = v;
    }
    if (g->mode == 32) {
        r->r[OR_ESP] = 0x80000 + (rng_below(rng, 0x70000) & ~3u);
        r->eip = CODE_LIN;
        r->seg[OS_CS] = 0x08;
        r->seg[OS_ES] = r->seg[OS_SS] = r->seg[OS_DS] = r->seg[OS_FS] = r->seg[OS_GS] = 0x10;
    } else {
        r->r[OR_ESP] = (rng_below(rng, 0x10000) & ~1u) | (rng_chance(rng, 5) ? 1 : 0);
        r->eip = 0;
        r->seg[OS_CS] = CODE_SEG16;
        for (int i = 0; i < 6; i++)
            if (i != OS_CS)
                r->seg[i] = (uint16_t)(0x1000 + rng_below(rng, 0xf000));
        if (rng_chance(rng, 30))
            r->seg[OS_ES] = r->seg[OS_DS];
    }
    r->eflags = 2 | (rng_u32(rng) & 0x8d5) | (rng_chance(rng, 20) ? 0x400 : 0) | (rng_chance(rng, 30) ? 0x200 : 0);
    if (g->long64) {
        /* R8-R15 like the others; now and then a full 64-bit value */
        for (int i = 0; i < 8; i++) {
            unsigned k = rng_below(rng, 100);
            r->x[i] = k < 45 ? rnd_ptr(g) : k < 65 ? rng_below(rng, 256) : k < 80 ? rnd_edge(g)
                    : rng_next(rng);
            if (rng_chance(rng, 8))
                r->hi[i] = rng_chance(rng, 50) ? 0xffffffffu : rng_u32(rng);
        }
        r->seg[OS_CS] = 0x08;   /* 64-bit code in the 64-bit GDT */
    }
}

static const Tmpl *pick(Gen *g, int family)
{
    int cand[NTMPL], n = 0;
    uint32_t skip = g->long64 ? T_NO64 : T_ONLY64;
    for (int i = 0; i < NTMPL; i++)
        if (tmpls[i].fam == family && !(tmpls[i].f & skip))
            cand[n++] = i;
    if (!n)
        return NULL;
    return &tmpls[cand[rng_below(g->rng, (uint32_t)n)]];
}

void gen_stream(Rng *rng, int mode, int family, Stream *st)
{
    uint32_t old = st->len < CODE_SIZE - CODE_PAD ? st->len : CODE_SIZE - CODE_PAD;
    memset(st->code, 0, old + CODE_PAD);       /* what the last use left */
    memset((uint8_t *)st + offsetof(Stream, len), 0, sizeof *st - offsetof(Stream, len));
    st->len = 0;
    st->n = 0;
    st->npoke = 0;
    st->family = family;
    Gen g = { rng, mode == 64 ? 32 : mode, st, family, false, { { 0 } }, 0, 0, mode == 64 };
    nafix = 0;
    init_regs(&g, &st->init);
    if (family == FAM_SSE || family == FAM_MMX) {
        gen_simd_stream(rng, mode, family, st);
        memset(st->code + st->len, 0xf4, CODE_PAD);
        return;
    }
    if (family == FAM_X87) {
        gen_x87_stream(rng, mode, st);
        memset(st->code + st->len, 0xf4, CODE_PAD);
        return;
    }
    if (family == FAM_RANDOM) {
        st->random = true;
        st->len = 48;
        for (uint32_t i = 0; i < st->len; i++)
            st->code[i] = (uint8_t)rng_u32(rng);
        memset(st->code + st->len, 0xf4, CODE_PAD);
        /* bias: some prefixes and 0F escapes */
        if (rng_chance(rng, 25)) st->code[0] = 0x0f;
        else if (rng_chance(rng, 20)) st->code[0] = 0x66;
        return;
    }
    int want = 24 + (int)rng_below(rng, 24);
    g.limit = 1200;
    if (mode == 32 && family == FAM_FAR)
        family = FAM_ALU;
    while (st->n < want && room(&g)) {
        if (family == FAM_EDGE) {
            gen_edge(&g);
            continue;
        }
        /* mostly the family, with some ALU/MOV around it to vary the state */
        int f = family;
        if (rng_chance(rng, 15))
            f = rng_chance(rng, 50) ? FAM_ALU : FAM_MOV;
        const Tmpl *t = pick(&g, f);
        if (!t)
            break;
        Pfx p;
        choose_prefixes(&g, t, &p);
        if (t->f & T_SP)
            gen_special(&g, t, &p);
        else
            gen_generic(&g, t, &p, 0);
    }
    /* branch fixups */
    uint32_t base = mode != 16 ? CODE_LIN : 0;
    for (int i = 0; i < g.nfix; i++) {
        Fixup *f = &g.fix[i];
        int tgt = f->target > st->n ? st->n : f->target;
        int64_t rel = (int64_t)st->start[tgt] - (int64_t)st->start[f->insn + 1];
        if (f->size == 1 && (rel < -128 || rel > 127))
            rel = 0;
        for (int b = 0; b < f->size; b++)
            st->code[f->field + b] = (uint8_t)((uint64_t)rel >> (8 * b));
    }
    for (int i = 0; i < nafix; i++) {
        AddrFix *a = &afix[i];
        int tgt = a->target & 0x3ff;
        unsigned k = (unsigned)(a->target >> 10) & 0xf;
        if (tgt > st->n)
            tgt = st->n;
        uint32_t v = base + st->start[tgt] + k * 16;
        for (int b = 0; b < a->size; b++)
            st->code[a->field + b] = (uint8_t)(v >> (8 * b));
    }
    /* LOCK forms that crash Unicorn's translator: drop the LOCK (DS instead) */
    for (int i = 0; i < st->n; i++) {
        InsnInfo ii;
        uint8_t *b = st->code + st->start[i];
        insn_info(b, st->start[i + 1] - st->start[i], mode, &ii);
        if (ii.len && unicorn_crash_filter(&ii, false))
            for (int k = 0; k < ii.len; k++)
                if (b[k] == 0xf0) { b[k] = 0x3e; break; }
    }
    /* filler after the code: HLT ends Unicorn's translation block there */
    memset(st->code + st->len, 0xf4, CODE_PAD);
}
