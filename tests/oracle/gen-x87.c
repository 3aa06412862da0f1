/* Streams of the x87 family: the D8-DF register and memory forms and
 * WAIT, on a register stack that starts with a random TOP, some empty
 * registers and a mix of special values (zeros, denormals and
 * pseudo-denormals, unnormals, infinities, QNaN/SNaN, the real indefinite,
 * limits of the integer conversions, halves for the rounding ties) and
 * random numbers.  CW keeps every exception masked (Unicorn raises no #MF)
 * but varies the rounding and precision control, also mid-stream through
 * FLDCW of a word the stream stores first.  Left out: FLDENV/FRSTOR/
 * FNSTENV/FNSAVE (their images hold FIP/FDP, which QEMU does not keep as
 * the x87 does); the guest test tests/guests/x87.asm covers them.  Memory operands are [EBX]/[BX]
 * (+disp8), EBX reloaded now and then into the random-filled data area. */
#include <string.h>

#include "tests/oracle/oracle.h"

typedef struct X87Val {
    uint16_t se;
    uint64_t mant;
} X87Val;

static const X87Val specials[] = {
    { 0x0000, 0 }, { 0x8000, 0 }, { 0x3fff, 1ull << 63 }, { 0xbfff, 1ull << 63 },
    { 0x4000, 0xc90fdaa22168c235ull }, { 0x3ffe, 1ull << 63 }, { 0x3fff, 0xc000000000000000ull },
    { 0x4000, 0xa000000000000000ull }, { 0x403e, 1ull << 63 }, { 0xc03e, 1ull << 63 },
    { 0x401d, 0xffffffff00000000ull }, { 0x400e, 0xfffe000000000000ull }, { 0x7ffe, ~0ull },
    { 0x0001, 1ull << 63 }, { 0x0000, 1 }, { 0x8000, 0x7fffffffffffffffull }, { 0x0000, 1ull << 63 },
    { 0x7fff, 1ull << 63 }, { 0xffff, 1ull << 63 }, { 0x7fff, 0xc000000000000001ull },
    { 0xffff, 0xc000000000000000ull }, { 0x7fff, 0xa000000000000000ull }, { 0x4000, 0x4000000000000000ull },
    { 0x7fff, 0x4000000000000000ull }, { 0x4039, 0xde0b6b3a763ffff0ull }, { 0x3c00, 0x8000000000000001ull },
};
#define NSPEC (sizeof specials / sizeof specials[0])

static X87Val rnd_val(Rng *r)
{
    X87Val v;
    unsigned k = rng_below(r, 100);
    if (k < 40)
        return specials[rng_below(r, NSPEC)];
    v.mant = (uint64_t)rng_u32(r) << 32 | rng_u32(r) | 1ull << 63;
    if (rng_chance(r, 30))
        v.mant &= ~0ull << rng_below(r, 64);        /* short significands: exact cases */
    unsigned span = k < 85 ? 8 : k < 95 ? 80 : 16000;
    v.se = (uint16_t)(0x3fff + rng_below(r, 2 * span + 1) - span);
    if (rng_chance(r, 50))
        v.se |= 0x8000;
    return v;
}

static void init_x87(Rng *r, X87Regs *f)
{
    static const uint16_t pc[3] = { 0x0000, 0x0200, 0x0300 };
    f->cw = 0x037f;
    if (rng_chance(r, 40))
        f->cw = (uint16_t)((f->cw & ~0x0f00u) | rng_below(r, 4) << 10 | pc[rng_below(r, 3)]);
    f->sw = (uint16_t)(rng_below(r, 8) << 11);
    f->tag = 0;
    f->fop = 0;
    for (int i = 0; i < 8; i++) {
        X87Val v = rnd_val(r);
        f->mant[i] = v.mant;
        f->se[i] = v.se;
        if (rng_chance(r, 92))      /* mostly full: few stack faults end the stream */
            f->tag |= (uint16_t)(1u << i);
    }
}

/* Register forms: second-byte ranges per opcode. */
static const struct { uint8_t op, lo, hi; } reg_forms[] = {
    { 0xd8, 0xc0, 0xff }, { 0xd9, 0xc0, 0xd0 }, { 0xd9, 0xd8, 0xe1 }, { 0xd9, 0xe4, 0xe5 },
    { 0xd9, 0xe8, 0xee }, { 0xd9, 0xf0, 0xff }, { 0xda, 0xc0, 0xdf }, { 0xda, 0xe9, 0xe9 },
    { 0xdb, 0xc0, 0xdf }, { 0xdb, 0xe0, 0xe4 }, { 0xdb, 0xe8, 0xf7 }, { 0xdc, 0xc0, 0xff },
    { 0xdd, 0xc0, 0xc7 }, { 0xdd, 0xd0, 0xef }, { 0xde, 0xc0, 0xcf }, { 0xde, 0xd9, 0xd9 },
    { 0xde, 0xe0, 0xff }, { 0xdf, 0xe0, 0xe0 }, { 0xdf, 0xe8, 0xf7 },
};
#define NREG (sizeof reg_forms / sizeof reg_forms[0])

/* Memory forms: opcode and the ModRM.reg values used. */
static const struct { uint8_t op, regs; } mem_forms[] = {
    { 0xd8, 0xff }, { 0xd9, 0x8d /* 0 2 3 7 */ }, { 0xda, 0xff }, { 0xdb, 0xaf /* 0-3 5 7 */ },
    { 0xdc, 0xff }, { 0xdd, 0x8f /* 0-3 7 */ }, { 0xde, 0xff }, { 0xdf, 0xff },
};
#define NMEM (sizeof mem_forms / sizeof mem_forms[0])

typedef struct XGen {
    Rng *r;
    int mode;
    Stream *st;
} XGen;

static void emit(XGen *g, uint8_t b)
{
    if (g->st->len < CODE_SIZE - CODE_PAD)
        g->st->code[g->st->len++] = b;
}

static void begin(XGen *g, int fam)
{
    g->st->start[g->st->n] = (uint16_t)g->st->len;
    g->st->fam[g->st->n] = (uint8_t)fam;
}

static void end(XGen *g)
{
    g->st->n++;
    g->st->start[g->st->n] = (uint16_t)g->st->len;
}

/* MOV EBX, pointer (BX in 16-bit mode). */
static void load_pointer(XGen *g)
{
    uint32_t p = g->mode == 16 ? rng_below(g->r, 0xff00)
                               : DATA_LO + 0x100 + rng_below(g->r, RAM_SIZE - DATA_LO - 0x300);
    begin(g, FAM_MOV);
    emit(g, 0xbb);
    emit(g, (uint8_t)p);
    emit(g, (uint8_t)(p >> 8));
    if (g->mode != 16) {
        emit(g, (uint8_t)(p >> 16));
        emit(g, (uint8_t)(p >> 24));
    }
    end(g);
}

static void emit_reg_form(XGen *g)
{
    unsigned k = rng_below(g->r, NREG);
    begin(g, FAM_X87);
    emit(g, reg_forms[k].op);
    emit(g, (uint8_t)(reg_forms[k].lo + rng_below(g->r, reg_forms[k].hi - reg_forms[k].lo + 1u)));
    end(g);
}

static void emit_mem_form(XGen *g)
{
    Rng *r = g->r;
    unsigned k = rng_below(r, NMEM), reg;
    do
        reg = rng_below(r, 8);
    while (!((mem_forms[k].regs >> reg) & 1));
    if (rng_chance(r, 25))
        load_pointer(g);
    begin(g, FAM_X87);
    emit(g, mem_forms[k].op);
    unsigned rm = g->mode == 16 ? 7 : 3;
    bool disp = rng_chance(r, 30);
    emit(g, (uint8_t)((disp ? 0x40 : 0) | reg << 3 | rm));
    if (disp)
        emit(g, (uint8_t)rng_below(r, 256));
    end(g);
}

/* MOV WORD [EBX], cw; FLDCW [EBX] with every exception masked. */
static void emit_fldcw(XGen *g)
{
    static const uint16_t pc[3] = { 0x0000, 0x0200, 0x0300 };
    uint16_t cw = (uint16_t)(0x007f | rng_below(g->r, 4) << 10 | pc[rng_below(g->r, 3)]);
    unsigned rm = g->mode == 16 ? 7 : 3;
    begin(g, FAM_MOV);
    if (g->mode != 16)
        emit(g, 0x66);
    emit(g, 0xc7);
    emit(g, (uint8_t)rm);
    emit(g, (uint8_t)cw);
    emit(g, (uint8_t)(cw >> 8));
    end(g);
    begin(g, FAM_X87);
    emit(g, 0xd9);
    emit(g, (uint8_t)(5 << 3 | rm));
    end(g);
}

void gen_x87_stream(Rng *rng, int mode, Stream *st)
{
    XGen g = { rng, mode, st };
    init_x87(rng, &st->init.f);
    load_pointer(&g);
    int want = 24 + (int)rng_below(rng, 24);
    while (st->n < want && st->len < 1200) {
        unsigned k = rng_below(rng, 100);
        if (k < 55)
            emit_reg_form(&g);
        else if (k < 94)
            emit_mem_form(&g);
        else if (k < 97)
            emit_fldcw(&g);
        else {
            begin(&g, FAM_X87);
            emit(&g, 0x9b);     /* WAIT: nothing pending with every exception masked */
            end(&g);
        }
    }
}
