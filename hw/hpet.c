/* The HPET (see hpet.h). */
#include "hw/hpet.h"

#include <stdlib.h>

#include "system/log.h"

enum { HPET_CAP = 0x000, HPET_CONF = 0x010, HPET_ISR = 0x020, HPET_COUNTER = 0x0f0,
       HPET_TIMER0 = 0x100, HPET_TIMER_STRIDE = 0x20 };

#define TN_WRITABLE (HPET_TN_LEVEL | HPET_TN_ENABLE | HPET_TN_PERIODIC | HPET_TN_SETVAL | \
                     HPET_TN_32BIT | 0x1full << HPET_TN_ROUTE_SHIFT)
#define TN_CAPS     (HPET_TN_PER_CAP | HPET_TN_SIZE_CAP | (uint64_t)HPET_ROUTE_CAP << 32)

static bool running(const Hpet *s) { return s->config & HPET_CFG_ENABLE; }
static bool legacy(const Hpet *s) { return s->config & HPET_CFG_LEGACY; }

uint64_t hpet_counter(Hpet *s)
{
    if (!running(s))
        return s->counter;
    uint64_t now = clock_ns(&s->m->clock);
    return s->counter + (now - s->counter_ns) / HPET_NS_PER_TICK;
}

/* Freezes or restarts the counter's flow at the current value. */
static void rebase(Hpet *s)
{
    s->counter = hpet_counter(s);
    /* counter_ns is aligned to a tick so that restarting keeps the phase */
    s->counter_ns = clock_ns(&s->m->clock);
}

/* ---- interrupt lines ---- */

static void drive(Hpet *s, int n, int level)
{
    HpetTimer *t = &s->t[n];
    t->out = (uint8_t)level;
    if (legacy(s) && n < 2) {
        irq_set(n == 0 ? &s->irq0 : &s->irq8, level);
        return;
    }
    int pin = (int)((t->config >> HPET_TN_ROUTE_SHIFT) & 0x1f);
    if (s->gsi && ((HPET_ROUTE_CAP >> pin) & 1))
        s->gsi(s->gsi_opaque, pin, level);
    else if (level)
        guest_error("hpet: timer %d routed to IOAPIC pin %d, not in INT_ROUTE_CAP\n", n, pin);
}

/* The ISA IRQ0/IRQ8 inputs: the PIT and RTC unless legacy routing took them. */
static void update_legacy_lines(Hpet *s)
{
    irq_set(&s->irq0, legacy(s) ? s->t[0].out : s->pit_level);
    irq_set(&s->irq8, legacy(s) ? s->t[1].out : s->rtc_level);
}

void hpet_pit_in(void *opaque, int n, int level)
{
    Hpet *s = opaque;
    s->pit_level = (uint8_t)level;
    if (!legacy(s))
        irq_set(&s->irq0, level);
}

void hpet_rtc_in(void *opaque, int n, int level)
{
    Hpet *s = opaque;
    s->rtc_level = (uint8_t)level;
    if (!legacy(s))
        irq_set(&s->irq8, level);
}

static void fire(Hpet *s, int n)
{
    HpetTimer *t = &s->t[n];
    if (!(t->config & HPET_TN_ENABLE))
        return;
    if (t->config & HPET_TN_LEVEL) {
        s->isr |= 1ull << n;
        drive(s, n, 1);
    } else {
        drive(s, n, 0);   /* a new rising edge */
        drive(s, n, 1);
    }
}

/* Lowers the timer's line (disabled, status cleared, edge reprogrammed). */
static void quiet(Hpet *s, int n)
{
    if (s->t[n].out && !((s->isr >> n) & 1))
        drive(s, n, 0);
}

/* ---- comparators ---- */

static uint64_t width_mask(const HpetTimer *t)
{
    return (t->config & HPET_TN_32BIT) ? 0xffffffffull : ~0ull;
}

static void arm(Hpet *s, int n)
{
    HpetTimer *t = &s->t[n];
    if (!running(s)) {
        timer_del(&t->timer);
        return;
    }
    uint64_t mask = width_mask(t);
    uint64_t delta = (t->cmp - hpet_counter(s)) & mask;
    if (delta == 0)
        delta = mask == ~0ull ? ~0ull : mask + 1;   /* matched just now: the next wrap */
    if (delta > (1ull << 50)) {                     /* beyond any run */
        timer_del(&t->timer);
        return;
    }
    /* The deadline is the start of the tick where the counter reaches cmp. */
    uint64_t now = clock_ns(&s->m->clock);
    uint64_t into = (now - s->counter_ns) % HPET_NS_PER_TICK;
    timer_mod(&t->timer, now - into + delta * HPET_NS_PER_TICK);
}

static void timer_cb(void *opaque)
{
    HpetTimer *t = opaque;
    Hpet *s = t->hpet;
    fire(s, t->n);
    if ((t->config & HPET_TN_PERIODIC) && t->period) {
        uint64_t mask = width_mask(t), now = hpet_counter(s);
        /* Next match after now; a period shorter than the minimum is
         * stretched (missed periods are skipped, not queued). */
        uint64_t step = t->period;
        uint64_t min_ticks = HPET_MIN_PERIOD_NS / HPET_NS_PER_TICK;
        if (step < min_ticks)
            step = (min_ticks + t->period - 1) / t->period * t->period;
        uint64_t behind = (now - t->cmp) & mask;
        t->cmp = (t->cmp + (behind / step + 1) * step) & mask;
    }
    arm(s, t->n);
}

/* ---- registers ---- */

static uint64_t timer_read(Hpet *s, int n, uint32_t reg)
{
    HpetTimer *t = &s->t[n];
    switch (reg) {
    case 0x00: return t->config | TN_CAPS;
    case 0x08: return t->cmp & width_mask(t);
    default: return 0;   /* FSB route: no FSB delivery */
    }
}

static void timer_write_config(Hpet *s, int n, uint64_t val)
{
    HpetTimer *t = &s->t[n];
    uint64_t old = t->config;
    t->config = val & TN_WRITABLE;
    if (t->config & HPET_TN_32BIT) {
        t->cmp &= 0xffffffffull;
        t->period &= 0xffffffffull;
    }
    if (!(t->config & HPET_TN_ENABLE) || ((old ^ t->config) & HPET_TN_LEVEL)) {
        if (!(t->config & HPET_TN_LEVEL))
            s->isr &= ~(1ull << n);
        quiet(s, n);
    }
    arm(s, n);
}

/* A write of the bits in wmask (a 32-bit half or all 64) of the comparator:
 * each half lands in the comparator and/or the period by itself. */
static void timer_write_cmp(Hpet *s, int n, uint64_t val, uint64_t wmask)
{
    HpetTimer *t = &s->t[n];
    val &= wmask;
    if (!(t->config & HPET_TN_PERIODIC) || (t->config & HPET_TN_SETVAL))
        t->cmp = ((t->cmp & ~wmask) | val) & width_mask(t);
    if (t->config & HPET_TN_PERIODIC)
        t->period = ((t->period & ~wmask) | val) & width_mask(t);
    t->config &= ~HPET_TN_SETVAL;
    arm(s, n);
}

uint64_t hpet_reg_read(Hpet *s, uint32_t off)
{
    if (off >= HPET_TIMER0 && off < HPET_TIMER0 + HPET_TIMERS * HPET_TIMER_STRIDE)
        return timer_read(s, (int)(off - HPET_TIMER0) / HPET_TIMER_STRIDE,
                          (off - HPET_TIMER0) % HPET_TIMER_STRIDE);
    switch (off) {
    case HPET_CAP:
        return HPET_PERIOD_FS << 32 | 0x8086u << 16 | 1u << 15 | 1u << 13 |
               (HPET_TIMERS - 1u) << 8 | 1u;
    case HPET_CONF: return s->config;
    case HPET_ISR: return s->isr;
    case HPET_COUNTER: return hpet_counter(s);
    default: return 0;
    }
}

static void write_conf(Hpet *s, uint64_t val)
{
    uint64_t old = s->config;
    rebase(s);
    s->config = val & (HPET_CFG_ENABLE | HPET_CFG_LEGACY);
    if ((old ^ s->config) & HPET_CFG_LEGACY) {
        /* timers 0 and 1 move between the ISA lines and their IOAPIC pins */
        for (int n = 0; n < 2; n++) {
            uint8_t out = s->t[n].out;
            s->config = old;
            drive(s, n, 0);
            s->config = val & (HPET_CFG_ENABLE | HPET_CFG_LEGACY);
            s->t[n].out = out;
            if (!legacy(s))
                drive(s, n, out);
        }
        update_legacy_lines(s);
    }
    for (int n = 0; n < HPET_TIMERS; n++)
        arm(s, n);
}

void hpet_reg_write(Hpet *s, uint32_t off, uint64_t val)
{
    if (off >= HPET_TIMER0 && off < HPET_TIMER0 + HPET_TIMERS * HPET_TIMER_STRIDE) {
        int n = (int)(off - HPET_TIMER0) / HPET_TIMER_STRIDE;
        uint32_t reg = (off - HPET_TIMER0) % HPET_TIMER_STRIDE;
        if (reg == 0x00)
            timer_write_config(s, n, val);
        else if (reg == 0x08)
            timer_write_cmp(s, n, val, ~0ull);
        return;
    }
    switch (off) {
    case HPET_CONF:
        write_conf(s, val);
        break;
    case HPET_ISR:
        for (int n = 0; n < HPET_TIMERS; n++) {
            if ((val >> n) & (s->isr >> n) & 1) {
                s->isr &= ~(1ull << n);
                drive(s, n, 0);
            }
        }
        break;
    case HPET_COUNTER:
        if (running(s)) {
            guest_error("hpet: main counter written while running\n");
            break;
        }
        s->counter = val;
        break;
    default:
        guest_error("hpet: write to 0x%03x\n", off);
        break;
    }
}

/* 32-bit accesses reach either half of a 64-bit register: merge them. */
static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
    uint64_t v = hpet_reg_read(opaque, (uint32_t)(off & ~7ull));
    return size == 8 ? v : (uint32_t)(v >> ((off & 4) * 8));
}

static void mmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Hpet *s = opaque;
    uint32_t reg = (uint32_t)(off & ~7ull);
    if (size == 4) {
        unsigned shift = (unsigned)(off & 4) * 8;
        uint64_t wmask = 0xffffffffull << shift;
        if (reg >= HPET_TIMER0 && reg < HPET_TIMER0 + HPET_TIMERS * HPET_TIMER_STRIDE &&
            (reg - HPET_TIMER0) % HPET_TIMER_STRIDE == 8) {
            timer_write_cmp(s, (int)(reg - HPET_TIMER0) / HPET_TIMER_STRIDE, val << shift, wmask);
            return;
        }
        /* the other half as it reads; the status register's other half is
         * written as 0 (write 1 to clear) */
        uint64_t cur = reg == HPET_ISR ? 0 : hpet_reg_read(s, reg);
        val = (cur & ~wmask) | (val & 0xffffffffull) << shift;
    }
    hpet_reg_write(s, reg, val);
}

static const MemOps hpet_ops = { mmio_read, mmio_write, 4, 8 };

void hpet_reset(void *opaque)
{
    Hpet *s = opaque;
    for (int n = 0; n < HPET_TIMERS; n++) {
        HpetTimer *t = &s->t[n];
        timer_del(&t->timer);
        if (t->out)
            drive(s, n, 0);
        t->config = 0;
        t->cmp = ~0ull;
        t->period = 0;
    }
    s->config = 0;
    s->isr = 0;
    s->counter = 0;
    s->counter_ns = 0;
    update_legacy_lines(s);
}

static const StateField hpet_fields[] = {
    STATE_UINT(Hpet, config), STATE_UINT(Hpet, isr), STATE_UINT(Hpet, counter),
    STATE_UINT(Hpet, counter_ns),
    STATE_UINT(Hpet, t[0].config), STATE_UINT(Hpet, t[0].cmp), STATE_UINT(Hpet, t[0].period),
    STATE_UINT(Hpet, t[0].out), STATE_TIMER(Hpet, t[0].timer),
    STATE_UINT(Hpet, t[1].config), STATE_UINT(Hpet, t[1].cmp), STATE_UINT(Hpet, t[1].period),
    STATE_UINT(Hpet, t[1].out), STATE_TIMER(Hpet, t[1].timer),
    STATE_UINT(Hpet, t[2].config), STATE_UINT(Hpet, t[2].cmp), STATE_UINT(Hpet, t[2].period),
    STATE_UINT(Hpet, t[2].out), STATE_TIMER(Hpet, t[2].timer),
    STATE_UINT(Hpet, pit_level), STATE_UINT(Hpet, rtc_level),
    STATE_END
};
static const StateDesc hpet_state = { "hpet", 1, hpet_fields, NULL };

Hpet *hpet_create(Machine *m)
{
    Hpet *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    for (int n = 0; n < HPET_TIMERS; n++) {
        s->t[n].hpet = s;
        s->t[n].n = n;
        timer_init(&s->t[n].timer, &m->clock, timer_cb, &s->t[n]);
    }
    hpet_reset(s);
    phys_add_mmio(&m->mem, "hpet", HPET_BASE, 0x400, &hpet_ops, s, 1);
    machine_add_device(m, "hpet", &hpet_state, s, hpet_reset, free);
    return s;
}
