/* The MC146818A RTC and CMOS RAM through ports 0x70/0x71, no CPU.  Time is an
 * icount clock with shift 0 (one count = 1 ns) whose epoch is
 * 2024-02-29 23:59:58.25 UTC (a Thursday), so the divider's second
 * boundaries (update cycles) fall at virtual 0.75 s + k.  Timers run at their
 * deadlines as the main loop would; IRQ 8 goes to a recording handler. */
#include <stdlib.h>
#include <string.h>

#include "hw/i8259-pic.h"
#include "hw/machine.h"
#include "hw/mc146818-rtc.h"
#include "hw/pc-board.h"
#include "tests/unit/test-clock.h"
#include "tests/unit/test.h"

#define SEC 1000000000ull
#define MS 1000000ull
#define EPOCH_S 1709251198ll            /* 2024-02-29 23:59:58 UTC */
#define EPOCH_NS (EPOCH_S * 1000000000ll + 250000000)
#define TB (750 * MS)                   /* the first update cycle starts here */
#define UIP_LEAD RTC_UIP_LEAD_NS
#define UPD RTC_UPDATE_NS

static Machine m;
static Rtc *rtc;
static uint64_t icount;
static bool have_machine;

#define MAX_EDGES 4096
static struct { uint64_t ns; int level; } edges[MAX_EDGES];
static int nedges;

static void rec_irq(void *opaque, int n, int level)
{
    if (nedges < MAX_EDGES) {
        edges[nedges].ns = clock_ns(&m.clock);
        edges[nedges].level = level;
        nedges++;
    }
}

static void outb(uint16_t port, uint8_t v) { io_write(&m.io, port, v, 1); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_read(&m.io, port, 1); }
static uint8_t rd(unsigned idx) { outb(0x70, (uint8_t)idx); return inb(0x71); }
static void wr(unsigned idx, uint8_t v) { outb(0x70, (uint8_t)idx); outb(0x71, v); }

/* Moves time to ns, running timers at their deadlines. */
static void set_time(uint64_t ns)
{
    test_clock_advance(&m.clock, &icount, ns);
}

static void setup_epoch(int64_t epoch)
{
    if (have_machine)
        machine_destroy(&m);
    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, epoch);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    rtc = rtc_create(&m);
    irq_connect(&rtc->irq, rec_irq, NULL, 8);
    machine_reset(&m);
    have_machine = true;
    nedges = 0;
}

static void setup(void) { setup_epoch(EPOCH_NS); }

/* Registers 0-9 except the alarms, in the order sec min hour dow day month year. */
static void read_time(uint8_t t[7])
{
    static const unsigned idx[7] = { 0, 2, 4, 6, 7, 8, 9 };
    for (int i = 0; i < 7; i++)
        t[i] = rd(idx[i]);
}

#define TIME_IS(line, s, mi, h, dw, d, mo, y) check_time(line, s, mi, h, dw, d, mo, y)
static void check_time(int line, uint8_t s, uint8_t mi, uint8_t h, uint8_t dw, uint8_t d, uint8_t mo,
                       uint8_t y)
{
    uint8_t t[7], e[7] = { s, mi, h, dw, d, mo, y };
    read_time(t);
    test_checks++;
    if (memcmp(t, e, 7)) {
        test_failures++;
        fprintf(stderr, "%s:%d: time %02x:%02x:%02x dow %02x %02x-%02x-%02x, expected "
                "%02x:%02x:%02x dow %02x %02x-%02x-%02x\n", __FILE__, line, t[2], t[1], t[0], t[3],
                t[6], t[5], t[4], h, mi, s, dw, y, mo, d);
    }
}
#define TIME(...) check_time(__LINE__, __VA_ARGS__)

/* SET, write the time (in the current mode), clear SET (B gets b). */
static void set_clock(uint8_t b, uint8_t s, uint8_t mi, uint8_t h, uint8_t dw, uint8_t d, uint8_t mo,
                      uint8_t y)
{
    wr(RTC_REG_B, (uint8_t)(b | RTC_B_SET));
    wr(RTC_SEC, s);
    wr(RTC_MIN, mi);
    wr(RTC_HOUR, h);
    wr(RTC_DOW, dw);
    wr(RTC_DAY, d);
    wr(RTC_MONTH, mo);
    wr(RTC_YEAR, y);
    wr(RTC_REG_B, b);
}

/* Runs to `until`, acting as an interrupt handler that reads register C on
 * every rising edge of IRQ 8.  Returns the number of edges; the C values and
 * times of the first ones in cvals/times. */
static int service_until(uint64_t until, uint8_t *cvals, uint64_t *times, int max)
{
    int n = 0;
    for (;;) {
        if (rtc->irq.level) {
            uint8_t c = rd(RTC_REG_C);
            if (n < max) {
                if (cvals)
                    cvals[n] = c;
                if (times)
                    times[n] = icount;
            }
            n++;
            continue;
        }
        uint64_t d = clock_next_deadline(&m.clock);
        if (d > until)
            break;
        if (d > icount)
            icount = d;
        clock_run_timers(&m.clock);
    }
    if (until > icount)
        icount = until;
    return n;
}

static void test_power_on(void)
{
    setup();
    CHECK_EQ(rd(RTC_REG_A), 0x26);
    CHECK_EQ(rd(RTC_REG_B), 0x02);
    CHECK_EQ(rd(RTC_REG_C), 0x00);
    CHECK_EQ(rd(RTC_REG_D), 0x80);
    TIME(0x58, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24);     /* Thursday 2024-02-29 23:59:58 */
    CHECK_EQ(rtc->irq.level, 0);
    CHECK(!timer_pending(&rtc->timer));                 /* no interrupt enabled: no timer */
    /* Writes to C and D do nothing. */
    wr(RTC_REG_C, 0xff);
    wr(RTC_REG_D, 0x00);
    CHECK_EQ(rd(RTC_REG_C), 0x00);
    CHECK_EQ(rd(RTC_REG_D), 0x80);
    /* UIP is read-only. */
    wr(RTC_REG_A, 0xa6);
    CHECK_EQ(rtc->cmos[RTC_REG_A], 0x26);
}

static void test_modes(void)
{
    setup();
    /* Binary, 24 h */
    wr(RTC_REG_B, RTC_B_DM | RTC_B_24H);
    TIME(58, 59, 23, 5, 29, 2, 24);
    /* Binary, 12 h: 11 PM */
    wr(RTC_REG_B, RTC_B_DM);
    CHECK_EQ(rd(RTC_HOUR), 0x80 | 11);
    /* BCD, 12 h */
    wr(RTC_REG_B, 0);
    CHECK_EQ(rd(RTC_HOUR), 0x91);
    CHECK_EQ(rd(RTC_SEC), 0x58);
    /* 12 h across the day: midnight is 12 AM, noon 12 PM. */
    static const struct { uint8_t h24, h12; } hours[] = {
        { 0x00, 0x12 }, { 0x01, 0x01 }, { 0x11, 0x11 }, { 0x12, 0x92 }, { 0x13, 0x81 }, { 0x23, 0x91 },
    };
    for (unsigned i = 0; i < sizeof hours / sizeof hours[0]; i++) {
        set_clock(RTC_B_24H, 0x10, 0x20, hours[i].h24, 0x02, 0x15, 0x07, 0x24);
        wr(RTC_REG_B, 0);
        CHECK_EQ(rd(RTC_HOUR), hours[i].h12);
        wr(RTC_REG_B, RTC_B_DM);
        CHECK_EQ(rd(RTC_HOUR), (hours[i].h12 & 0x80) | ((hours[i].h12 >> 4 & 7) * 10 + (hours[i].h12 & 15)));
        /* ... and the time written in 12 h mode reads back in 24 h. */
        set_clock(0, 0x10, 0x20, hours[i].h12, 0x02, 0x15, 0x07, 0x24);
        wr(RTC_REG_B, RTC_B_24H);
        CHECK_EQ(rd(RTC_HOUR), hours[i].h24);
    }
    /* Binary time written, read in BCD. */
    set_clock(RTC_B_DM | RTC_B_24H, 59, 9, 21, 3, 31, 12, 99);
    wr(RTC_REG_B, RTC_B_24H);
    TIME(0x59, 0x09, 0x21, 0x03, 0x31, 0x12, 0x99);
}

static void test_rollover(void)
{
    setup();
    set_time(TB - 1);
    TIME(0x58, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24);
    set_time(TB);
    TIME(0x59, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24);
    set_time(TB + SEC - 1);
    CHECK_EQ(rd(RTC_SEC), 0x59);
    set_time(TB + SEC);                                 /* leap day -> March, Friday */
    TIME(0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x24);

    /* Each case: set 23:59:59 on a date just before the next update, then
     * look at the next day. */
    static const struct { uint8_t dw, d, mo, y, dw2, d2, mo2, y2; } days[] = {
        { 0x04, 0x28, 0x02, 0x24, 0x05, 0x29, 0x02, 0x24 },     /* leap year: 29th */
        { 0x03, 0x28, 0x02, 0x23, 0x04, 0x01, 0x03, 0x23 },     /* common year */
        { 0x02, 0x28, 0x02, 0x00, 0x03, 0x29, 0x02, 0x00 },     /* year 00 is a leap year */
        { 0x01, 0x30, 0x04, 0x23, 0x02, 0x01, 0x05, 0x23 },     /* 30-day month */
        { 0x02, 0x31, 0x01, 0x23, 0x03, 0x01, 0x02, 0x23 },     /* 31-day month */
        { 0x07, 0x31, 0x12, 0x22, 0x01, 0x01, 0x01, 0x23 },     /* year; Saturday -> Sunday */
        { 0x06, 0x31, 0x12, 0x99, 0x07, 0x01, 0x01, 0x00 },     /* 99 -> 00 */
        { 0x03, 0x31, 0x12, 0x24, 0x04, 0x01, 0x01, 0x25 },     /* day 366 of a leap year */
        { 0x03, 0x30, 0x12, 0x24, 0x04, 0x31, 0x12, 0x24 },
    };
    uint64_t t = TB + 2 * SEC;
    for (unsigned i = 0; i < sizeof days / sizeof days[0]; i++) {
        set_time(t + 500 * MS);
        set_clock(RTC_B_24H, 0x59, 0x59, 0x23, days[i].dw, days[i].d, days[i].mo, days[i].y);
        TIME(0x59, 0x59, 0x23, days[i].dw, days[i].d, days[i].mo, days[i].y);
        set_time(t + SEC - 1);
        CHECK_EQ(rd(RTC_SEC), 0x59);                    /* SET kept the divider phase */
        set_time(t + SEC);
        TIME(0x00, 0x00, 0x00, days[i].dw2, days[i].d2, days[i].mo2, days[i].y2);
        t += 2 * SEC;
    }
    /* Minute and hour carries. */
    set_time(t + 100 * MS);
    set_clock(RTC_B_24H, 0x59, 0x59, 0x09, 0x03, 0x10, 0x10, 0x23);
    set_time(t + SEC);
    TIME(0x00, 0x00, 0x10, 0x03, 0x10, 0x10, 0x23);
    set_time(t + 61 * SEC);
    TIME(0x00, 0x01, 0x10, 0x03, 0x10, 0x10, 0x23);
    /* A long run: 400 days later, in binary. */
    wr(RTC_REG_B, RTC_B_DM | RTC_B_24H);
    set_time(t + SEC + 400ull * 86400 * SEC);
    TIME(0, 0, 10, 4, 13, 11, 24);                      /* 400 days on: Wednesday 2024-11-13 */
}

static void test_uip(void)
{
    setup();
    set_time(TB - UIP_LEAD - 1);
    CHECK_EQ(rd(RTC_REG_A), 0x26);
    set_time(TB - UIP_LEAD);
    CHECK_EQ(rd(RTC_REG_A), 0xa6);
    CHECK_EQ(rd(RTC_SEC), 0x58);                        /* the update has not begun */
    set_time(TB);
    CHECK_EQ(rd(RTC_REG_A), 0xa6);
    set_time(TB + UPD - 1);
    CHECK_EQ(rd(RTC_REG_A), 0xa6);
    set_time(TB + UPD);
    CHECK_EQ(rd(RTC_REG_A), 0x26);
    CHECK_EQ(rd(RTC_SEC), 0x59);
    /* Every second. */
    set_time(TB + 5 * SEC - UIP_LEAD - 1);
    CHECK_EQ(rd(RTC_REG_A) & RTC_A_UIP, 0);
    set_time(TB + 5 * SEC - UIP_LEAD);
    CHECK_EQ(rd(RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
    /* SET clears UIP and inhibits the update. */
    wr(RTC_REG_B, RTC_B_SET | RTC_B_24H);
    CHECK_EQ(rd(RTC_REG_A), 0x26);
    set_time(TB + 5 * SEC + 1000);
    CHECK_EQ(rd(RTC_REG_A), 0x26);
    /* Released in the middle of the (inhibited) update cycle: no UIP until
     * the next one. */
    wr(RTC_REG_B, RTC_B_24H);
    CHECK_EQ(rd(RTC_REG_A), 0x26);
    rd(RTC_REG_C);
    wr(RTC_REG_B, RTC_B_UIE | RTC_B_24H);               /* the next update to end is TB + 6 s */
    CHECK_EQ(rtc->timer.deadline, TB + 6 * SEC + UPD);
    wr(RTC_REG_B, RTC_B_24H);
    set_time(TB + 5 * SEC + UPD);                       /* ... and no update-ended flag */
    CHECK_EQ(rd(RTC_REG_C) & RTC_C_UF, 0);
    set_time(TB + 6 * SEC - UIP_LEAD);
    CHECK_EQ(rd(RTC_REG_A), 0xa6);
    /* A stopped divider has no updates. */
    wr(RTC_REG_A, 0x66);
    CHECK_EQ(rd(RTC_REG_A), 0x66);
}

static void test_set_halt_resume(void)
{
    setup();
    wr(RTC_REG_C, 0);
    rd(RTC_REG_C);
    set_time(TB + 100 * MS);                            /* 23:59:59 */
    wr(RTC_REG_B, RTC_B_SET | RTC_B_UIE | RTC_B_24H);   /* SET going high clears UIE */
    CHECK_EQ(rd(RTC_REG_B), RTC_B_SET | RTC_B_24H);
    rd(RTC_REG_C);
    set_time(TB + 10 * SEC);
    TIME(0x59, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24);    /* halted */
    CHECK_EQ(rd(RTC_REG_C) & RTC_C_UF, 0);              /* no update-ended flag while halted */
    /* Registers read back what is written while halted. */
    wr(RTC_SEC, 0x30);
    wr(RTC_MIN, 0x15);
    wr(RTC_HOUR, 0x08);
    CHECK_EQ(rd(RTC_SEC), 0x30);
    CHECK_EQ(rd(RTC_MIN), 0x15);
    set_time(TB + 10 * SEC + 300 * MS);
    wr(RTC_REG_B, RTC_B_24H);                           /* resume at 08:15:30 */
    TIME(0x30, 0x15, 0x08, 0x05, 0x29, 0x02, 0x24);
    set_time(TB + 11 * SEC - 1);                        /* the divider kept its phase */
    CHECK_EQ(rd(RTC_SEC), 0x30);
    set_time(TB + 11 * SEC);
    CHECK_EQ(rd(RTC_SEC), 0x31);
    CHECK_EQ(rd(RTC_REG_C) & RTC_C_UF, 0);              /* the update is still in its cycle */
    set_time(TB + 11 * SEC + UPD);
    CHECK_EQ(rd(RTC_REG_C) & RTC_C_UF, RTC_C_UF);
    /* SET while SET is already set leaves UIE alone. */
    wr(RTC_REG_B, RTC_B_SET | RTC_B_24H);
    wr(RTC_REG_B, RTC_B_SET | RTC_B_UIE | RTC_B_24H);
    CHECK_EQ(rd(RTC_REG_B), RTC_B_SET | RTC_B_UIE | RTC_B_24H);
    wr(RTC_REG_B, RTC_B_24H);

    /* Software-set time persists: an hour later it is an hour later. */
    set_time(TB + 11 * SEC + 3600 * SEC + 500 * MS);
    TIME(0x31, 0x15, 0x09, 0x05, 0x29, 0x02, 0x24);

    /* Divider reset: the time stands still; out of reset the first update
     * comes half a second later. */
    uint64_t t = TB + 3700 * SEC + 123456789;
    set_time(t);
    uint8_t s0 = rd(RTC_SEC);
    wr(RTC_REG_A, 0x76);
    set_time(t + 5 * SEC);
    CHECK_EQ(rd(RTC_SEC), s0);
    wr(RTC_REG_A, 0x26);
    set_time(t + 5 * SEC + 500 * MS - 1);
    CHECK_EQ(rd(RTC_SEC), s0);
    set_time(t + 5 * SEC + 500 * MS);
    CHECK_EQ(rd(RTC_SEC), s0 + 1);
    set_time(t + 5 * SEC + 1500 * MS);
    CHECK_EQ(rd(RTC_SEC), s0 + 2);
    /* Other time bases stop the divider too. */
    wr(RTC_REG_A, 0x06);
    set_time(t + 10 * SEC);
    CHECK_EQ(rd(RTC_SEC), s0 + 2);
    wr(RTC_REG_A, 0x26);

    /* Writing a time register while the clock runs: it counts on from there. */
    t = t + 20 * SEC;
    set_time(t);
    uint8_t before[7];
    read_time(before);
    wr(RTC_MIN, 0x42);
    uint8_t after[7];
    read_time(after);
    CHECK_EQ(after[0], before[0]);
    CHECK_EQ(after[1], 0x42);
    CHECK_EQ(after[2], before[2]);
    set_time(t + 60 * SEC);
    CHECK_EQ(rd(RTC_MIN), 0x43);

    /* Out-of-range values are normalised. */
    set_clock(RTC_B_24H, 0x75, 0x61, 0x25, 0x09, 0x31, 0x02, 0x23);
    TIME(0x00, 0x00, 0x00, 0x03, 0x28, 0x02, 0x23);    /* 2023-02-28 was a Tuesday */
    set_clock(RTC_B_24H, 0x00, 0x00, 0x00, 0x01, 0x00, 0x13, 0xa0);
    TIME(0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00);    /* a valid day of the week is kept */
}

static void test_day_of_week_counter(void)
{
    setup();
    /* The day of the week is its own counter: a Monday written on a
     * Thursday's date stays one ahead... and advances at midnight. */
    set_time(100 * MS);
    set_clock(RTC_B_24H, 0x59, 0x59, 0x23, 0x02, 0x29, 0x02, 0x24);
    CHECK_EQ(rd(RTC_DOW), 0x02);
    set_time(TB);
    CHECK_EQ(rd(RTC_DOW), 0x03);
    set_time(TB + 5 * 86400 * SEC);
    CHECK_EQ(rd(RTC_DOW), 0x01);                        /* 3 + 5 wraps to Sunday */
    set_time(TB + 6 * 86400 * SEC);
    CHECK_EQ(rd(RTC_DOW), 0x02);
}

/* Periodic edges over one second from a divider-second boundary. */
static void test_periodic(void)
{
    static const struct { uint8_t rs; int per_sec; uint64_t period_ns; } rates[] = {
        { 0x1, 256, 3906250 }, { 0x2, 128, 7812500 }, { 0x3, 8192, 122071 }, { 0x6, 1024, 976563 },
        { 0xa, 64, 15625000 }, { 0xf, 2, 500000000 },
    };
    for (unsigned i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        setup();
        wr(RTC_REG_A, (uint8_t)(0x20 | rates[i].rs));
        set_time(TB);
        rd(RTC_REG_C);
        wr(RTC_REG_B, RTC_B_PIE | RTC_B_24H);
        CHECK(timer_pending(&rtc->timer));
        nedges = 0;
        uint8_t c[4];
        uint64_t tm[4];
        int n = service_until(TB + SEC, c, tm, 4);
        CHECK_EQ(n, rates[i].per_sec);
        CHECK_EQ(c[0] & ~RTC_C_UF, RTC_C_IRQF | RTC_C_PF);  /* (UF if an update ended) */
        /* The first edge at the first tap edge (rounded up to a ns). */
        CHECK_EQ(tm[0], TB + rates[i].period_ns);
        if (n > 1)
            CHECK_EQ(edges[2].ns, tm[1]);               /* raise, lower, raise */
        CHECK_EQ(edges[0].level, 1);
        CHECK_EQ(edges[1].level, 0);
        /* Over 3 more seconds. */
        n = service_until(TB + 4 * SEC, NULL, NULL, 0);
        CHECK_EQ(n, 3 * rates[i].per_sec);
    }
    /* RS = 0: no periodic interrupt; PIE with no rate arms no timer. */
    setup();
    wr(RTC_REG_A, 0x20);
    wr(RTC_REG_B, RTC_B_PIE | RTC_B_24H);
    CHECK(!timer_pending(&rtc->timer));
    CHECK_EQ(service_until(3 * SEC, NULL, NULL, 0), 0);
    /* PF is set without PIE (polled), the line stays low. */
    setup();
    set_time(TB);
    rd(RTC_REG_C);
    set_time(TB + 976562);
    CHECK_EQ(rd(RTC_REG_C), 0);
    set_time(TB + 976563);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_PF);
    CHECK_EQ(rd(RTC_REG_C), 0);
    CHECK_EQ(nedges, 0);
    /* Periodic interrupts go on while SET = 1 (the divider runs). */
    wr(RTC_REG_B, RTC_B_SET | RTC_B_PIE | RTC_B_24H);
    CHECK_EQ(service_until(TB + 1 * SEC + 976563, NULL, NULL, 0), 1024);
    /* ... but not while the divider is held. */
    wr(RTC_REG_A, 0x66);
    CHECK_EQ(service_until(TB + 3 * SEC, NULL, NULL, 0), 0);
    /* Out of reset the chain starts half a second in: edges every period
     * from there. */
    uint64_t t = icount;
    wr(RTC_REG_A, 0x2f);                                /* 2 Hz */
    uint64_t tm[3];
    CHECK_EQ(service_until(t + SEC, NULL, tm, 3), 2);
    CHECK_EQ(tm[0], t + 500 * MS);
    CHECK_EQ(tm[1], t + SEC);
}

static void test_update_interrupt(void)
{
    setup();
    wr(RTC_REG_A, 0x20);                                /* no periodic flag */
    wr(RTC_HOUR_ALARM, 0x3f);                           /* no alarm (00:00:00 would match) */
    wr(RTC_REG_B, RTC_B_UIE | RTC_B_24H);
    uint8_t c[10];
    uint64_t tm[10];
    CHECK_EQ(service_until(TB + 10 * SEC, c, tm, 10), 10);
    for (int i = 0; i < 10; i++) {
        CHECK_EQ(tm[i], TB + (uint64_t)i * SEC + UPD);
        CHECK_EQ(c[i], RTC_C_IRQF | RTC_C_UF);
    }
    CHECK_EQ(nedges, 20);
    /* At the interrupt, the seconds have advanced by one. */
    set_time(TB + 10 * SEC + UPD - 1);
    uint8_t s = rd(RTC_SEC);
    CHECK_EQ(rtc->irq.level, 0);
    set_time(TB + 10 * SEC + UPD);
    CHECK_EQ(rtc->irq.level, 1);
    CHECK_EQ(rd(RTC_SEC), s);                           /* shown since the cycle began */
    CHECK_EQ(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_UF);
    /* UIE off: UF still set, polled, line low. */
    wr(RTC_REG_B, RTC_B_24H);
    CHECK(!timer_pending(&rtc->timer));
    set_time(TB + 12 * SEC);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_UF);
    CHECK_EQ(rtc->irq.level, 0);
}

static void test_alarm(void)
{
    setup();
    wr(RTC_REG_A, 0x20);
    set_time(100 * MS);
    set_clock(RTC_B_24H, 0x00, 0x30, 0x12, 0x02, 0x01, 0x07, 0x24);    /* 12:30:00 */
    /* Exact alarm at 12:30:05. */
    wr(RTC_SEC_ALARM, 0x05);
    wr(RTC_MIN_ALARM, 0x30);
    wr(RTC_HOUR_ALARM, 0x12);
    rd(RTC_REG_C);
    wr(RTC_REG_B, RTC_B_AIE | RTC_B_24H);
    uint8_t c[4];
    uint64_t tm[4];
    CHECK_EQ(service_until(TB + 100 * SEC, c, tm, 4), 1);
    CHECK_EQ(tm[0], TB + 4 * SEC + UPD);                /* 12:30:05 begins at TB + 4 s */
    CHECK_EQ(c[0], RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
    /* The next day, same time. */
    CHECK_EQ(service_until(TB + 4 * SEC + 86400 * SEC + UPD, c, tm, 4), 1);
    CHECK_EQ(tm[0], TB + 4 * SEC + 86400 * SEC + UPD);

    /* Don't care hours and minutes: every minute at :20. */
    wr(RTC_MIN_ALARM, 0xc0);
    wr(RTC_HOUR_ALARM, 0xff);
    wr(RTC_SEC_ALARM, 0x20);
    uint64_t base = TB + 4 * SEC + 86400 * SEC;         /* 12:30:05 */
    CHECK_EQ(service_until(base + 200 * SEC, c, tm, 4), 4);
    CHECK_EQ(tm[0], base + 15 * SEC + UPD);
    CHECK_EQ(tm[1], base + 75 * SEC + UPD);
    CHECK_EQ(tm[3], base + 195 * SEC + UPD);
    /* All don't care: every second. */
    wr(RTC_SEC_ALARM, 0xc5);
    CHECK_EQ(service_until(base + 210 * SEC, NULL, NULL, 0), 10);
    /* Don't care seconds only: each second of the matching minute. */
    set_time(base + 210 * SEC + 1);                     /* 12:33:35 */
    wr(RTC_MIN_ALARM, 0x35);
    CHECK_EQ(service_until(base + 2 * 3600 * SEC, c, tm, 4), 2 * 60);
    CHECK_EQ(tm[0], base + 295 * SEC + UPD);          /* 12:35:00 */
    /* An alarm that never matches arms nothing. */
    wr(RTC_SEC_ALARM, 0x75);
    CHECK(!timer_pending(&rtc->timer));
    CHECK_EQ(service_until(icount + 86400 * SEC, NULL, NULL, 0), 0);

    /* 12-hour mode: the alarm hour carries the PM bit. */
    setup();
    wr(RTC_REG_A, 0x20);
    set_time(100 * MS);
    set_clock(0, 0x58, 0x59, 0x91, 0x02, 0x01, 0x07, 0x24);     /* 11:59:58 PM */
    wr(RTC_SEC_ALARM, 0x00);
    wr(RTC_MIN_ALARM, 0x00);
    wr(RTC_HOUR_ALARM, 0x12);                           /* 12 AM */
    rd(RTC_REG_C);
    wr(RTC_REG_B, RTC_B_AIE);
    CHECK_EQ(service_until(TB + 3 * SEC, c, tm, 4), 1);
    CHECK_EQ(tm[0], TB + SEC + UPD);
    wr(RTC_HOUR_ALARM, 0x92);                           /* 12 PM: half a day later */
    CHECK_EQ(service_until(TB + SEC + 43200 * SEC + UPD, c, tm, 4), 1);
    CHECK_EQ(tm[0], TB + SEC + 43200 * SEC + UPD);

    /* Polled: AF is set when the time passes the alarm, IRQ stays low. */
    setup();
    wr(RTC_REG_A, 0x20);
    wr(RTC_SEC_ALARM, 0x01);
    wr(RTC_MIN_ALARM, 0x00);
    wr(RTC_HOUR_ALARM, 0x00);
    rd(RTC_REG_C);
    set_time(TB + SEC + UPD - 1);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_UF);
    set_time(TB + 5 * SEC);                             /* 00:00:01 began at TB + 2 s */
    CHECK_EQ(rd(RTC_REG_C), RTC_C_UF | RTC_C_AF);
    set_time(TB + 100 * SEC);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_UF);
    set_time(TB + 100 * SEC + 2 * 86400 * SEC);         /* passed it twice */
    CHECK_EQ(rd(RTC_REG_C), RTC_C_UF | RTC_C_AF);
    CHECK_EQ(nedges, 0);
    /* Alarm registers are plain bytes: they read back as written. */
    CHECK_EQ(rd(RTC_SEC_ALARM), 0x01);
    /* Enabling AIE with AF pending raises the line at once; clearing AIE
     * lowers it. */
    set_time(TB + 100 * SEC + 3 * 86400 * SEC);
    wr(RTC_REG_B, RTC_B_AIE | RTC_B_24H);
    CHECK_EQ(rtc->irq.level, 1);
    wr(RTC_REG_B, RTC_B_24H);
    CHECK_EQ(rtc->irq.level, 0);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_UF | RTC_C_AF);
}

static void test_register_c_and_line(void)
{
    setup();
    wr(RTC_HOUR_ALARM, 0x3f);                           /* no alarm */
    wr(RTC_REG_B, RTC_B_PIE | RTC_B_24H);               /* 1024 Hz */
    set_time(976562);
    CHECK_EQ(nedges, 0);
    set_time(976563);                                   /* the epoch is 8192 ticks into its second */
    CHECK_EQ(rtc->irq.level, 1);
    CHECK_EQ(nedges, 1);
    set_time(TB + 976563);
    CHECK_EQ(rtc->irq.level, 1);
    CHECK_EQ(nedges, 1);
    /* The line stays high until C is read, whatever else happens. */
    set_time(TB + 100 * MS);
    CHECK_EQ(nedges, 1);
    CHECK(!timer_pending(&rtc->timer));                 /* nothing to do while IRQF is set */
    CHECK_EQ(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
    CHECK_EQ(rtc->irq.level, 0);
    CHECK_EQ(nedges, 2);
    CHECK_EQ(rd(RTC_REG_C), 0x00);                      /* cleared by the read */
    CHECK(timer_pending(&rtc->timer));
    /* Two sources at once: one read clears both. */
    wr(RTC_REG_B, RTC_B_PIE | RTC_B_UIE | RTC_B_24H);
    set_time(TB + SEC + UPD);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
    CHECK_EQ(rd(RTC_REG_C), 0);
    /* The line really reaches IRQ 8 of the PIC pair. */
    Pic *pic = pic_create(&m);
    irq_connect(&rtc->irq, pic_set_irq, pic, 8);
    set_time(TB + 2 * SEC);
    CHECK_EQ(pic->chip[1].irr & 1, 1);
    rd(RTC_REG_C);
    CHECK_EQ(pic->chip[1].irr & 1, 0);
}

static void test_reset(void)
{
    setup();
    wr(RTC_REG_B, RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE | RTC_B_DM | RTC_B_24H);
    wr(RTC_REG_A, 0x2a);
    wr(0x40, 0x5a);
    set_time(TB + 10 * MS);
    CHECK_EQ(rtc->irq.level, 1);
    outb(0x70, 0x8f);
    machine_reset(&m);
    CHECK_EQ(rtc->irq.level, 0);
    CHECK_EQ(rd(RTC_REG_B), RTC_B_DM | RTC_B_24H);
    CHECK_EQ(rd(RTC_REG_A), 0x2a);                      /* A, time and RAM are kept */
    CHECK_EQ(rd(RTC_REG_C), 0);
    CHECK_EQ(rd(0x40), 0x5a);
    CHECK_EQ(rd(RTC_SEC), 59);
    CHECK(!rtc_nmi_masked(rtc));
    CHECK(!timer_pending(&rtc->timer));
}

static void test_ports_and_ram(void)
{
    setup();
    /* Bit 7 of the index port is the NMI mask; bits 0-6 the index. */
    outb(0x70, 0x80 | 0x20);
    CHECK(rtc_nmi_masked(rtc));
    outb(0x71, 0x11);
    outb(0x70, 0x20);
    CHECK(!rtc_nmi_masked(rtc));
    CHECK_EQ(inb(0x71), 0x11);
    CHECK_EQ(inb(0x70), 0xff);                          /* write-only */
    /* All of 0x0e-0x7f is RAM. */
    for (unsigned i = 0x0e; i < 0x80; i++)
        wr(i, (uint8_t)(i * 7 + 3));
    int bad = 0;
    for (unsigned i = 0x0e; i < 0x80; i++)
        bad += rd(i) != (uint8_t)(i * 7 + 3);
    CHECK_EQ(bad, 0);
    /* Indices above 127 wrap (bit 7 is the NMI mask). */
    outb(0x70, 0xc0);
    CHECK_EQ(inb(0x71), (uint8_t)(0x40 * 7 + 3));
    CHECK(rtc_nmi_masked(rtc));
    outb(0x71, 0xab);
    CHECK_EQ(rd(0x40), 0xab);
    outb(0x70, 0xff);
    outb(0x71, 0xcd);
    CHECK_EQ(rd(0x7f), 0xcd);
    outb(0x70, 0x8c);                                   /* 0x8c = register C with NMI masked */
    CHECK_EQ(inb(0x71), 0x00);
    outb(0x70, 0x8d);
    CHECK_EQ(inb(0x71), 0x80);
    /* The data port does not move the index. */
    outb(0x70, 0x50);
    outb(0x71, 0x01);
    outb(0x71, 0x02);
    CHECK_EQ(inb(0x71), 0x02);
    CHECK_EQ(rd(0x51), (uint8_t)(0x51 * 7 + 3));
    /* A 16-bit access is two byte accesses: index then data. */
    io_write(&m.io, 0x70, 0x7760, 2);
    CHECK_EQ(rd(0x60), 0x77);
    /* Board accessors. */
    rtc_set_cmos(rtc, 0x33, 0x44);
    CHECK_EQ(rtc_get_cmos(rtc, 0x33), 0x44);
    CHECK_EQ(rtc_get_cmos(rtc, 0x80), 0xff);
}

static unsigned cm(unsigned i) { return rtc_get_cmos(rtc, i); }

static void test_board_cmos(void)
{
    static const struct {
        uint64_t ram, below;
        unsigned ext, above16, above4g;
    } cases[] = {
        { 8 << 20, 8 << 20, 7 * 1024, 0, 0 },
        { 16 << 20, 16 << 20, 15 * 1024, 0, 0 },
        { 32 << 20, 32 << 20, 31 * 1024, 256, 0 },
        { 128 << 20, 128 << 20, 0xffff, (112 << 20) >> 16, 0 },
        { 65ull << 20, 65ull << 20, 0xffff, (49 << 20) >> 16, 0 },    /* 64 MiB above 1 MiB: capped */
        { 0xe0000000ull, 0xe0000000ull, 0xffff, 0xdf00, 0 },
        { 6ull << 30, 0xe0000000ull, 0xffff, 0xdf00, 0xa000 },          /* 2.5 GiB above 4 GiB */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setup();
        CHECK_EQ(pc_cmos_init(rtc, cases[i].ram, cases[i].below, 1, "cda"), 0);
        CHECK_EQ(cm(0x15) | cm(0x16) << 8, 640);
        CHECK_EQ(cm(0x17) | cm(0x18) << 8, cases[i].ext);
        CHECK_EQ(cm(0x30) | cm(0x31) << 8, cases[i].ext);
        CHECK_EQ(cm(0x34) | cm(0x35) << 8, cases[i].above16);
        CHECK_EQ(cm(0x5b) | cm(0x5c) << 8 | cm(0x5d) << 16, cases[i].above4g);
        /* What SeaBIOS makes of it: RAM below 4 GiB. */
        uint64_t rs = (uint64_t)(cm(0x34) << 16 | cm(0x35) << 24);
        rs = rs ? rs + (16 << 20) : ((uint64_t)(cm(0x30) << 10 | cm(0x31) << 18) + (1 << 20));
        CHECK_EQ(rs, cases[i].below);
        unsigned sum = 0;
        for (unsigned j = 0x10; j <= 0x2d; j++)
            sum += cm(j);
        CHECK_EQ(cm(0x2e) << 8 | cm(0x2f), sum);
        CHECK(sum != 0);
    }
    setup();
    CHECK_EQ(pc_cmos_init(rtc, 64 << 20, 64 << 20, 4, "cda"), 0);
    CHECK_EQ(cm(0x5f), 3);
    CHECK_EQ(cm(0x3d), 0x32);                           /* hard disk, then CD-ROM */
    CHECK_EQ(cm(0x38), 0x10);                           /* then floppy; check its signature */
    CHECK_EQ(cm(0x10), 0);
    CHECK_EQ(cm(0x12), 0);
    CHECK_EQ(cm(0x14), 0);
    CHECK_EQ(cm(0x32), 0x20);
    CHECK_EQ(cm(0x0f), 0);
    CHECK_EQ(pc_cmos_init(rtc, 64 << 20, 64 << 20, 1, "dn"), 0);
    CHECK_EQ(cm(0x3d), 0x43);
    CHECK_EQ(cm(0x38), 0x00);
    CHECK_EQ(pc_cmos_init(rtc, 64 << 20, 64 << 20, 1, "cdax"), -1);
    CHECK_EQ(pc_cmos_init(rtc, 64 << 20, 64 << 20, 1, "z"), -1);
    CHECK_EQ(pc_cmos_init(rtc, 64 << 20, 64 << 20, 0, "c"), -1);
}

static void test_snapshot(void)
{
    setup();
    wr(RTC_REG_A, 0x2f);
    wr(RTC_REG_B, RTC_B_PIE | RTC_B_24H);
    set_clock(RTC_B_PIE | RTC_B_24H, 0x00, 0x00, 0x07, 0x03, 0x04, 0x05, 0x06);
    outb(0x70, 0x42);
    set_time(2 * SEC);
    StateBuf b = { 0 };
    const StateDesc *d = machine_find_device(&m, "mc146818")->state;
    state_save(d, rtc, &b);
    uint64_t h = state_hash(d, rtc);
    uint8_t t0[7];
    read_time(t0);
    /* Change everything, then load. */
    set_clock(RTC_B_24H, 0x11, 0x11, 0x11, 0x01, 0x11, 0x11, 0x11);
    rd(RTC_REG_C);
    char err[128];
    CHECK_EQ(state_load(d, rtc, b.data, b.len, err, sizeof err), 0);
    CHECK_EQ(state_hash(d, rtc), h);
    CHECK_EQ(rtc->index, 0x42);
    uint8_t t1[7];
    read_time(t1);
    CHECK(!memcmp(t0, t1, 7));
    CHECK_EQ(rtc->irq.level, 1);
    CHECK(!rtc_nmi_masked(rtc));
    /* Bad states are refused. */
    rtc->index = 0x90;
    StateBuf bad = { 0 };
    state_save(d, rtc, &bad);
    CHECK_EQ(state_load(d, rtc, bad.data, bad.len, err, sizeof err), -1);
    rtc->index = 0;
    CHECK_EQ(rtc->flags & RTC_C_PF, RTC_C_PF);
    rtc->flags |= 0x01;                                 /* a bit C does not have */
    statebuf_free(&bad);
    state_save(d, rtc, &bad);
    CHECK_EQ(state_load(d, rtc, bad.data, bad.len, err, sizeof err), -1);
    statebuf_free(&bad);
    statebuf_free(&b);
    /* The monitor dump. */
    rtc->flags = 0;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rtc_info(rtc, f);
    fclose(f);
    CHECK(strstr(buf, "time ") != NULL);
    free(buf);
}

int main(void)
{
    test_power_on();
    test_modes();
    test_rollover();
    test_uip();
    test_set_halt_resume();
    test_day_of_week_counter();
    test_periodic();
    test_update_interrupt();
    test_alarm();
    test_register_c_and_line();
    test_reset();
    test_ports_and_ram();
    test_board_cmos();
    test_snapshot();
    machine_destroy(&m);
    return test_main_result("test-rtc");
}
