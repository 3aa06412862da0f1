/* The 8259A pair and ELCR through their ports, no CPU: INTR is read from the
 * chip's INT output and INTA is pic_intack(), as the CPU would call it. */
#include <stdlib.h>
#include <string.h>

#include "hw/i8259-pic.h"
#include "hw/machine.h"
#include "tests/unit/test.h"

static Machine m;
static Pic *pic;
static uint64_t icount;

static void outb(uint16_t port, uint8_t v) { io_write(&m.io, port, v, 1); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_read(&m.io, port, 1); }
static int intr(void) { return pic->chip[0].int_out; }
static int inta(void) { return m.intr_ack(m.intr_opaque); }
static void irq(int n, int level) { pic_set_irq(pic, n, level); }

static uint8_t read_irr(uint16_t base) { outb(base, 0x0a); return inb(base); }
static uint8_t read_isr(uint16_t base) { outb(base, 0x0b); return inb(base); }

/* The PC programming: master 0x20 (cascade on IR2), slave 0x28, edge, 8086 mode.
 * icw4 is given for both chips. */
static void init_pics(uint8_t icw4_master, uint8_t icw4_slave)
{
    outb(0x20, 0x11);
    outb(0x21, 0x20);
    outb(0x21, 0x04);
    outb(0x21, icw4_master);
    outb(0xa0, 0x11);
    outb(0xa1, 0x28);
    outb(0xa1, 0x02);
    outb(0xa1, icw4_slave);
    outb(0x4d0, 0);
    outb(0x4d1, 0);
}

static void setup(void)
{
    if (pic)
        machine_destroy(&m);
    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    pic = pic_create(&m);
    m.intr_ack = pic_intack;
    m.intr_opaque = pic;
    machine_reset(&m);
    init_pics(0x01, 0x01);
}

static void test_init_and_imr(void)
{
    setup();
    /* ICW1 clears the IMR. */
    CHECK_EQ(inb(0x21), 0x00);
    CHECK_EQ(inb(0xa1), 0x00);
    outb(0x21, 0xa5);
    outb(0xa1, 0x5a);
    CHECK_EQ(inb(0x21), 0xa5);
    CHECK_EQ(inb(0xa1), 0x5a);
    outb(0x20, 0x11);   /* ICW1 again: mask cleared */
    CHECK_EQ(inb(0x21), 0x00);
    CHECK_EQ(pic->chip[0].init_state, 1);
    outb(0x21, 0x40);   /* ICW2 */
    outb(0x21, 0x04);   /* ICW3 */
    outb(0x21, 0x01);   /* ICW4 */
    CHECK_EQ(pic->chip[0].init_state, 0);
    outb(0x21, 0xfe);   /* now OCW1 */
    CHECK_EQ(inb(0x21), 0xfe);
    outb(0x21, 0x00);
    irq(1, 1);
    CHECK_EQ(inta(), 0x41);     /* vector base from ICW2 */
    /* Single mode, no ICW4 needed... but then ICW4 is 0: MCS-80/85 mode.
     * Single mode with ICW4: ICW3 is skipped. */
    outb(0x20, 0x13);   /* ICW1: edge, single, IC4 */
    outb(0x21, 0x50);   /* ICW2 */
    outb(0x21, 0x01);   /* ICW4 (no ICW3 in single mode) */
    CHECK_EQ(pic->chip[0].init_state, 0);
    outb(0x21, 0x00);   /* OCW1 */
    CHECK_EQ(inb(0x21), 0x00);
    irq(3, 0);
    irq(3, 1);
    CHECK_EQ(inta(), 0x53);
    /* In single mode IR2 is an ordinary input: the slave's INT gives vector
     * base+2 from the master itself, the slave is not asked. */
    outb(0x20, 0x20);
    irq(8, 1);                          /* (slave IMR is 0x5a: IRQ 8 unmasked) */
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x52);
    CHECK_EQ(read_isr(0xa0), 0x00);
    irq(8, 0);
    irq(3, 0);
    irq(1, 0);
    /* ICW1 without IC4: MCS-80/85 mode, the x86 reads the CALL address low
     * byte: interval 4 (ADI=1) -> A7-A5 | IR<<2. */
    outb(0x20, 0xf6);   /* A7-A5 = 111, LTIM=0, ADI=1, SNGL=1, IC4=0 */
    outb(0x21, 0x12);   /* ICW2 = A15-A8 */
    CHECK_EQ(pic->chip[0].init_state, 0);
    outb(0x21, 0x00);
    irq(3, 1);
    CHECK_EQ(inta(), 0xe0 | 3 << 2);
    /* No AEOI in 8080 mode on an x86: ISR stays set. */
    CHECK_EQ(read_isr(0x20), 0x08);
    irq(3, 0);
    /* Interval 8 (ADI=0): A7-A6 | IR<<3. */
    outb(0x20, 0x92);   /* A7-A6 = 10, ADI=0, SNGL=1, IC4=0 */
    outb(0x21, 0x12);
    outb(0x21, 0x00);
    irq(5, 1);
    CHECK_EQ(inta(), 0x80 | 5 << 3);
    irq(5, 0);
}

static void test_priority_and_masking(void)
{
    setup();
    CHECK_EQ(intr(), 0);
    irq(3, 1);
    irq(1, 1);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(read_irr(0x20), 0x0a);
    CHECK_EQ(inta(), 0x21);             /* IR1 first: higher priority */
    CHECK_EQ(read_isr(0x20), 0x02);
    CHECK_EQ(read_irr(0x20), 0x08);     /* edge latch of IR1 reset by INTA */
    CHECK_EQ(intr(), 0);                /* IR3 is blocked by IR1 in service */
    irq(0, 1);                          /* higher priority than IR1: nests */
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x20);
    CHECK_EQ(read_isr(0x20), 0x03);
    CHECK_EQ(intr(), 0);
    outb(0x20, 0x20);                   /* non-specific EOI: clears IR0 */
    CHECK_EQ(read_isr(0x20), 0x02);
    CHECK_EQ(intr(), 0);
    outb(0x20, 0x20);                   /* clears IR1 */
    CHECK_EQ(read_isr(0x20), 0x00);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x23);
    outb(0x20, 0x20);
    /* An edge line held high gives one request only. */
    CHECK_EQ(intr(), 0);
    CHECK_EQ(read_irr(0x20), 0x00);
    irq(3, 1);
    CHECK_EQ(intr(), 0);
    irq(3, 0);
    irq(3, 1);
    CHECK_EQ(intr(), 1);
    /* Masking: IRR still shows the request, INT does not. */
    outb(0x21, 0x08);
    CHECK_EQ(intr(), 0);
    CHECK_EQ(read_irr(0x20), 0x08);
    outb(0x21, 0x00);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x23);
    outb(0x20, 0x20);
    irq(3, 0);
    irq(1, 0);
    irq(0, 0);
    /* Masking a level in service does not unblock lower levels (normal
     * mode): IR4 in service, mask IR4, IR6 request stays blocked. */
    irq(4, 1);
    CHECK_EQ(inta(), 0x24);
    outb(0x21, 0x10);
    irq(6, 1);
    CHECK_EQ(intr(), 0);
    /* ... but the special mask mode does. */
    outb(0x20, 0x68);                   /* OCW3: ESMM=1 SMM=1 */
    CHECK_EQ(pic->chip[0].smm, 1);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x26);
    CHECK_EQ(read_isr(0x20), 0x50);
    /* In SMM a non-specific EOI skips the masked IR4 and clears IR6. */
    outb(0x20, 0x20);
    CHECK_EQ(read_isr(0x20), 0x10);
    outb(0x20, 0x48);                   /* OCW3: ESMM=1 SMM=0 */
    CHECK_EQ(pic->chip[0].smm, 0);
    outb(0x20, 0x64);                   /* specific EOI IR4 */
    CHECK_EQ(read_isr(0x20), 0x00);
    outb(0x21, 0x00);
    irq(4, 0);
    irq(6, 0);
}

static void test_eoi_and_rotation(void)
{
    setup();
    /* Specific EOI clears the named level, not the highest. */
    irq(5, 1);
    CHECK_EQ(inta(), 0x25);
    irq(2 + 1, 1);
    CHECK_EQ(inta(), 0x23);
    CHECK_EQ(read_isr(0x20), 0x28);
    outb(0x20, 0x65);                   /* specific EOI, IR5 */
    CHECK_EQ(read_isr(0x20), 0x08);
    outb(0x20, 0x63);
    CHECK_EQ(read_isr(0x20), 0x00);
    irq(5, 0);
    irq(3, 0);

    /* Set priority: IR4 lowest -> IR5 highest, then 6, 7, 0, ... */
    outb(0x20, 0xc4);
    CHECK_EQ(pic->chip[0].lowest, 4);
    irq(1, 1);
    irq(6, 1);
    irq(4, 1);
    CHECK_EQ(inta(), 0x26);
    outb(0x20, 0x20);
    CHECK_EQ(inta(), 0x21);
    outb(0x20, 0x20);
    CHECK_EQ(inta(), 0x24);
    outb(0x20, 0x20);
    irq(1, 0);
    irq(6, 0);
    irq(4, 0);

    /* Rotate on non-specific EOI: the serviced level becomes the lowest. */
    outb(0x20, 0xc7);                   /* back to IR0 highest */
    irq(0, 1);
    irq(1, 1);
    CHECK_EQ(inta(), 0x20);
    outb(0x20, 0xa0);                   /* rotate on non-specific EOI */
    CHECK_EQ(pic->chip[0].lowest, 0);
    CHECK_EQ(read_isr(0x20), 0x00);
    irq(0, 0);
    irq(0, 1);                          /* IR0 again: now below IR1 */
    CHECK_EQ(inta(), 0x21);
    outb(0x20, 0xa0);
    CHECK_EQ(pic->chip[0].lowest, 1);
    CHECK_EQ(inta(), 0x20);             /* IR0 is now above IR1 again */
    /* Rotate on specific EOI. */
    outb(0x20, 0xe0);                   /* clear IR0 and make it the lowest */
    CHECK_EQ(read_isr(0x20), 0x00);
    CHECK_EQ(pic->chip[0].lowest, 0);
    irq(0, 0);
    irq(1, 0);
    irq(7, 1);
    irq(0, 1);
    CHECK_EQ(inta(), 0x27);             /* order 1..7, 0 */
    outb(0x20, 0x20);
    CHECK_EQ(inta(), 0x20);
    outb(0x20, 0x20);
    irq(7, 0);
    irq(0, 0);
    /* OCW2 no-op changes nothing. */
    outb(0x20, 0x40);
    CHECK_EQ(pic->chip[0].lowest, 0);
}

static void test_aeoi(void)
{
    setup();
    init_pics(0x03, 0x01);              /* master AEOI */
    irq(3, 1);
    CHECK_EQ(inta(), 0x23);
    CHECK_EQ(read_isr(0x20), 0x00);     /* no ISR bit in AEOI mode */
    CHECK_EQ(pic->chip[0].lowest, 7);   /* no rotation */
    irq(1, 1);
    CHECK_EQ(intr(), 1);                /* nothing in service blocks */
    CHECK_EQ(inta(), 0x21);
    irq(1, 0);
    irq(3, 0);
    /* Rotate in AEOI mode (set): the acknowledged level becomes the lowest. */
    outb(0x20, 0x80);
    CHECK_EQ(pic->chip[0].rotate_aeoi, 1);
    irq(4, 1);
    CHECK_EQ(inta(), 0x24);
    CHECK_EQ(pic->chip[0].lowest, 4);
    irq(4, 0);
    irq(3, 1);
    irq(5, 1);
    CHECK_EQ(inta(), 0x25);             /* IR5 is now the highest */
    CHECK_EQ(pic->chip[0].lowest, 5);
    CHECK_EQ(inta(), 0x23);
    irq(3, 0);
    irq(5, 0);
    /* Rotate in AEOI mode (clear). */
    outb(0x20, 0x00);
    CHECK_EQ(pic->chip[0].rotate_aeoi, 0);
    irq(6, 1);
    CHECK_EQ(inta(), 0x26);
    CHECK_EQ(pic->chip[0].lowest, 3);
    irq(6, 0);
}

static void test_poll(void)
{
    setup();
    irq(5, 1);
    irq(6, 1);
    outb(0x20, 0x0c);                   /* OCW3: poll */
    CHECK_EQ(inb(0x20), 0x85);          /* I=1, level 5; acknowledges */
    CHECK_EQ(read_isr(0x20), 0x20);
    CHECK_EQ(read_irr(0x20), 0x40);
    outb(0x20, 0x0c);
    CHECK_EQ(inb(0x20), 0x07);          /* IR6 blocked by IR5 in service: I=0 */
    CHECK_EQ(inb(0x20), 0x40);          /* the poll was one read only: IRR */
    outb(0x20, 0x20);
    outb(0x20, 0x0c);
    CHECK_EQ(inb(0x21), 0x86);          /* the next read on either port */
    CHECK_EQ(inb(0x21), 0x00);          /* then the IMR again */
    outb(0x20, 0x20);
    irq(5, 0);
    irq(6, 0);
    /* Slave poll. */
    irq(12, 1);
    outb(0x20, 0x0c);
    CHECK_EQ(inb(0x20), 0x82);          /* the master sees the slave on IR2 */
    outb(0xa0, 0x0c);
    CHECK_EQ(inb(0xa0), 0x84);
    CHECK_EQ(read_isr(0xa0), 0x10);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    irq(12, 0);
}

static void test_irr_isr_reads(void)
{
    setup();
    irq(4, 1);
    irq(6, 1);
    CHECK_EQ(read_irr(0x20), 0x50);
    CHECK_EQ(read_isr(0x20), 0x00);
    CHECK_EQ(inta(), 0x24);
    /* The register selection sticks until changed. */
    outb(0x20, 0x0b);
    CHECK_EQ(inb(0x20), 0x10);
    CHECK_EQ(inb(0x20), 0x10);
    outb(0x20, 0x08);                   /* RR=0: no change of selection */
    CHECK_EQ(inb(0x20), 0x10);
    outb(0x20, 0x0a);
    CHECK_EQ(inb(0x20), 0x40);
    CHECK_EQ(inb(0x21), 0x00);          /* A0=1 reads IMR whatever the selection */
    outb(0x20, 0x20);
    irq(4, 0);
    irq(6, 0);
}

static void test_spurious(void)
{
    setup();
    /* A request that goes away before INTA: default IR7, no ISR bit. */
    irq(3, 1);
    CHECK_EQ(intr(), 1);
    irq(3, 0);
    CHECK_EQ(intr(), 0);
    CHECK_EQ(read_irr(0x20), 0x00);
    CHECK_EQ(inta(), 0x27);
    CHECK_EQ(read_isr(0x20), 0x00);
    /* A real IR7 does set the ISR bit. */
    irq(7, 1);
    CHECK_EQ(inta(), 0x27);
    CHECK_EQ(read_isr(0x20), 0x80);
    outb(0x20, 0x20);
    irq(7, 0);
    /* Slave: its request withdrawn while the master already latched IR2
     * (the window between the master's INT and INTA, which a synchronous
     * model only reaches by forcing the master's latch): vector 0x2F, no slave
     * ISR bit, but the master sets ISR bit 2 as hardware does. */
    irq(10, 1);
    CHECK_EQ(read_irr(0x20), 0x04);
    irq(10, 0);
    CHECK_EQ(read_irr(0x20), 0x00);     /* normally the request follows the line */
    pic->chip[0].irr |= 0x04;
    pic->chip[0].level |= 0x04;
    CHECK_EQ(inta(), 0x2f);
    CHECK_EQ(read_isr(0xa0), 0x00);
    CHECK_EQ(read_isr(0x20), 0x04);
    outb(0x20, 0x20);
    CHECK_EQ(read_isr(0x20), 0x00);
}

static void test_cascade(void)
{
    setup();
    irq(10, 1);
    CHECK_EQ(read_irr(0xa0), 0x04);
    CHECK_EQ(read_irr(0x20), 0x04);     /* slave INT on master IR2 */
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x2a);
    CHECK_EQ(read_isr(0xa0), 0x04);
    CHECK_EQ(read_isr(0x20), 0x04);
    CHECK_EQ(intr(), 0);
    /* Master IR1 outranks the slave's IR2 in service; IR3 does not. */
    irq(3, 1);
    CHECK_EQ(intr(), 0);
    irq(1, 1);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x21);
    outb(0x20, 0x20);
    irq(1, 0);
    /* A higher-priority slave request (IRQ 8) while IRQ 10 is in service:
     * without SFNM the master locks the slave out. */
    irq(8, 1);
    CHECK_EQ(read_irr(0xa0), 0x01);     /* IRQ 10's edge was consumed by INTA */
    CHECK_EQ(pic->chip[1].int_out, 1);
    CHECK_EQ(intr(), 0);
    outb(0xa0, 0x20);                   /* EOI the slave (IR2 -> 8 still pending) */
    outb(0x20, 0x20);                   /* and the master */
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x28);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    irq(8, 0);
    irq(10, 0);
    CHECK_EQ(intr(), 1);                /* IR3 still waiting */
    CHECK_EQ(inta(), 0x23);
    outb(0x20, 0x20);
    irq(3, 0);
    /* Masking the slave's input on the master. */
    outb(0x21, 0x04);
    irq(15, 1);
    CHECK_EQ(intr(), 0);
    outb(0x21, 0x00);
    CHECK_EQ(inta(), 0x2f);
    CHECK_EQ(read_isr(0xa0), 0x80);     /* a real IRQ 15 */
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    irq(15, 0);
    /* Slave with AEOI and two pending requests: the second one comes through
     * the master (a fresh INT edge after the first INTA). */
    init_pics(0x01, 0x03);
    irq(9, 1);
    irq(11, 1);
    CHECK_EQ(inta(), 0x29);
    CHECK_EQ(read_isr(0xa0), 0x00);
    outb(0x20, 0x20);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x2b);
    outb(0x20, 0x20);
    irq(9, 0);
    irq(11, 0);
    /* A slave whose identity is not 2 does not answer: the bus floats. */
    outb(0xa0, 0x11);
    outb(0xa1, 0x28);
    outb(0xa1, 0x05);
    outb(0xa1, 0x01);
    irq(12, 1);
    CHECK_EQ(inta(), 0xff);
    CHECK_EQ(read_isr(0x20), 0x04);
    outb(0x20, 0x20);
    irq(12, 0);
    /* IRQ 2 is not an external input. */
    irq(2, 1);
    CHECK_EQ(read_irr(0x20), 0x00);
}

static void test_sfnm(void)
{
    setup();
    init_pics(0x11, 0x01);              /* master: SFNM */
    irq(12, 1);
    CHECK_EQ(inta(), 0x2c);
    CHECK_EQ(read_isr(0x20), 0x04);
    CHECK_EQ(intr(), 0);
    /* A lower slave request stays out (the slave's own nesting). */
    irq(14, 1);
    CHECK_EQ(intr(), 0);
    /* A higher one gets through the master despite IR2 in service. */
    irq(9, 1);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x29);
    CHECK_EQ(read_isr(0xa0), 0x12);
    /* Master levels below IR2 are still blocked by it. */
    irq(5, 1);
    CHECK_EQ(intr(), 0);
    outb(0xa0, 0x20);
    outb(0xa0, 0x20);
    CHECK_EQ(read_isr(0xa0), 0x00);
    outb(0x20, 0x20);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x2e);             /* IRQ 14 via IR2 before master IR5 */
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    CHECK_EQ(inta(), 0x25);
    outb(0x20, 0x20);
    irq(12, 0);
    irq(14, 0);
    irq(9, 0);
    irq(5, 0);
}

static void test_level_edge(void)
{
    setup();
    /* ELCR: IRQ 0, 1, 2, 8, 13 are read-only 0. */
    outb(0x4d0, 0xff);
    outb(0x4d1, 0xff);
    CHECK_EQ(inb(0x4d0), 0xf8);
    CHECK_EQ(inb(0x4d1), 0xde);
    outb(0x4d0, 0x00);
    outb(0x4d1, 0x00);
    CHECK_EQ(inb(0x4d0), 0x00);
    /* Edge IRQ 10 held high: after EOI no second interrupt. */
    irq(10, 1);
    CHECK_EQ(inta(), 0x2a);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    CHECK_EQ(intr(), 0);
    irq(10, 0);
    /* Level IRQ 10 (ELCR2 bit 2): re-raises while high after the EOI. */
    outb(0x4d1, 0x04);
    irq(10, 1);
    CHECK_EQ(inta(), 0x2a);
    CHECK_EQ(read_irr(0xa0), 0x04);     /* level request stays in IRR */
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x2a);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    irq(10, 0);
    CHECK_EQ(intr(), 0);
    CHECK_EQ(read_irr(0xa0), 0x00);
    /* Switching a line that is already high to level mode requests at once. */
    outb(0x4d1, 0x00);
    irq(11, 1);
    CHECK_EQ(inta(), 0x2b);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    CHECK_EQ(intr(), 0);
    outb(0x4d1, 0x08);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x2b);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    irq(11, 0);
    outb(0x4d1, 0x00);
    /* LTIM in ICW1 makes every line of the chip level-triggered. */
    outb(0x20, 0x19);
    outb(0x21, 0x20);
    outb(0x21, 0x04);
    outb(0x21, 0x01);
    irq(3, 1);
    CHECK_EQ(inta(), 0x23);
    outb(0x20, 0x20);
    CHECK_EQ(intr(), 1);
    CHECK_EQ(inta(), 0x23);
    outb(0x20, 0x20);
    irq(3, 0);
    CHECK_EQ(intr(), 0);
    /* ICW1 resets the edge sense: an edge line already high needs a new edge. */
    irq(4, 1);
    outb(0x20, 0x11);
    outb(0x21, 0x20);
    outb(0x21, 0x04);
    outb(0x21, 0x01);
    CHECK_EQ(read_irr(0x20), 0x00);
    CHECK_EQ(intr(), 0);
    irq(4, 0);
    irq(4, 1);
    CHECK_EQ(intr(), 1);
    irq(4, 0);
}

static void test_snapshot_and_info(void)
{
    setup();
    irq(6, 1);
    CHECK_EQ(inta(), 0x26);
    irq(9, 1);
    Device *d = machine_find_device(&m, "i8259");
    CHECK(d != NULL);
    StateBuf b = { 0 };
    state_save(d->state, d->opaque, &b);
    uint64_t h = state_hash(d->state, d->opaque);
    outb(0x20, 0x20);
    irq(9, 0);
    CHECK(state_hash(d->state, d->opaque) != h);
    char err[128];
    CHECK_EQ(state_load(d->state, d->opaque, b.data, b.len, err, sizeof err), 0);
    CHECK_EQ(state_hash(d->state, d->opaque), h);
    CHECK_EQ(read_isr(0x20), 0x40);
    CHECK_EQ(intr(), 1);
    statebuf_free(&b);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    pic_info(pic, f);
    fclose(f);
    CHECK(strstr(text, "master: irr=04 isr=40 imr=00") != NULL);
    CHECK(strstr(text, "slave: irr=02 isr=00") != NULL);
    free(text);
}

int main(void)
{
    test_init_and_imr();
    test_priority_and_masking();
    test_eoi_and_rotation();
    test_aeoi();
    test_poll();
    test_irr_isr_reads();
    test_spurious();
    test_cascade();
    test_sfnm();
    test_level_edge();
    test_snapshot_and_info();
    machine_destroy(&m);
    return test_main_result("test-pic");
}
