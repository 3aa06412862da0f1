#include "hw/ioport.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system/log.h"

void io_init(IoSpace *io)
{
    memset(io, 0, sizeof *io);
}

/* A handler slot for a new mapping: a fresh one, or, once the table is full,
 * one that no port refers to any more (windows that the guest moves around
 * would otherwise use the table up). */
static int alloc_handler(IoSpace *io, const MemOps *ops, void *opaque, uint16_t base,
                         const char *name)
{
    int idx = -1;
    if (io->n < IO_MAX_HANDLERS) {
        idx = io->n++;
    } else {
        bool used[IO_MAX_HANDLERS] = { false };
        for (uint32_t p = 0; p < 65536; p++)
            if (io->map[p])
                used[io->map[p] - 1] = true;
        for (int i = 0; i < IO_MAX_HANDLERS && idx < 0; i++)
            if (!used[i])
                idx = i;
        if (idx < 0) {
            fprintf(stderr, "tandem: too many I/O handlers (adding %s)\n", name);
            abort();
        }
    }
    IoHandler *h = &io->h[idx];
    h->ops = ops;
    h->opaque = opaque;
    h->base = base;
    h->name = name;
    return idx + 1;
}

void io_map(IoSpace *io, uint16_t base, uint32_t len, const MemOps *ops, void *opaque,
            const char *name)
{
    int idx = alloc_handler(io, ops, opaque, base, name);
    for (uint32_t p = base; p < (uint32_t)base + len && p < 65536; p++)
        io->map[p] = (uint8_t)idx;
}

uint32_t io_map_unclaimed(IoSpace *io, uint16_t base, uint32_t len, const MemOps *ops,
                          void *opaque, const char *name)
{
    uint32_t n = 0;
    for (uint32_t p = base; p < (uint32_t)base + len && p < 65536; p++)
        n += !io->map[p];
    if (!n)
        return 0;
    /* The window's slot at this base, if it has one: one slot per window. */
    int idx = 0;
    for (int i = 0; i < io->n && !idx; i++)
        if (io->h[i].ops == ops && io->h[i].opaque == opaque && io->h[i].base == base)
            idx = i + 1;
    if (!idx)
        idx = alloc_handler(io, ops, opaque, base, name);
    for (uint32_t p = base; p < (uint32_t)base + len && p < 65536; p++)
        if (!io->map[p])
            io->map[p] = (uint8_t)idx;
    return n;
}

void io_unmap_owner(IoSpace *io, uint16_t base, uint32_t len, const MemOps *ops, void *opaque)
{
    for (uint32_t p = base; p < (uint32_t)base + len && p < 65536; p++) {
        uint8_t idx = io->map[p];
        if (idx && io->h[idx - 1].ops == ops && io->h[idx - 1].opaque == opaque)
            io->map[p] = 0;
    }
}

void io_unmap(IoSpace *io, uint16_t base, uint32_t len)
{
    for (uint32_t p = base; p < (uint32_t)base + len && p < 65536; p++)
        io->map[p] = 0;
}

const char *io_owner(IoSpace *io, uint16_t port)
{
    return io->map[port] ? io->h[io->map[port] - 1].name : NULL;
}

static uint32_t read1(IoSpace *io, uint16_t port, unsigned size)
{
    IoHandler *h = &io->h[io->map[port] - 1];
    return (uint32_t)memops_read(h->ops, h->opaque, (uint16_t)(port - h->base), size);
}

uint32_t io_read(IoSpace *io, uint16_t port, unsigned size)
{
    uint32_t v;
    uint8_t idx = io->map[port];
    /* One device must decode every byte of the access, else split it. */
    if (idx && (size == 1 || io->map[(uint16_t)(port + size - 1)] == idx)) {
        v = read1(io, port, size);
    } else if (size > 1) {
        v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= io_read(io, (uint16_t)(port + i), 1) << (8 * i);
    } else {
        guest_error("ioport: read from unassigned port 0x%04x\n", port);
        v = 0xff;
    }
    if (log_enabled(LOG_IOPORT))
        log_printf("ioport: in%c 0x%04x -> 0x%x\n", "bw?l"[size - 1], port, v);
    return v;
}

void io_write(IoSpace *io, uint16_t port, uint32_t value, unsigned size)
{
    uint8_t idx = io->map[port];
    if (log_enabled(LOG_IOPORT))
        log_printf("ioport: out%c 0x%04x <- 0x%x\n", "bw?l"[size - 1], port, value);
    if (idx && (size == 1 || io->map[(uint16_t)(port + size - 1)] == idx)) {
        IoHandler *h = &io->h[idx - 1];
        memops_write(h->ops, h->opaque, (uint16_t)(port - h->base), value, size);
    } else if (size > 1) {
        for (unsigned i = 0; i < size; i++)
            io_write(io, (uint16_t)(port + i), (value >> (8 * i)) & 0xff, 1);
    } else {
        guest_error("ioport: write 0x%02x to unassigned port 0x%04x\n", value & 0xff, port);
    }
}
