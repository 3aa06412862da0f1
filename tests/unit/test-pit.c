/* The 8254 and port 0x61 through their ports, no CPU.  Time is an icount
 * clock with shift 0 (one count = 1 ns); timers run at their deadlines as the
 * main loop would.  OUT0 goes to a recording IrqLine handler. */
#include <stdlib.h>
#include <string.h>

#include "hw/i8254-pit.h"
#include "hw/machine.h"
#include "hw/pcspk.h"
#include "tests/unit/test-clock.h"
#include "tests/unit/test.h"

static Machine m;
static Pit *pit;
static uint64_t icount;
static bool have_machine;

#define MAX_EDGES 256
static struct { uint64_t tick, ns; int level; } edges[MAX_EDGES];
static int nedges;

static void rec_irq(void *opaque, int n, int level)
{
    if (nedges < MAX_EDGES) {
        uint64_t ns = clock_ns(&m.clock);
        edges[nedges].ns = ns;
        edges[nedges].tick = pit_ns_tick(ns);
        edges[nedges].level = level;
        nedges++;
    }
}

static void outb(uint16_t port, uint8_t v) { io_write(&m.io, port, v, 1); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_read(&m.io, port, 1); }
static void cw(uint8_t v) { outb(0x43, v); }
static void wr(int ch, uint8_t v) { outb((uint16_t)(0x40 + ch), v); }
static void wr16(int ch, uint16_t v) { wr(ch, (uint8_t)v); wr(ch, (uint8_t)(v >> 8)); }
static uint16_t rd16(int ch)
{
    uint8_t l = inb((uint16_t)(0x40 + ch));
    uint8_t h = inb((uint16_t)(0x40 + ch));
    return (uint16_t)(l | h << 8);
}
/* Read-back of the status byte only. */
static uint8_t status(int ch)
{
    cw((uint8_t)(0xe0 | 2 << ch));
    return inb((uint16_t)(0x40 + ch));
}
static int out(int ch) { return status(ch) >> 7; }

/* Moves time to ns, running timers at their deadlines. */
static void set_time(uint64_t ns)
{
    test_clock_advance(&m.clock, &icount, ns);
}

/* The start of PIT clock tick k. */
static void at(uint64_t k) { set_time(pit_tick_ns(k)); }

static void setup(void)
{
    if (have_machine)
        machine_destroy(&m);
    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    pit = pit_create(&m);
    pcspk_create(&m, pit);
    irq_connect(&pit->irq0, rec_irq, NULL, 0);
    machine_reset(&m);
    have_machine = true;
    nedges = 0;
}

/* Counter ch from tick t0 on: count values and OUT levels, one per tick. */
static void expect_seq(int line, int ch, uint64_t t0, int n, const uint16_t *counts, const uint8_t *outs)
{
    for (int i = 0; i < n; i++) {
        at(t0 + (uint64_t)i);
        uint8_t st = status(ch);
        uint16_t v = rd16(ch);
        test_checks += 2;
        if (counts && v != counts[i]) {
            test_failures++;
            fprintf(stderr, "%s:%d: counter %d tick %llu: count 0x%04x, expected 0x%04x\n",
                    __FILE__, line, ch, (unsigned long long)(t0 + i), v, counts[i]);
        }
        if (outs && (st >> 7) != outs[i]) {
            test_failures++;
            fprintf(stderr, "%s:%d: counter %d tick %llu: OUT %d, expected %d\n",
                    __FILE__, line, ch, (unsigned long long)(t0 + i), st >> 7, outs[i]);
        }
    }
}
#define SEQ(ch, t0, counts, outs) \
    expect_seq(__LINE__, ch, t0, (int)(sizeof(outs) / sizeof((outs)[0])), counts, outs)

/* The recorded OUT0 transitions: ticks of the edges (levels alternate). */
static void expect_edges(int line, int first_level, int n, const uint64_t *ticks)
{
    test_checks++;
    if (nedges != n) {
        test_failures++;
        fprintf(stderr, "%s:%d: %d OUT0 edges, expected %d:", __FILE__, line, nedges, n);
        for (int i = 0; i < nedges; i++)
            fprintf(stderr, " %d@%llu", edges[i].level, (unsigned long long)edges[i].tick);
        fprintf(stderr, "\n");
        return;
    }
    for (int i = 0; i < n; i++) {
        test_checks++;
        int lvl = i % 2 ? !first_level : first_level;
        if (edges[i].tick != ticks[i] || edges[i].level != lvl || edges[i].ns != pit_tick_ns(ticks[i])) {
            test_failures++;
            fprintf(stderr, "%s:%d: edge %d: level %d at tick %llu (%llu ns), expected %d at %llu (%llu ns)\n",
                    __FILE__, line, i, edges[i].level, (unsigned long long)edges[i].tick,
                    (unsigned long long)edges[i].ns, lvl, (unsigned long long)ticks[i],
                    (unsigned long long)pit_tick_ns(ticks[i]));
        }
    }
}
#define EDGES(first, ...) do { \
    static const uint64_t t_[] = { __VA_ARGS__ }; \
    expect_edges(__LINE__, first, (int)(sizeof t_ / sizeof t_[0]), t_); \
} while (0)

static void test_ticks(void)
{
    CHECK_EQ(pit_ns_tick(0), 0);
    CHECK_EQ(pit_tick_ns(1), 839);              /* 838.095... ns, rounded up */
    CHECK_EQ(pit_ns_tick(838), 0);
    CHECK_EQ(pit_ns_tick(839), 1);
    CHECK_EQ(pit_ns_tick(1000000000), PIT_HZ);
    for (uint64_t k = 0; k < 5000000000ull; k += 987654321)
        CHECK_EQ(pit_ns_tick(pit_tick_ns(k)), k);
}

static void test_reset_state(void)
{
    setup();
    /* After reset: mode 3, LSB/MSB, binary, no count: OUT high, null count. */
    CHECK_EQ(status(0), 0xc0 | 0x30 | 3 << 1);
    CHECK_EQ(status(1), 0xc0 | 0x30 | 3 << 1);
    CHECK_EQ(status(2), 0xc0 | 0x30 | 3 << 1);
    CHECK_EQ(inb(0x61) & 0x0f, 0);
    CHECK(!timer_pending(&pit->timer));
    CHECK_EQ(pit->irq0.level, 1);               /* the reset set OUT0 high */
    at(1000);
    CHECK_EQ(nedges, 0);
    CHECK_EQ(inb(0x43), 0xff);                  /* control register: write only */
}

static void test_mode0(void)
{
    setup();
    nedges = 0;
    cw(0x30);                                   /* counter 0, LSB/MSB, mode 0, binary */
    CHECK_EQ(status(0), 0x70);                  /* OUT low, null count, rw 3, mode 0 */
    EDGES(0, 0);
    wr16(0, 5);
    CHECK_EQ(status(0), 0x70);
    static const uint16_t c[] = { 5, 4, 3, 2, 1, 0, 0xffff, 0xfffe };
    static const uint8_t o[] = { 0, 0, 0, 0, 0, 1, 1, 1 };
    SEQ(0, 1, c, o);                            /* loaded on the next CLK: OUT high N+1 after */
    CHECK_EQ(status(0), 0x80 | 0x30);           /* null count cleared by the load */
    EDGES(0, 0, 6);
    at(100);
    CHECK_EQ(rd16(0), (uint16_t)(5 - 99));      /* keeps counting after the terminal count */
    CHECK_EQ(out(0), 1);

    /* A new count makes OUT low at once and loads on the next CLK. */
    nedges = 0;
    wr16(0, 3);
    CHECK_EQ(out(0), 0);
    static const uint16_t c2[] = { 0xffa2, 3, 2, 1, 0 };    /* 5-99, then the new count */
    static const uint8_t o2[] = { 0, 0, 0, 0, 1 };
    SEQ(0, 100, c2, o2);
    EDGES(0, 100, 104);

    /* Two-byte rewrite while counting: the first byte stops the count. */
    cw(0x30);
    wr16(0, 10);                                /* at tick 104 */
    at(108);                                    /* count 7 */
    CHECK_EQ(rd16(0), 7);
    wr(0, 20);                                  /* LSB: counting stops, OUT low */
    at(112);
    CHECK_EQ(rd16(0), 7);
    CHECK_EQ(out(0), 0);
    wr(0, 0);                                   /* MSB: 20 loads on the next CLK */
    static const uint16_t c3[] = { 7, 20, 19 };
    static const uint8_t o3[] = { 0, 0, 0 };
    SEQ(0, 112, c3, o3);
    at(112 + 21);
    CHECK_EQ(out(0), 1);
    CHECK_EQ(rd16(0), 0);
}

static void test_mode1(void)
{
    setup();
    cw(0xb2);                                   /* counter 2, LSB/MSB, mode 1 */
    CHECK_EQ(status(2), 0xc0 | 0x30 | 1 << 1);  /* OUT high, null count */
    wr16(2, 3);
    at(5);
    CHECK_EQ(out(2), 1);
    CHECK_EQ(status(2) & 0x40, 0x40);           /* no trigger yet: CR not loaded */
    at(10);
    outb(0x61, 0x01);                           /* GATE 2 rises: trigger */
    static const uint16_t c[] = { 3, 2, 1, 0, 0xffff };
    static const uint8_t o[] = { 0, 0, 0, 1, 1 };
    SEQ(2, 11, c, o);
    CHECK_EQ(status(2) & 0x40, 0);
    CHECK_EQ(inb(0x61) & 0x20, 0x20);           /* OUT2 on port 0x61 bit 5 */
    /* GATE staying high does not retrigger. */
    at(30);
    CHECK_EQ(out(2), 1);
    /* Retrigger in the middle of the one-shot restarts it. */
    outb(0x61, 0x00);
    outb(0x61, 0x01);                           /* tick 30 */
    at(32);
    CHECK_EQ(rd16(2), 2);
    outb(0x61, 0x00);
    outb(0x61, 0x01);                           /* tick 32: reload on 33 */
    static const uint16_t c2[] = { 2, 3, 2, 1, 0 };
    static const uint8_t o2[] = { 0, 0, 0, 0, 1 };
    SEQ(2, 32, c2, o2);
    CHECK_EQ(inb(0x61) & 0x20, 0x20);
    /* A new count during the one-shot only counts from the next trigger. */
    outb(0x61, 0x00);
    outb(0x61, 0x01);                           /* tick 36 */
    at(38);
    wr16(2, 10);
    at(40);
    CHECK_EQ(out(2), 1);                        /* the 3-count one-shot ended at 40 */
    outb(0x61, 0x00);
    outb(0x61, 0x01);
    at(50);
    CHECK_EQ(out(2), 0);
    at(51);
    CHECK_EQ(out(2), 1);
    /* Only a rising GATE triggers: a falling one leaves the one-shot alone. */
    outb(0x61, 0x00);
    at(60);
    outb(0x61, 0x01);                           /* load 10 at 61 */
    at(63);
    outb(0x61, 0x00);
    static const uint16_t c3[] = { 8, 7, 6 };
    static const uint8_t o3[] = { 0, 0, 0 };
    SEQ(2, 63, c3, o3);
    at(71);
    CHECK_EQ(out(2), 1);
}

static void test_mode2(void)
{
    setup();
    nedges = 0;
    cw(0x34);                                   /* counter 0, mode 2 */
    wr16(0, 4);
    static const uint16_t c[] = { 4, 3, 2, 1, 4, 3, 2, 1, 4 };
    static const uint8_t o[] = { 1, 1, 1, 0, 1, 1, 1, 0, 1 };
    SEQ(0, 1, c, o);
    at(14);
    EDGES(0, 4, 5, 8, 9, 12, 13);
    /* A new count does not disturb the current period. */
    nedges = 0;
    CHECK_EQ(rd16(0), 3);                       /* period 13..16 */
    wr16(0, 6);
    CHECK_EQ(status(0) & 0x40, 0x40);
    static const uint16_t c2[] = { 3, 2, 1, 6, 5, 4, 3, 2, 1, 6 };
    static const uint8_t o2[] = { 1, 1, 0, 1, 1, 1, 1, 1, 0, 1 };
    SEQ(0, 14, c2, o2);
    CHECK_EQ(status(0) & 0x40, 0);
    EDGES(0, 16, 17, 22, 23);
    /* Modes 6 and 7 are modes 2 and 3 (the status shows the bits as written). */
    cw(0x3c);
    CHECK_EQ(status(0), 0x80 | 0x40 | 0x30 | 6 << 1);
    wr16(0, 3);
    static const uint16_t c3[] = { 3, 2, 1, 3 };
    static const uint8_t o3[] = { 1, 1, 0, 1 };
    SEQ(0, 24, c3, o3);
}

static void test_mode3(void)
{
    setup();
    nedges = 0;
    cw(0x36);                                   /* counter 0, mode 3, even count */
    wr16(0, 6);
    static const uint16_t c[] = { 6, 4, 2, 6, 4, 2, 6, 4 };
    static const uint8_t o[] = { 1, 1, 1, 0, 0, 0, 1, 1 };
    SEQ(0, 1, c, o);
    at(20);
    EDGES(0, 4, 7, 10, 13, 16, 19);

    /* Odd count: (N+1)/2 high, (N-1)/2 low, counting N-1 by two. */
    setup();
    nedges = 0;
    cw(0x36);
    wr16(0, 5);
    static const uint16_t c2[] = { 4, 2, 0, 4, 2, 4, 2, 0, 4, 2, 4 };
    static const uint8_t o2[] = { 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1 };
    SEQ(0, 1, c2, o2);
    EDGES(0, 4, 6, 9, 11);

    /* A new count is loaded at the end of the current half-cycle. */
    setup();
    nedges = 0;
    cw(0x36);
    wr16(0, 6);                                 /* high 1..3, low 4..6 */
    at(2);
    wr16(0, 10);
    static const uint16_t c3[] = { 4, 2, 10, 8, 6, 4, 2, 10, 8, 6, 4, 2, 10 };
    static const uint8_t o3[] = { 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0 };
    SEQ(0, 2, c3, o3);
    EDGES(0, 4, 9, 14);

    /* Count 0 = 65536: a 65536-tick square wave. */
    setup();
    nedges = 0;
    cw(0x36);
    wr16(0, 0);
    at(1);
    CHECK_EQ(rd16(0), 0);
    at(2);
    CHECK_EQ(rd16(0), 0xfffe);
    at(1 + 32768 + 65536);
    EDGES(0, 1 + 32768, 1 + 65536, 1 + 32768 + 65536);
}

static void test_mode4(void)
{
    setup();
    nedges = 0;
    cw(0x38);                                   /* counter 0, mode 4 */
    CHECK_EQ(out(0), 1);
    wr16(0, 3);
    static const uint16_t c[] = { 3, 2, 1, 0, 0xffff, 0xfffe };
    static const uint8_t o[] = { 1, 1, 1, 0, 1, 1 };
    SEQ(0, 1, c, o);
    EDGES(0, 4, 5);
    /* Rewriting during counting: the new count loads on the next CLK. */
    nedges = 0;
    wr16(0, 5);                                 /* tick 6 */
    at(9);
    wr16(0, 2);                                 /* count 3 at tick 9; 2 loads at 10 */
    static const uint16_t c2[] = { 3, 2, 1, 0, 0xffff };
    static const uint8_t o2[] = { 1, 1, 1, 0, 1 };
    SEQ(0, 9, c2, o2);
    EDGES(0, 12, 13);
    /* The first byte of a two-byte count does not stop counting. */
    wr16(0, 8);                                 /* tick 13, loads at 14 */
    at(16);
    wr(0, 0x40);
    static const uint16_t c3[] = { 6, 5, 4 };
    static const uint8_t o3[] = { 1, 1, 1 };
    SEQ(0, 16, c3, o3);
    wr(0, 0);
}

static void test_mode5(void)
{
    setup();
    cw(0xba);                                   /* counter 2, mode 5 */
    wr16(2, 3);
    at(10);
    CHECK_EQ(out(2), 1);
    outb(0x61, 0x01);                           /* trigger */
    static const uint16_t c[] = { 3, 2, 1, 0, 0xffff };
    static const uint8_t o[] = { 1, 1, 1, 0, 1 };
    SEQ(2, 11, c, o);
    /* Retrigger during the count restarts it. */
    outb(0x61, 0x00);
    outb(0x61, 0x01);                           /* tick 15, load 16 */
    at(17);
    outb(0x61, 0x00);
    outb(0x61, 0x01);                           /* tick 17, load 18 */
    static const uint16_t c2[] = { 2, 3, 2, 1, 0, 0xffff };
    static const uint8_t o2[] = { 1, 1, 1, 1, 0, 1 };
    SEQ(2, 17, c2, o2);
}

static void test_gate(void)
{
    /* Mode 0 on counter 2: GATE low suspends counting, OUT unaffected. */
    setup();
    outb(0x61, 0x01);
    cw(0xb0);
    wr16(2, 10);
    at(3);
    CHECK_EQ(rd16(2), 8);
    outb(0x61, 0x00);
    at(10);
    CHECK_EQ(rd16(2), 8);
    CHECK_EQ(out(2), 0);
    outb(0x61, 0x01);
    static const uint16_t c[] = { 8, 7, 6 };
    static const uint8_t o[] = { 0, 0, 0 };
    SEQ(2, 10, c, o);
    at(17);
    CHECK_EQ(out(2), 0);
    at(18);
    CHECK_EQ(out(2), 1);
    CHECK_EQ(rd16(2), 0);
    CHECK_EQ(inb(0x61) & 0x20, 0x20);
    /* A count written while GATE is low is loaded but does not count. */
    outb(0x61, 0x00);
    wr16(2, 4);
    at(25);
    CHECK_EQ(rd16(2), 4);
    CHECK_EQ(status(2) & 0xc0, 0x00);           /* OUT low, loaded */
    outb(0x61, 0x01);
    at(29);
    CHECK_EQ(out(2), 1);

    /* Mode 2: GATE low forces OUT high and stops; rising reloads. */
    setup();
    outb(0x61, 0x01);
    cw(0xb4);
    wr16(2, 5);
    at(5);
    CHECK_EQ(out(2), 0);                        /* count 1 */
    outb(0x61, 0x00);
    CHECK_EQ(out(2), 1);
    CHECK_EQ(inb(0x61) & 0x20, 0x20);
    at(8);
    CHECK_EQ(rd16(2), 1);
    CHECK_EQ(out(2), 1);
    outb(0x61, 0x01);
    static const uint16_t c2[] = { 1, 5, 4, 3, 2, 1, 5 };
    static const uint8_t o2[] = { 1, 1, 1, 1, 1, 0, 1 };
    SEQ(2, 8, c2, o2);
    /* ... and a count written while GATE is low waits for the rising edge. */
    outb(0x61, 0x00);
    wr16(2, 3);
    at(20);
    CHECK_EQ(status(2) & 0x40, 0x40);
    outb(0x61, 0x01);
    static const uint16_t c3[] = { 3, 2, 1, 3 };
    static const uint8_t o3[] = { 1, 1, 0, 1 };
    SEQ(2, 21, c3, o3);

    /* Mode 3: GATE low sets OUT high at once. */
    setup();
    outb(0x61, 0x01);
    cw(0xb6);
    wr16(2, 4);
    at(4);
    CHECK_EQ(out(2), 0);
    outb(0x61, 0x00);
    CHECK_EQ(out(2), 1);
    at(10);
    CHECK_EQ(out(2), 1);
    outb(0x61, 0x01);
    static const uint16_t c4[] = { 4, 2, 4, 2, 4 };
    static const uint8_t o4[] = { 1, 1, 0, 0, 1 };
    SEQ(2, 11, c4, o4);

    /* Mode 4: GATE low holds the count. */
    setup();
    cw(0xb8);
    wr16(2, 3);
    at(10);
    CHECK_EQ(rd16(2), 3);
    CHECK_EQ(out(2), 1);
    outb(0x61, 0x01);
    static const uint16_t c5[] = { 3, 2, 1, 0, 0xffff };
    static const uint8_t o5[] = { 1, 1, 1, 0, 1 };
    SEQ(2, 10, c5, o5);
}

static void test_bcd(void)
{
    setup();
    cw(0x31);                                   /* mode 0, BCD */
    wr16(0, 0x0012);
    static const uint16_t c[] = { 0x12, 0x11, 0x10, 0x09, 0x08 };
    static const uint8_t o[] = { 0, 0, 0, 0, 0 };
    SEQ(0, 1, c, o);
    at(13);
    CHECK_EQ(rd16(0), 0x0000);
    CHECK_EQ(out(0), 1);
    at(14);
    CHECK_EQ(rd16(0), 0x9999);
    CHECK_EQ(status(0), 0x80 | 0x30 | 0x01);
    /* BCD count 0 is 10000. */
    cw(0x35);                                   /* mode 2, BCD */
    wr16(0, 0);
    at(15);
    CHECK_EQ(rd16(0), 0x0000);
    at(16);
    CHECK_EQ(rd16(0), 0x9999);
    at(15 + 9999);
    CHECK_EQ(rd16(0), 0x0001);
    CHECK_EQ(out(0), 0);
    at(15 + 10000);
    CHECK_EQ(rd16(0), 0x0000);
    CHECK_EQ(out(0), 1);
    /* Mode 3 BCD 10 */
    cw(0x37);
    wr16(0, 0x10);
    static const uint16_t c2[] = { 0x10, 0x08, 0x06, 0x04, 0x02, 0x10 };
    static const uint8_t o2[] = { 1, 1, 1, 1, 1, 0 };
    SEQ(0, 15 + 10000 + 1, c2, o2);
}

static void test_rw_modes(void)
{
    setup();
    /* LSB only. */
    cw(0x10);
    CHECK_EQ(status(0), 0x40 | 0x10);
    wr(0, 0x20);                                /* complete count 0x0020 */
    at(1);
    CHECK_EQ(inb(0x40), 0x20);
    CHECK_EQ(inb(0x40), 0x20);                  /* every read is the LSB */
    at(2);
    CHECK_EQ(inb(0x40), 0x1f);
    cw(0x00);                                   /* latch: one LSB read */
    at(3);
    CHECK_EQ(inb(0x40), 0x1f);
    CHECK_EQ(inb(0x40), 0x1e);                  /* then live again */
    /* MSB only. */
    cw(0x60);                                   /* counter 1, MSB, mode 0 */
    wr(1, 0x01);                                /* count 0x0100 */
    at(4);
    CHECK_EQ(inb(0x41), 0x01);
    at(5);
    CHECK_EQ(inb(0x41), 0x00);                  /* 0x00ff */
    cw(0x40);                                   /* latch counter 1 */
    CHECK_EQ(inb(0x41), 0x00);
    CHECK_EQ(inb(0x41), 0x00);                  /* one read per latch, then live */
    /* LSB then MSB: read and write toggles are separate. */
    cw(0x74);                                   /* counter 1, LSB/MSB, mode 2 */
    wr16(1, 0x1234);                            /* tick 5, loads at 6 */
    at(6);
    CHECK_EQ(inb(0x41), 0x34);                  /* read LSB */
    wr(1, 0x78);                                /* write LSB */
    CHECK_EQ(inb(0x41), 0x12);                  /* read MSB */
    wr(1, 0x56);                                /* write MSB */
    at(7);
    CHECK_EQ(rd16(1), 0x1233);
    CHECK_EQ(status(1) & 0x40, 0x40);           /* 0x5678 waits for the period end */
    at(6 + 0x1234);
    CHECK_EQ(rd16(1), 0x5678);
    /* A read toggle left on the MSB carries over. */
    at(6 + 0x1234 + 1);
    CHECK_EQ(inb(0x41), 0x77);
    at(6 + 0x1234 + 3);
    CHECK_EQ(inb(0x41), 0x56);                  /* MSB of 0x5675 */
    CHECK_EQ(inb(0x41), 0x75);
    /* A control word resets both toggles. */
    wr(1, 0x11);
    cw(0x74);
    wr16(1, 0x0102);
    CHECK_EQ(pit->c[1].cr, 0x0102);
    CHECK_EQ(inb(0x41), 0x75);                  /* CE unchanged until the load */
}

static void test_latch(void)
{
    setup();
    cw(0x34);
    wr16(0, 1000);
    at(11);
    cw(0x00);                                   /* latch counter 0: 990 */
    at(50);
    cw(0x00);                                   /* ignored: the first latch is unread */
    CHECK_EQ(rd16(0), 990);
    CHECK_EQ(rd16(0), 1000 - 49);               /* live again */
    at(60);
    cw(0x00);
    CHECK_EQ(inb(0x40), (uint8_t)(1000 - 59));
    at(70);
    cw(0x00);                                   /* ignored: MSB still unread */
    CHECK_EQ(inb(0x40), (1000 - 59) >> 8);
    CHECK_EQ(rd16(0), 1000 - 69);
    /* A control word drops a latched count. */
    cw(0x00);
    cw(0x34);
    wr16(0, 50);                                /* tick 70 */
    at(71);
    CHECK_EQ(rd16(0), 50);
}

static void test_read_back(void)
{
    setup();
    cw(0x34);
    wr16(0, 100);                               /* counter 0: mode 2 */
    cw(0x72);                                   /* counter 1: mode 1 */
    wr16(1, 7);
    cw(0xb1);                                   /* counter 2: mode 0, BCD */
    wr16(2, 0x50);
    at(11);
    /* Count of counters 0 and 2 latched at the same instant. */
    cw(0xda);                                   /* 11 0 1 101 0 */
    at(20);
    CHECK_EQ(rd16(0), 90);
    CHECK_EQ(rd16(2), 0x50);                    /* GATE 2 low: loaded, not counting */
    CHECK_EQ(rd16(0), 81);
    /* Status then count from one command. */
    cw(0xc2);                                   /* 11 0 0 001 0 */
    CHECK_EQ(inb(0x40), 0x80 | 0x30 | 2 << 1);  /* OUT high, loaded, mode 2 */
    CHECK_EQ(rd16(0), 81);
    /* Status bits of the others. */
    CHECK_EQ(status(1), 0x80 | 0x40 | 0x30 | 1 << 1);   /* not triggered: null count */
    CHECK_EQ(status(2), 0x00 | 0x30 | 0x01);            /* mode 0 OUT low, BCD */
    /* Null count: set by a count write, cleared when it reaches the CE. */
    wr16(0, 30);
    CHECK_EQ(status(0) & 0x40, 0x40);
    at(101);
    CHECK_EQ(status(0) & 0x40, 0x00);
    /* A second status latch waits for the first to be read. */
    cw(0xe2);
    at(130);                                    /* count 1: OUT low */
    cw(0xe2);
    CHECK_EQ(inb(0x40), 0x80 | 0x30 | 2 << 1);  /* the first latched status */
    CHECK_EQ(status(0), 0x00 | 0x30 | 2 << 1);
    /* Read-back of all three, status only. */
    cw(0xee);
    CHECK_EQ(inb(0x40) & 0x3f, 0x30 | 2 << 1);
    CHECK_EQ(inb(0x41) & 0x3f, 0x30 | 1 << 1);
    CHECK_EQ(inb(0x42) & 0x3f, 0x30 | 0x01);
}

static void test_port61(void)
{
    setup();
    CHECK_EQ(inb(0x61), 0x00 | 0x20);           /* OUT2 high after reset */
    outb(0x61, 0xff);
    CHECK_EQ(inb(0x61) & 0xcf, 0x0f);           /* bits 6, 7 read 0 */
    outb(0x61, 0x02);
    CHECK_EQ(inb(0x61) & 0x0f, 0x02);
    /* Refresh toggle: flips every 15.085 us. */
    set_time(0);
    CHECK_EQ(inb(0x61) & 0x10, 0x00);
    set_time(15084);
    CHECK_EQ(inb(0x61) & 0x10, 0x00);
    set_time(15085);
    CHECK_EQ(inb(0x61) & 0x10, 0x10);
    set_time(2 * 15085 - 1);
    CHECK_EQ(inb(0x61) & 0x10, 0x10);
    set_time(2 * 15085);
    CHECK_EQ(inb(0x61) & 0x10, 0x00);
    /* Speaker tone: counter 2 mode 3 with GATE; OUT2 follows the wave. */
    uint64_t t = pit_ns_tick(2 * 15085);
    outb(0x61, 0x03);
    cw(0xb6);
    wr16(2, 4);
    at(t + 1);
    CHECK_EQ(inb(0x61) & 0x20, 0x20);
    at(t + 3);
    CHECK_EQ(inb(0x61) & 0x20, 0x00);
    at(t + 5);
    CHECK_EQ(inb(0x61) & 0x20, 0x20);
    outb(0x61, 0x02);                           /* GATE low: OUT2 high */
    at(t + 7);
    CHECK_EQ(inb(0x61) & 0x20, 0x20);
}

static void test_irq_timer(void)
{
    setup();
    /* Only counter 0 arms a timer, and only for OUT changes. */
    cw(0xb6);
    wr16(2, 10);
    outb(0x61, 1);
    CHECK(!timer_pending(&pit->timer));
    cw(0x30);
    CHECK(!timer_pending(&pit->timer));         /* mode 0 without a count: idle */
    wr16(0, 100);
    CHECK(timer_pending(&pit->timer));
    CHECK_EQ(pit->timer.deadline, pit_tick_ns(101));    /* OUT rises (not the load at 1) */
    at(101);
    CHECK(!timer_pending(&pit->timer));         /* OUT high for good */

    /* A pending load that changes OUT wakes the timer: mode 0 over mode 4. */
    cw(0x38);                                   /* tick 101: OUT high, no count */
    wr16(0, 50);                                /* loads at 102, strobe at 152 */
    CHECK_EQ(pit->timer.deadline, pit_tick_ns(152));
    cw(0x30);                                   /* OUT low */
    wr16(0, 50);
    CHECK_EQ(pit->timer.deadline, pit_tick_ns(152));    /* rises at 102 + 50 */
    at(120);
    wr16(0, 2);                                 /* OUT stays low: loads 121, high 123 */
    CHECK_EQ(pit->timer.deadline, pit_tick_ns(123));
    cw(0x34);
    wr16(0, 10);                                /* mode 2, tick 120: low at 130 */
    at(125);
    wr16(0, 3);                                 /* at the period end (131), OUT high anyway */
    CHECK_EQ(pit->timer.deadline, pit_tick_ns(130));
    at(130);
    CHECK_EQ(pit->timer.deadline, pit_tick_ns(131));
    at(131);
    CHECK_EQ(pit->timer.deadline, pit_tick_ns(133));    /* new count 3: low at 131 + 2 */

    /* Late timers (the host did not run us in time): the line still sees
     * the recent edges and ends at the right level, with few callbacks. */
    setup();
    nedges = 0;
    cw(0x34);
    wr16(0, 4);
    icount = pit_tick_ns(1000001) + 100;        /* count 4 again: OUT high */
    clock_run_timers(&m.clock);
    CHECK(nedges >= 2 && nedges <= 8);
    CHECK_EQ(edges[nedges - 1].level, 1);
    CHECK_EQ(edges[nedges - 1].tick, 1000001);
    CHECK(timer_pending(&pit->timer));
    CHECK(pit->timer.deadline > icount);

    /* Not wired: no timer at all. */
    setup();
    pit->irq0.handler = NULL;
    cw(0x34);
    wr16(0, 4);
    CHECK(!timer_pending(&pit->timer));
    at(10);
    CHECK_EQ(rd16(0), 3);
}

static void test_snapshot(void)
{
    setup();
    cw(0x34);
    wr16(0, 40);
    at(5);
    wr16(0, 20);                                /* pending at the period end */
    cw(0x00);                                   /* latched count */
    Device *d = machine_find_device(&m, "i8254");
    CHECK(d != NULL);
    StateBuf b = { 0 };
    state_save(d->state, d->opaque, &b);
    uint64_t h = state_hash(d->state, d->opaque);
    CHECK_EQ(rd16(0), 36);
    cw(0x30);
    CHECK(state_hash(d->state, d->opaque) != h);
    char err[128];
    CHECK_EQ(state_load(d->state, d->opaque, b.data, b.len, err, sizeof err), 0);
    CHECK_EQ(state_hash(d->state, d->opaque), h);
    CHECK_EQ(rd16(0), 36);                      /* the latch came back */
    at(41);
    CHECK_EQ(rd16(0), 20);                      /* and the pending load */
    /* Corrupt state is rejected. */
    pit->c[1].rw = 0;
    StateBuf bad = { 0 };
    state_save(d->state, d->opaque, &bad);
    pit->c[1].rw = 3;
    CHECK(state_load(d->state, d->opaque, bad.data, bad.len, err, sizeof err) < 0);
    statebuf_free(&b);
    statebuf_free(&bad);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    pit_info(pit, f);
    fclose(f);
    CHECK(strstr(text, "counter 0: mode 2 lsb/msb binary count=20") != NULL);
    free(text);
}

int main(void)
{
    test_ticks();
    test_reset_state();
    test_mode0();
    test_mode1();
    test_mode2();
    test_mode3();
    test_mode4();
    test_mode5();
    test_gate();
    test_bcd();
    test_rw_modes();
    test_latch();
    test_read_back();
    test_port61();
    test_irq_timer();
    test_snapshot();
    machine_destroy(&m);
    return test_main_result("test-pit");
}
