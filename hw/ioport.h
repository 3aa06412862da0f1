/* x86 port I/O space: 64 KiB of ports, each decoded by at most one device.
 * Unassigned reads return all ones; unassigned writes are dropped and logged
 * under -d guest_errors. */
#ifndef HW_IOPORT_H
#define HW_IOPORT_H

#include <stdint.h>

#include "hw/memory.h"

#define IO_MAX_HANDLERS 255

typedef struct IoHandler {
    const MemOps *ops;
    void *opaque;
    uint16_t base;
    const char *name;
} IoHandler;

typedef struct IoSpace {
    uint8_t map[65536];                    /* handler index + 1; 0 = unassigned */
    IoHandler h[IO_MAX_HANDLERS];
    int n;
} IoSpace;

void io_init(IoSpace *io);
/* Maps [base, base+len) to ops; offsets passed to ops are relative to base.
 * A later mapping replaces an earlier one on the ports they share. */
void io_map(IoSpace *io, uint16_t base, uint32_t len, const MemOps *ops, void *opaque,
            const char *name);
void io_unmap(IoSpace *io, uint16_t base, uint32_t len);
/* Relocatable windows (PCI I/O BARs and the like) that must not take ports from
 * the board's fixed devices, nor lose them for good when they move away:
 * io_map_unclaimed() maps only the ports of [base, base+len) that no handler
 * decodes (offsets still relative to base) and returns how many it took;
 * io_unmap_owner() unmaps only the ports of the range that ops/opaque decode. */
uint32_t io_map_unclaimed(IoSpace *io, uint16_t base, uint32_t len, const MemOps *ops,
                          void *opaque, const char *name);
void io_unmap_owner(IoSpace *io, uint16_t base, uint32_t len, const MemOps *ops, void *opaque);
uint32_t io_read(IoSpace *io, uint16_t port, unsigned size);
void io_write(IoSpace *io, uint16_t port, uint32_t value, unsigned size);
/* The name of the device at port, or NULL. */
const char *io_owner(IoSpace *io, uint16_t port);

#endif
