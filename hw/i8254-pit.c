/* Intel 8254 programmable interval timer.  Datasheet: Intel 8254 (231164).
 *
 * Each counter's counting element (CE) is described by a segment: from clock
 * tick seg_tick on it holds v and then counts as its mode says, or (while not
 * running) it holds v with OUT at held_out.  A count written into the count
 * register (CR) reaches the CE at a known future tick (the next CLK pulse, the
 * end of the period in mode 2 or of the half-cycle in mode 3, the CLK pulse
 * after a trigger): that load is kept pending and applied when time passes it.
 * Every access first brings the counter to the current tick (sync), so the
 * state only ever moves forward and the result does not depend on when it was
 * looked at. */
#include "hw/i8254-pit.h"

#include <stdlib.h>

#include "system/log.h"

#define NEVER UINT64_MAX

uint64_t pit_ns_tick(uint64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * PIT_HZ / 1000000000u);
}

uint64_t pit_tick_ns(uint64_t tick)
{
    return (uint64_t)(((unsigned __int128)tick * 1000000000u + PIT_HZ - 1) / PIT_HZ);
}

static uint64_t now_tick(Pit *p)
{
    return pit_ns_tick(clock_ns(&p->m->clock));
}

static int mode_of(const PitCounter *c)
{
    return c->mode_bits >= 6 ? c->mode_bits - 4 : c->mode_bits;
}

static uint32_t modulus(const PitCounter *c)
{
    return c->bcd ? 10000 : 65536;
}

static uint32_t bcd_decode(uint16_t v)
{
    return (v >> 12 & 15) * 1000u + (v >> 8 & 15) * 100u + (v >> 4 & 15) * 10u + (v & 15);
}

static uint16_t bcd_encode(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

static bool bcd_valid(uint16_t v)
{
    for (int i = 0; i < 16; i += 4)
        if ((v >> i & 15) > 9)
            return false;
    return true;
}

/* The count the CR loads: 0 stands for 2^16 (binary) or 10^4 (BCD). */
static uint32_t cr_count(const PitCounter *c)
{
    uint32_t v = c->bcd ? bcd_decode(c->cr) : c->cr;
    return v ? v : modulus(c);
}

/* Count (0..modulus-1) and OUT at tick t >= seg_tick. */
static void eval(const PitCounter *c, uint64_t t, uint32_t *ce, bool *out)
{
    uint32_t m = modulus(c);
    if (!c->running) {
        *ce = c->v % m;
        *out = c->held_out;
        return;
    }
    uint64_t j = t > c->seg_tick ? t - c->seg_tick : 0;
    uint32_t n = c->v;
    switch (mode_of(c)) {
    case 0:
    case 1:     /* OUT low until the terminal count, then high */
        *ce = (uint32_t)((n + m - j % m) % m);
        *out = c->tc_done || j >= n;
        break;
    case 4:
    case 5:     /* OUT high, low for the one CLK pulse of the terminal count */
        *ce = (uint32_t)((n + m - j % m) % m);
        *out = c->tc_done || j != n;
        break;
    case 2:     /* n, n-1, ..., 1 (OUT low), reload */
        if (n < 2) {
            *ce = n % m;
            *out = true;
            break;
        }
        *ce = (uint32_t)(n - j % n) % m;
        *out = j % n != n - 1;
        break;
    default: {  /* 3: high half (n+1)/2 CLKs, low half n/2 CLKs, counting by two */
        if (n < 2) {
            *ce = 0;
            *out = true;
            break;
        }
        uint32_t h = (n + 1) / 2, e = n & ~1u;
        uint32_t ph = (uint32_t)((j + (c->low_start ? h : 0)) % n);
        if (ph < h) {
            *ce = (e - 2 * ph) % m;
            *out = true;
        } else {
            *ce = (e - 2 * (ph - h)) % m;
            *out = false;
        }
        break;
    }
    }
}

static void promote(PitCounter *c);

/* The first tick after t at which OUT changes (NEVER if it does not). */
static uint64_t next_change(const PitCounter *c, uint64_t t)
{
    uint64_t u = NEVER;
    if (c->running) {
        uint64_t s = c->seg_tick, j = t > s ? t - s : 0;
        uint32_t n = c->v;
        switch (mode_of(c)) {
        case 0:
        case 1:
            if (!c->tc_done && j < n)
                u = s + n;
            break;
        case 4:
        case 5:
            if (!c->tc_done && j <= n)
                u = j < n ? s + n : s + n + 1;
            break;
        case 2:
            if (n >= 2)
                u = j % n < n - 1 ? t + (n - 1 - j % n) : t + 1;
            break;
        default:
            if (n >= 2) {
                uint32_t h = (n + 1) / 2;
                uint32_t ph = (uint32_t)((j + (c->low_start ? h : 0)) % n);
                u = ph < h ? t + (h - ph) : t + (n - ph);
            }
            break;
        }
    }
    if (c->pending && c->pend_tick > t && c->pend_tick < u) {
        /* The load may or may not change OUT: look at the counter after it. */
        PitCounter after = *c;
        uint32_t ce;
        bool out_before, out_after;
        eval(c, t, &ce, &out_before);
        promote(&after);
        eval(&after, c->pend_tick, &ce, &out_after);
        if (out_before != out_after)
            return c->pend_tick;
        return next_change(&after, c->pend_tick);
    }
    return u;
}

/* Mode 2/3: the tick the current period (mode 2) or half-cycle (mode 3) ends
 * at, where a new count is loaded; *low: the new count starts a low half. */
static uint64_t next_boundary(const PitCounter *c, uint64_t t, uint8_t *low)
{
    uint64_t s = c->seg_tick, j = t > s ? t - s : 0;
    uint32_t n = c->v;
    *low = 0;
    if (n < 2)
        return t + 1;
    if (mode_of(c) == 2)
        return s + (j / n + 1) * n;
    uint32_t h = (n + 1) / 2;
    uint32_t ph = (uint32_t)((j + (c->low_start ? h : 0)) % n);
    if (ph < h) {
        *low = 1;
        return t + (h - ph);
    }
    return t + (n - ph);
}

static void schedule_load(PitCounter *c, uint64_t tick, uint8_t low)
{
    c->pending = 1;
    c->pend_tick = tick;
    c->pend_low = low;
}

/* The pending load happens: CR -> CE. */
static void promote(PitCounter *c)
{
    int mode = mode_of(c);
    c->pending = 0;
    c->v = cr_count(c);
    c->tc_done = 0;
    c->low_start = c->pend_low;
    c->null_count = 0;
    c->armed = 1;
    if (mode == 1 || mode == 5 || c->gate) {
        c->running = 1;
        c->seg_tick = c->pend_tick;
    } else {
        c->running = 0;         /* loaded; counting waits for GATE */
        c->held_out = mode != 0;
    }
}

static void sync(PitCounter *c, uint64_t t)
{
    if (c->pending && t >= c->pend_tick)
        promote(c);
}

/* Counting stops at tick t (the next CLK pulse does not count). */
static void freeze(PitCounter *c, uint64_t t)
{
    if (!c->running)
        return;
    uint32_t ce;
    bool out;
    eval(c, t, &ce, &out);
    int mode = mode_of(c);
    if (mode == 2 || mode == 3) {
        c->v = ce;
    } else {
        uint64_t j = t > c->seg_tick ? t - c->seg_tick : 0;
        if (j <= c->v) {
            if (mode <= 1 ? j >= c->v : j > c->v)
                c->tc_done = 1;
            c->v -= (uint32_t)j;
        } else {
            c->tc_done = 1;
            c->v = ce;
        }
    }
    c->held_out = out;
    c->running = 0;
}

/* ---- OUT0 -> IRQ0 ---- */

static bool irq_wired(const Pit *p)
{
    return p->irq0.handler != NULL;
}

static void set_irq(Pit *p, bool out)
{
    if (p->irq_level != out || p->irq0.level != (int)out) {
        p->irq_level = out;
        irq_set(&p->irq0, out);
    }
}

/* Puts every OUT0 transition up to tick `now` on the line, in order (when
 * far behind, only those of the last two periods), and syncs counter 0. */
static void irq_catch_up(Pit *p, uint64_t now)
{
    PitCounter *c = &p->c[0];
    if (now < p->irq_tick)
        now = p->irq_tick;
    uint32_t ce;
    bool out;
    for (int guard = 0; guard < 64; guard++) {
        sync(c, p->irq_tick);
        uint64_t u = next_change(c, p->irq_tick);
        if (u > now)
            break;
        int mode = mode_of(c);
        if (c->running && (mode == 2 || mode == 3) && now - u > 4 * (uint64_t)c->v) {
            p->irq_tick = now - 2 * (uint64_t)c->v;
            continue;
        }
        sync(c, u);
        eval(c, u, &ce, &out);
        set_irq(p, out);
        p->irq_tick = u;
    }
    sync(c, now);
    eval(c, now, &ce, &out);
    set_irq(p, out);
    p->irq_tick = now;
}

static void irq_rearm(Pit *p)
{
    uint64_t u = irq_wired(p) ? next_change(&p->c[0], p->irq_tick) : NEVER;
    if (u == NEVER)
        timer_del(&p->timer);
    else
        timer_mod(&p->timer, pit_tick_ns(u));
}

static void pit_timer_cb(void *opaque)
{
    Pit *p = opaque;
    irq_catch_up(p, now_tick(p));
    irq_rearm(p);
}

/* Brings counter ch to tick t (counter 0 through its IRQ line). */
static void ch_sync(Pit *p, int ch, uint64_t t)
{
    if (ch == 0 && irq_wired(p))
        irq_catch_up(p, t);
    else
        sync(&p->c[ch], t);
}

/* After a change of counter 0: its OUT now and the next transition. */
static void ch0_changed(Pit *p, uint64_t t)
{
    if (!irq_wired(p))
        return;
    uint32_t ce;
    bool out;
    eval(&p->c[0], t, &ce, &out);
    set_irq(p, out);
    p->irq_tick = t;
    irq_rearm(p);
}

/* ---- programming ---- */

static uint16_t read_value(const PitCounter *c, uint64_t t)
{
    uint32_t ce;
    bool out;
    eval(c, t, &ce, &out);
    return c->bcd ? bcd_encode(ce) : (uint16_t)ce;
}

static uint8_t status_byte(const PitCounter *c, uint64_t t)
{
    uint32_t ce;
    bool out;
    eval(c, t, &ce, &out);
    return (uint8_t)(out << 7 | c->null_count << 6 | c->rw << 4 | c->mode_bits << 1 | c->bcd);
}

static void latch_count(PitCounter *c, uint64_t t)
{
    if (c->latch_state)
        return;     /* a latched count stays until it is read */
    c->latch = read_value(c, t);
    c->latch_state = c->rw;
}

static void control_word(Pit *p, int ch, uint8_t val, uint64_t t)
{
    PitCounter *c = &p->c[ch];
    int rw = (val >> 4) & 3;
    if (rw == 0) {
        latch_count(c, t);
        return;
    }
    uint32_t ce;
    bool out;
    eval(c, t, &ce, &out);
    c->mode_bits = (val >> 1) & 7;
    c->rw = (uint8_t)rw;
    c->bcd = val & 1;
    /* The control logic resets; OUT goes to the mode's initial level and the
     * counter waits for a count.  The CE keeps its (undefined) value. */
    c->running = 0;
    c->v = ce;
    c->held_out = mode_of(c) != 0;
    c->pending = 0;
    c->armed = 0;
    c->cr_valid = 0;
    c->null_count = 1;
    c->tc_done = 0;
    c->low_start = 0;
    c->write_msb = 0;
    c->read_msb = 0;
    c->latch_state = 0;
    c->status_latched = 0;
}

static void read_back(Pit *p, uint8_t val, uint64_t t)
{
    if (val & 1)
        guest_error("i8254: read-back command 0x%02x has reserved bit 0 set\n", val);
    for (int i = 0; i < 3; i++) {
        if (!(val & (2 << i)))
            continue;
        PitCounter *c = &p->c[i];
        ch_sync(p, i, t);
        if (!(val & 0x20))
            latch_count(c, t);
        if (!(val & 0x10) && !c->status_latched) {
            c->status = status_byte(c, t);
            c->status_latched = 1;
        }
    }
}

/* A complete count was written into the CR. */
static void write_count(PitCounter *c, int ch, uint16_t cr, uint64_t t)
{
    c->cr = cr;
    c->cr_valid = 1;
    c->null_count = 1;
    int mode = mode_of(c);
    if (c->bcd && !bcd_valid(cr))
        guest_error("i8254: counter %d: BCD count 0x%04x has a digit above 9\n", ch, cr);
    if ((mode == 2 || mode == 3) && cr_count(c) == 1)
        guest_error("i8254: counter %d: count 1 is illegal in mode %d\n", ch, mode);
    switch (mode) {
    case 0:     /* OUT low at once; the new count loads on the next CLK */
        freeze(c, t);
        c->held_out = 0;
        c->armed = 0;
        schedule_load(c, t + 1, 0);
        break;
    case 4:     /* loads on the next CLK, counting goes on from there */
        schedule_load(c, t + 1, 0);
        break;
    case 1:
    case 5:     /* waits for a trigger */
        break;
    default:    /* 2, 3: the current period is not disturbed */
        if (c->pending)
            break;
        if (c->running) {
            uint8_t low;
            uint64_t b = next_boundary(c, t, &low);
            schedule_load(c, b, low);
        } else if (c->gate) {
            schedule_load(c, t + 1, 0);
        }
        break;
    }
}

static void write_data(Pit *p, int ch, uint8_t val, uint64_t t)
{
    PitCounter *c = &p->c[ch];
    switch (c->rw) {
    case 1:
        write_count(c, ch, val, t);
        break;
    case 2:
        write_count(c, ch, (uint16_t)(val << 8), t);
        break;
    default:
        if (!c->write_msb) {
            c->cr_lsb = val;
            c->write_msb = 1;
            if (mode_of(c) == 0) {
                /* Mode 0: the first byte stops counting and OUT goes low. */
                freeze(c, t);
                c->held_out = 0;
                c->armed = 0;
                c->pending = 0;
            }
        } else {
            c->write_msb = 0;
            write_count(c, ch, (uint16_t)(c->cr_lsb | val << 8), t);
        }
        break;
    }
}

static uint8_t read_data(PitCounter *c, uint64_t t)
{
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    switch (c->latch_state) {
    case 1:
        c->latch_state = 0;
        return (uint8_t)c->latch;
    case 2:
        c->latch_state = 0;
        return (uint8_t)(c->latch >> 8);
    case 3:
        c->latch_state = 2;
        return (uint8_t)c->latch;
    }
    uint16_t v = read_value(c, t);
    switch (c->rw) {
    case 1:
        return (uint8_t)v;
    case 2:
        return (uint8_t)(v >> 8);
    default:
        c->read_msb ^= 1;
        return c->read_msb ? (uint8_t)v : (uint8_t)(v >> 8);
    }
}

static uint64_t pit_read(void *opaque, uint64_t off, unsigned size)
{
    Pit *p = opaque;
    if (off == 3) {
        guest_error("i8254: read of the control word register (port 0x43)\n");
        return 0xff;    /* no-operation: the data bus floats */
    }
    uint64_t t = now_tick(p);
    ch_sync(p, (int)off, t);
    return read_data(&p->c[off], t);
}

static void pit_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Pit *p = opaque;
    uint64_t t = now_tick(p);
    uint8_t v = (uint8_t)val;
    if (irq_wired(p))
        irq_catch_up(p, t);
    if (off == 3) {
        if (v >> 6 == 3) {
            read_back(p, v, t);
        } else {
            ch_sync(p, v >> 6, t);
            control_word(p, v >> 6, v, t);
        }
    } else {
        ch_sync(p, (int)off, t);
        write_data(p, (int)off, v, t);
    }
    ch0_changed(p, t);
}

static const MemOps pit_ops = { pit_read, pit_write, 1, 1 };

void pit_set_gate(Pit *p, int ch, bool level)
{
    if (ch < 0 || ch > 2)
        return;
    PitCounter *c = &p->c[ch];
    uint64_t t = now_tick(p);
    ch_sync(p, ch, t);
    if (c->gate == level)
        return;
    c->gate = level;
    switch (mode_of(c)) {
    case 0:
    case 4:     /* GATE enables counting */
        if (!level)
            freeze(c, t);
        else if (c->armed && !c->running) {
            c->running = 1;
            c->seg_tick = t;
        }
        break;
    case 1:
    case 5:     /* a rising GATE triggers: the CR loads on the next CLK */
        if (level && c->cr_valid)
            schedule_load(c, t + 1, 0);
        break;
    default:    /* 2, 3: GATE low stops counting and sets OUT high; rising reloads */
        if (!level) {
            freeze(c, t);
            c->held_out = 1;
            c->pending = 0;
        } else if (c->cr_valid) {
            schedule_load(c, t + 1, 0);
        }
        break;
    }
    if (ch == 0)
        ch0_changed(p, t);
}

bool pit_get_out(Pit *p, int ch)
{
    if (ch < 0 || ch > 2)
        return false;
    uint64_t t = now_tick(p);
    ch_sync(p, ch, t);
    uint32_t ce;
    bool out;
    eval(&p->c[ch], t, &ce, &out);
    return out;
}

void pit_reset(void *opaque)
{
    Pit *p = opaque;
    /* Power-up state is undefined; Tandem starts each counter as after a
     * control word for mode 3, LSB/MSB, binary: idle with OUT high. */
    for (int i = 0; i < 3; i++) {
        PitCounter *c = &p->c[i];
        *c = (PitCounter){ 0 };
        c->mode_bits = 3;
        c->rw = 3;
        c->held_out = 1;
        c->null_count = 1;
        c->gate = i != 2;   /* counter 2's GATE is port 0x61 bit 0 (reset: 0) */
    }
    timer_del(&p->timer);
    p->irq_tick = now_tick(p);
    if (irq_wired(p))
        set_irq(p, true);
}

static int pit_post_load(void *opaque)
{
    Pit *p = opaque;
    for (int i = 0; i < 3; i++) {
        const PitCounter *c = &p->c[i];
        if (c->mode_bits > 7 || c->rw < 1 || c->rw > 3 || c->bcd > 1 || c->latch_state > 3 ||
            c->write_msb > 1 || c->read_msb > 1 || c->status_latched > 1 || c->null_count > 1 ||
            c->gate > 1 || c->armed > 1 || c->running > 1 || c->tc_done > 1 || c->low_start > 1 ||
            c->held_out > 1 || c->pending > 1 || c->pend_low > 1 || c->cr_valid > 1 ||
            c->v > 0x10000 || (c->latch_state && c->latch_state != c->rw && c->latch_state != 2))
            return -1;
    }
    if (p->irq_level > 1)
        return -1;
    p->irq0.level = p->irq_level;   /* the PIC restored its view of the line */
    return 0;
}

#define PIT_COUNTER_FIELDS(i, pre) \
    { pre "mode", offsetof(Pit, c[i].mode_bits), 1, 1, SF_UINT, 0 }, \
    { pre "rw", offsetof(Pit, c[i].rw), 1, 1, SF_UINT, 0 }, \
    { pre "bcd", offsetof(Pit, c[i].bcd), 1, 1, SF_UINT, 0 }, \
    { pre "cr", offsetof(Pit, c[i].cr), 2, 1, SF_UINT, 0 }, \
    { pre "cr_lsb", offsetof(Pit, c[i].cr_lsb), 1, 1, SF_UINT, 0 }, \
    { pre "cr_valid", offsetof(Pit, c[i].cr_valid), 1, 1, SF_UINT, 0 }, \
    { pre "write_msb", offsetof(Pit, c[i].write_msb), 1, 1, SF_UINT, 0 }, \
    { pre "read_msb", offsetof(Pit, c[i].read_msb), 1, 1, SF_UINT, 0 }, \
    { pre "latch_state", offsetof(Pit, c[i].latch_state), 1, 1, SF_UINT, 0 }, \
    { pre "latch", offsetof(Pit, c[i].latch), 2, 1, SF_UINT, 0 }, \
    { pre "status_latched", offsetof(Pit, c[i].status_latched), 1, 1, SF_UINT, 0 }, \
    { pre "status", offsetof(Pit, c[i].status), 1, 1, SF_UINT, 0 }, \
    { pre "null_count", offsetof(Pit, c[i].null_count), 1, 1, SF_UINT, 0 }, \
    { pre "gate", offsetof(Pit, c[i].gate), 1, 1, SF_UINT, 0 }, \
    { pre "armed", offsetof(Pit, c[i].armed), 1, 1, SF_UINT, 0 }, \
    { pre "running", offsetof(Pit, c[i].running), 1, 1, SF_UINT, 0 }, \
    { pre "tc_done", offsetof(Pit, c[i].tc_done), 1, 1, SF_UINT, 0 }, \
    { pre "low_start", offsetof(Pit, c[i].low_start), 1, 1, SF_UINT, 0 }, \
    { pre "held_out", offsetof(Pit, c[i].held_out), 1, 1, SF_UINT, 0 }, \
    { pre "v", offsetof(Pit, c[i].v), 4, 1, SF_UINT, 0 }, \
    { pre "seg_tick", offsetof(Pit, c[i].seg_tick), 8, 1, SF_UINT, 0 }, \
    { pre "pending", offsetof(Pit, c[i].pending), 1, 1, SF_UINT, 0 }, \
    { pre "pend_low", offsetof(Pit, c[i].pend_low), 1, 1, SF_UINT, 0 }, \
    { pre "pend_tick", offsetof(Pit, c[i].pend_tick), 8, 1, SF_UINT, 0 }

static const StateField pit_fields[] = {
    PIT_COUNTER_FIELDS(0, "c0."),
    PIT_COUNTER_FIELDS(1, "c1."),
    PIT_COUNTER_FIELDS(2, "c2."),
    STATE_TIMER(Pit, timer),
    STATE_UINT(Pit, irq_tick),
    STATE_UINT(Pit, irq_level),
    STATE_END
};

static const StateDesc pit_state = { "i8254", 1, pit_fields, pit_post_load };

static void pit_destroy(void *opaque)
{
    Pit *p = opaque;
    timer_del(&p->timer);
    free(p);
}

Pit *pit_create(Machine *m)
{
    Pit *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->m = m;
    timer_init(&p->timer, &m->clock, pit_timer_cb, p);
    io_map(&m->io, 0x40, 4, &pit_ops, p, "i8254");
    pit_reset(p);
    machine_add_device(m, "i8254", &pit_state, p, pit_reset, pit_destroy);
    return p;
}

void pit_info(Pit *p, FILE *f)
{
    static const char *const rw_name[4] = { "latch", "lsb", "msb", "lsb/msb" };
    uint64_t t = now_tick(p);
    for (int i = 0; i < 3; i++) {
        ch_sync(p, i, t);
        const PitCounter *c = &p->c[i];
        uint32_t ce;
        bool out;
        eval(c, t, &ce, &out);
        fprintf(f, "counter %d: mode %d %s %s count=%u cr=0x%04x gate=%d out=%d%s%s%s\n",
                i, mode_of(c), rw_name[c->rw & 3], c->bcd ? "bcd" : "binary", ce, c->cr, c->gate,
                out, c->running ? " counting" : "", c->null_count ? " null-count" : "",
                c->pending ? " load-pending" : "");
    }
}
