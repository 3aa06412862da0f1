/* The 16550A through its ports, no CPU.  Time is an icount clock with shift 0
 * (one count = 1 ns); timers run at their deadlines as the main loop would.
 * The serial line is a pair of pipes on a descriptor backend: what the guest
 * sends is read from one, what the host sends is written into the other and
 * picked up by machine_poll_fds(), as in the emulator. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/machine.h"
#include "hw/ns16550-uart.h"
#include "tests/unit/test-clock.h"
#include "tests/unit/test.h"

#define BASE 0x3f8

static Machine m;
static Uart *u;
static uint64_t icount;
static bool have_machine;
static int host_in[2], host_out[2];     /* [0] read end, [1] write end */
static int irq_level, irq_changes;

static void rec_irq(void *opaque, int n, int level)
{
    if (level != irq_level)
        irq_changes++;
    irq_level = level;
}

static void outb(int off, uint8_t v) { io_write(&m.io, (uint16_t)(BASE + off), v, 1); }
static uint8_t inb(int off) { return (uint8_t)io_read(&m.io, (uint16_t)(BASE + off), 1); }

/* Moves time to ns, running timers at their deadlines. */
static void set_time(uint64_t ns)
{
    test_clock_advance(&m.clock, &icount, ns);
}
static uint64_t now(void) { return icount; }
static void advance(uint64_t ns) { set_time(icount + ns); }

/* The host sends bytes down the line. */
static void host_send(const void *p, size_t n)
{
    CHECK_EQ(write(host_in[1], p, n), n);
    machine_poll_fds(&m, 0);
}

/* What the guest sent so far (up to cap bytes). */
static size_t host_recv(uint8_t *buf, size_t cap)
{
    ssize_t n = read(host_out[0], buf, cap);
    return n > 0 ? (size_t)n : 0;
}

static void close_pipes(void)
{
    close(host_in[0]);
    close(host_in[1]);
    close(host_out[0]);
    close(host_out[1]);
}

static void setup(void)
{
    if (have_machine) {
        machine_destroy(&m);
        close_pipes();
    }
    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    if (pipe(host_in) < 0 || pipe(host_out) < 0)
        abort();
    fcntl(host_out[0], F_SETFL, O_NONBLOCK);
    fcntl(host_in[1], F_SETFL, O_NONBLOCK);
    fcntl(host_out[1], F_SETFL, O_NONBLOCK);
    Chardev *c = chardev_open_fds(host_in[0], host_out[1], false);
    u = uart_create(&m, BASE, "serial0", c);
    irq_level = 0;
    irq_changes = 0;
    irq_connect(&u->irq, rec_irq, NULL, 4);
    machine_reset(&m);
    have_machine = true;
}

/* 8N1 at divisor d, no FIFO, MCR as given. */
static void init_line(uint16_t d, uint8_t mcr)
{
    outb(UART_LCR, 0x80);
    outb(UART_DLL, (uint8_t)d);
    outb(UART_DLM, (uint8_t)(d >> 8));
    outb(UART_LCR, 0x03);
    outb(UART_MCR, mcr);
}

/* One 8N1 character at 115200 baud: 10 bits of 16 cycles of 1.8432 MHz. */
#define CT1 86806u

static void test_reset_state(void)
{
    setup();
    CHECK_EQ(inb(UART_IER), 0x00);
    CHECK_EQ(inb(UART_IIR), 0x01);
    CHECK_EQ(inb(UART_LCR), 0x00);
    CHECK_EQ(inb(UART_MCR), 0x00);
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(inb(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    CHECK_EQ(irq_level, 0);
    /* Scratch: any value. */
    for (int v = 0; v < 256; v += 17) {
        outb(UART_SCR, (uint8_t)v);
        CHECK_EQ(inb(UART_SCR), v);
    }
    /* Reserved bits read 0. */
    outb(UART_IER, 0xff);
    CHECK_EQ(inb(UART_IER), 0x0f);
    outb(UART_IER, 0);
    outb(UART_MCR, 0xff);
    CHECK_EQ(inb(UART_MCR), 0x1f);
    outb(UART_MCR, 0);
    /* LSR and MSR are read-only. */
    outb(UART_LSR, 0x00);
    CHECK_EQ(inb(UART_LSR), 0x60);
    /* Master reset keeps the divisor and SCR, clears the rest. */
    init_line(0x30, 0x0b);
    outb(UART_SCR, 0xa5);
    outb(UART_IER, 0x0f);
    outb(UART_FCR, 0xc7);
    outb(UART_THR, 'x');
    machine_reset(&m);
    CHECK_EQ(inb(UART_IER), 0);
    CHECK_EQ(inb(UART_IIR), 0x01);
    CHECK_EQ(inb(UART_LCR), 0);
    CHECK_EQ(inb(UART_MCR), 0);
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(inb(UART_SCR), 0xa5);
    CHECK_EQ(u->divisor, 0x30);
    CHECK_EQ(irq_level, 0);
}

static void test_dlab_divisor(void)
{
    setup();
    CHECK_EQ(u->divisor, 1);        /* power-up: 115200 baud */
    outb(UART_IER, 0x05);
    outb(UART_SCR, 0x11);
    outb(UART_LCR, 0x80);
    outb(UART_DLL, 0x34);
    outb(UART_DLM, 0x12);
    CHECK_EQ(inb(UART_DLL), 0x34);
    CHECK_EQ(inb(UART_DLM), 0x12);
    CHECK_EQ(inb(UART_LCR), 0x80);
    /* Offsets 2-7 are the same registers with DLAB set. */
    CHECK_EQ(inb(UART_SCR), 0x11);
    CHECK_EQ(inb(UART_LSR), 0x60);  /* the DLL write sent nothing */
    outb(UART_LCR, 0x1b);           /* 8E1, DLAB off */
    CHECK_EQ(inb(UART_LCR), 0x1b);
    CHECK_EQ(inb(UART_IER), 0x05);  /* untouched by the DLM write */
    CHECK_EQ(u->divisor, 0x1234);
    /* Character times from LCR and the divisor. */
    init_line(12, 0);               /* 9600 8N1: 10 bits of 104.1667 us */
    CHECK_EQ(uart_char_ns(u), 1041667);
    outb(UART_LCR, 0x0f);           /* 8 data, parity, 2 stop: 12 bits */
    CHECK_EQ(uart_char_ns(u), 1250000);
    outb(UART_LCR, 0x04);           /* 5 data, 1.5 stop: 7.5 bits */
    CHECK_EQ(uart_char_ns(u), 781250);
    outb(UART_LCR, 0x02);           /* 7N1: 9 bits */
    CHECK_EQ(uart_char_ns(u), 937500);
    init_line(1, 0);
    CHECK_EQ(uart_char_ns(u), CT1);
    /* The monitor's view. */
    outb(UART_LCR, 0x1f);           /* 8E2 */
    char text[512] = "";
    FILE *f = fmemopen(text, sizeof text - 1, "w");
    uart_info(u, f);
    fclose(f);
    CHECK(strstr(text, "serial0: io 0x3f8, 115200 baud (divisor 1) 8E2") != NULL);
}

/* Interrupt-driven output (ETBEI on; OUT2 off keeps the line quiet) leaves
 * at the programmed rate. */
static void test_tx_timing(void)
{
    uint8_t buf[64];
    setup();
    init_line(1, 0x03);
    outb(UART_IER, UART_IER_THRE);
    set_time(1000);
    outb(UART_THR, 'A');
    /* THR went straight to the idle TSR: THR empty, transmitter busy. */
    CHECK_EQ(inb(UART_LSR), 0x20);
    outb(UART_THR, 'B');
    CHECK_EQ(inb(UART_LSR), 0x00);
    set_time(1000 + CT1 - 1);
    CHECK_EQ(host_recv(buf, sizeof buf), 0);
    CHECK_EQ(inb(UART_LSR), 0x00);
    set_time(1000 + CT1);
    CHECK_EQ(host_recv(buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'A');
    CHECK_EQ(inb(UART_LSR), 0x20);  /* B in the TSR */
    set_time(1000 + 2 * CT1 - 1);
    CHECK_EQ(inb(UART_LSR), 0x20);
    set_time(1000 + 2 * CT1);
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(host_recv(buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'B');
    /* The character time follows the programming: 9600 baud. */
    init_line(12, 0x03);
    uint64_t t = now();
    outb(UART_THR, 'C');
    set_time(t + 1041667 - 1);
    CHECK_EQ(inb(UART_LSR), 0x20);
    set_time(t + 1041667);
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(host_recv(buf, sizeof buf), 1);
    /* 16450 mode: a second THR write before the first moved on replaces it. */
    init_line(1, 0x03);
    t = now();
    outb(UART_THR, '1');    /* -> TSR */
    outb(UART_THR, '2');    /* THR */
    outb(UART_THR, '3');    /* replaces '2' */
    set_time(t + 3 * CT1);
    CHECK_EQ(host_recv(buf, sizeof buf), 2);
    CHECK_EQ(buf[0], '1');
    CHECK_EQ(buf[1], '3');
}

static void test_tx_fifo(void)
{
    uint8_t buf[64];
    setup();
    init_line(1, 0x03);
    outb(UART_IER, UART_IER_THRE);
    outb(UART_FCR, 0x07);
    uint64_t t = now();
    for (int i = 0; i < 17; i++)
        outb(UART_THR, (uint8_t)('a' + i));     /* 1 to the TSR, 16 in the FIFO */
    outb(UART_THR, '!');                        /* FIFO full: dropped */
    CHECK_EQ(inb(UART_LSR), 0x00);
    /* The last FIFO byte moves to the TSR after 16 characters. */
    set_time(t + 16 * CT1 - 1);
    CHECK_EQ(inb(UART_LSR), 0x00);
    set_time(t + 16 * CT1);
    CHECK_EQ(inb(UART_LSR), 0x20);
    set_time(t + 17 * CT1 - 1);
    CHECK_EQ(inb(UART_LSR), 0x20);
    set_time(t + 17 * CT1);
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(host_recv(buf, sizeof buf), 17);
    for (int i = 0; i < 17; i++)
        CHECK_EQ(buf[i], 'a' + i);
    /* FCR bit 2 empties the TX FIFO, not the TSR. */
    t = now();
    outb(UART_THR, 'x');
    outb(UART_THR, 'y');
    outb(UART_THR, 'z');
    outb(UART_FCR, 0x05);
    CHECK_EQ(inb(UART_LSR), 0x20);
    set_time(t + 4 * CT1);
    CHECK_EQ(host_recv(buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'x');
}

/* Polled output (ETBEI off) on an idle line leaves at once: THRE and TEMT
 * stay set, so firmware waiting for TEMT after each byte never waits. */
static void test_tx_polled(void)
{
    uint8_t buf[64];
    setup();
    init_line(12, 0x0b);            /* 9600 baud: a character is 1.04 ms */
    outb(UART_FCR, 0x01);
    const char *msg = "polled";
    for (int i = 0; msg[i]; i++) {
        CHECK_EQ(inb(UART_LSR), 0x60);
        outb(UART_THR, (uint8_t)msg[i]);
    }
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(host_recv(buf, sizeof buf), 6);
    CHECK(!memcmp(buf, "polled", 6));
    CHECK_EQ(now(), 0);             /* no time passed */
    /* THR emptied: the THRE event is latched for when ETBEI comes on. */
    outb(UART_IER, UART_IER_THRE);
    CHECK_EQ(inb(UART_IIR), 0xc2);
    /* Behind a character being sent (ETBEI on), it waits its turn. */
    outb(UART_THR, 'a');            /* ETBEI on: paced */
    outb(UART_IER, 0);
    outb(UART_THR, 'b');            /* TSR busy: queued */
    CHECK_EQ(inb(UART_LSR), 0x00);
    set_time(1041667 - 1);
    CHECK_EQ(host_recv(buf, sizeof buf), 0);
    set_time(2 * 1041667);
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(host_recv(buf, sizeof buf), 2);
    CHECK(!memcmp(buf, "ab", 2));
    /* Loopback: straight into the receiver. */
    outb(UART_MCR, UART_MCR_LOOP);
    outb(UART_THR, 'L');
    CHECK_EQ(inb(UART_LSR), 0x61);
    CHECK_EQ(inb(UART_RBR), 'L');
}

/* The host side is full: the character stays in the TSR (TEMT = 0) until
 * the pipe has room; the emulator does not block. */
static void test_tx_backpressure(void)
{
    uint8_t buf[4096];
    setup();
    init_line(1, 0x03);
    static uint8_t junk[1 << 16];
    size_t filled = 0;
    for (;;) {
        ssize_t n = write(host_out[1], junk, sizeof junk);
        if (n <= 0)
            break;
        filled += (size_t)n;
    }
    CHECK(filled > 0);
    uint64_t t = now();
    outb(UART_THR, 'Q');
    set_time(t + 20 * CT1);
    CHECK_EQ(inb(UART_LSR), 0x20);  /* THR empty, TSR still holding Q */
    while (host_recv(buf, sizeof buf) > 0)
        ;
    set_time(now() + 1000000);      /* the retry comes within 1 ms */
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(host_recv(buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'Q');
}

static void test_thre_interrupt(void)
{
    setup();
    init_line(1, 0);                /* OUT2 off */
    outb(UART_IER, UART_IER_THRE);  /* ETBEI on with THR empty: at once */
    CHECK_EQ(irq_level, 0);         /* ... but OUT2 gates the IRQ line */
    outb(UART_MCR, UART_MCR_OUT2);
    CHECK_EQ(irq_level, 1);
    outb(UART_MCR, 0);
    CHECK_EQ(irq_level, 0);
    outb(UART_MCR, UART_MCR_OUT2);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(inb(UART_IIR), 0x02);
    CHECK_EQ(inb(UART_IIR), 0x01);  /* reading IIR cleared it */
    CHECK_EQ(irq_level, 0);
    /* Writing THR to an idle transmitter: THR empties at once, THRE again. */
    uint64_t t = now();
    outb(UART_THR, 'a');
    CHECK_EQ(irq_level, 1);
    outb(UART_THR, 'b');            /* writing THR clears it */
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(inb(UART_IIR), 0x01);
    set_time(t + CT1);              /* b moves to the TSR */
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(inb(UART_IIR), 0x02);
    CHECK_EQ(irq_level, 0);
    set_time(t + 2 * CT1);          /* TSR empty: no new THRE event */
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(inb(UART_LSR), 0x60);
    /* ETBEI off and on again with THR empty: raised again. */
    outb(UART_IER, 0);
    outb(UART_IER, UART_IER_THRE);
    CHECK_EQ(inb(UART_IIR), 0x02);
    /* Rewriting IER with ETBEI already on is not a new event. */
    outb(UART_IER, UART_IER_THRE);
    CHECK_EQ(inb(UART_IIR), 0x01);
    /* A pending THRE masked by IER stays pending until unmasked. */
    outb(UART_IER, 0);
    outb(UART_THR, 'c');            /* to TSR: THR empty, event latched */
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(inb(UART_IIR), 0x01);
    outb(UART_IER, UART_IER_THRE);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(inb(UART_IIR), 0x02);
    /* FIFO mode: THRE comes when the FIFO is empty, not per byte; changing
     * FCR0 gives an immediate THRE interrupt. */
    outb(UART_FCR, 0x01);
    CHECK_EQ(inb(UART_IIR), 0xc2);
    t = now();
    for (int i = 0; i < 5; i++)
        outb(UART_THR, (uint8_t)i);
    CHECK_EQ(inb(UART_IIR), 0xc1);
    set_time(t + 4 * CT1 - 1);      /* c, then 0..3 in the TSR, one left */
    CHECK_EQ(inb(UART_IIR), 0xc1);
    set_time(t + 5 * CT1);
    CHECK_EQ(inb(UART_IIR), 0xc2);
}

static void test_rx_16450(void)
{
    uint8_t b;
    setup();
    init_line(1, UART_MCR_OUT2);
    outb(UART_IER, UART_IER_RDA);
    uint64_t t = now();
    host_send("x", 1);
    set_time(t + CT1 - 1);          /* still arriving */
    CHECK_EQ(inb(UART_LSR) & UART_LSR_DR, 0);
    CHECK_EQ(irq_level, 0);
    set_time(t + CT1);
    CHECK_EQ(inb(UART_LSR), 0x61);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(inb(UART_IIR), 0x04);
    CHECK_EQ(inb(UART_RBR), 'x');
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(inb(UART_IIR), 0x01);
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(inb(UART_RBR), 'x');   /* an empty RBR reads its last value */
    /* The host sends faster than the guest reads: flow control holds the
     * rest, nothing overruns. */
    t = now();
    host_send("hello", 5);
    set_time(t + 10 * CT1);
    CHECK_EQ(inb(UART_LSR), 0x61);  /* no OE */
    char got[6] = { 0 };
    for (int i = 0; i < 5; i++) {
        got[i] = (char)inb(UART_RBR);
        advance(CT1);               /* the next one arrives after a read */
    }
    CHECK(!strcmp(got, "hello"));
    CHECK_EQ(inb(UART_LSR), 0x60);
    (void)b;
}

static void test_rx_fifo_trigger(void)
{
    static const uint8_t fcr[4] = { 0x01, 0x41, 0x81, 0xc1 };
    static const int level[4] = { 1, 4, 8, 14 };
    for (int k = 0; k < 4; k++) {
        setup();
        init_line(1, UART_MCR_OUT2);
        outb(UART_FCR, (uint8_t)(fcr[k] | 0x06));
        outb(UART_IER, UART_IER_RDA);
        uint64_t t = now();
        host_send("ABCDEFGHIJKLMNOPQRST", 20);
        /* Each character arrives one character time after the previous. */
        set_time(t + (uint64_t)level[k] * CT1 - 1);
        CHECK_EQ(irq_level, 0);
        CHECK_EQ(inb(UART_IIR), 0xc1);
        set_time(t + (uint64_t)level[k] * CT1);
        CHECK_EQ(irq_level, 1);
        CHECK_EQ(inb(UART_IIR), 0xc4);
        /* Reading below the trigger level clears it. */
        CHECK_EQ(inb(UART_RBR), 'A');
        CHECK_EQ(irq_level, 0);
        CHECK_EQ(inb(UART_IIR), 0xc1);
    }
    /* The FIFO fills to 16 and the host waits: no overrun. */
    uint64_t t = now();
    set_time(t + 30 * CT1);
    CHECK_EQ(u->rx_count, 16);
    CHECK_EQ(inb(UART_LSR) & UART_LSR_OE, 0);
    char got[20] = { 0 };
    for (int i = 0; i < 19; i++) {
        got[i] = (char)inb(UART_RBR);
        advance(CT1);
    }
    CHECK(!memcmp(got, "BCDEFGHIJKLMNOPQRST", 19));
    CHECK_EQ(inb(UART_LSR), 0x60);
}

static void test_timeout(void)
{
    setup();
    init_line(1, UART_MCR_OUT2);
    outb(UART_FCR, 0xc7);           /* trigger 14 */
    outb(UART_IER, UART_IER_RDA);
    uint64_t t = now();
    host_send("abc", 3);
    /* c is in at 3 CT; the timeout is four character times later. */
    set_time(t + 7 * CT1 - 1);
    CHECK_EQ(inb(UART_IIR), 0xc1);
    CHECK_EQ(irq_level, 0);
    set_time(t + 7 * CT1);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(inb(UART_IIR), 0xcc);
    CHECK_EQ(inb(UART_IIR), 0xcc);  /* IIR reads do not clear it */
    /* A read clears it and restarts the count. */
    CHECK_EQ(inb(UART_RBR), 'a');
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(inb(UART_IIR), 0xc1);
    uint64_t r = now();
    set_time(r + 4 * CT1 - 1);
    CHECK_EQ(inb(UART_IIR), 0xc1);
    set_time(r + 4 * CT1);
    CHECK_EQ(inb(UART_IIR), 0xcc);
    /* A new character does not clear a pending timeout. */
    host_send("d", 1);
    advance(CT1);
    CHECK_EQ(u->rx_count, 3);
    CHECK_EQ(inb(UART_IIR), 0xcc);
    CHECK_EQ(inb(UART_RBR), 'b');
    CHECK_EQ(inb(UART_RBR), 'c');
    CHECK_EQ(inb(UART_RBR), 'd');
    /* Empty FIFO: no timeout. */
    advance(100 * CT1);
    CHECK_EQ(inb(UART_IIR), 0xc1);
    /* A new character restarts the count if none fired yet. */
    t = now();
    host_send("e", 1);
    set_time(t + 3 * CT1);
    host_send("f", 1);              /* f in at 4 CT: count from there */
    set_time(t + 8 * CT1 - 1);
    CHECK_EQ(inb(UART_IIR), 0xc1);
    set_time(t + 8 * CT1);
    CHECK_EQ(inb(UART_IIR), 0xcc);
    /* The timeout follows the character time: 9600 baud. */
    outb(UART_FCR, 0xc3);
    outb(UART_LCR, 0x80);
    outb(UART_DLL, 12);
    outb(UART_LCR, 0x03);
    t = now();
    host_send("g", 1);
    set_time(t + 5 * 1041667 - 1);
    CHECK_EQ(inb(UART_IIR), 0xc1);
    set_time(t + 5 * 1041667);
    CHECK_EQ(inb(UART_IIR), 0xcc);
    /* 16450 mode: no timeout indication. */
    setup();
    init_line(1, UART_MCR_OUT2);
    outb(UART_IER, UART_IER_RDA);
    host_send("z", 1);
    advance(100 * CT1);
    CHECK_EQ(inb(UART_IIR), 0x04);
}

static void test_loopback(void)
{
    uint8_t buf[64];
    setup();
    init_line(1, UART_MCR_LOOP | UART_MCR_OUT2);
    outb(UART_FCR, 0x07);
    outb(UART_IER, UART_IER_RDA | UART_IER_RLS);
    uint64_t t = now();
    host_send("H", 1);              /* SIN is disconnected in loopback */
    const char *msg = "loopback!";
    for (int i = 0; msg[i]; i++)
        outb(UART_THR, (uint8_t)msg[i]);
    set_time(t + 9 * CT1);
    CHECK_EQ(host_recv(buf, sizeof buf), 0);    /* SOUT is marking */
    CHECK_EQ(u->rx_count, 9);
    CHECK_EQ(inb(UART_IIR), 0xc4);
    char got[10] = { 0 };
    for (int i = 0; i < 9; i++)
        got[i] = (char)inb(UART_RBR);
    CHECK(!strcmp(got, msg));
    /* No flow control in loopback: 17 characters overrun the 16-byte FIFO;
     * the 17th is lost, the FIFO keeps the first 16. */
    t = now();
    for (int i = 0; i < 17; i++)
        outb(UART_THR, (uint8_t)('A' + i));
    set_time(t + 17 * CT1);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(inb(UART_IIR), 0xc6);      /* line status over data available */
    CHECK_EQ(inb(UART_LSR), 0x63);      /* OE, DR */
    CHECK_EQ(inb(UART_LSR), 0x61);      /* read clears OE */
    CHECK_EQ(inb(UART_IIR), 0xc4);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(inb(UART_RBR), 'A' + i);
    CHECK_EQ(inb(UART_LSR), 0x60);
    /* Modem outputs loop to the inputs: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
    inb(UART_MSR);
    outb(UART_MCR, UART_MCR_LOOP);
    CHECK_EQ(inb(UART_MSR), UART_MSR_DDCD);
    outb(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
    CHECK_EQ(inb(UART_MSR), UART_MSR_DSR | UART_MSR_DDSR);
    outb(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
    CHECK_EQ(inb(UART_MSR), UART_MSR_CTS | UART_MSR_DCTS | UART_MSR_DDSR);
    outb(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
    CHECK_EQ(inb(UART_MSR), UART_MSR_RI | UART_MSR_DCTS);   /* RI leading edge: no TERI */
    outb(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    CHECK_EQ(inb(UART_MSR), UART_MSR_DCD | UART_MSR_TERI | UART_MSR_DDCD);
    /* Out of loopback the external inputs are back, and SIN: the host's H. */
    outb(UART_MCR, UART_MCR_OUT2);
    CHECK_EQ(inb(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD | UART_MSR_DCTS | UART_MSR_DDSR);
    advance(CT1);
    CHECK_EQ(inb(UART_RBR), 'H');
    CHECK_EQ(host_recv(buf, sizeof buf), 0);
}

static void test_overrun_16450(void)
{
    setup();
    init_line(1, UART_MCR_OUT2);
    outb(UART_IER, UART_IER_RLS | UART_IER_RDA);
    /* A sender ignoring flow control: the unread RBR is overwritten. */
    uart_receive_now(u, '1');
    CHECK_EQ(inb(UART_IIR), 0x04);
    uart_receive_now(u, '2');
    CHECK_EQ(inb(UART_IIR), 0x06);
    CHECK_EQ(inb(UART_LSR), 0x63);
    CHECK_EQ(inb(UART_IIR), 0x04);
    CHECK_EQ(inb(UART_RBR), '2');
    CHECK_EQ(inb(UART_IIR), 0x01);
    CHECK_EQ(irq_level, 0);
}

static void test_break(void)
{
    setup();
    init_line(1, UART_MCR_OUT2);
    outb(UART_IER, UART_IER_RLS);
    uint64_t t = now();
    uart_receive_break(u);
    set_time(t + CT1);
    CHECK_EQ(inb(UART_IIR), 0x06);
    CHECK_EQ(inb(UART_LSR), 0x60 | UART_LSR_BI | UART_LSR_FE | UART_LSR_DR);
    CHECK_EQ(inb(UART_IIR), 0x01);
    CHECK_EQ(inb(UART_RBR), 0x00);
    /* FIFO mode: the error shows when its character reaches the top, and
     * LSR bit 7 while an error is in the FIFO. */
    outb(UART_FCR, 0x07);
    t = now();
    host_send("a", 1);
    set_time(t + CT1);
    uart_receive_break(u);
    set_time(t + 2 * CT1);
    uart_receive_break(u);
    set_time(t + 3 * CT1);
    host_send("b", 1);
    set_time(t + 4 * CT1);
    CHECK_EQ(u->rx_count, 4);
    CHECK_EQ(inb(UART_LSR), 0xe1);      /* FIFO error, no BI yet: 'a' on top */
    CHECK_EQ(inb(UART_LSR), 0xe1);      /* more errors behind the top */
    CHECK_EQ(inb(UART_RBR), 'a');
    CHECK_EQ(inb(UART_IIR), 0xc6);
    CHECK_EQ(inb(UART_LSR), 0xf9);      /* break on top: BI FE */
    CHECK_EQ(inb(UART_RBR), 0);
    CHECK_EQ(inb(UART_LSR), 0xf9);      /* second break */
    CHECK_EQ(inb(UART_LSR), 0x61);      /* only 'b' behind: bit 7 cleared */
    CHECK_EQ(inb(UART_RBR), 0);
    CHECK_EQ(inb(UART_RBR), 'b');
    CHECK_EQ(inb(UART_LSR), 0x60);
    /* A break from the host side (Ctrl-A b on the terminal). */
    t = now();
    u->chr->fe->event(u, CHR_EVENT_BREAK);
    set_time(t + CT1);
    CHECK_EQ(inb(UART_LSR), 0xf9);
}

static void test_msr_deltas(void)
{
    setup();
    init_line(1, UART_MCR_OUT2);
    outb(UART_IER, UART_IER_MS);
    CHECK_EQ(inb(UART_IIR), 0x01);
    uart_set_modem_inputs(u, UART_MSR_DSR | UART_MSR_DCD);     /* CTS drops */
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(inb(UART_IIR), 0x00);
    CHECK_EQ(inb(UART_MSR), UART_MSR_DSR | UART_MSR_DCD | UART_MSR_DCTS);
    CHECK_EQ(inb(UART_MSR), UART_MSR_DSR | UART_MSR_DCD);     /* read clears deltas */
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(inb(UART_IIR), 0x01);
    uart_set_modem_inputs(u, UART_MSR_RI);      /* RI on: not an event */
    CHECK_EQ(inb(UART_MSR), UART_MSR_RI | UART_MSR_DDSR | UART_MSR_DDCD);
    uart_set_modem_inputs(u, 0);                /* RI off: trailing edge */
    CHECK_EQ(inb(UART_MSR), UART_MSR_TERI);
    uart_set_modem_inputs(u, UART_MSR_CTS);
    uart_set_modem_inputs(u, 0);                /* deltas accumulate until read */
    CHECK_EQ(inb(UART_MSR), UART_MSR_DCTS);
    /* Masked: delta latched, no interrupt. */
    outb(UART_IER, 0);
    uart_set_modem_inputs(u, UART_MSR_DSR);
    CHECK_EQ(irq_level, 0);
    outb(UART_IER, UART_IER_MS);
    CHECK_EQ(irq_level, 1);
}

/* Every source at once: IIR walks down the priorities as each is cleared
 * by its own action. */
static void test_priorities(void)
{
    setup();
    init_line(1, UART_MCR_OUT2);
    uart_receive_now(u, 'r');
    uart_receive_now(u, 's');                   /* OE */
    uart_set_modem_inputs(u, 0);                /* deltas */
    outb(UART_IER, 0x0f);                       /* THRE on with THR empty */
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(inb(UART_IIR), 0x06);
    inb(UART_LSR);
    CHECK_EQ(inb(UART_IIR), 0x04);
    inb(UART_RBR);
    CHECK_EQ(inb(UART_IIR), 0x02);              /* this read clears THRE */
    CHECK_EQ(inb(UART_IIR), 0x00);
    CHECK_EQ(irq_level, 1);
    inb(UART_MSR);
    CHECK_EQ(inb(UART_IIR), 0x01);
    CHECK_EQ(irq_level, 0);
    /* Reading IIR clears THRE only when it is the one reported. */
    uart_receive_now(u, 't');
    outb(UART_IER, 0x0d);
    outb(UART_IER, 0x0f);                       /* THRE pending again */
    CHECK_EQ(inb(UART_IIR), 0x04);
    CHECK_EQ(inb(UART_IIR), 0x04);
    inb(UART_RBR);
    CHECK_EQ(inb(UART_IIR), 0x02);
    CHECK_EQ(inb(UART_IIR), 0x01);
    /* IER masks each source. */
    uart_receive_now(u, 'u');
    uart_receive_now(u, 'v');
    outb(UART_IER, UART_IER_RDA);
    CHECK_EQ(inb(UART_IIR), 0x04);
    outb(UART_IER, 0);
    CHECK_EQ(inb(UART_IIR), 0x01);
    CHECK_EQ(irq_level, 0);
    outb(UART_IER, UART_IER_RLS);
    CHECK_EQ(inb(UART_IIR), 0x06);
    /* OUT2 gates the line, not the IIR. */
    outb(UART_MCR, 0);
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(inb(UART_IIR), 0x06);
    outb(UART_MCR, UART_MCR_OUT2);
    CHECK_EQ(irq_level, 1);
}

static void test_fcr(void)
{
    setup();
    init_line(1, 0x0b);
    CHECK_EQ(inb(UART_IIR) & 0xc0, 0x00);
    outb(UART_FCR, 0xce);                   /* FCR0 = 0: nothing programmed */
    CHECK_EQ(inb(UART_IIR) & 0xc0, 0x00);
    CHECK_EQ(u->fcr, 0);
    outb(UART_FCR, 0x81);
    CHECK_EQ(inb(UART_IIR) & 0xc0, 0xc0);
    CHECK_EQ(u->fcr, 0x81);
    /* RX FIFO reset drops received data. */
    uint64_t t = now();
    host_send("12345", 5);
    set_time(t + 5 * CT1);
    CHECK_EQ(inb(UART_LSR) & UART_LSR_DR, 1);
    outb(UART_FCR, 0x83);
    CHECK_EQ(inb(UART_LSR), 0x60);
    CHECK_EQ(u->fcr, 0x81);                 /* reset bits self-clear */
    /* Leaving FIFO mode clears both FIFOs. */
    t = now();
    host_send("67", 2);
    set_time(t + 2 * CT1);
    CHECK_EQ(u->rx_count, 2);
    outb(UART_FCR, 0x00);
    CHECK_EQ(u->rx_count, 0);
    CHECK_EQ(inb(UART_IIR), 0x01);
}

static void test_state_roundtrip(void)
{
    setup();
    init_line(3, UART_MCR_OUT2 | UART_MCR_DTR);
    outb(UART_FCR, 0x47);
    outb(UART_IER, 0x0f);
    outb(UART_SCR, 0x5a);
    uint64_t t = now();
    host_send("xyz", 3);
    outb(UART_THR, 'p');
    outb(UART_THR, 'q');
    set_time(t + 2 * uart_char_ns(u) + 10);
    const StateDesc *d = machine_find_device(&m, "serial0")->state;
    StateBuf b = { 0 };
    state_save(d, u, &b);
    uint64_t h = state_hash(d, u);
    Uart saved = *u;
    outb(UART_SCR, 0);
    inb(UART_RBR);
    inb(UART_LSR);
    char err[128] = "";
    CHECK_EQ(state_load(d, u, b.data, b.len, err, sizeof err), 0);
    CHECK_EQ(state_hash(d, u), h);
    CHECK_EQ(inb(UART_SCR), 0x5a);
    CHECK_EQ(u->rx_count, saved.rx_count);
    CHECK_EQ(u->tx_timer.deadline, saved.tx_timer.deadline);
    CHECK_EQ(irq_level, saved.irq_level);
    /* Bad counts are refused. */
    u->rx_count = 17;
    StateBuf bad = { 0 };
    state_save(d, u, &bad);
    CHECK_EQ(state_load(d, u, bad.data, bad.len, err, sizeof err), -1);
    statebuf_free(&b);
    statebuf_free(&bad);
    u->rx_count = saved.rx_count;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_reset_state();
    test_dlab_divisor();
    test_tx_timing();
    test_tx_fifo();
    test_tx_polled();
    test_tx_backpressure();
    test_thre_interrupt();
    test_rx_16450();
    test_rx_fifo_trigger();
    test_timeout();
    test_loopback();
    test_overrun_16450();
    test_break();
    test_msr_deltas();
    test_priorities();
    test_fcr();
    test_state_roundtrip();
    machine_destroy(&m);
    close_pipes();
    return test_main_result("test-uart");
}
