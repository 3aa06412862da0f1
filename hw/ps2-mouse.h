/* PS/2 mouse with the IntelliMouse (wheel, ID 3) and IntelliMouse Explorer
 * (wheel + buttons 4/5, ID 4) extensions: the device behind the 8042's
 * auxiliary port.
 *
 * Commands: E6/E7 scaling 1:1 / 2:1, E8 resolution (0-3), E9 status (3
 * bytes), EA stream mode, EB read data (one packet), EC/EE wrap (echo) mode
 * off/on, F0 remote mode, F2 device ID, F3 sample rate (10, 20, 40, 60, 80,
 * 100, 200), F4/F5 enable/disable data reporting, F6 defaults, FE resend, FF
 * reset (ACK, AA, 00).  Every other byte is ACKed (FA); an invalid command or
 * argument gets FE and the argument is still expected; a second invalid byte
 * in a row gets FC (error).  Setting the sample rates 200, 100, 80 in a row
 * switches to the wheel mouse (ID 3, 4-byte packets); then 200, 200, 80 to
 * the Explorer mouse (ID 4).  F6 and FF go back to the standard mouse.
 *
 * Movement: the mouse keeps X/Y/Z counters.  In stream mode with reporting
 * on, a packet is sent whenever the counters or the buttons changed and the
 * output FIFO has room for a whole packet; otherwise movement accumulates
 * until it has (as counters do while a real mouse's host is busy).  X/Y are
 * 9-bit two's complement (-256..255): beyond that the packet carries the
 * overflow bit and the clamped value.  Z is 4-bit (-8..7), clamped.  Sending
 * a packet (or E9/EB/F2 and the mode commands) clears the counters.  2:1
 * scaling applies to stream-mode X/Y.  The sample rate does not pace packets.
 * F5, F6 and FF also drop packets not yet sent.
 *
 * Input (the UI): ps2_mouse_move(mouse, dx, dy, dz, buttons) in device counts,
 * with the UI's orientation: dx > 0 right, dy > 0 DOWN (screen), dz > 0 wheel
 * turned towards the user (scrolling down), buttons = PS2_MOUSE_* bits of the
 * buttons now held. */
#ifndef HW_PS2_MOUSE_H
#define HW_PS2_MOUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/machine.h"
#include "hw/ps2.h"

#define PS2_MOUSE_LEFT 0x01
#define PS2_MOUSE_RIGHT 0x02
#define PS2_MOUSE_MIDDLE 0x04
#define PS2_MOUSE_BUTTON4 0x08
#define PS2_MOUSE_BUTTON5 0x10

enum { PS2_MOUSE_STREAM = 0, PS2_MOUSE_REMOTE = 1, PS2_MOUSE_WRAP = 2 };

typedef struct Ps2Mouse {
    Machine *m;
    Ps2Queue resp;              /* replies to commands (sent first) */
    Ps2Queue pkts;              /* stream-mode packets */
    uint8_t cmd;                /* command awaiting its argument (E8, F3), 0 none */
    uint8_t nak;                /* the last byte was invalid (FE sent) */
    uint8_t mode;               /* PS2_MOUSE_STREAM/REMOTE/WRAP */
    uint8_t wrap_prev;          /* mode to go back to after wrap mode */
    uint8_t enabled;            /* data reporting (stream mode) */
    uint8_t rate;               /* samples/s */
    uint8_t res;                /* resolution code 0-3 (1, 2, 4, 8 counts/mm) */
    uint8_t scale21;
    uint8_t id;                 /* 0 standard, 3 wheel, 4 Explorer */
    uint8_t rates[3];           /* the last three sample rates set, newest last */
    uint8_t buttons;            /* buttons held */
    uint8_t sent_buttons;       /* buttons in the last packet */
    int32_t dx, dy, dz;         /* movement counters (dy > 0 up, as sent) */
    uint8_t last[4];            /* last packet or reply (FE resends it) */
    uint8_t last_len;
    Ps2Notify notify;
    void *notify_opaque;
} Ps2Mouse;

/* Creates the mouse and registers it as device "ps2-mouse". */
Ps2Mouse *ps2_mouse_create(Machine *m);
void ps2_mouse_reset(void *opaque);
void ps2_mouse_set_notify(Ps2Mouse *s, Ps2Notify fn, void *opaque);
/* Host -> mouse: one byte. */
void ps2_mouse_write(Ps2Mouse *s, uint8_t b);
bool ps2_mouse_has_data(const Ps2Mouse *s);
/* Mouse -> host: the next byte (replies first), or -1. */
int ps2_mouse_read(Ps2Mouse *s);
/* Movement and button state from the UI (see above). */
void ps2_mouse_move(Ps2Mouse *s, int dx, int dy, int dz, unsigned buttons);

#endif
