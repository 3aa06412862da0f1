/* Segmentation (see seg.h). */
#include "cpu/seg.h"

#include "cpu/paging.h"

void seg_update_checks(Cpu *c, int i)
{
    SegCache *s = &c->s.seg[i];
    uint64_t lo = 0, hi = s->limit, wlo, whi;
    if (c->hflags & HF_CS64) {
        c->segbase[i] = (i == SEG_FS || i == SEG_GS) ? s->base : 0;
        c->seglo[0][i] = c->seglo[1][i] = 0;
        c->seghi[0][i] = c->seghi[1][i] = ~0ull;
        return;
    }
    c->segbase[i] = (uint32_t)s->base;
    if (!(c->hflags & HF_PE) || (c->hflags & HF_VM)) {
        /* Real and virtual-8086 mode: limits apply, types do not. */
        c->seglo[0][i] = c->seglo[1][i] = 0;
        c->seghi[0][i] = c->seghi[1][i] = hi;
        return;
    }
    if (!(s->attr & SA_P)) {
        /* Unusable (null) segment: every access faults. */
        c->seglo[0][i] = c->seglo[1][i] = 1;
        c->seghi[0][i] = c->seghi[1][i] = 0;
        return;
    }
    if ((s->attr & SA_S) && !(s->attr & SA_CODE) && (s->attr & SA_E)) {
        lo = (uint64_t)s->limit + 1;
        hi = (s->attr & SA_DB) ? 0xffffffffull : 0xffff;
    }
    wlo = lo;
    whi = hi;
    bool readable = !(s->attr & SA_CODE) || (s->attr & SA_R);
    bool writable = (s->attr & SA_S) && !(s->attr & SA_CODE) && (s->attr & SA_W);
    if (!readable) {
        lo = 1;
        hi = 0;
    }
    if (!writable) {
        wlo = 1;
        whi = 0;
    }
    c->seglo[0][i] = lo;
    c->seghi[0][i] = hi;
    c->seglo[1][i] = wlo;
    c->seghi[1][i] = whi;
}

uint64_t seg_check_slow(Cpu *c, int seg, uint64_t off, unsigned size, int acc)
{
    (void)size;
    (void)acc;
    if (c->hflags & HF_CS64)
        return (c->segbase[seg] + off);   /* no limits; wrap-around of off + size */
    if (seg == SEG_SS)
        cpu_exception(c, EXC_SS, 0);
    RAISE_GP(c, 0);
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
