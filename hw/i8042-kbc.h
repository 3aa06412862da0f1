/* Intel 8042 keyboard controller as programmed on the PC/AT and PS/2 (the
 * "KBC"): data port 0x60, status/command port 0x64, the keyboard on its
 * first port and the mouse on its auxiliary port.
 *
 * Status (0x64 read): bit 0 OBF output buffer full, 1 IBF (always 0: every
 * byte is taken at once), 2 system flag, 3 A2 (last write was to 0x64), 4
 * keyboard not locked (always 1), 5 AUX: the output buffer holds mouse data,
 * 6 timeout and 7 parity error (never: the links do not fail).
 *
 * Command byte (controller RAM 0; 0x20/0x60): bit 0 IRQ1 enable, 1 IRQ12
 * enable, 2 system flag, 4 keyboard clock disabled, 5 mouse clock disabled, 6
 * translate keyboard codes to set 1.  Power-on value 0.
 *
 * The output buffer is shared: a byte from a device is moved into it
 * KBC_XFER_NS after the buffer became free (or the data arrived), taking the
 * devices in turn when both have data; a device whose clock is disabled keeps
 * its bytes.  IRQ1 is high while the buffer holds keyboard or controller
 * data and command byte bit 0 is set, IRQ12 likewise for mouse data and bit
 * 1; reading port 0x60 empties the buffer and lowers the line.  Reading an
 * empty buffer returns the last byte again.  Controller replies take the
 * buffer at once (data in it is lost, as the datasheet warns).
 *
 * Output port (D0/D1): bit 0 is the CPU reset line (0 resets the machine),
 * bit 1 the A20 gate, which drives the `a20` line (high at power-on); reads
 * show IRQ1/IRQ12 in bits 4/5 and the clock/data lines in bits 2/3/6/7.
 * Commands F0-FF pulse output port bits 3-0 whose command bit is 0: FE
 * resets the machine.  Unknown commands are ignored and logged. */
#ifndef HW_I8042_KBC_H
#define HW_I8042_KBC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/irq.h"
#include "hw/machine.h"
#include "hw/ps2-kbd.h"
#include "hw/ps2-mouse.h"

/* Status register */
#define KBC_STAT_OBF 0x01
#define KBC_STAT_IBF 0x02
#define KBC_STAT_SYS 0x04
#define KBC_STAT_A2 0x08
#define KBC_STAT_UNLOCKED 0x10
#define KBC_STAT_AUX 0x20
#define KBC_STAT_TIMEOUT 0x40
#define KBC_STAT_PARITY 0x80

/* Command byte */
#define KBC_CB_KBD_INT 0x01
#define KBC_CB_AUX_INT 0x02
#define KBC_CB_SYS 0x04
#define KBC_CB_KBD_DISABLE 0x10
#define KBC_CB_AUX_DISABLE 0x20
#define KBC_CB_XLAT 0x40

/* Output port */
#define KBC_OUT_RESET 0x01      /* 0: reset the CPU */
#define KBC_OUT_A20 0x02

/* Input port as read by C0: keyboard not locked, no manufacturing jumper,
 * colour display, mouse and keyboard data lines idle (high). */
#define KBC_INPUT_PORT 0xa3

/* A byte's trip from a device into the output buffer. */
#define KBC_XFER_NS 10000u

typedef struct Kbc {
    Machine *m;
    Ps2Kbd *kbd;
    Ps2Mouse *mouse;
    uint8_t ram[32];            /* controller RAM; ram[0] is the command byte */
    uint8_t obuf;               /* output buffer (kept after it is read) */
    uint8_t obf;                /* output buffer full */
    uint8_t aux;                /* ... with mouse data */
    uint8_t sys;                /* system flag */
    uint8_t a2;                 /* last write was a command (port 0x64) */
    uint8_t outport;            /* output port bits 0-1 as last written */
    uint8_t pending;            /* command waiting for its data byte, 0 none */
    uint8_t xlat_break;         /* translating: F0 seen, next code is a break */
    uint8_t next_dev;           /* device served first next time (0 kbd, 1 mouse) */
    IrqLine irq1, irq12;        /* the board connects them to the PIC */
    IrqLine a20;                /* A20 gate output (the board's A20 logic) */
    Timer xfer;                 /* a device byte on its way to the buffer */
} Kbc;

/* Creates the controller at ports 0x60 and 0x64 with the two devices and
 * registers it as device "i8042". */
Kbc *kbc_create(Machine *m, Ps2Kbd *kbd, Ps2Mouse *mouse);
void kbc_reset(void *opaque);
/* The status register as port 0x64 reads it. */
uint8_t kbc_status(const Kbc *s);

#endif
