/* PS/2 (MF2) keyboard: the device behind the 8042's keyboard port.
 *
 * Commands (IBM 101/102-key keyboard technical reference): ED LEDs, EE echo,
 * F0 get/set scan code set (sets 1 and 2; set 3 is refused with a resend),
 * F2 identify (AB 83), F3 typematic rate/delay, F4 enable, F5 defaults and
 * disable, F6 defaults, F7-FD (set-3 key attributes: acknowledged, no effect
 * in sets 1 and 2), FE resend, FF reset (ACK, then AA after the self-test).
 * Unknown commands and bad arguments get FE (resend).  A command byte sent
 * where an argument is expected is executed as a command instead.
 *
 * Output: replies to commands go out first and take no buffer space; scan
 * codes go through the 16-byte FIFO.  A key sequence that does not fit is
 * dropped and the overrun code (00 in set 2, FF in set 1) takes the 17th
 * position; later keys are lost until the FIFO drains.  Typematic: the last
 * key pressed repeats its make code after the delay at the rate set by F3
 * (default 500 ms, 10.9/s) while it stays down; a repeat is only queued while
 * the FIFO is empty (a keyboard whose host is not taking data stores just the
 * first make code).  Scan codes are not sent while scanning is disabled.
 *
 * Key input (the UI): ps2_kbd_key(kbd, keycode, down) with keycode the key's
 * scan code set 2 make code, written as a number:
 *     0x00XX       one-byte make code XX (0x01-0x7F, or 0x83 for F7)
 *     0xE0XX       E0-prefixed make code XX (0x01-0x7F, not the fake shifts
 *                  0x12 and 0x59)
 *     PS2_KEY_PRINT  Print Screen (sent as E0 12 E0 7C / E0 F0 7C E0 F0 12)
 *     PS2_KEY_PAUSE  Pause (E1 14 77 E1 F0 14 F0 77 on press, nothing on release)
 * e.g. A = 0x1C, Enter = 0x5A, keypad Enter = 0xE05A, Right = 0xE074.  The
 * keyboard converts to its current scan code set.  It tracks which keys are
 * down: a second press of a key already down (host auto-repeat) is ignored,
 * the keyboard's own typematic repeats it.  The shift-state-dependent fake
 * shift codes of the grey keys and Ctrl+Break/Alt+SysRq variants are not
 * generated. */
#ifndef HW_PS2_KBD_H
#define HW_PS2_KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/machine.h"
#include "hw/ps2.h"

#define PS2_KEY_PRINT 0xe07c
#define PS2_KEY_PAUSE 0xe114

/* LED bits of command ED. */
#define PS2_LED_SCROLL 0x01
#define PS2_LED_NUM 0x02
#define PS2_LED_CAPS 0x04

#define PS2_KBD_BUFFER 16           /* scan code bytes before an overrun */
#define PS2_KBD_TYPEMATIC_DEFAULT 0x2b  /* 500 ms delay, 10.9 characters/s */

typedef struct Ps2Kbd {
    Machine *m;
    Ps2Queue resp;              /* replies to commands (sent first) */
    Ps2Queue keys;              /* scan code FIFO (16 bytes + overrun slot) */
    uint8_t overrun;            /* the overrun code was the last byte queued */
    uint8_t cmd;                /* command awaiting its argument (ED, F0, F3)
                                   or key list (FB-FD); 0: none */
    uint8_t set;                /* scan code set: 1 or 2 */
    uint8_t leds;
    uint8_t typematic;          /* F3 argument */
    uint8_t scanning;           /* scan codes enabled (F4/F5) */
    uint8_t last_sent;          /* last byte the host took (for FE) */
    uint8_t down[64];           /* keys down: bit (code & 0xff) | E0 << 8 */
    uint16_t repeat_key;        /* key repeating (typematic), 0: none */
    Timer repeat;
    Ps2Notify notify;
    void *notify_opaque;
} Ps2Kbd;

/* Creates the keyboard and registers it as device "ps2-kbd". */
Ps2Kbd *ps2_kbd_create(Machine *m);
void ps2_kbd_reset(void *opaque);
/* The controller's hook: called whenever the keyboard queues output. */
void ps2_kbd_set_notify(Ps2Kbd *k, Ps2Notify fn, void *opaque);
/* Host -> keyboard: one byte (command or argument). */
void ps2_kbd_write(Ps2Kbd *k, uint8_t b);
/* Keyboard -> host: true if a byte is waiting. */
bool ps2_kbd_has_data(const Ps2Kbd *k);
/* Keyboard -> host: the next byte (replies first), or -1. */
int ps2_kbd_read(Ps2Kbd *k);
/* Key press/release from the UI.  Returns false (and does nothing) for a
 * keycode that is not a key (see the format above). */
bool ps2_kbd_key(Ps2Kbd *k, uint16_t keycode, bool down);
/* The 8042 translation table: the set-1 code for a set-2 byte (F0, the break
 * prefix, is handled by the caller: it sets bit 7 of the next byte). */
uint8_t ps2_set2_to_set1(uint8_t b);

#endif
