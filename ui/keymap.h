/* Key names (as QEMU's sendkey spells them), USB HID usage IDs (which SDL2's
 * SDL_Scancode values are) and PS/2 scan code set 2 make codes in one table,
 * so the monitor and the SDL window agree on every key. */
#ifndef UI_KEYMAP_H
#define UI_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#include "hw/machine.h"

/* Set-2 keycode (ps2_kbd_key format) for a key name, or 0 if unknown. */
uint16_t keymap_by_name(const char *name, size_t len);
/* Set-2 keycode for a USB HID usage ID / SDL scancode, or 0 if unmapped. */
uint16_t keymap_by_hid(unsigned usage);
/* Presses the keys of "ctrl-alt-delete" (names joined by '-') in order and
 * releases them in reverse, on the machine's PS/2 keyboard.  Returns 0, or
 * -1 with the reason in err. */
int keymap_sendkey(Machine *m, const char *combo, char *err, size_t errlen);

#endif
