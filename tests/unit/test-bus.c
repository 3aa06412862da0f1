/* The machine core: physical memory regions and priorities, MMIO and port I/O
 * dispatch with access-size splitting, unassigned reads, the A20 mask, state
 * tables (save/load/dump/hash, version and corruption handling) and the clock
 * with its timers. */
#include <stdlib.h>
#include <string.h>

#include "hw/clock.h"
#include "hw/ioport.h"
#include "hw/memory.h"
#include "hw/state.h"
#include "tests/unit/test.h"

/* A device that records accesses and answers offset-based patterns. */
typedef struct Rec {
    int reads, writes;
    uint64_t last_off, last_val;
    unsigned last_size;
    uint8_t regs[16];
} Rec;

static uint64_t rec_read(void *o, uint64_t off, unsigned size)
{
    Rec *r = o;
    r->reads++;
    r->last_off = off;
    r->last_size = size;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)r->regs[(off + i) & 15] << (8 * i);
    return v;
}

static void rec_write(void *o, uint64_t off, uint64_t val, unsigned size)
{
    Rec *r = o;
    r->writes++;
    r->last_off = off;
    r->last_val = val;
    r->last_size = size;
    for (unsigned i = 0; i < size; i++)
        r->regs[(off + i) & 15] = (uint8_t)(val >> (8 * i));
}

static const MemOps ops_1to4 = { rec_read, rec_write, 1, 4 };
static const MemOps ops_4only = { rec_read, rec_write, 4, 4 };
static const MemOps ops_1only = { rec_read, rec_write, 1, 1 };

static int notified;
static void listener(void *o) { (void)o; notified++; }

static void test_memory(void)
{
    PhysMem pm;
    phys_init(&pm);
    phys_add_listener(&pm, listener, NULL);
    CHECK(phys_alloc_ram(&pm, 16 << 20, 0xe0000000));
    CHECK(notified >= 1);
    /* RAM reads back, little-endian */
    phys_write(&pm, 0x1000, 0x1122334455667788ull, 8);
    CHECK_EQ(phys_read(&pm, 0x1000, 8), 0x1122334455667788ull);
    CHECK_EQ(phys_read(&pm, 0x1002, 2), 0x5566);
    CHECK_EQ(pm.ram[0x1000], 0x88);
    /* unassigned: all ones, writes dropped */
    CHECK_EQ(phys_read(&pm, 0x40000000, 4), 0xffffffff);
    CHECK_EQ(phys_read(&pm, 0x40000000, 8), ~0ull);
    phys_write(&pm, 0x40000000, 0, 4);
    CHECK_EQ(phys_read(&pm, 0x40000000, 1), 0xff);
    /* ROM over RAM: higher priority wins, writes are dropped */
    uint8_t rom[4096];
    memset(rom, 0xab, sizeof rom);
    int before = notified;
    MemRegion *r = phys_add_rom(&pm, "rom", 0xf0000, 4096, rom, 1);
    CHECK(notified > before);
    CHECK_EQ(phys_read(&pm, 0xf0010, 1), 0xab);
    phys_write(&pm, 0xf0010, 0x12, 1);
    CHECK_EQ(phys_read(&pm, 0xf0010, 1), 0xab);
    CHECK(phys_host_ptr(&pm, 0xf0000, 16, true) == NULL);
    CHECK(phys_host_ptr(&pm, 0xf0000, 16, false) == rom);
    /* disabling the ROM uncovers the RAM below */
    phys_region_enable(&pm, r, false);
    phys_write(&pm, 0xf0010, 0x12, 1);
    CHECK_EQ(phys_read(&pm, 0xf0010, 1), 0x12);
    phys_region_enable(&pm, r, true);
    CHECK_EQ(phys_read(&pm, 0xf0010, 1), 0xab);
    /* MMIO dispatch with offsets and splitting */
    Rec dev = { 0 };
    phys_add_mmio(&pm, "dev", 0xfee00000, 4096, &ops_4only, &dev, 2);
    phys_write(&pm, 0xfee00010, 0xdeadbeef, 4);
    CHECK_EQ(dev.last_off, 0x10);
    CHECK_EQ(dev.last_size, 4);
    CHECK_EQ(phys_read(&pm, 0xfee00010, 4), 0xdeadbeef);
    /* a 1-byte read of a 4-byte-only device reads the containing dword */
    CHECK_EQ(phys_read(&pm, 0xfee00011, 1), 0xbe);
    CHECK_EQ(dev.last_off, 0x10);
    CHECK_EQ(dev.last_size, 4);
    /* a 1-byte write does read-modify-write of the dword */
    phys_write(&pm, 0xfee00012, 0x55, 1);
    CHECK_EQ(phys_read(&pm, 0xfee00010, 4), 0xde55beef);
    /* an 8-byte access is split into two dwords */
    int w = dev.writes;
    phys_write(&pm, 0xfee00000, 0x0102030405060708ull, 8);
    CHECK_EQ(dev.writes - w, 2);
    CHECK_EQ(phys_read(&pm, 0xfee00000, 8), 0x0102030405060708ull);
    /* host pointers never cross into another region */
    CHECK(phys_host_ptr(&pm, 0x1000, 4096, true) == pm.ram + 0x1000);
    CHECK(phys_host_ptr(&pm, (16 << 20) - 8, 16, false) == NULL);
    /* A20: address bit 20 masked */
    phys_write(&pm, 0x2000, 0x77, 1);
    phys_set_a20(&pm, false);
    CHECK_EQ(phys_read(&pm, 0x102000, 1), 0x77);
    phys_set_a20(&pm, true);
    CHECK_EQ(phys_read(&pm, 0x102000, 1), 0);
    /* phys_rw across a page and into unassigned space */
    uint8_t buf[8192];
    for (int i = 0; i < 8192; i++)
        buf[i] = (uint8_t)i;
    phys_rw(&pm, 0x3800, buf, sizeof buf, true);
    memset(buf, 0, sizeof buf);
    phys_rw(&pm, 0x3800, buf, sizeof buf, false);
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(buf[4095], 0xff);
    CHECK_EQ(buf[8191], 0xff);
    CHECK_EQ(pm.ram[0x3800 + 300], (uint8_t)300);
    phys_rw(&pm, (16 << 20) - 4, buf, 8, false);
    CHECK_EQ(buf[7], 0xff);   /* beyond RAM: unassigned */
    phys_destroy(&pm);
}

static void test_ioport(void)
{
    static IoSpace io;
    io_init(&io);
    Rec a = { 0 }, b = { 0 };
    io_map(&io, 0x60, 1, &ops_1only, &a, "a");
    io_map(&io, 0x61, 1, &ops_1only, &b, "b");
    CHECK(!strcmp(io_owner(&io, 0x60), "a"));
    CHECK(io_owner(&io, 0x62) == NULL);
    CHECK_EQ(io_read(&io, 0x1234, 1), 0xff);
    CHECK_EQ(io_read(&io, 0x1234, 2), 0xffff);
    CHECK_EQ(io_read(&io, 0x1234, 4), 0xffffffff);
    /* a word access over two devices is split bytewise */
    io_write(&io, 0x60, 0xbbaa, 2);
    CHECK_EQ(a.regs[0], 0xaa);
    CHECK_EQ(b.regs[0], 0xbb);
    CHECK_EQ(io_read(&io, 0x60, 2), 0xbbaa);
    /* half assigned: the unassigned byte reads as ones */
    CHECK_EQ(io_read(&io, 0x61, 2), 0xffbb);
    /* a device implementing 1..4 gets whole accesses with relative offsets */
    Rec c = { 0 };
    io_map(&io, 0xcf8, 8, &ops_1to4, &c, "c");
    io_write(&io, 0xcfc, 0x80001234, 4);
    CHECK_EQ(c.last_off, 4);
    CHECK_EQ(c.last_size, 4);
    CHECK_EQ(io_read(&io, 0xcfe, 2), 0x8000);
    CHECK_EQ(c.last_off, 6);
    /* an access past the end of a device's range splits at the boundary */
    CHECK_EQ(io_read(&io, 0xcff, 2), 0xff80);
    /* port 0xffff wraps within the 16-bit port space without crashing */
    CHECK_EQ(io_read(&io, 0xffff, 4), 0xffffffff);
    /* a later mapping takes over the shared ports; unmapping frees them */
    Rec d = { 0 };
    io_map(&io, 0x60, 1, &ops_1only, &d, "d");
    io_write(&io, 0x60, 0x42, 1);
    CHECK_EQ(d.regs[0], 0x42);
    CHECK_EQ(a.regs[0], 0xaa);
    io_unmap(&io, 0x60, 1);
    CHECK_EQ(io_read(&io, 0x60, 1), 0xff);
}

typedef struct Dev {
    uint8_t a;
    uint16_t b;
    uint32_t arr[3];
    bool flags[2];
    uint8_t blob[5];
    uint64_t derived;     /* not in the table: rebuilt by post_load */
    Timer t;
} Dev;

static int dev_post_load(void *o)
{
    Dev *d = o;
    d->derived = d->a + d->b;
    return d->a == 0xee ? -1 : 0;   /* pretend 0xee is inconsistent */
}

static const StateField dev_fields[] = {
    STATE_UINT(Dev, a),
    STATE_UINT(Dev, b),
    STATE_UINT_ARRAY(Dev, arr),
    STATE_BOOL_ARRAY(Dev, flags),
    STATE_BYTES(Dev, blob),
    STATE_TIMER(Dev, t),
    STATE_END,
};
static const StateDesc dev_desc = { "dev", 1, dev_fields, dev_post_load };

static void cb_count(void *o) { (*(int *)o)++; }

static void test_state(void)
{
    Clock clk;
    uint64_t counter = 0;
    clock_init(&clk, CLOCK_SRC_ICOUNT, 0);
    clock_set_icount_counter(&clk, &counter);
    int fired = 0;
    Dev d = { 0x12, 0x3456, { 1, 2, 3 }, { true, false }, { 9, 8, 7, 6, 5 }, 0, { 0 } };
    timer_init(&d.t, &clk, cb_count, &fired);
    timer_mod(&d.t, 1000);
    StateBuf sb = { 0 };
    state_save(&dev_desc, &d, &sb);
    uint64_t h = state_hash(&dev_desc, &d);

    Dev e = { 0 };
    timer_init(&e.t, &clk, cb_count, &fired);
    char err[128];
    CHECK_EQ(state_load(&dev_desc, &e, sb.data, sb.len, err, sizeof err), 0);
    CHECK_EQ(e.a, 0x12);
    CHECK_EQ(e.b, 0x3456);
    CHECK_EQ(e.arr[2], 3);
    CHECK(e.flags[0] && !e.flags[1]);
    CHECK_EQ(e.blob[4], 5);
    CHECK_EQ(e.derived, 0x12 + 0x3456);
    CHECK(e.t.active);
    CHECK_EQ(e.t.deadline, 1000);
    CHECK_EQ(state_hash(&dev_desc, &e), h);
    /* save -> load -> save is byte-identical */
    StateBuf sb2 = { 0 };
    state_save(&dev_desc, &e, &sb2);
    CHECK_EQ(sb2.len, sb.len);
    CHECK(!memcmp(sb.data, sb2.data, sb.len));
    /* a changed field changes the hash */
    e.b++;
    CHECK(state_hash(&dev_desc, &e) != h);
    /* truncated data is refused */
    CHECK_EQ(state_load(&dev_desc, &e, sb.data, sb.len - 3, err, sizeof err), -1);
    CHECK(strstr(err, "truncated") != NULL);
    /* a field of the wrong size is refused */
    uint8_t bad[512];
    CHECK(sb.len <= sizeof bad);
    memcpy(bad, sb.data, sb.len);
    bad[2] = 9;   /* first record: name "a" (1 byte), then its length */
    CHECK_EQ(state_load(&dev_desc, &e, bad, sb.len, err, sizeof err), -1);
    /* post_load can reject */
    Dev f = d;
    f.a = 0xee;
    StateBuf sb3 = { 0 };
    state_save(&dev_desc, &f, &sb3);
    CHECK_EQ(state_load(&dev_desc, &e, sb3.data, sb3.len, err, sizeof err), -1);
    /* dump mentions every field */
    char *text = NULL;
    size_t tl = 0;
    FILE *mf = open_memstream(&text, &tl);
    state_dump(&dev_desc, &d, mf);
    fclose(mf);
    CHECK(strstr(text, "arr") && strstr(text, "deadline 1000"));
    free(text);
    statebuf_free(&sb);
    statebuf_free(&sb2);
    statebuf_free(&sb3);
    timer_del(&d.t);
    timer_del(&e.t);
}

static void test_clock(void)
{
    Clock clk;
    uint64_t counter = 0;
    clock_init(&clk, CLOCK_SRC_ICOUNT, 12345);
    clk.icount_shift = 2;
    clock_set_icount_counter(&clk, &counter);
    CHECK_EQ(clock_ns(&clk), 0);
    counter = 10;
    CHECK_EQ(clock_ns(&clk), 40);
    CHECK_EQ(clock_epoch_ns(&clk), 12345);
    int n1 = 0, n2 = 0, n3 = 0;
    Timer t1, t2, t3;
    timer_init(&t1, &clk, cb_count, &n1);
    timer_init(&t2, &clk, cb_count, &n2);
    timer_init(&t3, &clk, cb_count, &n3);
    timer_mod(&t2, 200);
    timer_mod(&t1, 100);
    timer_mod(&t3, 300);
    CHECK_EQ(clock_next_deadline(&clk), 100);
    timer_del(&t1);
    CHECK_EQ(clock_next_deadline(&clk), 200);
    timer_mod(&t1, 100);
    counter = 50;   /* 200 ns */
    CHECK_EQ(clock_run_timers(&clk), 2);
    CHECK(n1 == 1 && n2 == 1 && n3 == 0);
    CHECK(!timer_pending(&t1));
    CHECK_EQ(clock_next_deadline(&clk), 300);
    /* idle skip moves virtual time forward */
    clock_skip_to(&clk, 1000);
    CHECK_EQ(clock_ns(&clk), 1000);
    CHECK_EQ(clock_run_timers(&clk), 1);
    CHECK_EQ(n3, 1);
    CHECK_EQ(clock_next_deadline(&clk), UINT64_MAX);
    /* host clock: paused time does not advance */
    Clock h;
    clock_init(&h, CLOCK_SRC_HOST, 0);
    clock_pause(&h);
    uint64_t t = clock_ns(&h);
    CHECK_EQ(clock_ns(&h), t);
    clock_resume(&h);
    CHECK(clock_ns(&h) >= t);
}

int main(void)
{
    test_memory();
    test_ioport();
    test_state();
    test_clock();
    return test_main_result("test-bus");
}
