/* Intel 8042 keyboard controller (PC/AT and PS/2 firmware).  Sources: IBM
 * PC/AT and PS/2 technical references as summarised by A. Brouwer ("Keyboard
 * scancodes" 10: status register, command byte, commands, input/output
 * ports, test inputs) and the HelpPC 8042 notes (A2 bit, replies overwrite
 * the output buffer). */
#include "hw/i8042-kbc.h"

#include <stdlib.h>
#include <string.h>

#include "system/log.h"

enum { DEV_KBD = 0, DEV_AUX = 1 };

/* Controller commands */
enum {
    CC_READ_RAM = 0x20, CC_WRITE_RAM = 0x60, CC_AUX_DISABLE = 0xa7, CC_AUX_ENABLE = 0xa8,
    CC_AUX_TEST = 0xa9, CC_SELF_TEST = 0xaa, CC_KBD_TEST = 0xab, CC_KBD_DISABLE = 0xad,
    CC_KBD_ENABLE = 0xae, CC_READ_INPUT = 0xc0, CC_READ_OUTPUT = 0xd0, CC_WRITE_OUTPUT = 0xd1,
    CC_WRITE_KBD_OBUF = 0xd2, CC_WRITE_AUX_OBUF = 0xd3, CC_WRITE_AUX = 0xd4,
    CC_READ_TEST = 0xe0, CC_PULSE = 0xf0,
};

#define SELF_TEST_OK 0x55
#define INTERFACE_OK 0x00

static bool port_enabled(const Kbc *s, int dev)
{
    return !(s->ram[0] & (dev == DEV_KBD ? KBC_CB_KBD_DISABLE : KBC_CB_AUX_DISABLE));
}

static bool dev_has_data(const Kbc *s, int dev)
{
    return dev == DEV_KBD ? ps2_kbd_has_data(s->kbd) : ps2_mouse_has_data(s->mouse);
}

uint8_t kbc_status(const Kbc *s)
{
    return (uint8_t)((s->obf ? KBC_STAT_OBF : 0) | (s->sys ? KBC_STAT_SYS : 0) |
                     (s->a2 ? KBC_STAT_A2 : 0) | KBC_STAT_UNLOCKED |
                     (s->obf && s->aux ? KBC_STAT_AUX : 0));
}

static void set_irqs(Kbc *s, bool force)
{
    int l1 = s->obf && !s->aux && (s->ram[0] & KBC_CB_KBD_INT);
    int l12 = s->obf && s->aux && (s->ram[0] & KBC_CB_AUX_INT);
    if (force || s->irq1.level != l1)
        irq_set(&s->irq1, l1);
    if (force || s->irq12.level != l12)
        irq_set(&s->irq12, l12);
}

static void update_irq(Kbc *s)
{
    set_irqs(s, false);
}

/* Starts moving a device byte into the output buffer if there is one to move. */
static void service(Kbc *s)
{
    if (s->obf || timer_pending(&s->xfer))
        return;
    for (int dev = 0; dev < 2; dev++) {
        if (port_enabled(s, dev) && dev_has_data(s, dev)) {
            timer_mod(&s->xfer, clock_ns(&s->m->clock) + KBC_XFER_NS);
            return;
        }
    }
}

static void device_notify(void *opaque)
{
    service(opaque);
}

static void fill(Kbc *s, uint8_t b, int dev)
{
    s->obuf = b;
    s->obf = 1;
    s->aux = dev == DEV_AUX;
    timer_del(&s->xfer);
    update_irq(s);
}

/* A byte from the controller itself (or D2/D3) takes the buffer at once. */
static void reply(Kbc *s, uint8_t b, int dev)
{
    if (s->obf)
        guest_error("i8042: reply 0x%02x overwrites the unread output buffer byte 0x%02x\n",
                    b, s->obuf);
    fill(s, b, dev);
}

/* The next keyboard byte as the host sees it: with translation on, F0 is
 * swallowed and sets bit 7 of the translated byte after it. */
static int read_kbd(Kbc *s)
{
    for (;;) {
        int b = ps2_kbd_read(s->kbd);
        if (b < 0 || !(s->ram[0] & KBC_CB_XLAT))
            return b;
        if (b == 0xf0) {
            s->xlat_break = 1;
            continue;
        }
        b = ps2_set2_to_set1((uint8_t)b) | (s->xlat_break ? 0x80 : 0);
        s->xlat_break = 0;
        return b;
    }
}

static void xfer_cb(void *opaque)
{
    Kbc *s = opaque;
    if (s->obf)
        return;     /* a controller reply took the buffer; reading it restarts */
    for (int i = 0; i < 2; i++) {
        int dev = (s->next_dev + i) & 1;
        if (!port_enabled(s, dev))
            continue;
        int b = dev == DEV_KBD ? read_kbd(s) : ps2_mouse_read(s->mouse);
        if (b < 0)
            continue;
        s->next_dev = (uint8_t)(dev ^ 1);
        fill(s, (uint8_t)b, dev);
        return;
    }
}

/* ---- output port, test inputs ---- */

static uint8_t read_outport(const Kbc *s)
{
    /* Idle lines are high; a disabled port's clock is held low. */
    return (uint8_t)((s->outport & (KBC_OUT_RESET | KBC_OUT_A20)) | 0x04 |
                     (port_enabled(s, DEV_AUX) ? 0x08 : 0) | (s->irq1.level ? 0x10 : 0) |
                     (s->irq12.level ? 0x20 : 0) | (port_enabled(s, DEV_KBD) ? 0x40 : 0) | 0x80);
}

static void write_outport(Kbc *s, uint8_t v)
{
    if ((v & 0xcc) != 0xcc)
        log_unimp("i8042: output port 0x%02x drives device clock/data lines low: not modelled\n", v);
    uint8_t old = s->outport;
    s->outport = v & (KBC_OUT_RESET | KBC_OUT_A20);
    if ((old ^ v) & KBC_OUT_A20)
        irq_set(&s->a20, (v & KBC_OUT_A20) != 0);
    if (!(v & KBC_OUT_RESET)) {
        if (log_enabled(LOG_INT))
            log_printf("i8042: output port bit 0 low: system reset\n");
        machine_request_reset(s->m);
    }
}

/* F0-FF: bits 3-0 that are 0 in the command are pulsed low for ~6 us.  Only
 * the reset line has a lasting effect. */
static void pulse(Kbc *s, uint8_t mask)
{
    if (!(mask & KBC_OUT_RESET)) {
        if (log_enabled(LOG_INT))
            log_printf("i8042: reset pulse\n");
        machine_request_reset(s->m);
    }
}

static uint8_t test_inputs(const Kbc *s)
{
    /* T0 keyboard clock, T1 mouse clock: high unless the port is disabled. */
    return (uint8_t)((port_enabled(s, DEV_KBD) ? 1 : 0) | (port_enabled(s, DEV_AUX) ? 2 : 0));
}

/* ---- commands ---- */

static void set_cb_bits(Kbc *s, uint8_t clear, uint8_t set)
{
    s->ram[0] = (uint8_t)((s->ram[0] & ~clear) | set);
    update_irq(s);
    service(s);
}

/* Commands other controllers (AMI, VIA, MCA, HP...) define. */
static bool vendor_command(uint8_t c)
{
    return c < 0x20 || (c >= 0x40 && c < 0x60) || (c >= 0x90 && c <= 0xa6) || c == 0xac ||
           c == 0xaf || (c >= 0xb0 && c <= 0xbf) || c == 0xc1 || c == 0xc2 ||
           (c >= 0xc8 && c <= 0xcb) || c == 0xdd || c == 0xdf;
}

static void command(Kbc *s, uint8_t c)
{
    if (c >= CC_READ_RAM && c < CC_READ_RAM + 0x20) {
        reply(s, s->ram[c & 0x1f], DEV_KBD);
        return;
    }
    if ((c >= CC_WRITE_RAM && c < CC_WRITE_RAM + 0x20) ||
        (c >= CC_WRITE_OUTPUT && c <= CC_WRITE_AUX)) {
        s->pending = c;     /* the data byte follows on port 0x60 */
        return;
    }
    if (c >= CC_PULSE) {
        pulse(s, c & 0x0f);
        return;
    }
    switch (c) {
    case CC_AUX_DISABLE:
        set_cb_bits(s, 0, KBC_CB_AUX_DISABLE);
        break;
    case CC_AUX_ENABLE:
        set_cb_bits(s, KBC_CB_AUX_DISABLE, 0);
        break;
    case CC_AUX_TEST:
    case CC_KBD_TEST:
        reply(s, INTERFACE_OK, DEV_KBD);
        break;
    case CC_SELF_TEST:
        s->sys = 1;
        reply(s, SELF_TEST_OK, DEV_KBD);
        break;
    case CC_KBD_DISABLE:
        set_cb_bits(s, 0, KBC_CB_KBD_DISABLE);
        break;
    case CC_KBD_ENABLE:
        set_cb_bits(s, KBC_CB_KBD_DISABLE, 0);
        break;
    case CC_READ_INPUT:
        reply(s, KBC_INPUT_PORT, DEV_KBD);
        break;
    case CC_READ_OUTPUT:
        reply(s, read_outport(s), DEV_KBD);
        break;
    case CC_READ_TEST:
        reply(s, test_inputs(s), DEV_KBD);
        break;
    default:
        if (vendor_command(c))
            log_unimp("i8042: vendor-specific command 0x%02x not implemented: ignored\n", c);
        else
            guest_error("i8042: unknown command 0x%02x: ignored\n", c);
        break;
    }
}

static void command_data(Kbc *s, uint8_t c, uint8_t v)
{
    if (c >= CC_WRITE_RAM && c < CC_WRITE_RAM + 0x20) {
        uint8_t i = c & 0x1f;
        s->ram[i] = v;
        if (i == 0) {
            if (v & 0x88)
                guest_error("i8042: command byte 0x%02x sets unused bits 7/3\n", v);
            s->sys = (v & KBC_CB_SYS) != 0;
            update_irq(s);
            service(s);
        }
        return;
    }
    switch (c) {
    case CC_WRITE_OUTPUT:
        write_outport(s, v);
        break;
    case CC_WRITE_KBD_OBUF:
        reply(s, v, DEV_KBD);
        break;
    case CC_WRITE_AUX_OBUF:
        reply(s, v, DEV_AUX);
        break;
    case CC_WRITE_AUX:
        ps2_mouse_write(s->mouse, v);
        break;
    }
}

/* ---- ports ---- */

static uint64_t data_read(void *opaque, uint64_t off, unsigned size)
{
    Kbc *s = opaque;
    uint8_t v = s->obuf;
    if (!s->obf)
        guest_error("i8042: port 0x60 read with the output buffer empty (0x%02x again)\n", v);
    s->obf = 0;
    update_irq(s);
    service(s);
    return v;
}

static void data_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Kbc *s = opaque;
    uint8_t v = (uint8_t)val;
    s->a2 = 0;
    if (s->pending) {
        uint8_t c = s->pending;
        s->pending = 0;
        command_data(s, c, v);
        return;
    }
    /* A byte for the keyboard enables its interface again (Brouwer, AD). */
    if (s->ram[0] & KBC_CB_KBD_DISABLE)
        set_cb_bits(s, KBC_CB_KBD_DISABLE, 0);
    ps2_kbd_write(s->kbd, v);
}

static uint64_t status_read(void *opaque, uint64_t off, unsigned size)
{
    return kbc_status(opaque);
}

static void command_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Kbc *s = opaque;
    uint8_t v = (uint8_t)val;
    s->a2 = 1;
    if (s->pending)
        guest_error("i8042: command 0x%02x while command 0x%02x waits for its data byte: "
                    "that command is dropped\n", v, s->pending);
    s->pending = 0;
    command(s, v);
}

static const MemOps data_ops = { data_read, data_write, 1, 1 };
static const MemOps cmd_ops = { status_read, command_write, 1, 1 };

void kbc_reset(void *opaque)
{
    Kbc *s = opaque;
    memset(s->ram, 0, sizeof s->ram);
    s->obuf = 0;
    s->obf = 0;
    s->aux = 0;
    s->sys = 0;             /* cold start: the self-test has not run */
    s->a2 = 0;
    s->outport = KBC_OUT_RESET | KBC_OUT_A20;
    s->pending = 0;
    s->xlat_break = 0;
    s->next_dev = 0;
    timer_del(&s->xfer);
    set_irqs(s, true);
    irq_set(&s->a20, 1);
}

static bool valid_pending(uint8_t c)
{
    return c == 0 || (c >= CC_WRITE_RAM && c < CC_WRITE_RAM + 0x20) ||
           (c >= CC_WRITE_OUTPUT && c <= CC_WRITE_AUX);
}

static int kbc_post_load(void *opaque)
{
    Kbc *s = opaque;
    if (s->obf > 1 || s->aux > 1 || s->sys > 1 || s->a2 > 1 ||
        (s->outport & ~(KBC_OUT_RESET | KBC_OUT_A20)) || !valid_pending(s->pending) ||
        s->xlat_break > 1 || s->next_dev > 1)
        return -1;
    set_irqs(s, true);
    irq_set(&s->a20, (s->outport & KBC_OUT_A20) != 0);
    return 0;
}

static const StateField kbc_fields[] = {
    STATE_UINT_ARRAY(Kbc, ram),
    STATE_UINT(Kbc, obuf),
    STATE_UINT(Kbc, obf),
    STATE_UINT(Kbc, aux),
    STATE_UINT(Kbc, sys),
    STATE_UINT(Kbc, a2),
    STATE_UINT(Kbc, outport),
    STATE_UINT(Kbc, pending),
    STATE_UINT(Kbc, xlat_break),
    STATE_UINT(Kbc, next_dev),
    STATE_TIMER(Kbc, xfer),
    STATE_END
};

static const StateDesc kbc_state = { "i8042", 1, kbc_fields, kbc_post_load };

Kbc *kbc_create(Machine *m, Ps2Kbd *kbd, Ps2Mouse *mouse)
{
    Kbc *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    s->kbd = kbd;
    s->mouse = mouse;
    timer_init(&s->xfer, &m->clock, xfer_cb, s);
    ps2_kbd_set_notify(kbd, device_notify, s);
    ps2_mouse_set_notify(mouse, device_notify, s);
    io_map(&m->io, 0x60, 1, &data_ops, s, "i8042-data");
    io_map(&m->io, 0x64, 1, &cmd_ops, s, "i8042-cmd");
    kbc_reset(s);
    machine_add_device(m, "i8042", &kbc_state, s, kbc_reset, free);
    return s;
}
