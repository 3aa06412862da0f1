/* Guest physical memory: RAM, ROM and MMIO regions in one address space.
 *
 * RAM and ROM are host memory blocks that the CPU backends map directly (the
 * interpreter's soft TLB, KVM memory slots).  MMIO regions dispatch to a device's
 * MemOps.  Regions may overlap; the one with the highest priority wins (the VGA
 * window over low RAM, the PAM shadow ROM over RAM).  Every change of the map calls
 * the listeners so backends can drop their translations. */
#ifndef HW_MEMORY_H
#define HW_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One ops table for port I/O and MMIO alike.  A device implements the access
 * sizes min_size..max_size (1, 2, 4 or 8); the bus splits other sizes into
 * little-endian pieces of the largest implemented size. */
typedef struct MemOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
    uint8_t min_size, max_size;
} MemOps;

typedef enum { REGION_RAM, REGION_ROM, REGION_MMIO } RegionKind;

typedef struct MemRegion {
    const char *name;
    uint64_t base, size;
    RegionKind kind;
    int priority;
    uint8_t *host;         /* RAM/ROM backing (host + (addr - base)) */
    const MemOps *ops;     /* MMIO */
    void *opaque;
    bool enabled;
} MemRegion;

typedef void (*MapListener)(void *opaque);
/* Told about writes to RAM that do not come from the CPU backend itself
 * (device DMA, loaders, page-table A/D updates): the interpreter drops decoded
 * code there, dirty tracking marks pages. */
typedef void (*WriteListener)(void *opaque, uint64_t addr, uint64_t len);

#define PHYS_MAX_REGIONS 64
#define PHYS_MAX_LISTENERS 8

typedef struct PhysMem {
    MemRegion regions[PHYS_MAX_REGIONS];
    int nregions;
    struct { MapListener fn; void *opaque; } listeners[PHYS_MAX_LISTENERS];
    int nlisteners;
    struct { WriteListener fn; void *opaque; } wlisteners[PHYS_MAX_LISTENERS];
    int nwlisteners;
    uint64_t generation;      /* bumped on every map change */
    /* The map flattened into sorted, disjoint ranges (the region that decodes
     * each), rebuilt on the first lookup after a change: phys_lookup() is on
     * the TLB-fill and page-walk paths, a scan of every region is not. */
    struct PhysFlat { uint64_t start, last; MemRegion *r; } flat[2 * PHYS_MAX_REGIONS + 1];
    int nflat;
    int flat_hint;            /* index of the last range found */
    bool flat_valid;
    /* The flat range holding 1 MiB when it is plain RAM (the bulk of guest
     * memory, where page tables live): phys_ram_ptr() serves it without a
     * lookup.  Valid with flat. */
    uint64_t direct_lo, direct_len;
    uint8_t *direct_host;
    /* The main RAM block: guest physical [0, ram_below_4g) and
     * [4 GiB, 4 GiB + ram_size - ram_below_4g) map to ram[0..ram_size). */
    uint8_t *ram;
    uint64_t ram_size;
    uint64_t ram_below_4g;
    uint64_t a20_mask;        /* ~(1 << 20) when the A20 gate is closed, else ~0 */
} PhysMem;

void phys_init(PhysMem *pm);
void phys_destroy(PhysMem *pm);
/* Allocates the main RAM (zero-filled) and maps it. Returns false on failure. */
bool phys_alloc_ram(PhysMem *pm, uint64_t size, uint64_t below_4g_limit);
MemRegion *phys_add_ram(PhysMem *pm, const char *name, uint64_t base, uint64_t size,
                        uint8_t *host, int priority);
MemRegion *phys_add_rom(PhysMem *pm, const char *name, uint64_t base, uint64_t size,
                        uint8_t *host, int priority);
MemRegion *phys_add_mmio(PhysMem *pm, const char *name, uint64_t base, uint64_t size,
                         const MemOps *ops, void *opaque, int priority);
void phys_region_enable(PhysMem *pm, MemRegion *r, bool on);
void phys_region_move(PhysMem *pm, MemRegion *r, uint64_t base);
void phys_add_listener(PhysMem *pm, MapListener fn, void *opaque);
void phys_remove_listener(PhysMem *pm, MapListener fn, void *opaque);
void phys_add_write_listener(PhysMem *pm, WriteListener fn, void *opaque);
void phys_remove_write_listener(PhysMem *pm, WriteListener fn, void *opaque);
void phys_set_a20(PhysMem *pm, bool enabled);
/* Notifies listeners; called by every map change. */
void phys_map_changed(PhysMem *pm);

/* The region that decodes addr, or NULL when unassigned. */
MemRegion *phys_lookup(PhysMem *pm, uint64_t addr);
/* Host pointer for [addr, addr + len) when it lies in the direct RAM range
 * (see PhysMem.direct_lo), else NULL: the caller falls back to
 * phys_host_ptr()/phys_read().  Reads only; writers must notify listeners. */
static inline uint8_t *phys_ram_ptr(PhysMem *pm, uint64_t addr, uint64_t len)
{
    uint64_t off = addr - pm->direct_lo;
    if (pm->flat_valid && off < pm->direct_len && len <= pm->direct_len - off)
        return pm->direct_host + off;
    return NULL;
}
/* Host pointer for [addr, addr+len) if it lies inside one RAM (or, when !write,
 * ROM) region, else NULL.  Used by DMA, loaders and the monitor. */
uint8_t *phys_host_ptr(PhysMem *pm, uint64_t addr, uint64_t len, bool write);
/* The flat view of the map: calls fn for each maximal range [start, start+size)
 * that one region decodes (the enabled region with the highest priority, as
 * phys_lookup() decides), in address order; unassigned gaps are skipped.
 * host_off is the offset of start inside r (r->host + host_off for RAM/ROM).
 * The A20 mask is not applied.  Used by KVM (memory slots) and the monitor. */
typedef void (*FlatRangeFn)(void *opaque, uint64_t start, uint64_t size, MemRegion *r,
                            uint64_t host_off);
void phys_flatten(PhysMem *pm, FlatRangeFn fn, void *opaque);

/* Access of 1, 2, 4 or 8 bytes anywhere: RAM, ROM (writes dropped), MMIO,
 * unassigned (reads all ones, writes dropped). */
uint64_t phys_read(PhysMem *pm, uint64_t addr, unsigned size);
void phys_write(PhysMem *pm, uint64_t addr, uint64_t value, unsigned size);
/* Byte-range copy through phys_read/phys_write semantics. */
void phys_rw(PhysMem *pm, uint64_t addr, void *buf, uint64_t len, bool write);

/* Dispatch helper shared by MMIO and port I/O: splits an access into sizes the
 * ops implement. */
uint64_t memops_read(const MemOps *ops, void *opaque, uint64_t offset, unsigned size);
void memops_write(const MemOps *ops, void *opaque, uint64_t offset, uint64_t value,
                  unsigned size);

#endif
