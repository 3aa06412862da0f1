/* isa-debug-exit: lets test guests end the emulator with a status. */
#include "hw/isa-debug-exit.h"

#include <stdlib.h>

static uint64_t dexit_read(void *opaque, uint64_t off, unsigned size)
{
    (void)opaque;
    (void)off;
    (void)size;
    return 0;
}

static void dexit_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    (void)off;
    DebugExit *d = opaque;
    uint32_t v = size == 4 ? (uint32_t)val : size == 2 ? (uint16_t)val : (uint8_t)val;
    machine_request_exit(d->m, (int)((v << 1) | 1));
}

static const MemOps dexit_ops = { dexit_read, dexit_write, 1, 4 };

DebugExit *debug_exit_create(Machine *m, uint16_t base, uint16_t size)
{
    DebugExit *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->m = m;
    d->base = base;
    d->size = size;
    io_map(&m->io, base, size, &dexit_ops, d, "isa-debug-exit");
    machine_add_device(m, "isa-debug-exit", NULL, d, NULL, free);
    return d;
}
