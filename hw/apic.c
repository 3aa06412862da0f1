/* The local APIC (see apic.h). */
#include "hw/apic.h"

#include <stdlib.h>
#include <string.h>

#include "system/log.h"

/* ---- 256-bit vectors (IRR, ISR, TMR) ---- */

static void bit_set(uint32_t *v, int n) { v[n >> 5] |= 1u << (n & 31); }
static void bit_clear(uint32_t *v, int n) { v[n >> 5] &= ~(1u << (n & 31)); }
static bool bit_test(const uint32_t *v, int n) { return (v[n >> 5] >> (n & 31)) & 1; }

static int highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--)
        if (v[i])
            return i * 32 + 31 - __builtin_clz(v[i]);
    return -1;
}

/* ---- priorities and the INTR pin ---- */

static bool hw_enabled(const Lapic *s) { return (s->apic_base & LAPIC_BASE_EN) != 0; }
static bool sw_enabled(const Lapic *s) { return hw_enabled(s) && (s->svr & SVR_ENABLE); }

/* The class (bits 7:4) of the highest vector in v, as a register value. */
static uint32_t class_of(const uint32_t *v)
{
    int n = highest(v);
    return n < 0 ? 0 : (uint32_t)n & 0xf0;
}

static uint32_t ppr(const Lapic *s)
{
    uint32_t isr = class_of(s->isr);
    return (s->tpr & 0xf0) >= isr ? s->tpr : isr;
}

/* P6 and later: APR[7:4] = max(TPR[7:4], ISRV[7:4], IRRV[7:4]). */
static uint32_t apr(const Lapic *s)
{
    uint32_t a = s->tpr & 0xf0, i = class_of(s->isr), r = class_of(s->irr);
    uint32_t m = a > i ? a : i;
    m = m > r ? m : r;
    return m == a ? s->tpr : m;
}

/* The fixed vector the CPU would get now, or -1. */
static int pending_vector(const Lapic *s)
{
    int v = highest(s->irr);
    if (v < 0 || !sw_enabled(s) || ((uint32_t)v & 0xf0) <= (ppr(s) & 0xf0))
        return -1;
    return v;
}

/* The 8259's INT reaches the CPU: through LINT0 programmed as unmasked
 * ExtINT, or directly while the APIC is globally disabled. */
static bool extint_pending(const Lapic *s)
{
    if (!s->lint0_level)
        return false;
    uint32_t l = s->lvt[LVT_LINT0];
    return !hw_enabled(s) || (!(l & LVT_MASKED) && LVT_DM(l) == DM_EXTINT);
}

static void update_intr(Lapic *s)
{
    uint8_t out = pending_vector(s) >= 0 || extint_pending(s);
    if (out != s->intr_out) {
        s->intr_out = out;
        if (s->m->lapic == s)
            machine_set_cpu_intr(s->m, out);
    }
}

static void raise_nmi(Lapic *s)
{
    if (s->m->accel)
        s->m->accel_ops->nmi(s->m->accel);
}

static void accept_fixed(Lapic *s, int vector, bool level);

/* An error: collected for the next ESR write, and the error LVT interrupts. */
static void apic_error(Lapic *s, uint32_t bits)
{
    uint32_t lvt = s->lvt[LVT_ERROR];
    bool is_new = (bits & ~s->esr_pending) != 0;
    s->esr_pending |= bits;
    /* A bad error vector would report itself forever: only new errors
     * interrupt, and only with a legal vector. */
    if (is_new && !(lvt & LVT_MASKED) && (lvt & 0xff) >= 16)
        accept_fixed(s, lvt & 0xff, false);
}

static void accept_fixed(Lapic *s, int vector, bool level)
{
    if (vector < 16) {
        apic_error(s, ESR_RECV_ILLEGAL);
        return;
    }
    bit_set(s->irr, vector);
    if (level)
        bit_set(s->tmr, vector);
    else
        bit_clear(s->tmr, vector);
    update_intr(s);
}

void lapic_deliver(Lapic *s, int mode, int vector, bool level)
{
    if (!hw_enabled(s))
        return;
    switch (mode) {
    case DM_FIXED:
    case DM_LOWEST:
        accept_fixed(s, vector & 0xff, level);
        break;
    case DM_NMI:
        raise_nmi(s);
        break;
    case DM_INIT:
        /* INIT level de-assert is a no-op on P6 and later; an INIT would
         * reset the CPU, which the backends cannot do on their own. */
        if (level && log_enabled(LOG_UNIMP))
            log_printf("lapic%d: INIT to a running CPU ignored\n", s->index);
        break;
    default:
        if (log_enabled(LOG_UNIMP))
            log_printf("lapic%d: delivery mode %d (vector 0x%02x) ignored\n", s->index, mode,
                       vector);
        break;
    }
}

bool lapic_match_dest(const Lapic *s, uint8_t dest, bool logical)
{
    if (!logical)
        return dest == 0xff || dest == (uint8_t)(s->id >> 24);
    uint8_t ldr = (uint8_t)(s->ldr >> 24);
    if ((s->dfr >> 28) == 0xf)          /* flat model: a bit per APIC */
        return (dest & ldr) != 0;
    /* cluster model: cluster in bits 7:4 (15 = all clusters), APIC bits 3:0 */
    return ((dest >> 4) == 0xf || (dest >> 4) == (ldr >> 4)) && (dest & ldr & 0xf);
}

/* ---- the CPU side ---- */

int lapic_intack(void *opaque)
{
    Lapic *s = opaque;
    int v = pending_vector(s);
    if (v >= 0) {
        bit_clear(s->irr, v);
        bit_set(s->isr, v);
    } else if (extint_pending(s) && s->extint_ack) {
        v = s->extint_ack(s->extint_opaque);
    } else if (sw_enabled(s)) {
        v = (int)(s->svr & 0xff);   /* the request went away: spurious, no ISR bit */
    }
    update_intr(s);
    return v;
}

static void eoi(Lapic *s)
{
    int v = highest(s->isr);
    if (v < 0)
        return;
    bit_clear(s->isr, v);
    if (bit_test(s->tmr, v) && s->eoi_cb)
        s->eoi_cb(s->eoi_opaque, v);
    update_intr(s);
}

/* An edge on LINT0/LINT1 for the delivery modes that are edges (not ExtINT,
 * which follows the 8259's level). */
static void lint_edge(Lapic *s, int idx)
{
    uint32_t l = s->lvt[idx];
    if (l & LVT_MASKED)
        return;
    if (LVT_DM(l) == DM_FIXED)
        accept_fixed(s, l & 0xff, false);
    else if (LVT_DM(l) == DM_NMI)
        raise_nmi(s);
}

void lapic_set_lint0(Lapic *s, bool level)
{
    bool rising = level && !s->lint0_level;
    s->lint0_level = level;
    if (rising && hw_enabled(s))
        lint_edge(s, LVT_LINT0);
    update_intr(s);
}

void lapic_set_lint1(Lapic *s, bool level)
{
    bool rising = level && !s->lint1_level;
    s->lint1_level = level;
    if (!rising)
        return;
    if (!hw_enabled(s))
        raise_nmi(s);   /* LINT1 is the NMI pin while the APIC is off */
    else
        lint_edge(s, LVT_LINT1);
}

/* ---- timer ---- */

static uint64_t timer_divisor(const Lapic *s)
{
    unsigned v = (s->timer_div & 3) | (s->timer_div & 8) >> 1;
    return 1ull << ((v + 1) & 7);   /* 0..6: 2..128, 7: 1 */
}

static uint64_t timer_ticks(Lapic *s)
{
    uint64_t now = clock_ns(&s->m->clock);
    uint64_t ns = now > s->timer_start ? now - s->timer_start : 0;
    return ns * (LAPIC_TIMER_HZ / 1000000000ull) / timer_divisor(s);
}

static bool timer_periodic(const Lapic *s) { return (s->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC) != 0; }

uint32_t lapic_timer_current(Lapic *s)
{
    if (!s->timer_init)
        return 0;
    uint64_t t = timer_ticks(s);
    if (timer_periodic(s))
        return (uint32_t)(s->timer_init - t % s->timer_init);
    return t >= s->timer_init ? 0 : (uint32_t)(s->timer_init - t);
}

/* Arms the Timer for the next interrupt (none while masked or stopped). */
static void timer_arm(Lapic *s)
{
    uint64_t period = s->timer_init * timer_divisor(s) * 1000000000ull / LAPIC_TIMER_HZ;
    uint64_t now = clock_ns(&s->m->clock);
    uint64_t elapsed = now > s->timer_start ? now - s->timer_start : 0;
    if (!period || (s->lvt[LVT_TIMER] & LVT_MASKED) || (!timer_periodic(s) && elapsed >= period)) {
        timer_del(&s->timer);
        return;
    }
    if (!timer_periodic(s))
        timer_mod(&s->timer, s->timer_start + period);
    else if (period < LAPIC_MIN_PERIOD_NS)
        timer_mod(&s->timer, now + LAPIC_MIN_PERIOD_NS);
    else
        timer_mod(&s->timer, s->timer_start + (elapsed / period + 1) * period);
}

static void timer_cb(void *opaque)
{
    Lapic *s = opaque;
    uint32_t l = s->lvt[LVT_TIMER];
    if (!(l & LVT_MASKED) && hw_enabled(s))
        accept_fixed(s, l & 0xff, false);
    timer_arm(s);
}

/* A new divider keeps the current count: the count goes on from there. */
static void timer_set_div(Lapic *s, uint32_t div)
{
    uint32_t cur = lapic_timer_current(s);
    uint64_t done = s->timer_init && cur ? s->timer_init - cur : 0;
    s->timer_div = div & 0xb;
    s->timer_start = clock_ns(&s->m->clock) - done * timer_divisor(s) * 1000000000ull / LAPIC_TIMER_HZ;
    timer_arm(s);
}

/* ---- registers ---- */

/* Bits a guest can write in each LVT entry. */
static const uint32_t lvt_writable[LVT_COUNT] = {
    [LVT_TIMER] = 0x300ff,      /* vector, mask, periodic */
    [LVT_THERMAL] = 0x107ff,    /* vector, delivery mode, mask */
    [LVT_PERF] = 0x107ff,
    [LVT_LINT0] = 0x1a7ff,      /* + polarity, trigger mode */
    [LVT_LINT1] = 0x1a7ff,
    [LVT_ERROR] = 0x100ff,
};

static void write_lvt(Lapic *s, int idx, uint32_t val)
{
    val &= lvt_writable[idx];
    if (!(s->svr & SVR_ENABLE))
        val |= LVT_MASKED;   /* software-disabled: the masks cannot be cleared */
    s->lvt[idx] = val;
    if (idx == LVT_TIMER)
        timer_arm(s);
    update_intr(s);
}

static void write_svr(Lapic *s, uint32_t val)
{
    bool was = s->svr & SVR_ENABLE;
    s->svr = val & 0x3ff;   /* vector, APIC enable, focus disable */
    if (was && !(s->svr & SVR_ENABLE)) {
        for (int i = 0; i < LVT_COUNT; i++)
            s->lvt[i] |= LVT_MASKED;
        timer_arm(s);
    }
    update_intr(s);
}

static void send_ipi(Lapic *s)
{
    uint32_t lo = s->icr_lo;
    int mode = LVT_DM(lo), vector = lo & 0xff;
    unsigned shorthand = (lo >> 18) & 3;
    bool to_self;
    switch (shorthand) {
    case 0: to_self = lapic_match_dest(s, (uint8_t)(s->icr_hi >> 24), lo & (1u << 11)); break;
    case 1: case 2: to_self = true; break;
    default: to_self = false; break;   /* all excluding self: there is no other CPU */
    }
    if ((mode == DM_FIXED || mode == DM_LOWEST) && vector < 16) {
        apic_error(s, ESR_SEND_ILLEGAL);
        return;
    }
    /* For INIT the level bit (14) tells an assert from the de-assert. */
    if (to_self)
        lapic_deliver(s, mode, vector, mode == DM_INIT && (lo & (1u << 14)));
}

/* The 256-bit register sets, 8 registers of 32 bits at 16-byte strides. */
static uint32_t *bank(Lapic *s, uint32_t off)
{
    if (off >= LAPIC_ISR && off < LAPIC_ISR + 0x80)
        return &s->isr[(off - LAPIC_ISR) >> 4];
    if (off >= LAPIC_TMR && off < LAPIC_TMR + 0x80)
        return &s->tmr[(off - LAPIC_TMR) >> 4];
    if (off >= LAPIC_IRR && off < LAPIC_IRR + 0x80)
        return &s->irr[(off - LAPIC_IRR) >> 4];
    return NULL;
}

static bool is_lvt(uint32_t off) { return off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR; }

uint32_t lapic_reg_read(Lapic *s, uint32_t off)
{
    uint32_t *b = bank(s, off);
    if (b)
        return *b;
    if (is_lvt(off))
        return s->lvt[(off - LAPIC_LVT_TIMER) >> 4];
    switch (off) {
    case LAPIC_ID: return s->id;
    case LAPIC_VERSION: return LAPIC_VERSION_VALUE;
    case LAPIC_TPR: return s->tpr;
    case LAPIC_APR: return apr(s);
    case LAPIC_PPR: return ppr(s);
    case LAPIC_EOI: case LAPIC_RRD: return 0;
    case LAPIC_LDR: return s->ldr;
    case LAPIC_DFR: return s->dfr;
    case LAPIC_SVR: return s->svr;
    case LAPIC_ESR: return s->esr;
    case LAPIC_ICR_LO: return s->icr_lo;
    case LAPIC_ICR_HI: return s->icr_hi;
    case LAPIC_TIMER_INIT: return s->timer_init;
    case LAPIC_TIMER_CUR: return lapic_timer_current(s);
    case LAPIC_TIMER_DIV: return s->timer_div;
    default:
        guest_error("lapic%d: read of reserved register 0x%03x\n", s->index, off);
        apic_error(s, ESR_ILLEGAL_REG);
        return 0;
    }
}

void lapic_reg_write(Lapic *s, uint32_t off, uint32_t val)
{
    if (is_lvt(off)) {
        write_lvt(s, (int)(off - LAPIC_LVT_TIMER) >> 4, val);
        return;
    }
    switch (off) {
    case LAPIC_ID: s->id = val & 0xff000000u; break;
    case LAPIC_TPR: s->tpr = val & 0xff; update_intr(s); break;
    case LAPIC_EOI: eoi(s); break;
    case LAPIC_LDR: s->ldr = val & 0xff000000u; break;
    case LAPIC_DFR: s->dfr = (val & 0xf0000000u) | 0x0fffffffu; break;
    case LAPIC_SVR: write_svr(s, val); break;
    case LAPIC_ESR:   /* write-to-update: the errors since the last write */
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        break;
    case LAPIC_ICR_LO:   /* delivered at once: the delivery status stays idle */
        s->icr_lo = val & 0x000ccfffu;
        send_ipi(s);
        break;
    case LAPIC_ICR_HI: s->icr_hi = val & 0xff000000u; break;
    case LAPIC_TIMER_INIT:
        s->timer_init = val;
        s->timer_start = clock_ns(&s->m->clock);
        timer_arm(s);
        break;
    case LAPIC_TIMER_DIV: timer_set_div(s, val); break;
    case LAPIC_VERSION: case LAPIC_APR: case LAPIC_PPR: case LAPIC_RRD: case LAPIC_TIMER_CUR:
        guest_error("lapic%d: write 0x%x to read-only register 0x%03x\n", s->index, val, off);
        break;
    default:
        if (bank(s, off)) {
            guest_error("lapic%d: write 0x%x to read-only register 0x%03x\n", s->index, val, off);
            break;
        }
        guest_error("lapic%d: write 0x%x to reserved register 0x%03x\n", s->index, val, off);
        apic_error(s, ESR_ILLEGAL_REG);
        break;
    }
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
    (void)size;
    if (off & 0xf)
        return 0;   /* the upper 12 bytes of each 16-byte slot */
    return lapic_reg_read(opaque, (uint32_t)off);
}

static void mmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    (void)size;
    if (!(off & 0xf))
        lapic_reg_write(opaque, (uint32_t)off, (uint32_t)val);
}

static const MemOps lapic_mmio_ops = { mmio_read, mmio_write, 4, 4 };

/* ---- MSR, CR8 ---- */

static void map_page(Lapic *s)
{
    phys_region_move(&s->m->mem, s->mmio, s->apic_base & LAPIC_BASE_ADDR_MASK);
    phys_region_enable(&s->m->mem, s->mmio, hw_enabled(s));
}

bool lapic_msr_read(Lapic *s, uint32_t msr, uint64_t *val)
{
    if (msr != 0x1b)
        return false;
    *val = s->apic_base;
    return true;
}

bool lapic_msr_write(Lapic *s, uint32_t msr, uint64_t val)
{
    if (msr != 0x1b)
        return false;
    uint64_t writable = LAPIC_BASE_ADDR_MASK | LAPIC_BASE_EN | LAPIC_BASE_BSP;
    if (val & ~writable)
        return false;   /* #GP */
    bool was = hw_enabled(s);
    /* Once globally disabled the APIC stays off until reset (no x2APIC). */
    if (!was && (val & LAPIC_BASE_EN))
        val &= ~LAPIC_BASE_EN;
    s->apic_base = val;
    if (was && !hw_enabled(s)) {
        lapic_reset(s);       /* registers to their power-on state, ... */
        s->apic_base = val;   /* ... but the MSR as written */
    }
    map_page(s);
    update_intr(s);
    return true;
}

uint64_t lapic_get_cr8(Lapic *s) { return (s->tpr >> 4) & 0xf; }

void lapic_set_cr8(Lapic *s, uint64_t v)
{
    s->tpr = (uint32_t)(v & 0xf) << 4;
    update_intr(s);
}

/* ---- lifecycle ---- */

void lapic_reset(void *opaque)
{
    Lapic *s = opaque;
    s->apic_base = LAPIC_BASE_DEFAULT | LAPIC_BASE_EN | (s->index == 0 ? LAPIC_BASE_BSP : 0);
    s->id = (uint32_t)s->index << 24;
    s->tpr = 0;
    s->ldr = 0;
    s->dfr = 0xffffffffu;
    s->svr = 0xff;
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    for (int i = 0; i < LVT_COUNT; i++)
        s->lvt[i] = LVT_MASKED;
    /* Virtual wire mode on the BSP: the 8259 reaches the CPU through LINT0. */
    if (s->index == 0)
        s->lvt[LVT_LINT0] = DM_EXTINT << 8;
    memset(s->irr, 0, sizeof s->irr);
    memset(s->isr, 0, sizeof s->isr);
    memset(s->tmr, 0, sizeof s->tmr);
    s->timer_init = s->timer_div = 0;
    s->timer_start = 0;
    timer_del(&s->timer);
    map_page(s);
    update_intr(s);
}

static int lapic_post_load(void *opaque)
{
    Lapic *s = opaque;
    map_page(s);
    s->intr_out = !s->intr_out;   /* drive the pin again whatever it was */
    update_intr(s);
    return 0;
}

static const StateField lapic_fields[] = {
    STATE_UINT(Lapic, apic_base), STATE_UINT(Lapic, id), STATE_UINT(Lapic, tpr),
    STATE_UINT(Lapic, ldr), STATE_UINT(Lapic, dfr), STATE_UINT(Lapic, svr),
    STATE_UINT(Lapic, esr), STATE_UINT(Lapic, esr_pending), STATE_UINT(Lapic, icr_lo),
    STATE_UINT(Lapic, icr_hi), STATE_UINT_ARRAY(Lapic, lvt), STATE_UINT_ARRAY(Lapic, irr),
    STATE_UINT_ARRAY(Lapic, isr), STATE_UINT_ARRAY(Lapic, tmr), STATE_UINT(Lapic, timer_init),
    STATE_UINT(Lapic, timer_div), STATE_UINT(Lapic, timer_start), STATE_TIMER(Lapic, timer),
    STATE_UINT(Lapic, lint0_level), STATE_UINT(Lapic, lint1_level), STATE_UINT(Lapic, intr_out),
    STATE_END
};
static const StateDesc lapic_state = { "lapic", 1, lapic_fields, lapic_post_load };

Lapic *lapic_create(Machine *m, int index)
{
    Lapic *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    s->index = index;
    timer_init(&s->timer, &m->clock, timer_cb, s);
    s->mmio = phys_add_mmio(&m->mem, index ? "lapic-n" : "lapic", LAPIC_BASE_DEFAULT, 0x1000,
                            &lapic_mmio_ops, s, 10);
    lapic_reset(s);
    char name[16];
    snprintf(name, sizeof name, "lapic%d", index);
    /* The device name of an AP is never freed: machines live as long as the process. */
    machine_add_device(m, index ? strdup(name) : "lapic", &lapic_state, s, lapic_reset, free);
    return s;
}

void lapic_attach(Lapic *s)
{
    s->extint_ack = s->m->intr_ack;
    s->extint_opaque = s->m->intr_opaque;
    s->m->intr_ack = lapic_intack;
    s->m->intr_opaque = s;
    s->m->lapic = s;
    s->intr_out = !s->intr_out;
    update_intr(s);
}

void lapic_info(Lapic *s, FILE *f)
{
    fprintf(f, "lapic%d: base 0x%llx id %u svr 0x%03x tpr 0x%02x ppr 0x%02x esr 0x%x\n", s->index,
            (unsigned long long)s->apic_base, s->id >> 24, s->svr, s->tpr, ppr(s), s->esr);
    fprintf(f, "  irr highest %d isr highest %d lvt", highest(s->irr), highest(s->isr));
    for (int i = 0; i < LVT_COUNT; i++)
        fprintf(f, " %05x", s->lvt[i]);
    fprintf(f, "\n  timer init %u current %u divide %llu\n", s->timer_init, lapic_timer_current(s),
            (unsigned long long)timer_divisor(s));
}
