/* Guest physical address space: region list with priorities (see memory.h). */
#include "hw/memory.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "system/log.h"

void phys_init(PhysMem *pm)
{
    memset(pm, 0, sizeof *pm);
    pm->a20_mask = ~0ull;
}

void phys_destroy(PhysMem *pm)
{
    if (pm->ram)
        munmap(pm->ram, pm->ram_size);
    pm->ram = NULL;
}

void phys_add_listener(PhysMem *pm, MapListener fn, void *opaque)
{
    if (pm->nlisteners < PHYS_MAX_LISTENERS) {
        pm->listeners[pm->nlisteners].fn = fn;
        pm->listeners[pm->nlisteners].opaque = opaque;
        pm->nlisteners++;
    }
}

void phys_remove_listener(PhysMem *pm, MapListener fn, void *opaque)
{
    for (int i = 0; i < pm->nlisteners; i++) {
        if (pm->listeners[i].fn == fn && pm->listeners[i].opaque == opaque) {
            for (int j = i + 1; j < pm->nlisteners; j++)
                pm->listeners[j - 1] = pm->listeners[j];
            pm->nlisteners--;
            return;
        }
    }
}

void phys_add_write_listener(PhysMem *pm, WriteListener fn, void *opaque)
{
    if (pm->nwlisteners < PHYS_MAX_LISTENERS) {
        pm->wlisteners[pm->nwlisteners].fn = fn;
        pm->wlisteners[pm->nwlisteners].opaque = opaque;
        pm->nwlisteners++;
    }
}

void phys_remove_write_listener(PhysMem *pm, WriteListener fn, void *opaque)
{
    for (int i = 0; i < pm->nwlisteners; i++) {
        if (pm->wlisteners[i].fn == fn && pm->wlisteners[i].opaque == opaque) {
            pm->wlisteners[i] = pm->wlisteners[--pm->nwlisteners];
            return;
        }
    }
}

static void notify_write(PhysMem *pm, uint64_t addr, uint64_t len)
{
    for (int i = 0; i < pm->nwlisteners; i++)
        pm->wlisteners[i].fn(pm->wlisteners[i].opaque, addr, len);
}

void phys_map_changed(PhysMem *pm)
{
    pm->generation++;
    pm->flat_valid = false;
    for (int i = 0; i < pm->nlisteners; i++)
        pm->listeners[i].fn(pm->listeners[i].opaque);
}

static MemRegion *add_region(PhysMem *pm, const char *name, uint64_t base, uint64_t size,
                             RegionKind kind, int priority)
{
    if (pm->nregions >= PHYS_MAX_REGIONS) {
        fprintf(stderr, "tandem: too many memory regions (adding %s)\n", name);
        abort();
    }
    MemRegion *r = &pm->regions[pm->nregions++];
    memset(r, 0, sizeof *r);
    r->name = name;
    r->base = base;
    r->size = size;
    r->kind = kind;
    r->priority = priority;
    r->enabled = true;
    return r;
}

bool phys_alloc_ram(PhysMem *pm, uint64_t size, uint64_t below_4g_limit)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    pm->ram = p;
    pm->ram_size = size;
    pm->ram_below_4g = size < below_4g_limit ? size : below_4g_limit;
    phys_add_ram(pm, "ram-below-4g", 0, pm->ram_below_4g, pm->ram, 0);
    if (size > pm->ram_below_4g)
        phys_add_ram(pm, "ram-above-4g", 1ull << 32, size - pm->ram_below_4g,
                     pm->ram + pm->ram_below_4g, 0);
    return true;
}

MemRegion *phys_add_ram(PhysMem *pm, const char *name, uint64_t base, uint64_t size,
                        uint8_t *host, int priority)
{
    MemRegion *r = add_region(pm, name, base, size, REGION_RAM, priority);
    r->host = host;
    phys_map_changed(pm);
    return r;
}

MemRegion *phys_add_rom(PhysMem *pm, const char *name, uint64_t base, uint64_t size,
                        uint8_t *host, int priority)
{
    MemRegion *r = add_region(pm, name, base, size, REGION_ROM, priority);
    r->host = host;
    phys_map_changed(pm);
    return r;
}

MemRegion *phys_add_mmio(PhysMem *pm, const char *name, uint64_t base, uint64_t size,
                         const MemOps *ops, void *opaque, int priority)
{
    MemRegion *r = add_region(pm, name, base, size, REGION_MMIO, priority);
    r->ops = ops;
    r->opaque = opaque;
    phys_map_changed(pm);
    return r;
}

void phys_region_enable(PhysMem *pm, MemRegion *r, bool on)
{
    if (r->enabled != on) {
        r->enabled = on;
        phys_map_changed(pm);
    }
}

void phys_region_move(PhysMem *pm, MemRegion *r, uint64_t base)
{
    if (r->base != base) {
        r->base = base;
        phys_map_changed(pm);
    }
}

void phys_set_a20(PhysMem *pm, bool enabled)
{
    uint64_t mask = enabled ? ~0ull : ~(1ull << 20);
    if (pm->a20_mask != mask) {
        pm->a20_mask = mask;
        phys_map_changed(pm);
    }
}

/* The region decoding addr: the enabled one of highest priority (the later
 * one of equal priority). */
static MemRegion *lookup_scan(PhysMem *pm, uint64_t addr)
{
    MemRegion *best = NULL;
    for (int i = 0; i < pm->nregions; i++) {
        MemRegion *r = &pm->regions[i];
        if (r->enabled && addr - r->base < r->size && (!best || r->priority >= best->priority))
            best = r;
    }
    return best;
}

/* End of a region, saturated at 2^64 - 1 (a region ending at 2^64 is fine). */
static uint64_t region_last(const MemRegion *r)
{
    return r->base + (r->size - 1);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void phys_flatten(PhysMem *pm, FlatRangeFn fn, void *opaque)
{
    /* Every region start and (end + 1) is a boundary; between two consecutive
     * boundaries one region (or none) decodes everything. */
    uint64_t b[2 * PHYS_MAX_REGIONS];
    int nb = 0;
    for (int i = 0; i < pm->nregions; i++) {
        MemRegion *r = &pm->regions[i];
        if (!r->enabled || !r->size)
            continue;
        b[nb++] = r->base;
        if (region_last(r) != UINT64_MAX)
            b[nb++] = region_last(r) + 1;
    }
    qsort(b, (size_t)nb, sizeof b[0], cmp_u64);
    MemRegion *cur = NULL;
    uint64_t cur_start = 0, cur_off = 0;
    for (int i = 0; i < nb; i++) {
        if (i && b[i] == b[i - 1])
            continue;
        MemRegion *r = lookup_scan(pm, b[i]);
        /* A range continues while the same region decodes contiguously. */
        if (r == cur && r)
            continue;
        if (cur)
            fn(opaque, cur_start, b[i] - cur_start, cur, cur_off);
        cur = r;
        cur_start = b[i];
        cur_off = r ? b[i] - r->base : 0;
    }
    if (cur)   /* the last range ends at 2^64 */
        fn(opaque, cur_start, 0 - cur_start, cur, cur_off);
}

static void flat_add(void *opaque, uint64_t start, uint64_t size, MemRegion *r, uint64_t off)
{
    (void)off;
    PhysMem *pm = opaque;
    pm->flat[pm->nflat++] = (struct PhysFlat){ start, start + (size - 1), r };
}

static void flat_build(PhysMem *pm)
{
    pm->nflat = 0;
    pm->flat_hint = 0;
    phys_flatten(pm, flat_add, pm);
    pm->direct_lo = pm->direct_len = 0;
    pm->direct_host = NULL;
    for (int i = 0; i < pm->nflat; i++) {
        const struct PhysFlat *f = &pm->flat[i];
        if (f->start <= 0x100000 && f->last >= 0x100000 && f->r->kind == REGION_RAM &&
            pm->a20_mask == ~0ull) {
            pm->direct_lo = f->start;
            pm->direct_len = f->last - f->start + 1;
            pm->direct_host = f->r->host + (f->start - f->r->base);
        }
    }
    pm->flat_valid = true;
}

MemRegion *phys_lookup(PhysMem *pm, uint64_t addr)
{
    if (__builtin_expect(!pm->flat_valid, 0))
        flat_build(pm);
    const struct PhysFlat *f = &pm->flat[pm->flat_hint];
    if (pm->nflat && addr >= f->start && addr <= f->last)
        return f->r;
    int lo = 0, hi = pm->nflat - 1;   /* ranges are sorted and disjoint */
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        f = &pm->flat[mid];
        if (addr < f->start)
            hi = mid - 1;
        else if (addr > f->last)
            lo = mid + 1;
        else {
            pm->flat_hint = mid;
            return f->r;
        }
    }
    return NULL;
}

uint8_t *phys_host_ptr(PhysMem *pm, uint64_t addr, uint64_t len, bool write)
{
    MemRegion *r = phys_lookup(pm, addr);
    if (!r || r->kind == REGION_MMIO || (write && r->kind != REGION_RAM))
        return NULL;
    uint64_t off = addr - r->base;
    if (len > r->size - off)
        return NULL;
    /* A higher-priority region could start inside the range: check its end too. */
    if (len > 1 && phys_lookup(pm, addr + len - 1) != r)
        return NULL;
    return r->host + off;
}

uint64_t memops_read(const MemOps *ops, void *opaque, uint64_t offset, unsigned size)
{
    if (size >= ops->min_size && size <= ops->max_size)
        return ops->read(opaque, offset, size);
    if (size < ops->min_size) {
        /* Narrower than the device implements: read the containing unit. */
        unsigned unit = ops->min_size;
        uint64_t aligned = offset & ~(uint64_t)(unit - 1);
        uint64_t v = ops->read(opaque, aligned, unit);
        return (v >> ((offset - aligned) * 8)) & ((1ull << (size * 8)) - 1);
    }
    unsigned unit = ops->max_size;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i += unit)
        v |= ops->read(opaque, offset + i, unit) << (i * 8);
    return v;
}

void memops_write(const MemOps *ops, void *opaque, uint64_t offset, uint64_t value,
                  unsigned size)
{
    if (size >= ops->min_size && size <= ops->max_size) {
        ops->write(opaque, offset, value, size);
        return;
    }
    if (size < ops->min_size) {
        /* Read-modify-write of the containing unit. */
        unsigned unit = ops->min_size;
        uint64_t aligned = offset & ~(uint64_t)(unit - 1);
        unsigned shift = (unsigned)(offset - aligned) * 8;
        uint64_t mask = ((1ull << (size * 8)) - 1) << shift;
        uint64_t v = ops->read(opaque, aligned, unit);
        ops->write(opaque, aligned, (v & ~mask) | ((value << shift) & mask), unit);
        return;
    }
    unsigned unit = ops->max_size;
    for (unsigned i = 0; i < size; i += unit)
        ops->write(opaque, offset + i, value >> (i * 8), unit);
}

static uint64_t load_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, p, size); /* little-endian host */
    return v;
}

uint64_t phys_read(PhysMem *pm, uint64_t addr, unsigned size)
{
    addr &= pm->a20_mask;
    MemRegion *r = phys_lookup(pm, addr);
    if (r && addr - r->base <= r->size - size) {
        if (r->kind != REGION_MMIO)
            return load_le(r->host + (addr - r->base), size);
        return memops_read(r->ops, r->opaque, addr - r->base, size);
    }
    if (r) {
        /* Straddles a region boundary: bytewise. */
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= phys_read(pm, addr + i, 1) << (8 * i);
        return v;
    }
    guest_error("phys: read of unassigned address 0x%llx size %u\n", (unsigned long long)addr, size);
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

void phys_write(PhysMem *pm, uint64_t addr, uint64_t value, unsigned size)
{
    addr &= pm->a20_mask;
    MemRegion *r = phys_lookup(pm, addr);
    if (r && addr - r->base <= r->size - size) {
        if (r->kind == REGION_RAM) {
            memcpy(r->host + (addr - r->base), &value, size);
            notify_write(pm, addr, size);
        }
        else if (r->kind == REGION_MMIO)
            memops_write(r->ops, r->opaque, addr - r->base, value, size);
        return;
    }
    if (r) {
        for (unsigned i = 0; i < size; i++)
            phys_write(pm, addr + i, value >> (8 * i), 1);
        return;
    }
    guest_error("phys: write to unassigned address 0x%llx size %u\n", (unsigned long long)addr, size);
}

void phys_rw(PhysMem *pm, uint64_t addr, void *buf, uint64_t len, bool write)
{
    uint8_t *b = buf;
    while (len) {
        uint64_t chunk = 4096 - (addr & 4095);
        if (chunk > len)
            chunk = len;
        uint8_t *host = phys_host_ptr(pm, addr & pm->a20_mask, chunk, write);
        if (host) {
            if (write) {
                memcpy(host, b, chunk);
                notify_write(pm, addr & pm->a20_mask, chunk);
            } else {
                memcpy(b, host, chunk);
            }
        } else {
            for (uint64_t i = 0; i < chunk; i++) {
                if (write)
                    phys_write(pm, addr + i, b[i], 1);
                else
                    b[i] = (uint8_t)phys_read(pm, addr + i, 1);
            }
        }
        addr += chunk;
        b += chunk;
        len -= chunk;
    }
}
