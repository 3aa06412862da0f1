/* The PC's pair of Intel 8259A programmable interrupt controllers (master at
 * 0x20/0x21, slave at 0xA0/0xA1 cascaded on the master's IR2) and the PIIX
 * edge/level control registers (ELCR, 0x4D0/0x4D1).
 *
 * Inputs: pic_set_irq(pic, n, level) for ISA IRQ n = 0..15, used as an IrqLine
 * handler (irq_connect(line, pic_set_irq, pic, n)).  IRQ 2 is the cascade (the
 * slave's INT output): there is no such external pin, so n = 2 is ignored.
 *
 * Request latching follows the datasheet: an edge-triggered IR sets its IRR bit
 * on a rising edge and the request lasts only while the line stays high (the
 * request latch is transparent), so a line that drops before the INTA
 * withdraws its request, and an instantaneous irq_pulse() is lost as it is on
 * hardware.  Devices hold their line high until the guest services them.
 *
 * Output: the master's INT drives the CPU's INTR pin through machine_set_intr();
 * pic_intack() is the INTA cycle (Machine.intr_ack): it returns the vector. */
#ifndef HW_I8259_PIC_H
#define HW_I8259_PIC_H

#include <stdint.h>
#include <stdio.h>

#include "hw/machine.h"

typedef struct PicChip {
    uint8_t irr, isr, imr;
    uint8_t level;          /* IR input levels (master bit 2: the slave's INT) */
    uint8_t elcr;           /* PIIX ELCR: 1 = level-triggered */
    uint8_t icw1, icw2, icw3, icw4;
    uint8_t init_state;     /* 0 ready; 1, 2, 3: ICW2, ICW3, ICW4 expected next */
    uint8_t lowest;         /* the IR with the lowest priority (7 after ICW1) */
    uint8_t read_isr;       /* OCW3 RIS: port A0=0 reads ISR (1) or IRR (0) */
    uint8_t poll;           /* OCW3 poll command pending: next read is an INTA */
    uint8_t smm;            /* special mask mode */
    uint8_t rotate_aeoi;    /* rotate in automatic EOI mode */
    uint8_t int_out;        /* INT output level */
} PicChip;

typedef struct Pic {
    Machine *m;
    PicChip chip[2];        /* 0 = master, 1 = slave */
} Pic;

/* Creates the pair, maps its ports and registers it as device "i8259".  The
 * board sets m->intr_ack = pic_intack, m->intr_opaque = pic. */
Pic *pic_create(Machine *m);
/* IrqLine handler: ISA IRQ n (0..15) is at level. */
void pic_set_irq(void *opaque, int n, int level);
/* The interrupt acknowledge cycle: returns the vector (always >= 0). */
int pic_intack(void *opaque);
/* Monitor `info pic`. */
void pic_info(Pic *p, FILE *f);
void pic_reset(void *opaque);

#endif
