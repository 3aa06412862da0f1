/* Intel 82093AA I/O APIC at 0xFEC00000: IOREGSEL (0x00, 8 bits) selects a
 * register, IOWIN (0x10, 32 bits) reads/writes it.  Registers: 0x00 ID (bits
 * 27:24), 0x01 version (0x11, 24 entries: max redirection entry 23 in bits
 * 23:16), 0x02 arbitration ID, 0x10 + 2n / 0x11 + 2n the low/high halves of
 * redirection entry n: vector (7:0), delivery mode (10:8: fixed, lowest
 * priority, SMI, NMI, INIT, ExtINT), destination mode (11: logical),
 * delivery status (12, read-only: always idle, messages go at once),
 * polarity (13: active low), remote IRR (14, read-only), trigger (15: level),
 * mask (16), destination (63:56).  Entries reset masked.
 *
 * Pins (the PC's wiring, which the MADT describes): ISA IRQ n on pin n
 * except the PIT's IRQ0 on pin 2 (an interrupt source override), PIIX3
 * PIRQA-D on pins 16-19, the SCI on pin 9 (level, active high).
 * ioapic_set_irq() takes whether the pin is asserted (Tandem's IrqLines are
 * logical levels, 1 = requesting, whatever the wire's electrical sense), so
 * the polarity bit is stored for the guest but does not invert anything: an
 * OS programming the PCI pins active low, as the ACPI default for PCI says,
 * gets the same behaviour as on hardware.  Edge-triggered pins send a message on each assertion while
 * unmasked (masked edges are lost); level-triggered pins send one while
 * asserted, unmasked and remote IRR clear, and set remote IRR until the local
 * APIC broadcasts the EOI of that vector (ioapic_eoi()), when a still-
 * asserted pin sends again. */
#ifndef HW_IOAPIC_H
#define HW_IOAPIC_H

#include <stdint.h>
#include <stdio.h>

#include "hw/apic.h"
#include "hw/machine.h"

#define IOAPIC_BASE     0xfec00000ull
#define IOAPIC_PINS     24
#define IOAPIC_VERSION  0x11

#define IOAPIC_RTE_POLARITY_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR   (1ull << 14)
#define IOAPIC_RTE_LEVEL        (1ull << 15)
#define IOAPIC_RTE_MASKED       (1ull << 16)

typedef struct Ioapic {
    Machine *m;
    Lapic *lapic;               /* the CPU's APIC (one CPU) */
    /* Guest-visible state (snapshotted) */
    uint8_t regsel;
    uint32_t id;
    uint64_t rte[IOAPIC_PINS];
    uint32_t levels;            /* pin input levels, as driven */
} Ioapic;

/* Creates the IOAPIC at IOAPIC_BASE delivering to lapic (whose EOI broadcasts
 * it receives) and registers device "ioapic". */
Ioapic *ioapic_create(Machine *m, Lapic *lapic);
/* IrqLine handler: pin n (0..23) is at electrical level `level`. */
void ioapic_set_irq(void *opaque, int n, int level);
/* The local APIC's EOI of a level-triggered vector. */
void ioapic_eoi(void *opaque, int vector);
uint32_t ioapic_reg_read(Ioapic *s, uint8_t reg);
void ioapic_reg_write(Ioapic *s, uint8_t reg, uint32_t val);
void ioapic_reset(void *opaque);
void ioapic_info(Ioapic *s, FILE *f);

#endif
