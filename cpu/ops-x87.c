/* x87 instructions D8-DF and WAIT: loads and stores, arithmetic,
 * comparisons, the stack, constants and the functions of D9 E0-FF.  The
 * arithmetic itself is fpu-arith.c; this file applies the stack rules
 * (overflow/underflow: IE+SF, C1; masked responses), merges the exception
 * flags, honours unmasked IE/DE/ZE (no result) and commits only after the
 * last possible memory fault.  Control and environment instructions are in
 * ops-x87-env.c. */
#include "cpu/ops-x87.h"

/* ---- stack faults ---- */

/* Stack underflow (an empty operand): IE+SF, C1 = 0.  True when masked:
 * the instruction then proceeds with the real indefinite. */
static bool underflow(FpCtx *c)
{
    c->ex |= FE_IE | FE_SF;
    c->c1 = false;
    return c->cw & FE_IE;
}

/* Pushes v unless ST(7) is full: overflow is IE+SF with C1 = 1 and, masked,
 * pushes the real indefinite. */
static void push_checked(Fpu *f, FpCtx *c, Float80 v)
{
    if (!st_empty(f, 7)) {
        c->ex |= FE_IE | FE_SF;
        c->c1 = true;
        if (!(c->cw & FE_IE))
            return;
        v = f80_indefinite;
    }
    fpu_push(f, v);
}

/* ---- memory operands ---- */

static Float80 rd80(Cpu *cpu, const Insn *in)
{
    uint64_t off = insn_ea(cpu, in);
    Float80 v;
    v.mant = rd64(cpu, in->seg, off);
    v.se = rd16(cpu, in->seg, off + 8);
    return v;
}

static void wr80(Cpu *cpu, const Insn *in, Float80 v)
{
    uint8_t b[10];
    memcpy(b, &v.mant, 8);
    memcpy(b + 8, &v.se, 2);
    fpu_store_bytes(cpu, in->seg, insn_ea(cpu, in), b, 10);
}

/* Memory source operands of the arithmetic groups, by opcode: D8 m32real,
 * DA m32int, DC m64real, DE m16int. */
static Float80 rd_src(Cpu *cpu, const Insn *in, FpCtx *c)
{
    uint64_t off = insn_ea(cpu, in);
    switch (in->op) {
    case 0xd8: return f80_from_f32(c, rd32(cpu, in->seg, off));
    case 0xdc: return f80_from_f64(c, rd64(cpu, in->seg, off));
    case 0xda: return f80_from_int((int32_t)rd32(cpu, in->seg, off));
    default: return f80_from_int((int16_t)rd16(cpu, in->seg, off));
    }
}

/* ---- arithmetic: ModRM.reg 0 FADD 1 FMUL 2 FCOM 3 FCOMP 4 FSUB 5 FSUBR 6 FDIV 7 FDIVR ---- */

static Float80 binop(FpCtx *c, unsigned op, Float80 x, Float80 y)
{
    switch (op) {
    case 0: return f80_add(c, x, y);
    case 1: return f80_mul(c, x, y);
    case 4: return f80_sub(c, x, y);
    case 5: return f80_sub(c, y, x);
    case 6: return f80_div(c, x, y);
    default: return f80_div(c, y, x);
    }
}

/* Sets the condition codes (or EFLAGS) of a comparison and pops. */
static void compare(Cpu *cpu, FpCtx *c, Float80 x, Float80 y, bool empty, bool quiet,
                    bool eflags, int pops)
{
    Fpu *f = &cpu->fpu;
    uint16_t cc;
    if (empty) {
        if (!underflow(c)) {
            fpu_finish(cpu, c);
            return;
        }
        cc = FCMP_UN;
    } else {
        cc = f80_compare(c, x, y, quiet);
        if (fp_no_result(c)) {
            fpu_finish(cpu, c);
            return;
        }
    }
    if (eflags)
        lf_set(cpu, (cc & FSW_C0 ? F_CF : 0) | (cc & FSW_C2 ? F_PF : 0) | (cc & FSW_C3 ? F_ZF : 0));
    else
        f->sw = (uint16_t)((f->sw & ~(FSW_C0 | FSW_C2 | FSW_C3)) | cc);
    c->c1 = false;
    fpu_finish(cpu, c);
    while (pops--)
        fpu_pop(f);
}

/* ST(d) = x op y, then pops. */
static void arith(Cpu *cpu, FpCtx *c, unsigned op, unsigned d, Float80 x, Float80 y,
                  bool empty, bool pop)
{
    Fpu *f = &cpu->fpu;
    Float80 r = f80_indefinite;
    if (empty ? !underflow(c) : (r = binop(c, op, x, y), fp_no_result(c))) {
        fpu_finish(cpu, c);
        return;
    }
    st_set(f, d, r);
    fpu_finish(cpu, c);
    if (pop)
        fpu_pop(f);
}

/* D8/DA/DC/DE memory forms: ST(0) = ST(0) op mem. */
static INSN(x87_arith_m)
{
    fpu_enter(cpu, true);
    Fpu *f = &cpu->fpu;
    FpCtx c = fp_ctx(f->cw);
    Float80 src = rd_src(cpu, in, &c);
    fpu_note(cpu, in, true);
    unsigned op = (in->modrm >> 3) & 7;
    bool empty = st_empty(f, 0);
    if (!empty && fp_no_result(&c)) {     /* unmasked DE of a denormal source */
        fpu_finish(cpu, &c);
        return;
    }
    if (op == 2 || op == 3)
        compare(cpu, &c, st_get(f, 0), src, empty, false, false, op == 3);
    else
        arith(cpu, &c, op, 0, st_get(f, 0), src, empty, false);
}

/* D8 register forms: ST(0) = ST(0) op ST(i). */
static INSN(x87_d8_r)
{
    fpu_enter(cpu, true);
    fpu_note(cpu, in, false);
    Fpu *f = &cpu->fpu;
    FpCtx c = fp_ctx(f->cw);
    unsigned op = (in->modrm >> 3) & 7, i = in->modrm & 7;
    bool empty = st_empty(f, 0) || st_empty(f, i);
    if (op == 2 || op == 3)
        compare(cpu, &c, st_get(f, 0), st_get(f, i), empty, false, false, op == 3);
    else
        arith(cpu, &c, op, 0, st_get(f, 0), st_get(f, i), empty, false);
}

/* DC and DE register forms: ST(i) = ST(i) op ST(0) (SUB/SUBR and DIV/DIVR
 * swap their encodings against D8); DE pops.  DC D0-DF and DE D0-D7 are the
 * FCOM/FCOMP aliases, DE D9 FCOMPP. */
static INSN(x87_dcde_r)
{
    fpu_enter(cpu, true);
    Fpu *f = &cpu->fpu;
    unsigned op = (in->modrm >> 3) & 7, i = in->modrm & 7;
    bool pop = in->op == 0xde;
    if (pop && op == 3 && i != 1)
        RAISE_UD(cpu);
    fpu_note(cpu, in, false);
    FpCtx c = fp_ctx(f->cw);
    bool empty = st_empty(f, 0) || st_empty(f, i);
    if (op == 2 || op == 3)
        compare(cpu, &c, st_get(f, 0), st_get(f, i), empty, false, false,
                pop && op == 3 ? 2 : op == 3 || pop);
    else
        arith(cpu, &c, op >= 4 ? op ^ 1 : op, i, st_get(f, i), st_get(f, 0), empty, pop);
}

/* ---- loads ---- */

static void load(Cpu *cpu, FpCtx *c, Float80 v)
{
    Fpu *f = &cpu->fpu;
    if (fp_no_result(c)) {
        fpu_finish(cpu, c);
        return;
    }
    c->c1 = false;
    push_checked(f, c, v);
    fpu_finish(cpu, c);
}

/* FLD m32/m64: an SNaN is quieted with IE. */
static Float80 quiet_load(FpCtx *c, Float80 v)
{
    if (f80_class(v) == FC_SNAN) {
        c->ex |= FE_IE;
        v = f80_quiet(v);
    }
    return v;
}

static INSN(fld_m32)
{
    fpu_enter(cpu, true);
    FpCtx c = fp_ctx(cpu->fpu.cw);
    Float80 v = quiet_load(&c, f80_from_f32(&c, rd32(cpu, in->seg, insn_ea(cpu, in))));
    fpu_note(cpu, in, true);
    load(cpu, &c, v);
}

static INSN(fld_m64)
{
    fpu_enter(cpu, true);
    FpCtx c = fp_ctx(cpu->fpu.cw);
    Float80 v = quiet_load(&c, f80_from_f64(&c, rd64(cpu, in->seg, insn_ea(cpu, in))));
    fpu_note(cpu, in, true);
    load(cpu, &c, v);
}

static INSN(fld_m80)
{
    fpu_enter(cpu, true);
    FpCtx c = fp_ctx(cpu->fpu.cw);
    Float80 v = rd80(cpu, in);
    fpu_note(cpu, in, true);
    load(cpu, &c, v);
}

/* FILD m16/m32/m64 (DF /0, DB /0, DF /5) */
static INSN(fild)
{
    fpu_enter(cpu, true);
    uint64_t off = insn_ea(cpu, in);
    int64_t v;
    if (in->op == 0xdb)
        v = (int32_t)rd32(cpu, in->seg, off);
    else if ((in->modrm & 0x38) == 0)
        v = (int16_t)rd16(cpu, in->seg, off);
    else
        v = (int64_t)rd64(cpu, in->seg, off);
    FpCtx c = fp_ctx(cpu->fpu.cw);
    fpu_note(cpu, in, true);
    load(cpu, &c, f80_from_int(v));
}

static INSN(fbld)
{
    fpu_enter(cpu, true);
    uint8_t b[10];
    fpu_load_bytes(cpu, in->seg, insn_ea(cpu, in), b, 10);
    FpCtx c = fp_ctx(cpu->fpu.cw);
    fpu_note(cpu, in, true);
    load(cpu, &c, f80_from_bcd(b));
}

/* FLD ST(i) */
static void fld_st(Cpu *cpu, FpCtx *c, unsigned i)
{
    Fpu *f = &cpu->fpu;
    Float80 v = st_get(f, i);
    if (st_empty(f, i) && !underflow(c)) {
        fpu_finish(cpu, c);
        return;
    }
    if (st_empty(f, i))
        v = f80_indefinite;
    push_checked(f, c, v);
    fpu_finish(cpu, c);
}

/* ---- stores ---- */

/* Common shape of a store of ST(0): empty -> underflow (masked: the
 * format's indefinite); the conversion's unmasked IE/DE/OE/UE block it. */
typedef enum { ST_F32, ST_F64, ST_F80, ST_I16, ST_I32, ST_I64, ST_T16, ST_T32, ST_T64, ST_BCD } StKind;

static void store(Cpu *cpu, const Insn *in, StKind k, bool pop)
{
    Fpu *f = &cpu->fpu;
    FpCtx c = fp_ctx(f->cw);
    Float80 v = st_get(f, 0);
    if (st_empty(f, 0)) {
        if (!underflow(&c)) {
            fpu_note(cpu, in, true);
            fpu_finish(cpu, &c);
            return;
        }
        v = f80_indefinite;
        c.ex = 0;       /* converting the indefinite raises IE again below */
    }
    uint64_t off = insn_ea(cpu, in);
    uint64_t bits = 0;
    uint8_t bcd[10];
    static const int ibits[3] = { 16, 32, 64 };
    switch (k) {
    case ST_F32: bits = f80_to_f32(&c, v); break;
    case ST_F64: bits = f80_to_f64(&c, v); break;
    case ST_F80: break;
    case ST_I16: case ST_I32: case ST_I64:
        bits = (uint64_t)f80_to_int(&c, v, ibits[k - ST_I16], false);
        break;
    case ST_T16: case ST_T32: case ST_T64:
        bits = (uint64_t)f80_to_int(&c, v, ibits[k - ST_T16], true);
        break;
    case ST_BCD: f80_to_bcd(&c, v, bcd); break;
    }
    if (st_empty(f, 0))
        c.ex |= FE_IE | FE_SF;
    if (fp_store_blocked(&c)) {
        fpu_note(cpu, in, true);
        fpu_finish(cpu, &c);
        return;
    }
    switch (k) {
    case ST_F32: case ST_I32: case ST_T32: wr32(cpu, in->seg, off, (uint32_t)bits); break;
    case ST_F64: case ST_I64: case ST_T64: wr64(cpu, in->seg, off, bits); break;
    case ST_I16: case ST_T16: wr16(cpu, in->seg, off, (uint16_t)bits); break;
    case ST_F80: wr80(cpu, in, v); break;
    case ST_BCD: fpu_store_bytes(cpu, in->seg, off, bcd, 10); break;
    }
    fpu_note(cpu, in, true);
    fpu_finish(cpu, &c);
    if (pop)
        fpu_pop(f);
}

#define STORE_OP(name, kind, pop) \
    static INSN(name) { fpu_enter(cpu, true); store(cpu, in, kind, pop); }
STORE_OP(fst_m32, ST_F32, false)
STORE_OP(fstp_m32, ST_F32, true)
STORE_OP(fst_m64, ST_F64, false)
STORE_OP(fstp_m64, ST_F64, true)
STORE_OP(fstp_m80, ST_F80, true)
STORE_OP(fist_m16, ST_I16, false)
STORE_OP(fistp_m16, ST_I16, true)
STORE_OP(fist_m32, ST_I32, false)
STORE_OP(fistp_m32, ST_I32, true)
STORE_OP(fistp_m64, ST_I64, true)
STORE_OP(fisttp_m16, ST_T16, true)
STORE_OP(fisttp_m32, ST_T32, true)
STORE_OP(fisttp_m64, ST_T64, true)
STORE_OP(fbstp, ST_BCD, true)

/* FST/FSTP ST(i): no conversion, so no exceptions but underflow. */
static void fst_st(Cpu *cpu, FpCtx *c, unsigned i, bool pop)
{
    Fpu *f = &cpu->fpu;
    Float80 v = st_get(f, 0);
    if (st_empty(f, 0)) {
        if (!underflow(c)) {
            fpu_finish(cpu, c);
            return;
        }
        v = f80_indefinite;
    }
    st_set(f, i, v);
    fpu_finish(cpu, c);
    if (pop)
        fpu_pop(f);
}

/* ---- the D9 E0-FF functions ---- */

/* ST(0) = fn(ST(0)) for FSQRT FRNDINT F2XM1 FCHS FABS. */
static void unary(Cpu *cpu, FpCtx *c, Float80 (*fn)(FpCtx *, Float80))
{
    Fpu *f = &cpu->fpu;
    Float80 r = f80_indefinite;
    if (st_empty(f, 0) ? !underflow(c) : (r = fn(c, st_get(f, 0)), fp_no_result(c))) {
        fpu_finish(cpu, c);
        return;
    }
    st_set(f, 0, r);
    fpu_finish(cpu, c);
}

static Float80 do_chs(FpCtx *c, Float80 a) { a.se ^= 0x8000; return a; }
static Float80 do_abs(FpCtx *c, Float80 a) { a.se &= 0x7fff; return a; }

/* ST(1) = fn(ST(0), ST(1)) and pop (FPATAN FYL2X FYL2XP1), or with keep
 * ST(0) = fn(ST(0), ST(1)) (FSCALE). */
static void binary(Cpu *cpu, FpCtx *c, Float80 (*fn)(FpCtx *, Float80, Float80), bool pop)
{
    Fpu *f = &cpu->fpu;
    Float80 r = f80_indefinite;
    bool empty = st_empty(f, 0) || st_empty(f, 1);
    if (empty ? !underflow(c) : (r = fn(c, st_get(f, 0), st_get(f, 1)), fp_no_result(c))) {
        fpu_finish(cpu, c);
        return;
    }
    st_set(f, pop ? 1 : 0, r);
    fpu_finish(cpu, c);
    if (pop)
        fpu_pop(f);
}

static Float80 do_patan(FpCtx *c, Float80 x, Float80 y) { return f80_atan(c, y, x); }

/* FSIN FCOS FSINCOS FPTAN: C2 = 1 and nothing else when |ST(0)| >= 2^63. */
enum { TRIG_SIN, TRIG_COS, TRIG_SINCOS, TRIG_TAN };

static void trig(Cpu *cpu, FpCtx *c, int which)
{
    Fpu *f = &cpu->fpu;
    bool pushes = which == TRIG_SINCOS || which == TRIG_TAN;
    Float80 r = f80_indefinite, r2 = f80_indefinite;
    f->sw &= ~FSW_C2;
    if (st_empty(f, 0) || (pushes && !st_empty(f, 7))) {
        bool over = !st_empty(f, 0);
        if (!underflow(c)) {
            c->c1 = over;
            fpu_finish(cpu, c);
            return;
        }
        c->c1 = over;
    } else {
        Float80 a = st_get(f, 0);
        bool ok;
        switch (which) {
        case TRIG_SIN: ok = f80_sin(c, a, &r); break;
        case TRIG_COS: ok = f80_cos(c, a, &r); break;
        case TRIG_SINCOS: ok = f80_sincos(c, a, &r, &r2); break;
        default:
            ok = f80_tan(c, a, &r);
            r2 = f80_is_nan(r) ? r : f80_const(f->cw, FCONST_1);
            break;
        }
        if (!ok) {
            f->sw |= FSW_C2;
            fpu_finish(cpu, c);
            return;
        }
        if (fp_no_result(c)) {
            fpu_finish(cpu, c);
            return;
        }
    }
    st_set(f, 0, r);
    if (pushes)
        fpu_push(f, r2);
    fpu_finish(cpu, c);
}

static void prem(Cpu *cpu, FpCtx *c, bool ieee)
{
    Fpu *f = &cpu->fpu;
    Float80 r = f80_indefinite;
    uint16_t cc = 0;
    if (st_empty(f, 0) || st_empty(f, 1) ? !underflow(c)
        : (r = f80_prem(c, st_get(f, 0), st_get(f, 1), ieee, &cc), fp_no_result(c))) {
        fpu_finish(cpu, c);
        return;
    }
    st_set(f, 0, r);
    fpu_finish(cpu, c);
    f->sw = (uint16_t)((f->sw & ~FSW_CC) | cc);
}

static void xtract(Cpu *cpu, FpCtx *c)
{
    Fpu *f = &cpu->fpu;
    Float80 sig = f80_indefinite, e = f80_indefinite;
    if (st_empty(f, 0) || !st_empty(f, 7)) {
        bool over = !st_empty(f, 0);
        bool masked = underflow(c);
        c->c1 = over;
        if (!masked) {
            fpu_finish(cpu, c);
            return;
        }
    } else {
        sig = f80_xtract(c, st_get(f, 0), &e);
        if (fp_no_result(c)) {
            fpu_finish(cpu, c);
            return;
        }
    }
    st_set(f, 0, e);
    fpu_push(f, sig);
    fpu_finish(cpu, c);
}

/* FTST and FXAM */
static void ftst(Cpu *cpu, FpCtx *c)
{
    Fpu *f = &cpu->fpu;
    compare(cpu, c, st_get(f, 0), f80_make(0, 0, 0), st_empty(f, 0), false, false, 0);
}

static void fxam(Cpu *cpu)
{
    Fpu *f = &cpu->fpu;
    static const uint16_t cls[] = {
        [FC_ZERO] = FSW_C3, [FC_DENORMAL] = FSW_C3 | FSW_C2, [FC_NORMAL] = FSW_C2,
        [FC_INF] = FSW_C2 | FSW_C0, [FC_QNAN] = FSW_C0, [FC_SNAN] = FSW_C0,
        [FC_UNSUPPORTED] = 0,
    };
    Float80 v = st_get(f, 0);
    uint16_t cc = st_empty(f, 0) ? FSW_C3 | FSW_C0 : cls[f80_class(v)];
    if (v.se & 0x8000)
        cc |= FSW_C1;
    f->sw = (uint16_t)((f->sw & ~FSW_CC) | cc);
}

static void fconst(Cpu *cpu, FpCtx *c, int which)
{
    c->c1 = false;
    push_checked(&cpu->fpu, c, f80_const(cpu->fpu.cw, which));
    fpu_finish(cpu, c);
}

static void fxch(Cpu *cpu, FpCtx *c, unsigned i)
{
    Fpu *f = &cpu->fpu;
    Float80 a = st_get(f, 0), b = st_get(f, i);
    if (st_empty(f, 0) || st_empty(f, i)) {
        if (!underflow(c)) {
            fpu_finish(cpu, c);
            return;
        }
        if (st_empty(f, 0))
            a = f80_indefinite;
        if (st_empty(f, i))
            b = f80_indefinite;
    }
    st_set(f, 0, b);
    st_set(f, i, a);
    c->c1 = false;
    fpu_finish(cpu, c);
}

static void fstp_alias(Cpu *cpu, FpCtx *c, unsigned i) { fst_st(cpu, c, i, true); }

/* D9 register forms. */
static INSN(x87_d9_r)
{
    unsigned r = (in->modrm >> 3) & 7, i = in->modrm & 7;
    if ((r == 2 && i != 0) || (r == 4 && (i == 2 || i == 3 || i == 6 || i == 7)))
        RAISE_UD(cpu);
    fpu_enter(cpu, true);
    fpu_note(cpu, in, false);
    Fpu *f = &cpu->fpu;
    FpCtx c = fp_ctx(f->cw);
    switch (r) {
    case 0: fld_st(cpu, &c, i); return;
    case 1: fxch(cpu, &c, i); return;
    case 2: return;     /* FNOP */
    case 3: fstp_alias(cpu, &c, i); return;
    case 4:
        switch (i) {
        case 0: unary(cpu, &c, do_chs); return;
        case 1: unary(cpu, &c, do_abs); return;
        case 4: ftst(cpu, &c); return;
        default: fxam(cpu); return;
        }
    case 5:
        fconst(cpu, &c, i);     /* E8-EE: FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ */
        return;
    case 6:
        switch (i) {
        case 0: unary(cpu, &c, f80_f2xm1); return;
        case 1: binary(cpu, &c, f80_yl2x, true); return;
        case 2: trig(cpu, &c, TRIG_TAN); return;
        case 3: binary(cpu, &c, do_patan, true); return;
        case 4: xtract(cpu, &c); return;
        case 5: prem(cpu, &c, true); return;
        case 6: f->top = (f->top - 1) & 7; f->sw &= ~FSW_C1; return;     /* FDECSTP */
        default: f->top = (f->top + 1) & 7; f->sw &= ~FSW_C1; return;    /* FINCSTP */
        }
    default:
        switch (i) {
        case 0: prem(cpu, &c, false); return;
        case 1: binary(cpu, &c, f80_yl2xp1, true); return;
        case 2: unary(cpu, &c, f80_sqrt); return;
        case 3: trig(cpu, &c, TRIG_SINCOS); return;
        case 4: unary(cpu, &c, f80_rndint); return;
        case 5: binary(cpu, &c, f80_scale, false); return;
        case 6: trig(cpu, &c, TRIG_SIN); return;
        default: trig(cpu, &c, TRIG_COS); return;
        }
    }
}

/* FCMOVcc (DA/DB C0-DF): B E BE U and their negations. */
static bool fcmov_cond(Cpu *cpu, unsigned r)
{
    switch (r) {
    case 0: return get_CF(cpu);
    case 1: return get_ZF(cpu);
    case 2: return get_CF(cpu) || get_ZF(cpu);
    default: return get_PF(cpu);
    }
}

static void fcmov(Cpu *cpu, FpCtx *c, unsigned r, bool negate, unsigned i)
{
    Fpu *f = &cpu->fpu;
    if (st_empty(f, 0) || st_empty(f, i)) {
        if (underflow(c))
            st_set(f, 0, f80_indefinite);
    } else if (fcmov_cond(cpu, r) != negate) {
        st_set(f, 0, st_get(f, i));
    }
    fpu_finish(cpu, c);
}

/* DA register forms: FCMOVB/E/BE/U, FUCOMPP (E9). */
static INSN(x87_da_r)
{
    unsigned r = (in->modrm >> 3) & 7, i = in->modrm & 7;
    if (r >= 4 && in->modrm != 0xe9)
        RAISE_UD(cpu);
    fpu_enter(cpu, true);
    fpu_note(cpu, in, false);
    Fpu *f = &cpu->fpu;
    FpCtx c = fp_ctx(f->cw);
    if (r < 4)
        fcmov(cpu, &c, r, false, i);
    else
        compare(cpu, &c, st_get(f, 0), st_get(f, 1), st_empty(f, 0) || st_empty(f, 1), true,
                false, 2);
}

/* DB register forms: FCMOVNB/NE/NBE/NU, FUCOMI, FCOMI; E0-E4 (FENI FDISI
 * FNCLEX FNINIT FSETPM) are in ops-x87-env.c. */
void x87_db_ctl(Cpu *cpu, const Insn *in);

static INSN(x87_db_r)
{
    unsigned r = (in->modrm >> 3) & 7, i = in->modrm & 7;
    if (r == 4) {
        x87_db_ctl(cpu, in);
        return;
    }
    if (r == 7)
        RAISE_UD(cpu);
    fpu_enter(cpu, true);
    fpu_note(cpu, in, false);
    Fpu *f = &cpu->fpu;
    FpCtx c = fp_ctx(f->cw);
    if (r < 4)
        fcmov(cpu, &c, r, true, i);
    else
        compare(cpu, &c, st_get(f, 0), st_get(f, i), st_empty(f, 0) || st_empty(f, i), r == 5,
                true, 0);
}

/* DD register forms: FFREE, FXCH alias, FST, FSTP, FUCOM, FUCOMP. */
static INSN(x87_dd_r)
{
    unsigned r = (in->modrm >> 3) & 7, i = in->modrm & 7;
    if (r >= 6)
        RAISE_UD(cpu);
    fpu_enter(cpu, true);
    fpu_note(cpu, in, false);
    Fpu *f = &cpu->fpu;
    FpCtx c = fp_ctx(f->cw);
    switch (r) {
    case 0: fpu_set_tag(f, fpu_phys(f, i), TAG_EMPTY); return;
    case 1: fxch(cpu, &c, i); return;
    case 2: fst_st(cpu, &c, i, false); return;
    case 3: fst_st(cpu, &c, i, true); return;
    default:
        compare(cpu, &c, st_get(f, 0), st_get(f, i), st_empty(f, 0) || st_empty(f, i), true,
                false, r == 5);
    }
}

/* DF register forms: FFREEP, FXCH and FSTP aliases, FNSTSW AX (in
 * ops-x87-env.c), FUCOMIP, FCOMIP. */
void x87_fnstsw_ax(Cpu *cpu, const Insn *in);

static INSN(x87_df_r)
{
    unsigned r = (in->modrm >> 3) & 7, i = in->modrm & 7;
    if (r == 4) {
        if (i != 0)
            RAISE_UD(cpu);
        x87_fnstsw_ax(cpu, in);
        return;
    }
    if (r == 7)
        RAISE_UD(cpu);
    fpu_enter(cpu, true);
    fpu_note(cpu, in, false);
    Fpu *f = &cpu->fpu;
    FpCtx c = fp_ctx(f->cw);
    switch (r) {
    case 0: fpu_set_tag(f, fpu_phys(f, i), TAG_EMPTY); fpu_pop(f); return;
    case 1: fxch(cpu, &c, i); return;
    case 2: case 3: fst_st(cpu, &c, i, true); return;
    default:
        compare(cpu, &c, st_get(f, 0), st_get(f, i), st_empty(f, 0) || st_empty(f, i), r == 5,
                true, 1);
    }
}

/* WAIT/FWAIT: #NM when CR0.MP and CR0.TS are both set, then the pending
 * unmasked x87 exception (#MF with CR0.NE). */
static INSN(fwait)
{
    (void)in;
    if ((cpu->s.cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_exception_noerr(cpu, EXC_NM);
    if (unlikely(cpu->fpu.sw & FE_ES) && (cpu->s.cr0 & CR0_NE))
        cpu_exception_noerr(cpu, EXC_MF);
}

/* Environment and control memory forms (ops-x87-env.c). */
INSN(fldenv);
INSN(fldcw);
INSN(fnstenv);
INSN(fnstcw);
INSN(frstor);
INSN(fnsave);
INSN(fnstsw_m);

#define M(f) { { NULL, NULL, NULL }, { f, f, f } }
#define R(f) { { f, f, f }, { NULL, NULL, NULL } }
#define RM(r, m) { { r, r, r }, { m, m, m } }
#define X87(op, g, fns) { op, g, { fns, OPF_MODRM | OPF_GROUP } }
#define ARITH(op, r) \
    X87(op, 0, RM(r, x87_arith_m)), X87(op, 1, RM(r, x87_arith_m)), \
    X87(op, 2, RM(r, x87_arith_m)), X87(op, 3, RM(r, x87_arith_m)), \
    X87(op, 4, RM(r, x87_arith_m)), X87(op, 5, RM(r, x87_arith_m)), \
    X87(op, 6, RM(r, x87_arith_m)), X87(op, 7, RM(r, x87_arith_m))

const OpReg ops_x87[] = {
    ARITH(0xd8, x87_d8_r),
    X87(0xd9, 0, RM(x87_d9_r, fld_m32)), X87(0xd9, 1, R(x87_d9_r)),
    X87(0xd9, 2, RM(x87_d9_r, fst_m32)), X87(0xd9, 3, RM(x87_d9_r, fstp_m32)),
    X87(0xd9, 4, RM(x87_d9_r, fldenv)), X87(0xd9, 5, RM(x87_d9_r, fldcw)),
    X87(0xd9, 6, RM(x87_d9_r, fnstenv)), X87(0xd9, 7, RM(x87_d9_r, fnstcw)),
    ARITH(0xda, x87_da_r),
    X87(0xdb, 0, RM(x87_db_r, fild)), X87(0xdb, 1, RM(x87_db_r, fisttp_m32)),
    X87(0xdb, 2, RM(x87_db_r, fist_m32)), X87(0xdb, 3, RM(x87_db_r, fistp_m32)),
    X87(0xdb, 4, R(x87_db_r)), X87(0xdb, 5, RM(x87_db_r, fld_m80)),
    X87(0xdb, 6, R(x87_db_r)), X87(0xdb, 7, RM(x87_db_r, fstp_m80)),
    ARITH(0xdc, x87_dcde_r),
    X87(0xdd, 0, RM(x87_dd_r, fld_m64)), X87(0xdd, 1, RM(x87_dd_r, fisttp_m64)),
    X87(0xdd, 2, RM(x87_dd_r, fst_m64)), X87(0xdd, 3, RM(x87_dd_r, fstp_m64)),
    X87(0xdd, 4, RM(x87_dd_r, frstor)), X87(0xdd, 5, R(x87_dd_r)),
    X87(0xdd, 6, M(fnsave)), X87(0xdd, 7, M(fnstsw_m)),
    ARITH(0xde, x87_dcde_r),
    X87(0xdf, 0, RM(x87_df_r, fild)), X87(0xdf, 1, RM(x87_df_r, fisttp_m16)),
    X87(0xdf, 2, RM(x87_df_r, fist_m16)), X87(0xdf, 3, RM(x87_df_r, fistp_m16)),
    X87(0xdf, 4, RM(x87_df_r, fbld)), X87(0xdf, 5, RM(x87_df_r, fild)),
    X87(0xdf, 6, RM(x87_df_r, fbstp)), X87(0xdf, 7, RM(x87_df_r, fistp_m64)),
    { 0x9b, -1, { OPX(fwait), 0 } },
    OPS_END,
};
