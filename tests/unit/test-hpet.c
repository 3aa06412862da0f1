/* The HPET through its MMIO registers; time is an icount clock (1 ns per
 * count), timers run at their deadlines.  Outputs go to recording handlers. */
#include <stdlib.h>
#include <string.h>

#include "hw/hpet.h"
#include "hw/machine.h"
#include "tests/unit/test-clock.h"
#include "tests/unit/test.h"

static Machine m;
static Hpet *h;
static uint64_t icount;
static int isa_level[16], isa_rises[16];
static int gsi_level[24], gsi_rises[24];

static void set_time(uint64_t ns)
{
    test_clock_advance(&m.clock, &icount, ns);
}

static void rec_isa(void *opaque, int n, int level)
{
    isa_rises[n] += level && !isa_level[n];
    isa_level[n] = level;
}

static void rec_gsi(void *opaque, int n, int level)
{
    gsi_rises[n] += level && !gsi_level[n];
    gsi_level[n] = level;
}

static void setup(void)
{
    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    h = hpet_create(&m);
    irq_connect(&h->irq0, rec_isa, NULL, 0);
    irq_connect(&h->irq8, rec_isa, NULL, 8);
    h->gsi = rec_gsi;
    memset(isa_level, 0, sizeof isa_level);
    memset(isa_rises, 0, sizeof isa_rises);
    memset(gsi_level, 0, sizeof gsi_level);
    memset(gsi_rises, 0, sizeof gsi_rises);
}

static uint64_t rd(uint32_t off) { return phys_read(&m.mem, HPET_BASE + off, 8); }
static uint32_t rd32(uint32_t off) { return (uint32_t)phys_read(&m.mem, HPET_BASE + off, 4); }
static void wr(uint32_t off, uint64_t v) { phys_write(&m.mem, HPET_BASE + off, v, 8); }
static void wr32(uint32_t off, uint32_t v) { phys_write(&m.mem, HPET_BASE + off, v, 4); }
#define TCFG(n) (0x100u + 0x20u * (n))
#define TCMP(n) (0x108u + 0x20u * (n))

static void test_counter(void)
{
    setup();
    uint64_t cap = rd(0x000);
    CHECK_EQ(cap >> 32, 10000000u);              /* 10 ns in fs */
    CHECK_EQ(cap & 0xffff, 0xa201u);             /* legacy, 64-bit, 3 timers, rev 1 */
    CHECK_EQ(rd32(0x004), 10000000u);            /* high half alone */
    CHECK_EQ(rd(TCFG(0)) >> 32, HPET_ROUTE_CAP);
    set_time(1000);
    CHECK_EQ(rd(0x0f0), 0u);                     /* halted */
    wr(0x0f0, 100);
    wr(0x010, HPET_CFG_ENABLE);
    set_time(1000 + 12345);
    CHECK_EQ(rd(0x0f0), 100u + 1234);
    wr(0x010, 0);
    set_time(1000000);
    CHECK_EQ(rd(0x0f0), 100u + 1234);            /* stopped */
    wr32(0x0f4, 1);                              /* high half */
    CHECK_EQ(rd(0x0f0), (1ull << 32) + 100 + 1234);
    machine_destroy(&m);
}

static void test_oneshot_level_ioapic(void)
{
    setup();
    wr(TCFG(2), HPET_TN_LEVEL | HPET_TN_ENABLE | 21u << HPET_TN_ROUTE_SHIFT);
    wr(TCMP(2), 500);                            /* counter 500 = 5 us */
    wr(0x010, HPET_CFG_ENABLE);
    set_time(4999);
    CHECK_EQ(gsi_level[21], 0);
    set_time(5000);
    CHECK_EQ(gsi_level[21], 1);
    CHECK_EQ(rd(0x020), 4u);                     /* status bit 2 */
    set_time(100000);
    CHECK_EQ(gsi_rises[21], 1);                  /* one shot */
    wr(0x020, 4);                                /* clear: the line drops */
    CHECK_EQ(gsi_level[21], 0);
    CHECK_EQ(rd(0x020), 0u);
    /* a route outside INT_ROUTE_CAP sends nothing */
    wr(TCFG(2), HPET_TN_LEVEL | HPET_TN_ENABLE | 5u << HPET_TN_ROUTE_SHIFT);
    wr(TCMP(2), rd(0x0f0) + 100);
    set_time(icount + 2000);
    CHECK_EQ(gsi_level[5], 0);
    machine_destroy(&m);
}

static void test_periodic_legacy(void)
{
    setup();
    wr(0x010, HPET_CFG_LEGACY);
    hpet_pit_in(h, 0, 1);                        /* the PIT is cut off from IRQ0 */
    CHECK_EQ(isa_level[0], 0);
    wr(TCFG(0), HPET_TN_ENABLE | HPET_TN_PERIODIC | HPET_TN_SETVAL);
    wr(TCMP(0), 1000);                           /* first match at 1000 ... */
    wr(TCMP(0), 2000);                           /* ... then every 2000 (20 us) */
    CHECK_EQ(rd(TCMP(0)), 1000u);
    wr(0x010, HPET_CFG_ENABLE | HPET_CFG_LEGACY);
    set_time(10000);
    CHECK_EQ(isa_rises[0], 1);
    set_time(10000 + 5 * 20000);
    CHECK_EQ(isa_rises[0], 6);                   /* edges at 10, 30, 50, 70, 90, 110 us */
    CHECK_EQ(rd(TCMP(0)), 13000u);               /* the comparator advanced */
    CHECK_EQ(rd(0x020), 0u);                     /* edge mode: no status */
    /* timer 1 on IRQ8 in place of the RTC */
    hpet_rtc_in(h, 8, 1);
    CHECK_EQ(isa_level[8], 0);
    wr(TCFG(1), HPET_TN_ENABLE | HPET_TN_LEVEL);
    wr(TCMP(1), rd(0x0f0) + 10);
    set_time(icount + 100);
    CHECK_EQ(isa_level[8], 1);
    /* leaving legacy mode gives IRQ0/IRQ8 back to the PIT and the RTC */
    wr(0x010, HPET_CFG_ENABLE);
    CHECK_EQ(isa_level[0], 1);                   /* the PIT's level */
    hpet_pit_in(h, 0, 0);
    CHECK_EQ(isa_level[0], 0);
    machine_destroy(&m);
}

static void test_32bit_mode(void)
{
    setup();
    wr(0x0f0, 0xfffffff0ull);
    wr(TCFG(1), HPET_TN_ENABLE | HPET_TN_LEVEL | HPET_TN_32BIT | 22u << HPET_TN_ROUTE_SHIFT);
    wr(TCMP(1), 0x100000010ull);                 /* truncated to 32 bits */
    CHECK_EQ(rd(TCMP(1)), 0x10u);
    wr(0x010, HPET_CFG_ENABLE);
    set_time(0x1f * 10 - 1);
    CHECK_EQ(gsi_level[22], 0);
    set_time(0x20 * 10);                         /* the low 32 bits wrap to 0x10 */
    CHECK_EQ(gsi_level[22], 1);
    /* periodic with a tiny period is stretched, not spinning */
    wr(0x020, 2);
    wr(TCFG(1), HPET_TN_ENABLE | HPET_TN_PERIODIC | HPET_TN_SETVAL | HPET_TN_32BIT |
                22u << HPET_TN_ROUTE_SHIFT);
    wr(TCMP(1), (rd(0x0f0) + 1) & 0xffffffff);
    wr(TCMP(1), 1);
    uint64_t start = icount;
    set_time(start + 10 * HPET_MIN_PERIOD_NS);
    CHECK(gsi_rises[22] >= 9 && gsi_rises[22] <= 12);
    machine_destroy(&m);
}

int main(void)
{
    test_counter();
    test_oneshot_level_ioapic();
    test_periodic_legacy();
    test_32bit_mode();
    return test_main_result("test-hpet");
}
