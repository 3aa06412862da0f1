/* The IOAPIC through IOREGSEL/IOWIN, delivering into a real local APIC; no CPU. */
#include <stdlib.h>

#include "hw/apic.h"
#include "hw/ioapic.h"
#include "hw/machine.h"
#include "tests/unit/test.h"

static Machine m;
static Lapic *apic;
static Ioapic *io;
static uint64_t icount;

static void setup(void)
{
    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    apic = lapic_create(&m, 0);
    lapic_attach(apic);
    io = ioapic_create(&m, apic);
    phys_write(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_SVR, 0x1ff, 4);
}

static void teardown(void) { machine_destroy(&m); }

static uint32_t rd(uint8_t reg)
{
    phys_write(&m.mem, IOAPIC_BASE, reg, 4);
    return (uint32_t)phys_read(&m.mem, IOAPIC_BASE + 0x10, 4);
}
static void wr(uint8_t reg, uint32_t v)
{
    phys_write(&m.mem, IOAPIC_BASE, reg, 4);
    phys_write(&m.mem, IOAPIC_BASE + 0x10, v, 4);
}
static void rte(int pin, uint32_t lo, uint8_t dest)
{
    wr((uint8_t)(0x11 + 2 * pin), (uint32_t)dest << 24);
    wr((uint8_t)(0x10 + 2 * pin), lo);
}
static void eoi(void) { phys_write(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_EOI, 0, 4); }

static void test_registers(void)
{
    setup();
    CHECK_EQ(rd(0x01), 0x00170011u);             /* version 0x11, 24 entries */
    wr(0x00, 0x0f000000);
    CHECK_EQ(rd(0x00), 0x0f000000u);
    for (int pin = 0; pin < IOAPIC_PINS; pin++)
        CHECK_EQ(rd((uint8_t)(0x10 + 2 * pin)), 1u << 16);   /* masked at reset */
    /* read-only bits (delivery status, remote IRR) and reserved ones stay 0 */
    wr(0x10, 0xffffffff);
    CHECK_EQ(rd(0x10), 0x1afffu);
    wr(0x11, 0xffffffff);
    CHECK_EQ(rd(0x11), 0xff000000u);
    teardown();
}

static void test_edge(void)
{
    setup();
    rte(2, 0x30, 0);                             /* pin 2 -> vector 0x30, physical APIC 0 */
    ioapic_set_irq(io, 2, 1);
    CHECK_EQ(lapic_intack(apic), 0x30);
    ioapic_set_irq(io, 2, 1);                    /* no new edge */
    CHECK_EQ(apic->intr_out, 0);
    ioapic_set_irq(io, 2, 0);
    ioapic_set_irq(io, 2, 1);                    /* edge again: pending behind the one in service */
    CHECK_EQ(apic->intr_out, 0);
    eoi();
    CHECK_EQ(lapic_intack(apic), 0x30);
    eoi();
    /* masked edges are lost */
    rte(2, 0x30 | 1u << 16, 0);
    ioapic_set_irq(io, 2, 0);
    ioapic_set_irq(io, 2, 1);
    rte(2, 0x30, 0);
    CHECK_EQ(apic->intr_out, 0);
    /* a destination no APIC has */
    rte(3, 0x31, 5);
    ioapic_set_irq(io, 3, 1);
    CHECK_EQ(apic->intr_out, 0);
    /* logical flat destination */
    phys_write(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_LDR, 0x01000000, 4);
    rte(4, 0x32 | 1u << 11, 0x01);
    ioapic_set_irq(io, 4, 1);
    CHECK_EQ(lapic_intack(apic), 0x32);
    eoi();
    teardown();
}

static void test_level(void)
{
    setup();
    rte(16, 0x40 | 1u << 15 | 1u << 13, 0);      /* level, active low (as a PCI pin) */
    ioapic_set_irq(io, 16, 1);
    CHECK_EQ(rd(0x10 + 32) & (1u << 14), 1u << 14);   /* remote IRR */
    CHECK_EQ(lapic_intack(apic), 0x40);
    eoi();                                       /* still asserted: sent again */
    CHECK_EQ(lapic_intack(apic), 0x40);
    ioapic_set_irq(io, 16, 0);                   /* the device is serviced */
    eoi();
    CHECK_EQ(rd(0x10 + 32) & (1u << 14), 0u);
    CHECK_EQ(apic->intr_out, 0);
    /* masked while asserted: nothing; unmasking sends */
    rte(9, 0x41 | 1u << 15 | 1u << 16, 0);
    ioapic_set_irq(io, 9, 1);
    CHECK_EQ(apic->intr_out, 0);
    rte(9, 0x41 | 1u << 15, 0);
    CHECK_EQ(lapic_intack(apic), 0x41);
    /* a second assertion while remote IRR is set is not sent */
    ioapic_set_irq(io, 9, 0);
    ioapic_set_irq(io, 9, 1);
    CHECK_EQ(apic->intr_out, 0);
    eoi();
    CHECK_EQ(lapic_intack(apic), 0x41);
    ioapic_set_irq(io, 9, 0);
    eoi();
    CHECK_EQ(apic->intr_out, 0);
    teardown();
}

int main(void)
{
    test_registers();
    test_edge();
    test_level();
    return test_main_result("test-ioapic");
}
