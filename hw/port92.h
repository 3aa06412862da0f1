/* System control port A (0x92) and the A20 gate logic of the chipset.
 *
 * Bit 0 is the fast reset (alternate reset): writing it 0 -> 1 resets the
 * machine; it reads back as written until that reset clears it, and must be
 * written 0 before it can reset again.  Bit 1 is the fast A20 gate (ALT_A20).
 * The other bits are stored.  Reset value 0.
 *
 * A20 is enabled when ALT_A20 or the keyboard controller's A20GATE output is
 * high (the two are ORed into the CPU's A20M#: SMSC LPC47B27x/LPC47M14x
 * datasheets, "Port 92 Fast GateA20"); the KBC's output comes in through
 * port92_set_a20gate() as an IrqLine handler.  The result goes to
 * phys_set_a20(). */
#ifndef HW_PORT92_H
#define HW_PORT92_H

#include <stdint.h>

#include "hw/machine.h"

#define PORT92_RESET 0x01
#define PORT92_A20 0x02

typedef struct Port92 {
    Machine *m;
    uint8_t val;
    uint8_t a20gate;            /* A20GATE input from the keyboard controller */
} Port92;

/* Creates the port and registers it as device "port92".  A20GATE starts high
 * (the 8042 powers up with it high). */
Port92 *port92_create(Machine *m);
void port92_reset(void *opaque);
/* IrqLine handler for the A20GATE input (n unused). */
void port92_set_a20gate(void *opaque, int n, int level);

#endif
