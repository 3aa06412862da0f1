/* Key tables (see keymap.h).  Set-2 codes: IBM 101/102-key keyboard
 * technical reference; HID usages: USB HID Usage Tables, keyboard page 0x07. */
#include "ui/keymap.h"

#include <stdio.h>
#include <string.h>

#include "hw/ps2-kbd.h"

typedef struct Key {
    const char *name;
    uint8_t hid;
    uint16_t set2;
} Key;

static const Key keys[] = {
    { "a", 4, 0x1c }, { "b", 5, 0x32 }, { "c", 6, 0x21 }, { "d", 7, 0x23 },
    { "e", 8, 0x24 }, { "f", 9, 0x2b }, { "g", 10, 0x34 }, { "h", 11, 0x33 },
    { "i", 12, 0x43 }, { "j", 13, 0x3b }, { "k", 14, 0x42 }, { "l", 15, 0x4b },
    { "m", 16, 0x3a }, { "n", 17, 0x31 }, { "o", 18, 0x44 }, { "p", 19, 0x4d },
    { "q", 20, 0x15 }, { "r", 21, 0x2d }, { "s", 22, 0x1b }, { "t", 23, 0x2c },
    { "u", 24, 0x3c }, { "v", 25, 0x2a }, { "w", 26, 0x1d }, { "x", 27, 0x22 },
    { "y", 28, 0x35 }, { "z", 29, 0x1a },
    { "1", 30, 0x16 }, { "2", 31, 0x1e }, { "3", 32, 0x26 }, { "4", 33, 0x25 },
    { "5", 34, 0x2e }, { "6", 35, 0x36 }, { "7", 36, 0x3d }, { "8", 37, 0x3e },
    { "9", 38, 0x46 }, { "0", 39, 0x45 },
    { "ret", 40, 0x5a }, { "esc", 41, 0x76 }, { "backspace", 42, 0x66 }, { "tab", 43, 0x0d },
    { "spc", 44, 0x29 }, { "minus", 45, 0x4e }, { "equal", 46, 0x55 },
    { "bracket_left", 47, 0x54 }, { "bracket_right", 48, 0x5b }, { "backslash", 49, 0x5d },
    { "semicolon", 51, 0x4c }, { "apostrophe", 52, 0x52 }, { "grave_accent", 53, 0x0e },
    { "comma", 54, 0x41 }, { "dot", 55, 0x49 }, { "slash", 56, 0x4a }, { "caps_lock", 57, 0x58 },
    { "f1", 58, 0x05 }, { "f2", 59, 0x06 }, { "f3", 60, 0x04 }, { "f4", 61, 0x0c },
    { "f5", 62, 0x03 }, { "f6", 63, 0x0b }, { "f7", 64, 0x83 }, { "f8", 65, 0x0a },
    { "f9", 66, 0x01 }, { "f10", 67, 0x09 }, { "f11", 68, 0x78 }, { "f12", 69, 0x07 },
    { "print", 70, PS2_KEY_PRINT }, { "scroll_lock", 71, 0x7e }, { "pause", 72, PS2_KEY_PAUSE },
    { "insert", 73, 0xe070 }, { "home", 74, 0xe06c }, { "pgup", 75, 0xe07d },
    { "delete", 76, 0xe071 }, { "end", 77, 0xe069 }, { "pgdn", 78, 0xe07a },
    { "right", 79, 0xe074 }, { "left", 80, 0xe06b }, { "down", 81, 0xe072 }, { "up", 82, 0xe075 },
    { "num_lock", 83, 0x77 }, { "kp_divide", 84, 0xe04a }, { "kp_multiply", 85, 0x7c },
    { "kp_subtract", 86, 0x7b }, { "kp_add", 87, 0x79 }, { "kp_enter", 88, 0xe05a },
    { "kp_1", 89, 0x69 }, { "kp_2", 90, 0x72 }, { "kp_3", 91, 0x7a }, { "kp_4", 92, 0x6b },
    { "kp_5", 93, 0x73 }, { "kp_6", 94, 0x74 }, { "kp_7", 95, 0x6c }, { "kp_8", 96, 0x75 },
    { "kp_9", 97, 0x7d }, { "kp_0", 98, 0x70 }, { "kp_decimal", 99, 0x71 },
    { "less", 100, 0x61 }, { "menu", 101, 0xe02f },
    { "ctrl", 224, 0x14 }, { "shift", 225, 0x12 }, { "alt", 226, 0x11 }, { "meta_l", 227, 0xe01f },
    { "ctrl_r", 228, 0xe014 }, { "shift_r", 229, 0x59 }, { "alt_r", 230, 0xe011 },
    { "meta_r", 231, 0xe027 },
};

#define NKEYS (sizeof keys / sizeof keys[0])

uint16_t keymap_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strlen(keys[i].name) == len && !strncmp(keys[i].name, name, len))
            return keys[i].set2;
    return 0;
}

uint16_t keymap_by_hid(unsigned usage)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].hid == usage)
            return keys[i].set2;
    return 0;
}

#define MAX_COMBO 8

int keymap_sendkey(Machine *m, const char *combo, char *err, size_t errlen)
{
    Device *d = machine_find_device(m, "ps2-kbd");
    if (!d) {
        snprintf(err, errlen, "no PS/2 keyboard");
        return -1;
    }
    uint16_t codes[MAX_COMBO];
    int n = 0;
    for (const char *p = combo; *p;) {
        size_t len = strcspn(p, "-");
        uint16_t c = keymap_by_name(p, len);
        if (!c) {
            snprintf(err, errlen, "unknown key '%.*s'", (int)len, p);
            return -1;
        }
        if (n == MAX_COMBO) {
            snprintf(err, errlen, "too many keys in '%s'", combo);
            return -1;
        }
        codes[n++] = c;
        p += len + (p[len] == '-');
    }
    if (!n) {
        snprintf(err, errlen, "no key given");
        return -1;
    }
    for (int i = 0; i < n; i++)
        ps2_kbd_key(d->opaque, codes[i], true);
    for (int i = n - 1; i >= 0; i--)
        ps2_kbd_key(d->opaque, codes[i], false);
    return 0;
}
