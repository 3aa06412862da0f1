/* Intel 82371SB PIIX3: the PCI-to-ISA bridge at 00:01.0 (8086:7000,
 * multifunction) and the IDE function at 00:01.1 (8086:7010).
 *
 * Interrupt routing: PCI INTx# lines reach PIRQA#-PIRQD# through the board's
 * slot swizzle (device d, pin INTA#..INTD# = 0..3 -> PIRQ (d - 1 + pin) & 3,
 * the wiring SeaBIOS and the ACPI tables of the PC describe), and PIRQRC[A:D]
 * (0x60-0x63) steer each PIRQ to an ISA IRQ (bits 3:0; bit 7 = not routed).
 * PCI interrupts are level-triggered and active low, shared: the PIIX3 drives
 * the PIC input of IRQ n with the OR of every PIRQ routed to n and of the
 * other level sources the board wires to n through piix3_set_isa_irq() (the
 * PIIX4 SCI on IRQ 9).  The PIC's ELCR (hw/i8259-pic.c, 0x4D0/0x4D1) must
 * make such IRQs level-triggered; that is the guest's job, as on hardware.
 *
 * Reset control (RC, port 0xCF9, PIIX3 datasheet): bit 1 SRST selects a hard
 * (system) reset, bit 2 RCPU starts the reset on its 0->1 transition.  Tandem
 * has no separate CPU INIT, so both are a system reset (logged under -d unimp
 * for the soft case).
 *
 * IDE (function 1): hw/piix-ide.c (legacy channels, bus-master DMA), created
 * by piix3_create. */
#ifndef HW_PIIX3_H
#define HW_PIIX3_H

#include "hw/i8259-pic.h"
#include "hw/irq.h"
#include "hw/pci.h"
#include "hw/piix-ide.h"

#define PIIX3_PIRQRC 0x60
#define PIIX3_RC_SRST 0x02
#define PIIX3_RC_RCPU 0x04

typedef struct Piix3 {
    PciDevice isa;          /* function 0 */
    PiixIde *ide;           /* function 1 (hw/piix-ide.c) */
    Machine *m;
    Pic *pic;
    uint8_t rc;             /* reset control register (0xCF9) */
    uint16_t isa_in;        /* other level sources per ISA IRQ (piix3_set_isa_irq) */
    uint16_t irq_out;       /* the levels the PIIX3 drives into the PIC */
    /* Where the ISA IRQ outputs go: pic_set_irq(pic) unless the board puts
     * an ISA fan-out (8259 + IOAPIC) there. */
    IrqHandler isa_out;
    void *isa_out_opaque;
    IrqLine pirq[4];        /* PIRQA-D levels as such (the board: IOAPIC pins 16-19) */
} Piix3;

/* Creates both functions at device `slot` (the PC uses 1), routes the bus's
 * INTx into pic, claims 0xCF9; registers devices "piix3", "piix3-ide", "ide0", "ide1". */
Piix3 *piix3_create(Machine *m, PciBus *bus, int slot, Pic *pic);
/* IrqLine handler for level sources sharing ISA IRQ n with the PIRQs. */
void piix3_set_isa_irq(void *opaque, int n, int level);
/* The slot swizzle: the PIRQ (0..3) of device dev's pin (0..3 = INTA#..INTD#). */
int piix3_pirq_of(int devfn, int pin);
void piix3_reset(void *opaque);

#endif
