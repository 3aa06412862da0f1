/* x87 control instructions: FLDCW/FNSTCW, FNSTSW, FNCLEX, FNINIT, the
 * 387 no-ops FENI/FDISI/FSETPM, and FNSTENV/FLDENV/FNSAVE/FRSTOR in their
 * four layouts (16/32-bit operand size x real/protected mode, SDM vol. 1
 * figures 8-9 to 8-12).  In real and virtual-8086 mode the images hold
 * 20-bit (32-bit with o32) linear instruction and data pointers. */
#include "cpu/ops-x87.h"

void fpu_update_es(Cpu *cpu)
{
    Fpu *f = &cpu->fpu;
    bool pending = (f->sw & ~f->cw & FE_ALL) != 0;
    if (pending)
        f->sw |= FE_ES | FSW_B;
    else
        f->sw &= (uint16_t)~(FE_ES | FSW_B);
    /* FERR# follows ES (compared with the level last driven: FNINIT, FNCLEX
     * and FRSTOR change the status word before they get here); a PC board
     * routes it to IRQ 13 (used with CR0.NE = 0), which the CPU must see at
     * the next instruction boundary: end the block. */
    if (pending != cpu->ferr_out && cpu->env.ferr) {
        cpu->ferr_out = pending;
        cpu->env.ferr(cpu->env.opaque, pending);
        cpu_stop_after_current(cpu);
    }
}

void fpu_store_bytes(Cpu *cpu, int seg, uint64_t off, const uint8_t *buf, unsigned n)
{
    MemRef r = mem_ref(cpu, seg, off, n);    /* faults here, before any byte is written */
    if (r.host) {
        memcpy(r.host, buf, n);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        mem_write_slow(cpu, (r.lin + i) & cpu->lin_mask, buf[i], 1, seg);
}

void fpu_load_bytes(Cpu *cpu, int seg, uint64_t off, uint8_t *buf, unsigned n)
{
    uint64_t lin = seg_lin(cpu, seg, off, n, ACC_R);
    for (unsigned i = 0; i < n; i++)
        buf[i] = lin_read8(cpu, (lin + i) & cpu->lin_mask, seg);
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

static bool real_layout(const Cpu *cpu) { return !(cpu->hflags & HF_PE) || (cpu->hflags & HF_VM); }

/* The full tag word: the class of each non-empty register. */
static uint16_t full_tags(const Fpu *f)
{
    uint16_t tw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned t = fpu_tag(f, p) == TAG_EMPTY ? TAG_EMPTY : fpu_tag_of(f->st[p]);
        tw |= (uint16_t)(t << (2 * p));
    }
    return tw;
}

/* Builds the environment image; returns its size (14 or 28 bytes).
 * Reserved halves of the 32-bit layout read as ones, as on hardware. */
static unsigned env_store(const Cpu *cpu, bool o32, uint8_t *b)
{
    const Fpu *f = &cpu->fpu;
    bool real = real_layout(cpu);
    uint32_t ip = (uint32_t)f->fip, dp = (uint32_t)f->fdp;
    if (real) {
        ip += (uint32_t)f->fcs << 4;
        dp += (uint32_t)f->fds << 4;
    }
    uint16_t w[3] = { f->cw, fpu_get_sw(f), full_tags(f) };
    if (!o32) {
        for (int i = 0; i < 3; i++)
            put16(b + 2 * i, w[i]);
        put16(b + 6, ip);
        put16(b + 8, real ? ((ip >> 16) & 0xf) << 12 | f->fop : f->fcs);
        put16(b + 10, dp);
        put16(b + 12, real ? ((dp >> 16) & 0xf) << 12 : f->fds);
        return 14;
    }
    for (int i = 0; i < 3; i++)
        put32(b + 4 * i, 0xffff0000u | w[i]);
    if (real) {
        put32(b + 12, 0xffff0000u | (ip & 0xffff));
        put32(b + 16, (ip >> 16) << 12 | f->fop);
        put32(b + 20, 0xffff0000u | (dp & 0xffff));
        put32(b + 24, (dp >> 16) << 12);
    } else {
        put32(b + 12, ip);
        put32(b + 16, f->fcs | (uint32_t)f->fop << 16);
        put32(b + 20, dp);
        put32(b + 24, 0xffff0000u | f->fds);
    }
    return 28;
}

static unsigned env_size(bool o32) { return o32 ? 28 : 14; }

static void env_load(Cpu *cpu, bool o32, const uint8_t *b)
{
    Fpu *f = &cpu->fpu;
    bool real = real_layout(cpu);
    unsigned s = o32 ? 4 : 2;
    uint16_t cw = get16(b), sw = get16(b + s), tw = get16(b + 2 * s);
    f->cw = fpu_cw_load(cw);
    f->top = (sw >> 11) & 7;
    f->sw = sw & (uint16_t)~FSW_TOP_MASK;
    /* Only "empty" is taken from the image; the class comes from the value. */
    f->tw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned t = ((tw >> (2 * p)) & 3) == TAG_EMPTY ? TAG_EMPTY : fpu_tag_of(f->st[p]);
        f->tw |= (uint16_t)(t << (2 * p));
    }
    if (o32) {
        uint32_t w16 = get32(b + 16), w24 = get32(b + 24);
        if (real) {
            f->fip = (get32(b + 12) & 0xffff) | (w16 >> 12) << 16;
            f->fop = w16 & 0x7ff;
            f->fdp = (get32(b + 20) & 0xffff) | (w24 >> 12) << 16;
            f->fcs = f->fds = 0;
        } else {
            f->fip = get32(b + 12);
            f->fcs = (uint16_t)w16;
            f->fop = (w16 >> 16) & 0x7ff;
            f->fdp = get32(b + 20);
            f->fds = (uint16_t)w24;
        }
    } else {
        uint16_t w8 = get16(b + 8), w12 = get16(b + 12);
        if (real) {
            f->fip = get16(b + 6) | (uint32_t)(w8 >> 12) << 16;
            f->fop = w8 & 0x7ff;
            f->fdp = get16(b + 10) | (uint32_t)(w12 >> 12) << 16;
            f->fcs = f->fds = 0;
        } else {
            f->fip = get16(b + 6);
            f->fcs = w8;
            f->fdp = get16(b + 10);
            f->fds = w12;
        }
    }
    fpu_update_es(cpu);
}

static void fninit(Cpu *cpu)
{
    Fpu *f = &cpu->fpu;
    f->cw = 0x037f;
    f->sw = 0;
    f->top = 0;
    f->tw = 0xffff;
    f->fip = f->fdp = 0;
    f->fop = f->fcs = f->fds = 0;
    fpu_update_es(cpu);
}

INSN(fnstenv)
{
    fpu_enter(cpu, false);
    uint8_t b[28];
    unsigned n = env_store(cpu, in->osize != 0, b);
    fpu_store_bytes(cpu, in->seg, insn_ea(cpu, in), b, n);
    cpu->fpu.cw |= FE_ALL;      /* FNSTENV masks every exception afterwards */
    fpu_update_es(cpu);
}

INSN(fldenv)
{
    fpu_enter(cpu, true);
    uint8_t b[28];
    bool o32 = in->osize != 0;
    fpu_load_bytes(cpu, in->seg, insn_ea(cpu, in), b, env_size(o32));
    env_load(cpu, o32, b);
}

INSN(fnsave)
{
    fpu_enter(cpu, false);
    uint8_t b[28 + 80];
    unsigned n = env_store(cpu, in->osize != 0, b);
    for (unsigned i = 0; i < 8; i++) {
        Float80 v = st_get(&cpu->fpu, i);
        memcpy(b + n + 10 * i, &v.mant, 8);
        put16(b + n + 10 * i + 8, v.se);
    }
    fpu_store_bytes(cpu, in->seg, insn_ea(cpu, in), b, n + 80);
    fninit(cpu);
}

INSN(frstor)
{
    fpu_enter(cpu, true);
    uint8_t b[28 + 80];
    bool o32 = in->osize != 0;
    unsigned n = env_size(o32);
    fpu_load_bytes(cpu, in->seg, insn_ea(cpu, in), b, n + 80);
    Fpu *f = &cpu->fpu;
    f->top = (get16(b + (o32 ? 4 : 2)) >> 11) & 7;
    for (unsigned i = 0; i < 8; i++) {
        Float80 *r = &f->st[fpu_phys(f, i)];
        memcpy(&r->mant, b + n + 10 * i, 8);
        r->se = get16(b + n + 10 * i + 8);
    }
    env_load(cpu, o32, b);
}

INSN(fldcw)
{
    fpu_enter(cpu, true);
    uint16_t v = rd16(cpu, in->seg, insn_ea(cpu, in));
    cpu->fpu.cw = fpu_cw_load(v);
    fpu_update_es(cpu);     /* unmasking a raised flag makes it pending */
}

INSN(fnstcw)
{
    fpu_enter(cpu, false);
    wr16(cpu, in->seg, insn_ea(cpu, in), cpu->fpu.cw);
}

INSN(fnstsw_m)
{
    fpu_enter(cpu, false);
    wr16(cpu, in->seg, insn_ea(cpu, in), fpu_get_sw(&cpu->fpu));
}

void x87_fnstsw_ax(Cpu *cpu, const Insn *in)
{
    (void)in;
    fpu_enter(cpu, false);
    set_R16(cpu, R_EAX, fpu_get_sw(&cpu->fpu));
}

/* DB E0-E7: FENI, FDISI and FSETPM do nothing since the 387; FNCLEX, FNINIT. */
void x87_db_ctl(Cpu *cpu, const Insn *in)
{
    unsigned i = in->modrm & 7;
    if (i > 4)
        RAISE_UD(cpu);
    fpu_enter(cpu, false);
    if (i == 2) {
        cpu->fpu.sw &= (uint16_t)~(FE_ALL | FE_SF | FE_ES | FSW_B);
        fpu_update_es(cpu);
    } else if (i == 3) {
        fninit(cpu);
    }
}
