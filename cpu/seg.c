/* Segmentation (see seg.h). */
#include "cpu/seg.h"

#include "cpu/paging.h"

/* Alignment checking (#AC) is on: CR0.AM, EFLAGS.AC and CPL 3. */
static bool ac_active(const Cpu *c)
{
    return (c->s.cr0 & CR0_AM) && (c->s.rflags & F_AC) && cpu_cpl(c) == 3;
}

/* The valid offsets [lo, hi] of segment i for reads (0) and writes (1). */
static void seg_window(const Cpu *c, int i, uint64_t lo[2], uint64_t hi[2])
{
    const SegCache *s = &c->s.seg[i];
    lo[0] = lo[1] = 0;
    hi[0] = hi[1] = s->limit;
    if (c->hflags & HF_CS64) {
        hi[0] = hi[1] = ~0ull;
        return;
    }
    if (!(c->hflags & HF_PE) || (c->hflags & HF_VM))
        return;                         /* real and virtual-8086 mode: limits, no types */
    if (!(s->attr & SA_P)) {
        lo[0] = lo[1] = 1;              /* unusable (null) segment: every access faults */
        hi[0] = hi[1] = 0;
        return;
    }
    if ((s->attr & SA_S) && !(s->attr & SA_CODE) && (s->attr & SA_E)) {
        lo[0] = lo[1] = (uint64_t)s->limit + 1;
        hi[0] = hi[1] = (s->attr & SA_DB) ? 0xffffffffull : 0xffff;
    }
    bool readable = !(s->attr & SA_CODE) || (s->attr & SA_R);
    bool writable = (s->attr & SA_S) && !(s->attr & SA_CODE) && (s->attr & SA_W);
    if (!readable) {
        lo[0] = 1;
        hi[0] = 0;
    }
    if (!writable) {
        lo[1] = 1;
        hi[1] = 0;
    }
}

void seg_update_checks(Cpu *c, int i)
{
    const SegCache *s = &c->s.seg[i];
    if (c->hflags & HF_CS64)
        c->segbase[i] = (i == SEG_FS || i == SEG_GS) ? s->base : 0;
    else
        c->segbase[i] = (uint32_t)s->base;
    uint64_t lo[2], hi[2];
    seg_window(c, i, lo, hi);
    if (ac_active(c)) {
        /* Empty windows send every access to seg_check_slow(), which also
         * checks alignment. */
        lo[0] = lo[1] = 1;
        hi[0] = hi[1] = 0;
    }
    for (int a = 0; a < 2; a++) {
        c->seglo[a][i] = lo[a];
        c->seghi[a][i] = hi[a];
    }
}

uint64_t seg_check_slow(Cpu *c, int seg, uint64_t off, unsigned size, int acc)
{
    uint64_t lo[2], hi[2];
    seg_window(c, seg, lo, hi);
    if (off < lo[acc] || off + (size - 1) > hi[acc]) {
        if (seg == SEG_SS)
            cpu_exception(c, EXC_SS, 0);
        RAISE_GP(c, 0);
    }
    uint64_t lin = (c->segbase[seg] + off) & c->lin_mask;
    if (ac_active(c) && (lin & (size - 1) & 7))
        cpu_exception(c, EXC_AC, 0);
    return lin;
}

bool desc_read(Cpu *c, uint16_t sel, Desc *d, bool wide)
{
    uint64_t base;
    uint32_t limit;
    if (sel & 4) {
        if (!(c->s.ldt.attr & SA_P) || !(c->s.ldt.sel & 0xfffc))
            return false;
        base = c->s.ldt.base;
        limit = c->s.ldt.limit;
    } else {
        base = c->s.gdt.base;
        limit = c->s.gdt.limit;
    }
    uint32_t off = sel & 0xfff8;
    if ((uint64_t)off + (wide ? 15 : 7) > limit)
        return false;
    d->lo = (uint32_t)sys_read(c, base + off, 4);
    d->hi = (uint32_t)sys_read(c, base + off + 4, 4);
    d->hi2 = d->hi3 = 0;
    if (wide) {
        d->hi2 = (uint32_t)sys_read(c, base + off + 8, 4);
        d->hi3 = (uint32_t)sys_read(c, base + off + 12, 4);
    }
    return true;
}

void desc_read_or_raise(Cpu *c, uint16_t sel, Desc *d, bool wide, int exc)
{
    if (!desc_read(c, sel, d, wide))
        cpu_exception(c, exc, sel & 0xfffc);
}

static uint64_t desc_addr(Cpu *c, uint16_t sel)
{
    return ((sel & 4) ? c->s.ldt.base : c->s.gdt.base) + (sel & 0xfff8);
}

void desc_set_accessed(Cpu *c, uint16_t sel, Desc *d)
{
    if (!(d->hi & (1u << 8))) {
        d->hi |= 1u << 8;
        sys_write(c, desc_addr(c, sel) + 4, d->hi, 4);
    }
}

void desc_write_hi(Cpu *c, uint16_t sel, uint32_t hi)
{
    sys_write(c, desc_addr(c, sel) + 4, hi, 4);
}

void seg_cache_from_desc(SegCache *s, uint16_t sel, const Desc *d)
{
    s->sel = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->attr = desc_attr(d);
}

void seg_load_cs(Cpu *c, uint16_t sel, Desc *d, unsigned cpl)
{
    desc_set_accessed(c, sel, d);
    SegCache sc;
    seg_cache_from_desc(&sc, (uint16_t)((sel & 0xfffc) | cpl), d);
    seg_set(c, SEG_CS, &sc);
}

void seg_load_ss(Cpu *c, uint16_t sel, Desc *d)
{
    desc_set_accessed(c, sel, d);
    SegCache sc;
    seg_cache_from_desc(&sc, sel, d);
    seg_set(c, SEG_SS, &sc);
}

void seg_set(Cpu *c, int seg, const SegCache *sc)
{
    c->s.seg[seg] = *sc;
    if (seg == SEG_CS || seg == SEG_SS)
        cpu_update_mode(c);
    else
        seg_update_checks(c, seg);
}

void seg_load_real(Cpu *c, int seg, uint16_t sel)
{
    SegCache *s = &c->s.seg[seg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (c->hflags & HF_VM) {
        /* Virtual-8086 mode: full 64 KiB, DPL 3 read/write data. */
        s->limit = 0xffff;
        s->attr = seg == SEG_CS ? 0xfb : 0xf3;
    } else {
        /* Real mode keeps the limit and the size bits (big real mode), but the
         * segment is usable again even if protected mode left it null. */
        s->attr |= SA_P | SA_S;
    }
    if (seg == SEG_CS || seg == SEG_SS)
        cpu_update_mode(c);
    else
        seg_update_checks(c, seg);
}

void seg_set_null(Cpu *c, int seg, uint16_t sel)
{
    SegCache *s = &c->s.seg[seg];
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    /* SS keeps its DPL (= CPL) so the CPL stays defined in 64-bit mode. */
    s->attr = seg == SEG_SS ? (uint16_t)((cpu_cpl(c) << SA_DPL_SHIFT) | SA_DB) : 0;
    if (seg == SEG_SS)
        cpu_update_mode(c);
    else
        seg_update_checks(c, seg);
}

void seg_load(Cpu *c, int seg, uint16_t sel)
{
    if (!(c->hflags & HF_PE) || (c->hflags & HF_VM)) {
        seg_load_real(c, seg, sel);
        return;
    }
    unsigned cpl = cpu_cpl(c), rpl = sel & 3;
    if (!(sel & 0xfffc)) {
        if (seg == SEG_SS && !((c->hflags & HF_CS64) && cpl != 3 && rpl == cpl))
            RAISE_GP(c, 0);
        seg_set_null(c, seg, sel);
        return;
    }
    Desc d;
    desc_read_or_raise(c, sel, &d, false, EXC_GP);
    unsigned dpl = desc_dpl(&d);
    if (seg == SEG_SS) {
        /* Writable data segment at exactly the current privilege level. */
        if (rpl != cpl || dpl != cpl || !desc_is_seg(&d) || desc_is_code(&d) || !(d.hi & (2u << 8)))
            RAISE_GP(c, sel & 0xfffc);
        if (!desc_present(&d))
            cpu_exception(c, EXC_SS, sel & 0xfffc);
    } else {
        /* Data, or readable code; privilege checked unless conforming code. */
        if (!desc_is_seg(&d) || (desc_is_code(&d) && !(d.hi & (2u << 8))))
            RAISE_GP(c, sel & 0xfffc);
        bool conforming = desc_is_code(&d) && (d.hi & (4u << 8));
        if (!conforming && (rpl > dpl || cpl > dpl))
            RAISE_GP(c, sel & 0xfffc);
        if (!desc_present(&d))
            cpu_exception(c, EXC_NP, sel & 0xfffc);
    }
    desc_set_accessed(c, sel, &d);
    SegCache sc;
    seg_cache_from_desc(&sc, sel, &d);
    seg_set(c, seg, &sc);
}

void seg_validate_outer(Cpu *c, int seg)
{
    SegCache *s = &c->s.seg[seg];
    unsigned dpl = (s->attr >> SA_DPL_SHIFT) & 3;
    bool conforming_code = (s->attr & SA_CODE) && (s->attr & SA_C);
    if ((s->sel & 0xfffc) && (s->attr & SA_S) && !conforming_code && dpl < cpu_cpl(c))
        seg_set_null(c, seg, 0);
    else if (!(s->attr & SA_S) && (s->sel & 0xfffc))
        seg_set_null(c, seg, 0);
}
