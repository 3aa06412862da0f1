/* Intel 8254 programmable interval timer: three counters clocked at
 * 1.193182 MHz, ports 0x40-0x43.  On the PC counter 0's OUT is IRQ0, counters
 * 0 and 1 have GATE tied high and counter 2's GATE and OUT are bits 0 and 5 of
 * port 0x61 (hw/pcspk.c).
 *
 * Counters are not ticked: each one keeps the clock tick at which its
 * counting element was last loaded (or resumed) and computes the count and
 * OUT at any tick from that.  Only counter 0, when its OUT drives an IrqLine,
 * arms one Timer for its next OUT transition. */
#ifndef HW_I8254_PIT_H
#define HW_I8254_PIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hw/irq.h"
#include "hw/machine.h"

#define PIT_HZ 1193182u

typedef struct PitCounter {
    /* Programming */
    uint8_t mode_bits;      /* M2-M0 as written (6 and 7 act as 2 and 3) */
    uint8_t rw;             /* 1 LSB, 2 MSB, 3 LSB then MSB */
    uint8_t bcd;
    uint16_t cr;            /* count register, as written */
    uint8_t cr_lsb;         /* first byte of a two-byte count */
    uint8_t cr_valid;       /* a count was written since the control word */
    uint8_t write_msb;      /* write toggle: the next byte written is the MSB */
    uint8_t read_msb;       /* read toggle: the next byte read is the MSB */
    uint8_t latch_state;    /* latched count: 0 none, 1 LSB left, 2 MSB left, 3 both */
    uint16_t latch;
    uint8_t status_latched;
    uint8_t status;
    uint8_t null_count;     /* CR written but not yet loaded into the CE */
    uint8_t gate;
    /* Counting element */
    uint8_t armed;          /* modes 0/4: the CE holds a count to run down */
    uint8_t running;        /* counting: CE = v at seg_tick, then by the mode */
    uint8_t tc_done;        /* modes 0/1/4/5: terminal count already passed */
    uint8_t low_start;      /* mode 3: the segment starts with the low half */
    uint8_t held_out;       /* OUT while not running */
    uint32_t v;             /* count at seg_tick (running) or held count */
    uint64_t seg_tick;
    uint8_t pending;        /* CR is loaded into the CE at pend_tick */
    uint8_t pend_low;       /* ... starting with the low half (mode 3) */
    uint64_t pend_tick;
} PitCounter;

typedef struct Pit {
    Machine *m;
    PitCounter c[3];
    IrqLine irq0;           /* OUT0 (level); the board connects it to IRQ0 */
    Timer timer;            /* next OUT0 transition */
    uint64_t irq_tick;      /* OUT0 has been reflected on irq0 up to this tick */
    uint8_t irq_level;
} Pit;

/* Creates the PIT at ports 0x40-0x43 and registers it as device "i8254". */
Pit *pit_create(Machine *m);
void pit_reset(void *opaque);
/* GATE input of counter ch. */
void pit_set_gate(Pit *p, int ch, bool level);
/* OUT of counter ch now. */
bool pit_get_out(Pit *p, int ch);
/* Monitor `info pit`. */
void pit_info(Pit *p, FILE *f);
/* Tick <-> virtual ns conversions (tick k starts at pit_tick_ns(k)). */
uint64_t pit_ns_tick(uint64_t ns);
uint64_t pit_tick_ns(uint64_t tick);

#endif
