/* PS/2 (MF2) keyboard.  Sources: IBM 101/102-key keyboard and 5170 technical
 * references (buffer, overrun, typematic, commands), A. Brouwer, "Keyboard
 * scancodes" (command details, translation table, set 1/2 correspondence). */
#include "hw/ps2-kbd.h"

#include <stdlib.h>

#include "system/log.h"

/* The 8042's set 2 -> set 1 translation table for 00-7F (Brouwer, "Keyboard
 * scancodes" 9.3, after Konzak, "PC 8042 Controller"); 01-7F is a
 * permutation.  From 80 up the byte is unchanged except 83 (F7) and 84
 * (Alt+SysRq). */
static const uint8_t xlat_lo[128] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

uint8_t ps2_set2_to_set1(uint8_t b)
{
    if (b < 0x80)
        return xlat_lo[b];
    if (b == 0x83)
        return 0x41;
    if (b == 0x84)
        return 0x54;
    return b;
}

/* Commands (host -> keyboard). */
enum {
    KC_LEDS = 0xed, KC_ECHO = 0xee, KC_SET = 0xf0, KC_ID = 0xf2, KC_TYPEMATIC = 0xf3,
    KC_ENABLE = 0xf4, KC_DISABLE = 0xf5, KC_DEFAULTS = 0xf6, KC_SET3_ALL_FIRST = 0xf7,
    KC_SET3_ALL_LAST = 0xfa, KC_SET3_KEYS_FIRST = 0xfb, KC_SET3_KEYS_LAST = 0xfd,
    KC_RESEND = 0xfe, KC_RESET = 0xff,
};

#define KBD_ID1 0xab
#define KBD_ID2 0x83            /* MF2 keyboard */
#define RESP_LIMIT PS2_QUEUE_SIZE

static bool is_command(uint8_t b)
{
    /* What ends an F3/ED/F0 argument or an FB-FD key list (Brouwer 11). */
    return b == KC_LEDS || b == KC_ECHO || b == KC_SET || b >= KC_ID;
}

static void notify(Ps2Kbd *k)
{
    if (k->notify)
        k->notify(k->notify_opaque);
}

static void respond(Ps2Kbd *k, uint8_t b)
{
    if (!ps2q_put(&k->resp, b, RESP_LIMIT))
        guest_error("ps2-kbd: %d replies not taken by the host: reply 0x%02x dropped\n",
                    k->resp.count, b);
    notify(k);
}

/* ---- keys ---- */

static int key_index(uint16_t key)
{
    return (key & 0xff) | ((key >> 8) == 0xe0 ? 0x100 : 0);
}

static bool key_valid(uint16_t key)
{
    uint8_t c = key & 0xff;
    if (key == PS2_KEY_PAUSE)
        return true;
    if (key >> 8 == 0)
        return (c >= 0x01 && c <= 0x7f) || c == 0x83;
    if (key >> 8 == 0xe0)
        return c >= 0x01 && c <= 0x7f && c != 0x12 && c != 0x59;
    return false;
}

/* The set-2 byte sequence for a press or release; returns its length. */
static int set2_sequence(uint16_t key, bool down, uint8_t *s)
{
    static const uint8_t pause[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };
    int n = 0;
    if (key == PS2_KEY_PAUSE) {
        if (!down)
            return 0;   /* Pause has no break code */
        for (; n < (int)sizeof pause; n++)
            s[n] = pause[n];
        return n;
    }
    uint8_t c = key & 0xff;
    bool e0 = key >> 8 == 0xe0;
    if (key == PS2_KEY_PRINT) {
        /* Print Screen: a fake left shift around the key's own code. */
        if (down) {
            s[n++] = 0xe0; s[n++] = 0x12; s[n++] = 0xe0; s[n++] = 0x7c;
        } else {
            s[n++] = 0xe0; s[n++] = 0xf0; s[n++] = 0x7c;
            s[n++] = 0xe0; s[n++] = 0xf0; s[n++] = 0x12;
        }
        return n;
    }
    if (e0)
        s[n++] = 0xe0;
    if (!down)
        s[n++] = 0xf0;
    s[n++] = c;
    return n;
}

/* Set 1 is translated set 2 (Brouwer 9.4): F0 turns into bit 7 of the next
 * byte.  Converts s in place; returns the new length. */
static int to_set1(uint8_t *s, int n)
{
    int o = 0;
    bool brk = false;
    for (int i = 0; i < n; i++) {
        if (s[i] == 0xf0) {
            brk = true;
            continue;
        }
        s[o++] = (uint8_t)(ps2_set2_to_set1(s[i]) | (brk ? 0x80 : 0));
        brk = false;
    }
    return o;
}

/* Queues a whole scan code sequence, or the overrun code if it does not fit. */
static void queue_keys(Ps2Kbd *k, const uint8_t *s, int n)
{
    if (n <= 0)
        return;
    if (k->keys.count + n <= PS2_KBD_BUFFER) {
        for (int i = 0; i < n; i++)
            ps2q_put(&k->keys, s[i], PS2_KBD_BUFFER);
        k->overrun = 0;
    } else if (!k->overrun) {
        /* The 17th position is reserved for the overrun code; once it is
         * queued, further keys are lost until the buffer drains. */
        ps2q_put(&k->keys, k->set == 1 ? 0xff : 0x00, PS2_QUEUE_SIZE);
        k->overrun = 1;
        guest_error("ps2-kbd: buffer overrun (%d bytes waiting): key dropped\n", k->keys.count - 1);
    }
    notify(k);
}

static void send_key(Ps2Kbd *k, uint16_t key, bool down)
{
    uint8_t s[8];
    int n = set2_sequence(key, down, s);
    if (k->set == 1)
        n = to_set1(s, n);
    queue_keys(k, s, n);
}

static uint64_t typematic_delay_ns(const Ps2Kbd *k)
{
    return (uint64_t)(((k->typematic >> 5) & 3) + 1) * 250000000u;
}

/* Period = (8 + D) * 2^B / 240 s, D = bits 2-0, B = bits 4-3. */
static uint64_t typematic_period_ns(const Ps2Kbd *k)
{
    uint64_t units = (uint64_t)(8 + (k->typematic & 7)) << ((k->typematic >> 3) & 3);
    return units * 1000000000u / 240;
}

static void stop_repeat(Ps2Kbd *k)
{
    k->repeat_key = 0;
    timer_del(&k->repeat);
}

static void repeat_cb(void *opaque)
{
    Ps2Kbd *k = opaque;
    if (!k->repeat_key)
        return;
    if (k->scanning && k->keys.count == 0)
        send_key(k, k->repeat_key, true);
    timer_mod(&k->repeat, clock_ns(&k->m->clock) + typematic_period_ns(k));
}

bool ps2_kbd_key(Ps2Kbd *k, uint16_t key, bool down)
{
    if (!key_valid(key))
        return false;
    int i = key_index(key);
    uint8_t bit = (uint8_t)(1u << (i & 7));
    bool was_down = (k->down[i >> 3] & bit) != 0;
    if (key != PS2_KEY_PAUSE) {
        if (was_down == down)
            return true;    /* host auto-repeat or a stray release */
        if (down)
            k->down[i >> 3] |= bit;
        else
            k->down[i >> 3] &= (uint8_t)~bit;
    }
    if (!down && key == k->repeat_key)
        stop_repeat(k);
    if (!k->scanning)
        return true;
    send_key(k, key, down);
    if (down && key != PS2_KEY_PAUSE) {
        k->repeat_key = key;
        timer_mod(&k->repeat, clock_ns(&k->m->clock) + typematic_delay_ns(k));
    }
    return true;
}

/* ---- commands ---- */

/* F5/F6/FF: typematic, LEDs, scan code set, buffer (Brouwer 11, Chapweske). */
static void set_defaults(Ps2Kbd *k)
{
    k->set = 2;
    k->typematic = PS2_KBD_TYPEMATIC_DEFAULT;
    k->leds = 0;
    k->cmd = 0;
    ps2q_clear(&k->keys);
    k->overrun = 0;
    stop_repeat(k);
}

static void argument(Ps2Kbd *k, uint8_t cmd, uint8_t b)
{
    switch (cmd) {
    case KC_LEDS:
        if (b & 0xf8) {
            guest_error("ps2-kbd: LED byte 0x%02x has bits 7-3 set: resend\n", b);
            respond(k, PS2_RESEND);
            return;
        }
        k->leds = b;
        break;
    case KC_TYPEMATIC:
        if (b & 0x80) {
            guest_error("ps2-kbd: typematic byte 0x%02x has bit 7 set: resend\n", b);
            respond(k, PS2_RESEND);
            return;
        }
        k->typematic = b;
        if (k->repeat_key)
            timer_mod(&k->repeat, clock_ns(&k->m->clock) + typematic_delay_ns(k));
        break;
    case KC_SET:
        if (b == 0) {
            respond(k, PS2_ACK);
            respond(k, k->set);
            return;
        }
        if (b != 1 && b != 2) {
            guest_error("ps2-kbd: scan code set %d not supported (sets 1 and 2): resend\n", b);
            respond(k, PS2_RESEND);
            return;
        }
        k->set = b;
        break;
    default:    /* FB-FD: a set-3 key code of the list */
        respond(k, PS2_ACK);
        k->cmd = cmd;   /* the list goes on until a command */
        return;
    }
    respond(k, PS2_ACK);
}

void ps2_kbd_write(Ps2Kbd *k, uint8_t b)
{
    if (k->cmd) {
        uint8_t cmd = k->cmd;
        k->cmd = 0;
        if (!is_command(b)) {
            argument(k, cmd, b);
            return;
        }
        /* A command where an argument was expected replaces the command. */
    }
    switch (b) {
    case KC_LEDS:
    case KC_SET:
    case KC_TYPEMATIC:
        respond(k, PS2_ACK);
        k->cmd = b;
        break;
    case KC_ECHO:
        respond(k, PS2_ECHO);
        break;
    case KC_ID:
        respond(k, PS2_ACK);
        respond(k, KBD_ID1);
        respond(k, KBD_ID2);
        break;
    case KC_ENABLE:     /* clears the buffer and starts scanning */
        ps2q_clear(&k->keys);
        k->overrun = 0;
        k->scanning = 1;
        respond(k, PS2_ACK);
        break;
    case KC_DISABLE:
        set_defaults(k);
        k->scanning = 0;
        respond(k, PS2_ACK);
        break;
    case KC_DEFAULTS:
        set_defaults(k);
        respond(k, PS2_ACK);
        break;
    case KC_RESEND:
        respond(k, k->last_sent);
        break;
    case KC_RESET:
        set_defaults(k);
        k->scanning = 1;
        ps2q_clear(&k->resp);
        respond(k, PS2_ACK);
        respond(k, PS2_BAT_OK);
        break;
    default:
        if (b >= KC_SET3_ALL_FIRST && b <= KC_SET3_ALL_LAST) {
            respond(k, PS2_ACK);    /* set-3 attributes: no effect in sets 1, 2 */
        } else if (b >= KC_SET3_KEYS_FIRST && b <= KC_SET3_KEYS_LAST) {
            respond(k, PS2_ACK);
            k->cmd = b;
        } else {
            guest_error("ps2-kbd: unknown command 0x%02x: resend\n", b);
            respond(k, PS2_RESEND);
        }
        break;
    }
}

bool ps2_kbd_has_data(const Ps2Kbd *k)
{
    return k->resp.count || k->keys.count;
}

int ps2_kbd_read(Ps2Kbd *k)
{
    int b = ps2q_get(&k->resp);
    if (b < 0) {
        b = ps2q_get(&k->keys);
        if (b < 0)
            return -1;
    }
    k->last_sent = (uint8_t)b;
    return b;
}

void ps2_kbd_set_notify(Ps2Kbd *k, Ps2Notify fn, void *opaque)
{
    k->notify = fn;
    k->notify_opaque = opaque;
}

void ps2_kbd_reset(void *opaque)
{
    Ps2Kbd *k = opaque;
    set_defaults(k);
    ps2q_clear(&k->resp);
    k->scanning = 1;
    k->last_sent = 0;
    /* Keys held on the host stay held; the power-on BAT code is not sent. */
}

static int ps2_kbd_post_load(void *opaque)
{
    Ps2Kbd *k = opaque;
    if (!ps2q_valid(&k->resp) || !ps2q_valid(&k->keys) || (k->set != 1 && k->set != 2) ||
        k->overrun > 1 || k->scanning > 1 || (k->leds & 0xf8) || (k->typematic & 0x80) ||
        (k->cmd && k->cmd != KC_LEDS && k->cmd != KC_SET && k->cmd != KC_TYPEMATIC &&
         (k->cmd < KC_SET3_KEYS_FIRST || k->cmd > KC_SET3_KEYS_LAST)) ||
        (k->repeat_key && !key_valid(k->repeat_key)))
        return -1;
    return 0;
}

static const StateField ps2_kbd_fields[] = {
    PS2Q_STATE_FIELDS(Ps2Kbd, resp),
    PS2Q_STATE_FIELDS(Ps2Kbd, keys),
    STATE_UINT(Ps2Kbd, overrun),
    STATE_UINT(Ps2Kbd, cmd),
    STATE_UINT(Ps2Kbd, set),
    STATE_UINT(Ps2Kbd, leds),
    STATE_UINT(Ps2Kbd, typematic),
    STATE_UINT(Ps2Kbd, scanning),
    STATE_UINT(Ps2Kbd, last_sent),
    STATE_UINT_ARRAY(Ps2Kbd, down),
    STATE_UINT(Ps2Kbd, repeat_key),
    STATE_TIMER(Ps2Kbd, repeat),
    STATE_END
};

static const StateDesc ps2_kbd_state = { "ps2-kbd", 1, ps2_kbd_fields, ps2_kbd_post_load };

Ps2Kbd *ps2_kbd_create(Machine *m)
{
    Ps2Kbd *k = calloc(1, sizeof *k);
    if (!k)
        abort();
    k->m = m;
    timer_init(&k->repeat, &m->clock, repeat_cb, k);
    ps2_kbd_reset(k);
    machine_add_device(m, "ps2-kbd", &ps2_kbd_state, k, ps2_kbd_reset, free);
    return k;
}
