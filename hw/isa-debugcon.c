/* isa-debugcon: every byte the guest writes to the port goes to a character
 * backend (QEMU's and Bochs' 0xe9 hack); reads return 0xe9 so guests can
 * detect it. */
#include "hw/isa-debugcon.h"

#include <stdlib.h>

static uint64_t debugcon_read(void *opaque, uint64_t off, unsigned size)
{
    (void)opaque;
    (void)off;
    (void)size;
    return 0xe9;
}

static void debugcon_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    (void)off;
    (void)size;
    DebugCon *d = opaque;
    uint8_t b = (uint8_t)val;
    chardev_write(d->chr, &b, 1);
}

static const MemOps debugcon_ops = { debugcon_read, debugcon_write, 1, 1 };

static void debugcon_destroy(void *opaque)
{
    DebugCon *d = opaque;
    chardev_close(d->chr);
    free(d);
}

DebugCon *debugcon_create(Machine *m, uint16_t port, Chardev *chr)
{
    DebugCon *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->chr = chr;
    d->port = port;
    io_map(&m->io, port, 1, &debugcon_ops, d, "isa-debugcon");
    machine_add_device(m, "isa-debugcon", NULL, d, NULL, debugcon_destroy);
    return d;
}

void debugcon_map(Machine *m, DebugCon *d, uint16_t port)
{
    io_map(&m->io, port, 1, &debugcon_ops, d, "isa-debugcon");
}
