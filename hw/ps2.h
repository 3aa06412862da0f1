/* Pieces shared by the PS/2 devices (hw/ps2-kbd.c, hw/ps2-mouse.c) and the
 * 8042 controller they hang off (hw/i8042-kbc.c): the device output FIFO and
 * the protocol's reply bytes.
 *
 * A device never pushes bytes into the controller.  It queues them and calls
 * its notify hook; the controller pulls one byte at a time (ps2_*_read) when
 * its output buffer is free and the device's clock line is not inhibited.
 * Bytes travel host -> device through ps2_*_write.  Everything runs on the
 * machine thread. */
#ifndef HW_PS2_H
#define HW_PS2_H

#include <stdbool.h>
#include <stdint.h>

/* Device -> host codes (IBM keyboard/mouse technical references). */
#define PS2_ACK 0xfa
#define PS2_RESEND 0xfe         /* NAK: invalid byte, send it again */
#define PS2_ERROR 0xfc          /* second invalid byte in a row (mouse) */
#define PS2_BAT_OK 0xaa         /* self-test (BAT) passed */
#define PS2_ECHO 0xee

/* The keyboard's FIFO is 16 bytes plus a 17th position reserved for the
 * overrun code (IBM 5170 Technical Reference, keyboard buffer). */
#define PS2_QUEUE_SIZE 17

typedef struct Ps2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    uint8_t head;               /* index of the oldest byte */
    uint8_t count;
} Ps2Queue;

/* Called by a device when it has queued output. */
typedef void (*Ps2Notify)(void *opaque);

static inline void ps2q_clear(Ps2Queue *q)
{
    q->head = 0;
    q->count = 0;
}

static inline unsigned ps2q_free(const Ps2Queue *q, unsigned limit)
{
    return q->count < limit ? limit - q->count : 0;
}

/* Appends b if fewer than limit (<= PS2_QUEUE_SIZE) bytes are queued. */
static inline bool ps2q_put(Ps2Queue *q, uint8_t b, unsigned limit)
{
    if (q->count >= limit || q->count >= PS2_QUEUE_SIZE)
        return false;
    q->data[(q->head + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
    return true;
}

/* Removes and returns the oldest byte, or -1 when empty. */
static inline int ps2q_get(Ps2Queue *q)
{
    if (!q->count)
        return -1;
    uint8_t b = q->data[q->head];
    q->head = (uint8_t)((q->head + 1) % PS2_QUEUE_SIZE);
    q->count--;
    return b;
}

/* A loaded snapshot's queue indices are in range. */
static inline bool ps2q_valid(const Ps2Queue *q)
{
    return q->head < PS2_QUEUE_SIZE && q->count <= PS2_QUEUE_SIZE;
}

/* State-table entries for a Ps2Queue member `q` of `type`. */
#define PS2Q_STATE_FIELDS(type, q) \
    { #q ".data", offsetof(type, q.data), 1, PS2_QUEUE_SIZE, SF_UINT, 0 }, \
    { #q ".head", offsetof(type, q.head), 1, 1, SF_UINT, 0 }, \
    { #q ".count", offsetof(type, q.count), 1, 1, SF_UINT, 0 }

#endif
