/* PS/2 mouse.  Sources: IBM PS/2 mouse technical reference as summarised by
 * A. Chapweske ("The PS/2 Mouse Interface") and A. Brouwer ("Keyboard
 * scancodes" 12: modes, scaling, packet formats, IntelliMouse sequences,
 * command replies). */
#include "hw/ps2-mouse.h"

#include <stdlib.h>

#include "system/log.h"

enum {
    MC_SCALE11 = 0xe6, MC_SCALE21 = 0xe7, MC_RES = 0xe8, MC_STATUS = 0xe9, MC_STREAM = 0xea,
    MC_READ = 0xeb, MC_WRAP_OFF = 0xec, MC_WRAP_ON = 0xee, MC_REMOTE = 0xf0, MC_ID = 0xf2,
    MC_RATE = 0xf3, MC_ENABLE = 0xf4, MC_DISABLE = 0xf5, MC_DEFAULTS = 0xf6,
    MC_RESEND = 0xfe, MC_RESET = 0xff,
};

#define PKT_LIMIT 16            /* bytes of packets waiting to be sent */
#define COUNTER_MAX (1 << 20)   /* keeps the accumulated counters in range */

static void notify(Ps2Mouse *s)
{
    if (s->notify)
        s->notify(s->notify_opaque);
}

/* Queues a reply (one unit for FE). */
static void respond_n(Ps2Mouse *s, const uint8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!ps2q_put(&s->resp, b[i], PS2_QUEUE_SIZE)) {
            guest_error("ps2-mouse: %d replies not taken by the host: reply 0x%02x dropped\n",
                        s->resp.count, b[i]);
            break;
        }
    for (int i = 0; i < n && i < 4; i++)
        s->last[i] = b[i];
    s->last_len = (uint8_t)(n < 4 ? n : 4);
    notify(s);
}

static void respond(Ps2Mouse *s, uint8_t b)
{
    respond_n(s, &b, 1);
}

static int packet_size(const Ps2Mouse *s)
{
    return s->id ? 4 : 3;
}

static void clear_counters(Ps2Mouse *s)
{
    s->dx = s->dy = s->dz = 0;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling (stream mode): 0..5 -> 0, 1, 1, 3, 6, 9; 6 and up doubled. */
static int scale21(int v)
{
    static const int8_t t[6] = { 0, 1, 1, 3, 6, 9 };
    int a = v < 0 ? -v : v;
    int r = a < 6 ? t[a] : 2 * a;
    return v < 0 ? -r : r;
}

/* Builds the packet from the counters and clears them; returns its size. */
static int make_packet(Ps2Mouse *s, uint8_t *p, bool scaled)
{
    int x = s->dx, y = s->dy;
    if (scaled && s->scale21) {
        x = scale21(x);
        y = scale21(y);
    }
    bool xo = x < -256 || x > 255, yo = y < -256 || y > 255;
    x = clamp(x, -256, 255);
    y = clamp(y, -256, 255);
    int z = clamp(s->dz, -8, 7);
    p[0] = (uint8_t)(0x08 | (s->buttons & 7) | (x < 0) << 4 | (y < 0) << 5 | xo << 6 | yo << 7);
    p[1] = (uint8_t)x;
    p[2] = (uint8_t)y;
    int n = 3;
    if (s->id == 3) {
        p[n++] = (uint8_t)(int8_t)z;    /* 4-bit Z, sign-extended */
    } else if (s->id == 4) {
        p[n++] = (uint8_t)((z & 0x0f) | (s->buttons & PS2_MOUSE_BUTTON4 ? 0x10 : 0) |
                           (s->buttons & PS2_MOUSE_BUTTON5 ? 0x20 : 0));
    }
    clear_counters(s);
    s->sent_buttons = s->buttons;
    return n;
}

/* Stream mode: sends a packet if something changed and it fits. */
static void try_stream(Ps2Mouse *s)
{
    if (s->mode != PS2_MOUSE_STREAM || !s->enabled)
        return;
    if (!s->dx && !s->dy && !s->dz && s->buttons == s->sent_buttons)
        return;
    if (ps2q_free(&s->pkts, PKT_LIMIT) < (unsigned)packet_size(s))
        return;     /* the counters keep accumulating */
    uint8_t p[4];
    int n = make_packet(s, p, true);
    for (int i = 0; i < n; i++)
        ps2q_put(&s->pkts, p[i], PKT_LIMIT);
    for (int i = 0; i < n; i++)
        s->last[i] = p[i];
    s->last_len = (uint8_t)n;
    notify(s);
}

static int add_counter(int32_t c, int64_t d)
{
    int64_t v = c + d;
    return (int)(v < -COUNTER_MAX ? -COUNTER_MAX : v > COUNTER_MAX ? COUNTER_MAX : v);
}

void ps2_mouse_move(Ps2Mouse *s, int dx, int dy, int dz, unsigned buttons)
{
    s->dx = add_counter(s->dx, dx);
    s->dy = add_counter(s->dy, -(int64_t)dy);   /* PS/2 Y grows upwards */
    s->dz = add_counter(s->dz, dz);
    s->buttons = (uint8_t)(buttons & 0x1f);
    try_stream(s);
}

static void set_defaults(Ps2Mouse *s)
{
    s->mode = PS2_MOUSE_STREAM;
    s->enabled = 0;
    s->rate = 100;
    s->res = 2;                 /* 4 counts/mm */
    s->scale21 = 0;
    s->id = 0;
    s->cmd = 0;
    ps2q_clear(&s->pkts);
    clear_counters(s);
    s->sent_buttons = s->buttons;
}

static bool valid_rate(uint8_t r)
{
    return r == 10 || r == 20 || r == 40 || r == 60 || r == 80 || r == 100 || r == 200;
}

/* An invalid command or argument: FE, or FC if the previous byte was too. */
static void invalid(Ps2Mouse *s, uint8_t b, uint8_t cmd)
{
    if (s->nak) {
        guest_error("ps2-mouse: invalid byte 0x%02x again: error\n", b);
        s->nak = 0;
        s->cmd = 0;
        respond(s, PS2_ERROR);
    } else {
        guest_error("ps2-mouse: invalid %s 0x%02x: resend\n", cmd ? "argument" : "command", b);
        s->nak = 1;
        s->cmd = cmd;           /* an argument is still expected */
        respond(s, PS2_RESEND);
    }
}

static void argument(Ps2Mouse *s, uint8_t cmd, uint8_t b)
{
    if (cmd == MC_RES) {
        if (b > 3) {
            invalid(s, b, cmd);
            return;
        }
        s->res = b;
        clear_counters(s);
    } else {
        if (!valid_rate(b)) {
            invalid(s, b, cmd);
            return;
        }
        s->rate = b;
        s->rates[0] = s->rates[1];
        s->rates[1] = s->rates[2];
        s->rates[2] = b;
        if (s->id == 0 && s->rates[0] == 200 && s->rates[1] == 100 && b == 80)
            s->id = 3;
        else if (s->id == 3 && s->rates[0] == 200 && s->rates[1] == 200 && b == 80)
            s->id = 4;
    }
    s->nak = 0;
    respond(s, PS2_ACK);
}

void ps2_mouse_write(Ps2Mouse *s, uint8_t b)
{
    if (s->mode == PS2_MOUSE_WRAP && b != MC_WRAP_OFF && b != MC_RESET) {
        respond(s, b);      /* echo */
        return;
    }
    if (s->cmd) {
        uint8_t cmd = s->cmd;
        s->cmd = 0;
        argument(s, cmd, b);
        return;
    }
    uint8_t r[4];
    switch (b) {
    case MC_SCALE11:
    case MC_SCALE21:
        s->scale21 = b == MC_SCALE21;
        respond(s, PS2_ACK);
        break;
    case MC_RES:
    case MC_RATE:
        respond(s, PS2_ACK);
        s->cmd = b;
        break;
    case MC_STATUS:
        respond(s, PS2_ACK);
        r[0] = (uint8_t)((s->mode == PS2_MOUSE_REMOTE) << 6 | s->enabled << 5 | s->scale21 << 4 |
                         (s->buttons & PS2_MOUSE_LEFT) << 2 |
                         ((s->buttons & PS2_MOUSE_MIDDLE) ? 2 : 0) |
                         ((s->buttons & PS2_MOUSE_RIGHT) ? 1 : 0));
        r[1] = s->res;
        r[2] = s->rate;
        respond_n(s, r, 3);
        clear_counters(s);
        break;
    case MC_STREAM:
    case MC_REMOTE:
        s->mode = b == MC_STREAM ? PS2_MOUSE_STREAM : PS2_MOUSE_REMOTE;
        clear_counters(s);
        respond(s, PS2_ACK);
        break;
    case MC_READ: {
        respond(s, PS2_ACK);
        int n = make_packet(s, r, false);
        respond_n(s, r, n);
        break;
    }
    case MC_WRAP_OFF:
        if (s->mode == PS2_MOUSE_WRAP)
            s->mode = s->wrap_prev;
        clear_counters(s);
        respond(s, PS2_ACK);
        break;
    case MC_WRAP_ON:
        s->wrap_prev = s->mode;
        s->mode = PS2_MOUSE_WRAP;
        clear_counters(s);
        respond(s, PS2_ACK);
        break;
    case MC_ID:
        respond(s, PS2_ACK);
        respond(s, s->id);
        clear_counters(s);
        break;
    case MC_ENABLE:
        s->enabled = 1;
        clear_counters(s);
        respond(s, PS2_ACK);
        break;
    case MC_DISABLE:
        s->enabled = 0;
        clear_counters(s);
        ps2q_clear(&s->pkts);
        respond(s, PS2_ACK);
        break;
    case MC_DEFAULTS:
        set_defaults(s);
        respond(s, PS2_ACK);
        break;
    case MC_RESEND:
        if (s->last_len)
            respond_n(s, s->last, s->last_len);
        break;
    case MC_RESET:
        set_defaults(s);
        s->rates[0] = s->rates[1] = s->rates[2] = 0;
        ps2q_clear(&s->resp);
        respond(s, PS2_ACK);
        r[0] = PS2_BAT_OK;
        r[1] = 0x00;            /* device ID */
        respond_n(s, r, 2);
        break;
    default:
        invalid(s, b, 0);
        return;
    }
    s->nak = 0;
}

bool ps2_mouse_has_data(const Ps2Mouse *s)
{
    return s->resp.count || s->pkts.count;
}

int ps2_mouse_read(Ps2Mouse *s)
{
    int b = ps2q_get(&s->resp);
    if (b < 0)
        b = ps2q_get(&s->pkts);
    if (b >= 0)
        try_stream(s);      /* room for movement that accumulated */
    return b;
}

void ps2_mouse_set_notify(Ps2Mouse *s, Ps2Notify fn, void *opaque)
{
    s->notify = fn;
    s->notify_opaque = opaque;
}

void ps2_mouse_reset(void *opaque)
{
    Ps2Mouse *s = opaque;
    set_defaults(s);
    ps2q_clear(&s->resp);
    s->nak = 0;
    s->wrap_prev = PS2_MOUSE_STREAM;
    s->rates[0] = s->rates[1] = s->rates[2] = 0;
    s->last_len = 0;
}

static int ps2_mouse_post_load(void *opaque)
{
    Ps2Mouse *s = opaque;
    if (!ps2q_valid(&s->resp) || !ps2q_valid(&s->pkts) || s->mode > PS2_MOUSE_WRAP ||
        s->wrap_prev > PS2_MOUSE_REMOTE || s->enabled > 1 || s->res > 3 || s->scale21 > 1 ||
        (s->id != 0 && s->id != 3 && s->id != 4) || s->last_len > 4 || s->nak > 1 ||
        (s->cmd && s->cmd != MC_RES && s->cmd != MC_RATE) || (s->buttons & ~0x1f) ||
        s->dx < -COUNTER_MAX || s->dx > COUNTER_MAX || s->dy < -COUNTER_MAX ||
        s->dy > COUNTER_MAX || s->dz < -COUNTER_MAX || s->dz > COUNTER_MAX)
        return -1;
    return 0;
}

static const StateField ps2_mouse_fields[] = {
    PS2Q_STATE_FIELDS(Ps2Mouse, resp),
    PS2Q_STATE_FIELDS(Ps2Mouse, pkts),
    STATE_UINT(Ps2Mouse, cmd),
    STATE_UINT(Ps2Mouse, nak),
    STATE_UINT(Ps2Mouse, mode),
    STATE_UINT(Ps2Mouse, wrap_prev),
    STATE_UINT(Ps2Mouse, enabled),
    STATE_UINT(Ps2Mouse, rate),
    STATE_UINT(Ps2Mouse, res),
    STATE_UINT(Ps2Mouse, scale21),
    STATE_UINT(Ps2Mouse, id),
    STATE_UINT_ARRAY(Ps2Mouse, rates),
    STATE_UINT(Ps2Mouse, buttons),
    STATE_UINT(Ps2Mouse, sent_buttons),
    STATE_UINT(Ps2Mouse, dx),
    STATE_UINT(Ps2Mouse, dy),
    STATE_UINT(Ps2Mouse, dz),
    STATE_UINT_ARRAY(Ps2Mouse, last),
    STATE_UINT(Ps2Mouse, last_len),
    STATE_END
};

static const StateDesc ps2_mouse_state = { "ps2-mouse", 1, ps2_mouse_fields, ps2_mouse_post_load };

Ps2Mouse *ps2_mouse_create(Machine *m)
{
    Ps2Mouse *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    ps2_mouse_reset(s);
    machine_add_device(m, "ps2-mouse", &ps2_mouse_state, s, ps2_mouse_reset, free);
    return s;
}
