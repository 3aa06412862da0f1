/* The 8042 keyboard controller, the PS/2 keyboard and mouse behind it and
 * port 0x92, driven through ports 0x60/0x64/0x92 as a guest would, no CPU.
 * Time is an icount clock with shift 0 (one count = 1 ns); timers run at
 * their deadlines.  IRQ 1 and 12 go to recording handlers; the A20 gate goes
 * through port 0x92's logic into the machine's PhysMem, as on the board. */
#include <stdlib.h>
#include <string.h>

#include "hw/i8042-kbc.h"
#include "hw/machine.h"
#include "hw/port92.h"
#include "hw/ps2-kbd.h"
#include "hw/ps2-mouse.h"
#include "system/log.h"
#include "tests/unit/test.h"

static Machine m;
static Kbc *kbc;
static Ps2Kbd *kbd;
static Ps2Mouse *mouse;
static Port92 *p92;
static uint64_t icount;
static bool have_machine;
static int irq_level[16], irq_rises[16];

#define MS 1000000ull

static void rec_irq(void *opaque, int n, int level)
{
    if (level && !irq_level[n])
        irq_rises[n]++;
    irq_level[n] = level;
}

static void outb(uint16_t port, uint8_t v) { io_write(&m.io, port, v, 1); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_read(&m.io, port, 1); }
static uint8_t status(void) { return inb(0x64); }
static void cmd(uint8_t c) { outb(0x64, c); }
static void data(uint8_t v) { outb(0x60, v); }
static void aux(uint8_t v) { cmd(0xd4); data(v); }

/* Moves time forward by ns, running timers at their deadlines. */
static void advance(uint64_t ns)
{
    uint64_t end = icount + ns;
    for (;;) {
        uint64_t d = clock_next_deadline(&m.clock);
        if (d > end)
            break;
        if (d > icount)
            icount = d;
        clock_run_timers(&m.clock);
    }
    icount = end;
    clock_run_timers(&m.clock);
}

/* Waits (up to 5 ms of virtual time) for the output buffer; returns the byte
 * read from 0x60 with the status bits AUX<<8, or -1. */
static int read_byte(void)
{
    for (int i = 0; i < 500; i++) {
        uint8_t st = status();
        if (st & KBC_STAT_OBF)
            return inb(0x60) | (st & KBC_STAT_AUX ? 0x100 : 0);
        advance(10000);
    }
    return -1;
}

/* The next n bytes, each with its AUX flag, then nothing more. */
static void expect_bytes(int line, bool from_aux, int n, const uint8_t *b)
{
    for (int i = 0; i < n; i++) {
        int v = read_byte();
        int want = b[i] | (from_aux ? 0x100 : 0);
        test_checks++;
        if (v != want) {
            test_failures++;
            fprintf(stderr, "%s:%d: byte %d: got %s0x%02x%s, expected 0x%02x%s\n", __FILE__, line, i,
                    v < 0 ? "nothing " : "", v & 0xff, v >= 0x100 ? " (aux)" : "", b[i],
                    from_aux ? " (aux)" : "");
        }
    }
    advance(2 * MS);
    test_checks++;
    if (status() & KBC_STAT_OBF) {
        test_failures++;
        fprintf(stderr, "%s:%d: extra byte 0x%02x after %d expected ones\n", __FILE__, line,
                inb(0x60), n);
        while (read_byte() >= 0)
            ;
    }
}
#define KBD_BYTES(...) do { static const uint8_t b_[] = { __VA_ARGS__ }; \
    expect_bytes(__LINE__, false, (int)sizeof b_, b_); } while (0)
#define AUX_BYTES(...) do { static const uint8_t b_[] = { __VA_ARGS__ }; \
    expect_bytes(__LINE__, true, (int)sizeof b_, b_); } while (0)
#define NO_BYTES() expect_bytes(__LINE__, false, 0, NULL)

static uint8_t read_reply(void)
{
    int v = read_byte();
    CHECK(v >= 0 && v < 0x100);
    return (uint8_t)v;
}

static uint8_t read_cb(void)
{
    cmd(0x20);
    return read_reply();
}

static void write_cb(uint8_t v)
{
    cmd(0x60);
    data(v);
}

static void setup(void)
{
    if (have_machine)
        machine_destroy(&m);
    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    if (!phys_alloc_ram(&m.mem, 2 << 20, 0xe0000000))
        abort();
    kbd = ps2_kbd_create(&m);
    mouse = ps2_mouse_create(&m);
    kbc = kbc_create(&m, kbd, mouse);
    p92 = port92_create(&m);
    irq_connect(&kbc->irq1, rec_irq, NULL, 1);
    irq_connect(&kbc->irq12, rec_irq, NULL, 12);
    irq_connect(&kbc->a20, port92_set_a20gate, p92, 0);
    machine_reset(&m);
    have_machine = true;
    memset(irq_level, 0, sizeof irq_level);
    memset(irq_rises, 0, sizeof irq_rises);
}

static bool a20_on(void) { return m.mem.a20_mask == ~0ull; }

/* ---------------------------------------------------------------------- */

static void test_power_on(void)
{
    setup();
    CHECK_EQ(status(), KBC_STAT_UNLOCKED);      /* SYS 0 after power on, nothing buffered */
    CHECK_EQ(read_cb(), 0x00);
    CHECK_EQ(status(), KBC_STAT_UNLOCKED | KBC_STAT_A2);
    cmd(0xd0);
    CHECK_EQ(read_reply(), 0xcf);               /* reset high, A20 on, all lines idle high */
    cmd(0xc0);
    CHECK_EQ(read_reply(), KBC_INPUT_PORT);
    cmd(0xe0);
    CHECK_EQ(read_reply(), 0x03);               /* both clocks high */
    CHECK(a20_on());
    CHECK(!m.reset_requested);
    CHECK_EQ(inb(0x92), 0x00);
    NO_BYTES();
}

static void test_status_bits(void)
{
    setup();
    cmd(0xad);
    CHECK(status() & KBC_STAT_A2);
    data(0xee);                                 /* to the keyboard: echo */
    CHECK(!(status() & KBC_STAT_A2));
    CHECK(!(status() & KBC_STAT_OBF));          /* the byte is on its way */
    advance(KBC_XFER_NS - 1);
    CHECK(!(status() & KBC_STAT_OBF));
    advance(1);
    CHECK_EQ(status(), KBC_STAT_OBF | KBC_STAT_UNLOCKED);
    CHECK_EQ(inb(0x60), 0xee);
    CHECK_EQ(status(), KBC_STAT_UNLOCKED);
    CHECK_EQ(inb(0x60), 0xee);                  /* empty buffer: the last byte again */
    /* The next byte takes 10 us to arrive: meanwhile 0x60 repeats the last one. */
    data(0xf2);
    advance(10000);
    CHECK_EQ(inb(0x60), 0xfa);
    advance(5000);
    CHECK_EQ(status() & KBC_STAT_OBF, 0);
    CHECK_EQ(inb(0x60), 0xfa);
    advance(5000);
    CHECK_EQ(status() & KBC_STAT_OBF, KBC_STAT_OBF);
    CHECK_EQ(inb(0x60), 0xab);
    CHECK((status() & (KBC_STAT_IBF | KBC_STAT_TIMEOUT | KBC_STAT_PARITY)) == 0);
}

static void test_command_byte_and_ram(void)
{
    setup();
    write_cb(0x47);
    CHECK_EQ(read_cb(), 0x47);
    CHECK(status() & KBC_STAT_SYS);             /* the system flag follows bit 2 */
    write_cb(0x43);
    CHECK(!(status() & KBC_STAT_SYS));
    for (int i = 1; i < 32; i++) {
        cmd((uint8_t)(0x60 + i));
        data((uint8_t)(0xa0 ^ i));
    }
    for (int i = 1; i < 32; i++) {
        cmd((uint8_t)(0x20 + i));
        CHECK_EQ(read_reply(), 0xa0 ^ i);
    }
    CHECK_EQ(read_cb(), 0x43);
    /* A command while one waits for its data byte drops the first one: the
     * data byte then goes to the keyboard. */
    cmd(0x60);
    cmd(0xab);
    CHECK_EQ(read_reply(), 0x00);
    data(0xee);
    KBD_BYTES(0xee);
    CHECK_EQ(read_cb(), 0x43);
}

static void test_self_tests(void)
{
    setup();
    cmd(0xaa);
    CHECK_EQ(read_reply(), 0x55);
    CHECK(status() & KBC_STAT_SYS);
    CHECK_EQ(read_cb(), 0x00);                  /* the command byte is not touched */
    cmd(0xab);
    CHECK_EQ(read_reply(), 0x00);
    cmd(0xa9);
    CHECK_EQ(read_reply(), 0x00);
    /* Unknown and vendor commands: ignored, nothing replies, nothing waits. */
    cmd(0xc5);
    cmd(0xa1);
    cmd(0x05);
    NO_BYTES();
    data(0xf2);                                 /* goes to the keyboard */
    KBD_BYTES(0xfa, 0xab, 0x83);
}

static void test_port_enables(void)
{
    setup();
    cmd(0xad);
    CHECK_EQ(read_cb(), 0x10);
    cmd(0xe0);
    CHECK_EQ(read_reply(), 0x02);               /* keyboard clock held low */
    cmd(0xa7);
    CHECK_EQ(read_cb(), 0x30);
    cmd(0xe0);
    CHECK_EQ(read_reply(), 0x00);
    cmd(0xd0);
    CHECK_EQ(read_reply(), 0x87);               /* clocks (bits 6, 3) low */
    cmd(0xae);
    CHECK_EQ(read_cb(), 0x20);
    cmd(0xa8);
    CHECK_EQ(read_cb(), 0x00);
    cmd(0xe0);
    CHECK_EQ(read_reply(), 0x03);

    /* A disabled port keeps its device's bytes; enabling it lets them in. */
    cmd(0xad);
    ps2_kbd_key(kbd, 0x1c, true);
    NO_BYTES();
    cmd(0xae);
    KBD_BYTES(0x1c);
    aux(0xf2);                                  /* mouse ID */
    cmd(0xa7);
    NO_BYTES();
    write_cb(0x00);
    AUX_BYTES(0xfa, 0x00);
    /* Any byte for the keyboard enables its interface again. */
    cmd(0xad);
    data(0xee);
    CHECK_EQ(read_cb(), 0x00);
    KBD_BYTES(0xee);
}

static void test_irqs(void)
{
    setup();
    /* Interrupts off: no line moves. */
    data(0xee);
    advance(MS);
    CHECK(status() & KBC_STAT_OBF);
    CHECK_EQ(irq_level[1], 0);
    inb(0x60);
    write_cb(0x03);                             /* the reply to 0x20 raises IRQ1 */
    cmd(0x20);
    CHECK_EQ(irq_level[1], 1);
    CHECK_EQ(irq_level[12], 0);
    CHECK_EQ(inb(0x60), 0x03);
    CHECK_EQ(irq_level[1], 0);
    /* Keyboard data: IRQ1 from the moment it is in the buffer to the read. */
    data(0xf2);
    advance(KBC_XFER_NS);
    CHECK_EQ(irq_level[1], 1);
    CHECK_EQ(inb(0x60), 0xfa);
    CHECK_EQ(irq_level[1], 0);
    advance(KBC_XFER_NS);
    CHECK_EQ(irq_level[1], 1);                  /* a new edge for the next byte */
    CHECK_EQ(irq_rises[1], 3);
    CHECK_EQ(inb(0x60), 0xab);
    CHECK_EQ(read_byte(), 0x83);
    CHECK_EQ(irq_level[1], 0);
    /* Mouse data: IRQ12 and the AUX bit. */
    aux(0xf2);
    advance(KBC_XFER_NS);
    CHECK_EQ(status() & (KBC_STAT_OBF | KBC_STAT_AUX), KBC_STAT_OBF | KBC_STAT_AUX);
    CHECK_EQ(irq_level[12], 1);
    CHECK_EQ(irq_level[1], 0);
    cmd(0xd0);                                  /* the output port shows the lines */
    CHECK_EQ(inb(0x60), 0xef);                  /* (the reply replaced the mouse byte) */
    CHECK_EQ(irq_level[12], 0);
    AUX_BYTES(0x00);
    /* Enables control the lines while data waits. */
    write_cb(0x01);
    cmd(0xd3);
    data(0x5a);
    CHECK_EQ(status() & (KBC_STAT_OBF | KBC_STAT_AUX), KBC_STAT_OBF | KBC_STAT_AUX);
    CHECK_EQ(irq_level[12], 0);
    CHECK_EQ(irq_level[1], 0);
    write_cb(0x02);                             /* the line follows the enable */
    CHECK_EQ(irq_level[12], 1);
    CHECK_EQ(status() & KBC_STAT_AUX, KBC_STAT_AUX);
    CHECK_EQ(inb(0x60), 0x5a);
    CHECK_EQ(irq_level[12], 0);
}

static void test_d2_d3_overwrite(void)
{
    setup();
    write_cb(0x03);
    cmd(0xd2);
    data(0x42);
    CHECK_EQ(status() & (KBC_STAT_OBF | KBC_STAT_AUX), KBC_STAT_OBF);
    CHECK_EQ(irq_level[1], 1);
    cmd(0xd3);                                  /* overwrites, now mouse data */
    data(0x43);
    CHECK_EQ(irq_level[1], 0);
    CHECK_EQ(irq_level[12], 1);
    CHECK_EQ(read_byte(), 0x143);
    CHECK_EQ(irq_level[12], 0);
    /* D2 data is not translated. */
    write_cb(0x40);
    cmd(0xd2);
    data(0x1c);
    KBD_BYTES(0x1c);
}

static void test_kbd_commands(void)
{
    setup();
    data(0xed);
    data(0x07);
    KBD_BYTES(0xfa, 0xfa);
    CHECK_EQ(kbd->leds, 7);
    data(0xed);
    data(0x08);                                 /* bits 7-3 set: resend */
    KBD_BYTES(0xfa, 0xfe);
    CHECK_EQ(kbd->leds, 7);
    data(0xee);
    KBD_BYTES(0xee);
    data(0xf0);
    data(0x00);
    KBD_BYTES(0xfa, 0xfa, 0x02);
    data(0xf0);
    data(0x01);
    KBD_BYTES(0xfa, 0xfa);
    data(0xf0);
    data(0x00);
    KBD_BYTES(0xfa, 0xfa, 0x01);
    data(0xf0);
    data(0x03);                                 /* set 3 is not supported */
    KBD_BYTES(0xfa, 0xfe);
    data(0xf0);
    data(0x02);
    KBD_BYTES(0xfa, 0xfa);
    data(0xf2);
    KBD_BYTES(0xfa, 0xab, 0x83);
    data(0xf3);
    data(0x00);
    KBD_BYTES(0xfa, 0xfa);
    CHECK_EQ(kbd->typematic, 0x00);
    data(0xf3);
    data(0x80);
    KBD_BYTES(0xfa, 0xfe);
    CHECK_EQ(kbd->typematic, 0x00);
    /* A command where an argument is expected is done instead. */
    data(0xed);
    data(0xf2);
    KBD_BYTES(0xfa, 0xfa, 0xab, 0x83);
    data(0x00);                                 /* not a command: resend */
    KBD_BYTES(0xfe);
    /* Set-3 commands are acknowledged; FB-FD take key lists. */
    data(0xf7);
    data(0xfa);
    data(0xfb);
    data(0x1c);
    data(0x1b);
    data(0xf4);
    KBD_BYTES(0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    /* Resend: the last byte sent. */
    data(0xf2);
    KBD_BYTES(0xfa, 0xab, 0x83);
    data(0xfe);
    KBD_BYTES(0x83);
    /* F5: defaults and no scanning; F4 scans again. */
    data(0xed);
    data(0x04);
    data(0xf5);
    KBD_BYTES(0xfa, 0xfa, 0xfa);
    CHECK_EQ(kbd->leds, 0);
    CHECK_EQ(kbd->typematic, PS2_KBD_TYPEMATIC_DEFAULT);
    CHECK(ps2_kbd_key(kbd, 0x1c, true));
    NO_BYTES();
    ps2_kbd_key(kbd, 0x1c, false);
    data(0xf4);
    KBD_BYTES(0xfa);
    ps2_kbd_key(kbd, 0x1c, true);
    KBD_BYTES(0x1c);
    /* F6: defaults (set 2 again), scanning goes on. */
    data(0xf0);
    data(0x01);
    data(0xf6);
    KBD_BYTES(0xfa, 0xfa, 0xfa);
    CHECK_EQ(kbd->set, 2);
    ps2_kbd_key(kbd, 0x1c, false);
    KBD_BYTES(0xf0, 0x1c);
    /* FF: ACK, then AA; buffered keys are dropped. */
    cmd(0xad);
    ps2_kbd_key(kbd, 0x1c, true);
    data(0xff);
    KBD_BYTES(0xfa, 0xaa);
    ps2_kbd_key(kbd, 0x1c, false);
    KBD_BYTES(0xf0, 0x1c);
    /* Translated replies: the ID and the scan code set. */
    write_cb(0x40);
    data(0xf2);
    KBD_BYTES(0xfa, 0xab, 0x41);
    data(0xf0);
    data(0x00);
    KBD_BYTES(0xfa, 0xfa, 0x41);
}

static void test_translation_table(void)
{
    uint8_t seen[256] = { 0 };
    for (int b = 1; b < 0x80; b++) {
        uint8_t t = ps2_set2_to_set1((uint8_t)b);
        CHECK(t >= 1 && t < 0x80);
        seen[t]++;
    }
    int dup = 0;
    for (int i = 1; i < 0x80; i++)
        dup += seen[i] != 1;
    CHECK_EQ(dup, 0);                           /* 01-7F: a permutation */
    CHECK_EQ(ps2_set2_to_set1(0x00), 0xff);
    CHECK_EQ(ps2_set2_to_set1(0x76), 0x01);     /* Esc */
    CHECK_EQ(ps2_set2_to_set1(0x1c), 0x1e);     /* A */
    CHECK_EQ(ps2_set2_to_set1(0x5a), 0x1c);     /* Enter */
    CHECK_EQ(ps2_set2_to_set1(0x29), 0x39);     /* space */
    CHECK_EQ(ps2_set2_to_set1(0x07), 0x58);     /* F12 */
    CHECK_EQ(ps2_set2_to_set1(0x78), 0x57);     /* F11 */
    CHECK_EQ(ps2_set2_to_set1(0x7c), 0x37);     /* KP-* */
    CHECK_EQ(ps2_set2_to_set1(0x61), 0x56);     /* 102nd key */
    CHECK_EQ(ps2_set2_to_set1(0x83), 0x41);     /* F7 */
    CHECK_EQ(ps2_set2_to_set1(0x84), 0x54);     /* Alt+SysRq */
    CHECK_EQ(ps2_set2_to_set1(0xaa), 0xaa);
    CHECK_EQ(ps2_set2_to_set1(0xfa), 0xfa);
    CHECK_EQ(ps2_set2_to_set1(0xe0), 0xe0);
    CHECK_EQ(ps2_set2_to_set1(0xe1), 0xe1);
}

static void keys(uint16_t k)
{
    CHECK(ps2_kbd_key(kbd, k, true));
}

static void keys_up(uint16_t k)
{
    CHECK(ps2_kbd_key(kbd, k, false));
}

static void test_scan_codes(void)
{
    setup();
    /* Set 2, untranslated. */
    keys(0x1c);
    KBD_BYTES(0x1c);
    keys_up(0x1c);
    KBD_BYTES(0xf0, 0x1c);
    keys(0xe074);                               /* Right */
    keys_up(0xe074);
    KBD_BYTES(0xe0, 0x74, 0xe0, 0xf0, 0x74);
    keys(PS2_KEY_PRINT);
    keys_up(PS2_KEY_PRINT);
    KBD_BYTES(0xe0, 0x12, 0xe0, 0x7c, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12);
    keys(PS2_KEY_PAUSE);
    keys_up(PS2_KEY_PAUSE);
    KBD_BYTES(0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);
    keys(0x83);                                 /* F7 */
    keys_up(0x83);
    KBD_BYTES(0x83, 0xf0, 0x83);
    /* Host auto-repeat and stray releases are not keys. */
    keys(0x1b);
    keys(0x1b);
    keys_up(0x1b);
    keys_up(0x1b);
    KBD_BYTES(0x1b, 0xf0, 0x1b);
    /* Not keys at all. */
    CHECK(!ps2_kbd_key(kbd, 0x00, true));
    CHECK(!ps2_kbd_key(kbd, 0x80, true));
    CHECK(!ps2_kbd_key(kbd, 0xf0, true));
    CHECK(!ps2_kbd_key(kbd, 0xe012, true));
    CHECK(!ps2_kbd_key(kbd, 0xe000, true));
    CHECK(!ps2_kbd_key(kbd, 0xe080, true));
    CHECK(!ps2_kbd_key(kbd, 0x1c1c, true));
    CHECK(!ps2_kbd_key(kbd, 0xffff, true));
    NO_BYTES();

    /* Translated by the controller (command byte bit 6). */
    write_cb(0x40);
    keys(0x1c);
    keys_up(0x1c);
    KBD_BYTES(0x1e, 0x9e);
    keys(0xe074);
    keys_up(0xe074);
    KBD_BYTES(0xe0, 0x4d, 0xe0, 0xcd);
    keys(PS2_KEY_PRINT);
    keys_up(PS2_KEY_PRINT);
    KBD_BYTES(0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa);
    keys(PS2_KEY_PAUSE);
    KBD_BYTES(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
    keys(0x83);
    keys_up(0x83);
    KBD_BYTES(0x41, 0xc1);
    keys(0x76);
    keys_up(0x76);
    KBD_BYTES(0x01, 0x81);

    /* Set 1 in the keyboard, no translation: the same codes. */
    write_cb(0x00);
    data(0xf0);
    data(0x01);
    KBD_BYTES(0xfa, 0xfa);
    keys(0x1c);
    keys_up(0x1c);
    keys(0xe074);
    keys_up(0xe074);
    keys(PS2_KEY_PAUSE);
    KBD_BYTES(0x1e, 0x9e, 0xe0, 0x4d, 0xe0, 0xcd, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
}

static void test_kbd_buffer(void)
{
    setup();
    cmd(0xad);                                  /* the keyboard holds its bytes */
    for (int i = 0; i < 5; i++) {               /* 5 x 3 bytes */
        keys(0x15 + i);
        keys_up(0x15 + i);
    }
    CHECK_EQ(kbd->keys.count, 15);
    keys(0xe074);                               /* 2 bytes do not fit: overrun */
    CHECK_EQ(kbd->keys.count, 16);
    keys(0x1c);                                 /* lost */
    keys_up(0x1c);
    CHECK_EQ(kbd->keys.count, 16);
    /* Replies take no buffer space and go first. */
    data(0xee);                                 /* (enables the port) */
    KBD_BYTES(0xee, 0x15, 0xf0, 0x15, 0x16, 0xf0, 0x16, 0x17, 0xf0, 0x17, 0x18, 0xf0, 0x18,
              0x19, 0xf0, 0x19, 0x00);
    keys_up(0xe074);
    KBD_BYTES(0xe0, 0xf0, 0x74);
    /* Exactly 16 bytes, then the overrun code in the 17th position (set 1: FF). */
    data(0xf0);
    data(0x01);
    KBD_BYTES(0xfa, 0xfa);
    cmd(0xad);
    for (int i = 0; i < 8; i++) {
        keys(0x15 + i);
        keys_up(0x15 + i);
    }
    CHECK_EQ(kbd->keys.count, 16);
    keys(0x1c);
    CHECK_EQ(kbd->keys.count, 17);
    keys_up(0x1c);
    CHECK_EQ(kbd->keys.count, 17);
    cmd(0xae);
    KBD_BYTES(0x10, 0x90, 0x02, 0x82, 0x5a, 0xda, 0x66, 0xe6, 0x71, 0xf1, 0x2c, 0xac,
              0x1f, 0x9f, 0x1e, 0x9e, 0xff);
    /* Drained: keys are accepted again. */
    keys(0x1c);
    KBD_BYTES(0x1e);
}

/* Takes each byte as it arrives during ns; returns how many came, the bytes
 * in out[] and their arrival times (relative to the start) in at[]. */
static int collect(uint64_t ns, uint8_t *out, uint64_t *at, int max)
{
    uint64_t start = icount, end = icount + ns;
    int n = 0;
    while (icount < end) {
        advance(100000);
        if (status() & KBC_STAT_OBF) {
            uint8_t v = inb(0x60);
            if (n < max) {
                out[n] = v;
                at[n] = icount - start;
            }
            n++;
        }
    }
    return n;
}

static bool near_ms(uint64_t t, double ms)
{
    double d = (double)t / 1e6 - ms;
    return d > -0.05 && d < 0.25;   /* transfer delay + 100 us polling */
}

static void test_typematic(void)
{
    setup();
    uint8_t b[32];
    uint64_t at[32];
    /* Default: 500 ms, then 10.9/s ((8 + 3) * 2 / 240 s = 91.67 ms). */
    keys(0x1c);
    CHECK_EQ(collect(1000 * MS, b, at, 32), 7);
    for (int i = 0; i < 7; i++)
        CHECK_EQ(b[i], 0x1c);
    CHECK(near_ms(at[0], 0));
    for (int i = 1; i < 7; i++)
        CHECK(near_ms(at[i], 500 + (i - 1) * 91.6667));
    /* Another key takes over; releasing the first does not stop it. */
    keys(0x1b);
    keys_up(0x1c);
    CHECK_EQ(collect(1000 * MS, b, at, 32), 3 + 6);
    CHECK(b[0] == 0x1b && b[1] == 0xf0 && b[2] == 0x1c);
    for (int i = 3; i < 9; i++) {
        CHECK_EQ(b[i], 0x1b);
        CHECK(near_ms(at[i], 500 + (i - 3) * 91.6667));
    }
    /* Releasing it stops the repeat. */
    keys_up(0x1b);
    CHECK_EQ(collect(1000 * MS, b, at, 32), 2);
    /* F3 00: 250 ms, 30/s (8 / 240 s = 33.3 ms). */
    data(0xf3);
    data(0x00);
    KBD_BYTES(0xfa, 0xfa);
    keys(0x1c);
    CHECK_EQ(collect(400 * MS, b, at, 32), 6);
    for (int i = 1; i < 6; i++) {
        CHECK_EQ(b[i], 0x1c);
        CHECK(near_ms(at[i], 250 + (i - 1) * 33.3333));
    }
    /* F3 7F: 1000 ms, 2/s (15 * 8 / 240 s = 500 ms). */
    data(0xf3);
    data(0x7f);
    KBD_BYTES(0xfa, 0xfa);
    keys_up(0x1c);
    keys(0x1c);
    CHECK_EQ(collect(2100 * MS, b, at, 32), 2 + 4);
    CHECK(near_ms(at[3], 1000) && near_ms(at[4], 1500) && near_ms(at[5], 2000));
    keys_up(0x1c);
    KBD_BYTES(0xf0, 0x1c);
    /* While the host takes nothing, only the first make code is stored. */
    cmd(0xad);
    keys(0x1c);
    advance(2000 * MS);
    CHECK_EQ(kbd->keys.count, 1);
    keys_up(0x1c);
    cmd(0xae);
    KBD_BYTES(0x1c, 0xf0, 0x1c);
    /* Pause does not repeat. */
    keys(PS2_KEY_PAUSE);
    advance(2000 * MS);
    KBD_BYTES(0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);
}

static void test_mouse_commands(void)
{
    setup();
    aux(0xff);
    AUX_BYTES(0xfa, 0xaa, 0x00);
    aux(0xf2);
    AUX_BYTES(0xfa, 0x00);
    aux(0xe9);
    AUX_BYTES(0xfa, 0x00, 0x02, 100);           /* stream, disabled, 1:1; 4/mm; 100/s */
    aux(0xf3);
    aux(10);
    aux(0xe8);
    aux(3);
    aux(0xe7);
    aux(0xf0);
    aux(0xf4);
    AUX_BYTES(0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    ps2_mouse_move(mouse, 0, 0, 0, PS2_MOUSE_LEFT | PS2_MOUSE_RIGHT);
    aux(0xe9);
    AUX_BYTES(0xfa, 0x40 | 0x20 | 0x10 | 0x04 | 0x01, 3, 10);
    ps2_mouse_move(mouse, 0, 0, 0, PS2_MOUSE_MIDDLE);
    aux(0xe6);
    aux(0xea);
    aux(0xf5);
    aux(0xe9);
    AUX_BYTES(0xfa, 0xfa, 0xfa, 0xfa, 0x02, 3, 10);
    /* Bad arguments: FE and the argument is still expected; twice: FC. */
    aux(0xf3);
    aux(7);
    aux(40);
    AUX_BYTES(0xfa, 0xfe, 0xfa);
    CHECK_EQ(mouse->rate, 40);
    aux(0xe8);
    aux(4);
    aux(9);
    AUX_BYTES(0xfa, 0xfe, 0xfc);
    CHECK_EQ(mouse->res, 3);
    aux(0xf2);                                  /* a command again after FC */
    AUX_BYTES(0xfa, 0x00);
    aux(0x01);                                  /* unknown command */
    aux(0x02);
    aux(0xf2);
    AUX_BYTES(0xfe, 0xfc, 0xfa, 0x00);
    /* F6: defaults. */
    aux(0xf6);
    aux(0xe9);
    AUX_BYTES(0xfa, 0xfa, 0x02, 0x02, 100);     /* (the middle button is still down) */
    /* Wrap mode echoes until EC. */
    aux(0xee);
    aux(0x55);
    aux(0xf2);
    aux(0xec);
    aux(0xf2);
    AUX_BYTES(0xfa, 0x55, 0xf2, 0xfa, 0xfa, 0x00);
    /* Resend: the last reply. */
    aux(0xfe);
    AUX_BYTES(0x00);
    /* The mouse's bytes are aux bytes even when translating. */
    write_cb(0x40);
    aux(0xf2);
    AUX_BYTES(0xfa, 0x00);
}

/* A host that sends commands without taking the replies: a device keeps
 * PS2_QUEUE_SIZE reply bytes and drops the rest. */
static void test_reply_overflow(void)
{
    setup();
    cmd(0xad);
    for (int i = 0; i < 10; i++)
        data(0xf2);                             /* (each re-enables the port) */
    CHECK_EQ(kbd->resp.count, PS2_QUEUE_SIZE);
    KBD_BYTES(0xfa, 0xab, 0x83, 0xfa, 0xab, 0x83, 0xfa, 0xab, 0x83, 0xfa, 0xab, 0x83,
              0xfa, 0xab, 0x83, 0xfa, 0xab);
    cmd(0xa7);
    for (int i = 0; i < 10; i++)
        aux(0xf2);
    CHECK_EQ(mouse->resp.count, PS2_QUEUE_SIZE);
    cmd(0xa8);
    AUX_BYTES(0xfa, 0x00, 0xfa, 0x00, 0xfa, 0x00, 0xfa, 0x00, 0xfa, 0x00, 0xfa, 0x00,
              0xfa, 0x00, 0xfa, 0x00, 0xfa);
}

static void test_mouse_ids(void)
{
    setup();
    static const uint8_t wheel[] = { 200, 100, 80 }, explorer[] = { 200, 200, 80 };
    for (int i = 0; i < 3; i++) {               /* Explorer first: no effect */
        aux(0xf3);
        aux(explorer[i]);
    }
    aux(0xf2);
    AUX_BYTES(0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x00);
    for (int i = 0; i < 3; i++) {
        aux(0xf3);
        aux(wheel[i]);
    }
    aux(0xf2);
    AUX_BYTES(0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x03);
    for (int i = 0; i < 3; i++) {
        aux(0xf3);
        aux(explorer[i]);
    }
    aux(0xf2);
    AUX_BYTES(0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x04);
    aux(0xf6);
    aux(0xf2);
    AUX_BYTES(0xfa, 0xfa, 0x00);
    for (int i = 0; i < 3; i++) {
        aux(0xf3);
        aux(wheel[i]);
    }
    AUX_BYTES(0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    aux(0xff);
    aux(0xf2);
    AUX_BYTES(0xfa, 0xaa, 0x00, 0xfa, 0x00);
    /* FF drops replies not yet sent. */
    aux(0xf2);
    aux(0xff);
    AUX_BYTES(0xfa, 0xaa, 0x00);
}

static void enable_stream(void)
{
    aux(0xf4);
    AUX_BYTES(0xfa);
}

static void test_mouse_packets(void)
{
    setup();
    ps2_mouse_move(mouse, 5, 5, 0, 0);          /* reporting off: nothing */
    NO_BYTES();
    enable_stream();                            /* (F4 clears the counters) */
    ps2_mouse_move(mouse, 5, -3, 0, PS2_MOUSE_LEFT);
    AUX_BYTES(0x09, 0x05, 0x03);                /* dy -3 on screen = +3 (up) */
    ps2_mouse_move(mouse, -10, 20, 0, 0);
    AUX_BYTES(0x38, 0xf6, 0xec);                /* both sign bits */
    ps2_mouse_move(mouse, 0, 0, 0, PS2_MOUSE_RIGHT | PS2_MOUSE_MIDDLE);
    AUX_BYTES(0x0e, 0x00, 0x00);                /* buttons alone */
    ps2_mouse_move(mouse, 0, 0, 0, PS2_MOUSE_RIGHT | PS2_MOUSE_MIDDLE);
    NO_BYTES();                                 /* nothing changed */
    /* Overflow: 9-bit range -256..255, clamped, overflow bits. */
    ps2_mouse_move(mouse, 300, -400, 0, 0);
    AUX_BYTES(0xc8, 0xff, 0xff);
    ps2_mouse_move(mouse, -300, 257, 0, 0);
    AUX_BYTES(0x08 | 0x10 | 0x20 | 0x40 | 0x80, 0x00, 0x00);
    ps2_mouse_move(mouse, 0, 256, 0, 0);        /* -256 still fits */
    AUX_BYTES(0x28, 0x00, 0x00);
    ps2_mouse_move(mouse, 255, -255, 0, 0);
    AUX_BYTES(0x08, 0xff, 0xff);
    ps2_mouse_move(mouse, -256, 0, 0, 0);
    AUX_BYTES(0x18, 0x00, 0x00);
    /* The wheel is not reported by a standard mouse. */
    ps2_mouse_move(mouse, 1, 0, 3, 0);
    AUX_BYTES(0x08, 0x01, 0x00);
    /* 2:1 scaling in stream mode. */
    aux(0xe7);
    AUX_BYTES(0xfa);
    ps2_mouse_move(mouse, 3, 0, 0, 0);
    AUX_BYTES(0x08, 0x03, 0x00);
    ps2_mouse_move(mouse, 4, -5, 0, 0);
    AUX_BYTES(0x08, 0x06, 0x09);
    ps2_mouse_move(mouse, -10, 0, 0, 0);
    AUX_BYTES(0x18, 0xec, 0x00);
    ps2_mouse_move(mouse, 200, 0, 0, 0);        /* 400 after scaling: overflow */
    AUX_BYTES(0x48, 0xff, 0x00);
    /* Remote mode: packets on request, unscaled; counters cleared. */
    aux(0xf0);
    AUX_BYTES(0xfa);
    ps2_mouse_move(mouse, 10, 0, 0, PS2_MOUSE_LEFT);
    ps2_mouse_move(mouse, 10, 0, 0, PS2_MOUSE_LEFT);
    NO_BYTES();
    aux(0xeb);
    AUX_BYTES(0xfa, 0x09, 20, 0x00);
    aux(0xeb);
    AUX_BYTES(0xfa, 0x09, 0x00, 0x00);
    aux(0xfe);                                  /* resend: the last packet */
    AUX_BYTES(0x09, 0x00, 0x00);
    /* Stream mode again; resend after a stream packet. */
    aux(0xe6);
    aux(0xea);
    AUX_BYTES(0xfa, 0xfa);
    ps2_mouse_move(mouse, 1, 1, 0, 0);
    AUX_BYTES(0x28, 0x01, 0xff);
    aux(0xfe);
    AUX_BYTES(0x28, 0x01, 0xff);
}

static void test_mouse_wheel_packets(void)
{
    setup();
    static const uint8_t wheel[] = { 200, 100, 80 }, explorer[] = { 200, 200, 80 };
    for (int i = 0; i < 3; i++) {
        aux(0xf3);
        aux(wheel[i]);
    }
    while (read_byte() >= 0)
        ;
    enable_stream();
    ps2_mouse_move(mouse, 1, 0, 2, PS2_MOUSE_MIDDLE);
    AUX_BYTES(0x0c, 0x01, 0x00, 0x02);
    ps2_mouse_move(mouse, 0, 0, -3, 0);
    AUX_BYTES(0x08, 0x00, 0x00, 0xfd);          /* sign-extended 4 bits */
    ps2_mouse_move(mouse, 0, 0, 20, 0);
    AUX_BYTES(0x08, 0x00, 0x00, 0x07);          /* clamped to -8..7 */
    ps2_mouse_move(mouse, 0, 0, -20, PS2_MOUSE_BUTTON4);
    AUX_BYTES(0x08, 0x00, 0x00, 0xf8);          /* buttons 4/5 not reported by ID 3 */
    aux(0xf5);
    AUX_BYTES(0xfa);
    for (int i = 0; i < 3; i++) {
        aux(0xf3);
        aux(explorer[i]);
    }
    while (read_byte() >= 0)
        ;
    enable_stream();
    ps2_mouse_move(mouse, 0, 0, -1, PS2_MOUSE_BUTTON4 | PS2_MOUSE_BUTTON5 | PS2_MOUSE_LEFT);
    AUX_BYTES(0x09, 0x00, 0x00, 0x3f);
    ps2_mouse_move(mouse, 0, 0, 1, PS2_MOUSE_BUTTON5);
    AUX_BYTES(0x08, 0x00, 0x00, 0x21);
}

static void test_mouse_accumulates(void)
{
    setup();
    enable_stream();
    cmd(0xa7);                                  /* the host takes nothing */
    for (int i = 0; i < 8; i++)
        ps2_mouse_move(mouse, 1, 0, 0, 0);
    CHECK_EQ(mouse->pkts.count, 15);            /* five 3-byte packets fit */
    CHECK_EQ(mouse->dx, 3);                     /* the rest waits in the counters */
    ps2_mouse_move(mouse, 0, -2, 0, PS2_MOUSE_LEFT);
    cmd(0xa8);
    AUX_BYTES(0x08, 0x01, 0x00, 0x08, 0x01, 0x00, 0x08, 0x01, 0x00, 0x08, 0x01, 0x00,
              0x08, 0x01, 0x00, 0x09, 0x03, 0x02);
    /* F5 drops the packets not yet sent. */
    cmd(0xa7);
    ps2_mouse_move(mouse, 1, 0, 0, 0);
    aux(0xf5);
    cmd(0xa8);
    AUX_BYTES(0xfa);
}

static void test_interleave(void)
{
    setup();
    write_cb(0x03);
    enable_stream();
    cmd(0xad);
    cmd(0xa7);
    keys(0x1c);
    keys(0xe074);                               /* keyboard: 1C E0 74 */
    ps2_mouse_move(mouse, 1, 0, 0, 0);          /* mouse: 08 01 00 */
    write_cb(0x03);                             /* both ports on */
    int kb = 0, ms = 0, prev = -1;
    static const uint8_t kexp[] = { 0x1c, 0xe0, 0x74 }, mexp[] = { 0x08, 0x01, 0x00 };
    for (int i = 0; i < 6; i++) {
        advance(KBC_XFER_NS);
        uint8_t st = status();
        CHECK(st & KBC_STAT_OBF);
        int is_aux = (st & KBC_STAT_AUX) != 0;
        CHECK_EQ(irq_level[1], !is_aux);
        CHECK_EQ(irq_level[12], is_aux);
        uint8_t b = inb(0x60);
        CHECK_EQ(irq_level[1] | irq_level[12], 0);
        CHECK(is_aux != prev);                  /* the devices take turns */
        prev = is_aux;
        if (is_aux) {
            CHECK(ms < 3);
            if (ms < 3)
                CHECK_EQ(b, mexp[ms]);
            ms++;
        } else {
            CHECK(kb < 3);
            if (kb < 3)
                CHECK_EQ(b, kexp[kb]);
            kb++;
        }
    }
    CHECK_EQ(kb, 3);
    CHECK_EQ(ms, 3);
    CHECK_EQ(irq_rises[1], 3);
    NO_BYTES();
}

static void test_a20(void)
{
    setup();
    phys_write(&m.mem, 0x000500, 0x11, 1);
    phys_write(&m.mem, 0x100500, 0x22, 1);
    CHECK(a20_on());
    CHECK_EQ(phys_read(&m.mem, 0x100500, 1), 0x22);
    /* KBC gate off, port 0x92 bit 1 is 0: addresses wrap at 1 MiB. */
    cmd(0xd1);
    data(0xdd);
    CHECK_EQ(m.mem.a20_mask, ~(1ull << 20));
    CHECK_EQ(phys_read(&m.mem, 0x100500, 1), 0x11);
    cmd(0xd0);
    CHECK_EQ(read_reply() & 0x03, 0x01);
    CHECK(!m.reset_requested);
    cmd(0xd1);
    data(0xdf);
    CHECK(a20_on());
    CHECK_EQ(phys_read(&m.mem, 0x100500, 1), 0x22);
    cmd(0xd0);
    CHECK_EQ(read_reply() & 0x03, 0x03);
    /* Port 0x92 bit 1 ORed with the KBC's gate. */
    cmd(0xd1);
    data(0xdd);
    CHECK(!a20_on());
    outb(0x92, 0x02);
    CHECK(a20_on());
    CHECK_EQ(inb(0x92), 0x02);
    cmd(0xd1);
    data(0xdf);
    outb(0x92, 0x00);
    CHECK(a20_on());                            /* the KBC still enables it */
    cmd(0xd1);
    data(0xdd);
    CHECK(!a20_on());
    CHECK_EQ(phys_read(&m.mem, 0x1fffff, 1), phys_read(&m.mem, 0x0fffff, 1));
    /* Other port 0x92 bits are stored. */
    outb(0x92, 0xf4);
    CHECK_EQ(inb(0x92), 0xf4);
    CHECK(!a20_on());
    CHECK(!m.reset_requested);
    /* A machine reset enables A20 again. */
    machine_reset(&m);
    CHECK(a20_on());
    CHECK_EQ(inb(0x92), 0x00);
    cmd(0xd0);
    CHECK_EQ(read_reply() & 0x03, 0x03);
}

static void test_reset(void)
{
    setup();
    cmd(0xfe);                                  /* pulse bit 0 */
    CHECK(m.reset_requested);
    machine_reset(&m);
    CHECK(!m.reset_requested);
    cmd(0xfd);                                  /* pulse bit 1 only */
    cmd(0xff);                                  /* pulse nothing */
    CHECK(!m.reset_requested);
    CHECK(a20_on());
    cmd(0xf0);                                  /* bits 3-0 */
    CHECK(m.reset_requested);
    machine_reset(&m);
    cmd(0xd1);                                  /* output port bit 0 low */
    data(0xde);
    CHECK(m.reset_requested);
    machine_reset(&m);
    cmd(0xd0);
    CHECK_EQ(read_reply() & 0x03, 0x03);
    /* Port 0x92 bit 0: a 0 -> 1 write resets; it reads back until then. */
    outb(0x92, 0x01);
    CHECK(m.reset_requested);
    CHECK_EQ(inb(0x92), 0x01);
    m.reset_requested = false;
    outb(0x92, 0x03);                           /* already 1: no new reset */
    CHECK(!m.reset_requested);
    outb(0x92, 0x02);
    outb(0x92, 0x03);
    CHECK(m.reset_requested);
    machine_reset(&m);
    CHECK_EQ(inb(0x92), 0x00);
    CHECK(!m.reset_requested);
    /* The controller comes back from reset with power-on values. */
    write_cb(0x47);
    cmd(0xaa);
    read_reply();
    machine_reset(&m);
    CHECK_EQ(status(), KBC_STAT_UNLOCKED);
    CHECK_EQ(read_cb(), 0x00);
}

static void test_snapshot(void)
{
    setup();
    write_cb(0x43);
    enable_stream();
    cmd(0xad);
    keys(0x1c);
    keys(0xe074);
    ps2_mouse_move(mouse, 3, 4, 0, PS2_MOUSE_LEFT);
    cmd(0xae);
    advance(KBC_XFER_NS);
    CHECK(status() & KBC_STAT_OBF);
    static const char *const names[] = { "i8042", "ps2-kbd", "ps2-mouse", "port92" };
    StateBuf saved[4] = { 0 };
    for (int i = 0; i < 4; i++) {
        Device *d = machine_find_device(&m, names[i]);
        CHECK(d != NULL);
        state_save(d->state, d->opaque, &saved[i]);
    }
    /* Read everything, then go back and read it again. */
    int first[8], n1 = 0, v;
    while ((v = read_byte()) >= 0 && n1 < 8)
        first[n1++] = v;
    CHECK_EQ(n1, 6);
    for (int i = 0; i < 4; i++) {
        Device *d = machine_find_device(&m, names[i]);
        char err[128];
        CHECK_EQ(state_load(d->state, d->opaque, saved[i].data, saved[i].len, err, sizeof err), 0);
        statebuf_free(&saved[i]);
    }
    CHECK(status() & KBC_STAT_OBF);
    CHECK_EQ(irq_level[1], (status() & KBC_STAT_AUX) ? 0 : 1);
    int n2 = 0;
    while ((v = read_byte()) >= 0 && n2 < 8) {
        CHECK(n2 < n1 && v == first[n2]);
        n2++;
    }
    CHECK_EQ(n2, n1);
    /* Bad values are refused. */
    Device *d = machine_find_device(&m, "i8042");
    StateBuf b = { 0 };
    kbc->pending = 0x99;
    state_save(d->state, d->opaque, &b);
    kbc->pending = 0;
    char err[128];
    CHECK(state_load(d->state, d->opaque, b.data, b.len, err, sizeof err) < 0);
    statebuf_free(&b);
    d = machine_find_device(&m, "ps2-kbd");
    kbd->keys.count = 18;
    state_save(d->state, d->opaque, &b);
    kbd->keys.count = 0;
    CHECK(state_load(d->state, d->opaque, b.data, b.len, err, sizeof err) < 0);
    statebuf_free(&b);
}

/* An untrusted guest: random port traffic, random UI input and time steps
 * (fixed seed).  Nothing may break the invariants the rest relies on. */
static void test_random_guest(void)
{
    setup();
    /* With logging on, so every guest_error()/log_unimp() line is formatted. */
    CHECK_EQ(log_parse_items("guest_errors,unimp,int"), 0);
    CHECK_EQ(log_set_file("/dev/null"), 0);
    uint32_t x = 12345;
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        uint8_t v = (uint8_t)(r >> 8);
        switch (r % 8) {
        case 0: outb(0x64, v); break;
        case 1: outb(0x60, v); break;
        case 2: inb(0x60); break;
        case 3: inb(0x64); break;
        case 4: ps2_kbd_key(kbd, (uint16_t)(r >> 4), v & 1); break;
        case 5: ps2_mouse_move(mouse, (int)(r % 2001) - 1000, (int)(v) - 128, (int)(v % 5) - 2, v); break;
        case 6: advance(r % 50000); break;
        default: outb(0x92, v & 0xfe); break;     /* (bit 0 would just reset) */
        }
        if (m.reset_requested)
            machine_reset(&m);
        bad += !ps2q_valid(&kbd->resp) || !ps2q_valid(&kbd->keys) || !ps2q_valid(&mouse->resp) ||
               !ps2q_valid(&mouse->pkts) || kbd->keys.count > PS2_QUEUE_SIZE ||
               mouse->pkts.count > 16 || (kbd->set != 1 && kbd->set != 2) || kbc->obf > 1 ||
               (kbc->outport & ~3) || irq_level[1] != kbc->irq1.level ||
               irq_level[12] != kbc->irq12.level || (irq_level[1] && irq_level[12]) ||
               (status() & (KBC_STAT_IBF | KBC_STAT_TIMEOUT | KBC_STAT_PARITY));
    }
    CHECK_EQ(bad, 0);
    log_mask = 0;
    /* And it still works afterwards. */
    machine_reset(&m);
    data(0xf2);
    KBD_BYTES(0xfa, 0xab, 0x83);
}

int main(void)
{
    test_power_on();
    test_status_bits();
    test_command_byte_and_ram();
    test_self_tests();
    test_port_enables();
    test_irqs();
    test_d2_d3_overwrite();
    test_kbd_commands();
    test_translation_table();
    test_scan_codes();
    test_kbd_buffer();
    test_typematic();
    test_mouse_commands();
    test_reply_overflow();
    test_mouse_ids();
    test_mouse_packets();
    test_mouse_wheel_packets();
    test_mouse_accumulates();
    test_interleave();
    test_a20();
    test_reset();
    test_snapshot();
    test_random_guest();
    machine_destroy(&m);
    return test_main_result("test-kbc");
}
