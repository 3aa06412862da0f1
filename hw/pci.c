/* PCI bus 0, configuration mechanism #1, BAR windows and INTx routing (see
 * pci.h).  Reference: PCI Local Bus Specification 2.1, 3.2.2.3.2 (CONFADD /
 * CONFDATA), 6.1-6.2 (configuration header), 6.2.5 (base addresses); 82441FX
 * datasheet (CONFADD reserved bits read 0, only dword accesses reach it). */
#include "hw/pci.h"

#include <stdlib.h>
#include <string.h>

#include "system/log.h"

#define CONFADD_ENABLE 0x80000000u
#define CONFADD_MASK 0x80fffffcu   /* 30:24 and 1:0 are reserved: read 0 */

static uint32_t all_ones(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static bool overlaps(unsigned addr, unsigned size, unsigned reg, unsigned len)
{
    return addr < reg + len && reg < addr + size;
}

static unsigned bar_offset(int i)
{
    return i == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * (unsigned)i;
}

PciDevice *pci_find(PciBus *b, unsigned devfn)
{
    return devfn < 256 ? b->devs[devfn] : NULL;
}

/* ---- configuration space ---- */

uint32_t pci_config_read(PciBus *b, unsigned bus, unsigned devfn, unsigned addr, unsigned size)
{
    PciDevice *d = bus == 0 ? pci_find(b, devfn) : NULL;
    if (!d || addr + size > PCI_CONFIG_SIZE)
        return all_ones(size);          /* master abort */
    if (d->config_read)
        return d->config_read(d, addr, size);
    return pci_get(d->config, addr, size);
}

void pci_config_write(PciBus *b, unsigned bus, unsigned devfn, unsigned addr, uint32_t val,
                      unsigned size)
{
    PciDevice *d = bus == 0 ? pci_find(b, devfn) : NULL;
    if (!d || addr + size > PCI_CONFIG_SIZE)
        return;
    if (d->config_write)
        d->config_write(d, addr, val, size);
    else
        pci_default_config_write(d, addr, val, size);
}

static bool intx_asserted(const PciDevice *d)
{
    return d->irq_level && !(pci_get(d->config, PCI_COMMAND, 2) & PCI_CMD_INTX_DISABLE);
}

static int irq_input(const PciDevice *d)
{
    unsigned pin = d->config[PCI_INTERRUPT_PIN];
    if (pin < 1 || pin > 4 || !d->bus->map_irq)
        return -1;
    return d->bus->map_irq(d->bus->irq_opaque, d->devfn, (int)pin - 1);
}

int pci_bus_irq_level(PciBus *b, int n)
{
    for (int i = 0; i < 256; i++) {
        PciDevice *d = b->devs[i];
        if (d && intx_asserted(d) && irq_input(d) == n)
            return 1;
    }
    return 0;
}

static void update_irq(PciDevice *d)
{
    /* PCI 2.3 interrupt status, for functions with the Interrupt Disable bit. */
    if (d->wmask[PCI_COMMAND + 1] & (PCI_CMD_INTX_DISABLE >> 8)) {
        if (d->irq_level)
            d->config[PCI_STATUS] |= PCI_STS_INTX;
        else
            d->config[PCI_STATUS] &= (uint8_t)~PCI_STS_INTX;
    }
    int n = irq_input(d);
    if (n >= 0 && d->bus->set_irq)
        d->bus->set_irq(d->bus->irq_opaque, n, pci_bus_irq_level(d->bus, n));
}

void pci_set_irq(PciDevice *d, int level)
{
    level = level != 0;
    if (d->irq_level == level)
        return;
    d->irq_level = (uint8_t)level;
    update_irq(d);
}

void pci_default_config_write(PciDevice *d, unsigned addr, uint32_t val, unsigned size)
{
    if (addr + size > PCI_CONFIG_SIZE)
        return;
    uint16_t old_cmd = (uint16_t)pci_get(d->config, PCI_COMMAND, 2);
    for (unsigned i = 0; i < size; i++) {
        unsigned a = addr + i;
        uint8_t v = (uint8_t)(val >> (8 * i));
        d->config[a] = (uint8_t)((d->config[a] & ~d->wmask[a]) | (v & d->wmask[a]));
        d->config[a] &= (uint8_t)~(v & d->w1cmask[a]);
    }
    if (overlaps(addr, size, PCI_COMMAND, 2) ||
        overlaps(addr, size, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS) ||
        overlaps(addr, size, PCI_ROM_ADDRESS, 4))
        pci_update_mappings(d);
    if ((old_cmd ^ pci_get(d->config, PCI_COMMAND, 2)) & PCI_CMD_INTX_DISABLE)
        update_irq(d);
}

/* ---- I/O windows ---- */

void pci_io_range_init(PciBus *b, PciIoRange *r, uint32_t size, const MemOps *ops, void *opaque,
                       const char *name)
{
    if (b->nio_ranges >= PCI_MAX_IO_RANGES || !size || size > 65536) {
        fprintf(stderr, "tandem: pci: cannot add I/O window %s\n", name);
        abort();
    }
    *r = (PciIoRange){ ops, opaque, name, size, false, 0 };
    b->io_ranges[b->nio_ranges++] = r;
}

void pci_io_range_set(PciBus *b, PciIoRange *r, bool enabled, uint32_t base)
{
    IoSpace *io = &b->m->io;
    if (enabled && (base >= 0x10000 || r->size > 0x10000 - base))
        enabled = false;                /* beyond the x86 I/O space: nothing to decode */
    bool released = false;
    if (r->mapped && (!enabled || r->base != base)) {
        io_unmap_owner(io, r->base, r->size, r->ops, r->opaque);
        r->mapped = false;
        released = true;
    }
    if (enabled && !r->mapped) {
        r->base = (uint16_t)base;
        r->mapped = true;
        if (io_map_unclaimed(io, r->base, r->size, r->ops, r->opaque, r->name) < r->size)
            guest_error("pci: %s at 0x%04x overlaps ports another device decodes; "
                        "those stay with it\n", r->name, r->base);
    }
    /* Windows that lost ports to this one get them back. */
    if (released)
        for (int i = 0; i < b->nio_ranges; i++) {
            PciIoRange *q = b->io_ranges[i];
            if (q->mapped)
                io_map_unclaimed(io, q->base, q->size, q->ops, q->opaque, q->name);
        }
}

/* ---- BARs ---- */

static uint64_t bar_address(const PciDevice *d, int i)
{
    const PciBar *bar = &d->bar[i];
    unsigned off = bar_offset(i);
    uint64_t v = pci_get(d->config, off, 4);
    if (bar->is64)
        v |= (uint64_t)pci_get(d->config, off + 4, 4) << 32;
    return v & ~(bar->size - 1);
}

void pci_update_mappings(PciDevice *d)
{
    uint16_t cmd = (uint16_t)pci_get(d->config, PCI_COMMAND, 2);
    PhysMem *pm = &d->bus->m->mem;
    for (int i = 0; i <= PCI_ROM_SLOT; i++) {
        PciBar *bar = &d->bar[i];
        uint64_t addr = bar_address(d, i);
        switch (bar->kind) {
        case PCI_BAR_IO:
            pci_io_range_set(d->bus, &bar->io, (cmd & PCI_CMD_IO) && addr < 0x10000, (uint32_t)addr);
            break;
        case PCI_BAR_MEM:
        case PCI_BAR_ROM: {
            bool on = (cmd & PCI_CMD_MEMORY) &&
                      (bar->kind != PCI_BAR_ROM || (d->config[PCI_ROM_ADDRESS] & PCI_ROM_ENABLE));
            if (!on)
                phys_region_enable(pm, bar->region, false);
            phys_region_move(pm, bar->region, addr);
            if (on)
                phys_region_enable(pm, bar->region, true);
            break;
        }
        default:
            break;
        }
    }
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static void bar_check(PciDevice *d, int bar, bool ok)
{
    if (!ok || bar < 0 || bar > PCI_ROM_SLOT || d->bar[bar].kind != PCI_BAR_NONE) {
        fprintf(stderr, "tandem: pci: %s: bad BAR %d registration\n", d->name, bar);
        abort();
    }
}

static void set_mask32(uint8_t *mask, unsigned off, uint32_t v)
{
    pci_set(mask, off, v, 4);
}

void pci_register_bar_io(PciDevice *d, int bar, uint32_t size, const MemOps *ops, void *opaque,
                         const char *name)
{
    bar_check(d, bar, bar < PCI_NUM_BARS && is_pow2(size) && size >= 4 && size <= 256);
    PciBar *b = &d->bar[bar];
    b->kind = PCI_BAR_IO;
    b->size = size;
    pci_io_range_init(d->bus, &b->io, size, ops, opaque, name);
    unsigned off = bar_offset(bar);
    pci_set(d->config, off, PCI_BAR_SPACE_IO, 4);
    set_mask32(d->wmask, off, ~(size - 1) & ~3u);
}

void pci_register_bar_mem(PciDevice *d, int bar, uint64_t size, bool is64, bool prefetch,
                          const MemOps *ops, void *opaque, uint8_t *host, const char *name)
{
    bar_check(d, bar, bar < PCI_NUM_BARS - (is64 ? 1 : 0) && is_pow2(size) && size >= 16 &&
                      (is64 || size <= (1ull << 31)) && (!ops != !host) &&
                      (!is64 || d->bar[bar + 1].kind == PCI_BAR_NONE));
    PciBar *b = &d->bar[bar];
    PhysMem *pm = &d->bus->m->mem;
    b->kind = PCI_BAR_MEM;
    b->size = size;
    b->is64 = is64;
    b->region = ops ? phys_add_mmio(pm, name, 0, size, ops, opaque, PCI_PRIO_BAR)
                    : phys_add_ram(pm, name, 0, size, host, PCI_PRIO_BAR);
    phys_region_enable(pm, b->region, false);
    unsigned off = bar_offset(bar);
    pci_set(d->config, off, (is64 ? PCI_BAR_MEM_64 : 0) | (prefetch ? PCI_BAR_MEM_PREFETCH : 0), 4);
    set_mask32(d->wmask, off, (uint32_t)~(size - 1) & ~0xfu);
    if (is64) {
        d->bar[bar + 1].kind = PCI_BAR_NONE;   /* the upper half belongs to bar */
        set_mask32(d->wmask, off + 4, (uint32_t)(~(size - 1) >> 32));
    }
}

void pci_register_rom(PciDevice *d, uint64_t size, uint8_t *host, const char *name)
{
    bar_check(d, PCI_ROM_SLOT, is_pow2(size) && size >= 2048 && size <= (1ull << 24) && host);
    PciBar *b = &d->bar[PCI_ROM_SLOT];
    PhysMem *pm = &d->bus->m->mem;
    b->kind = PCI_BAR_ROM;
    b->size = size;
    b->region = phys_add_rom(pm, name, 0, size, host, PCI_PRIO_BAR);
    phys_region_enable(pm, b->region, false);
    set_mask32(d->wmask, PCI_ROM_ADDRESS, ((uint32_t)~(size - 1) & ~0x7ffu) | PCI_ROM_ENABLE);
}

/* ---- functions ---- */

void pci_device_init(PciDevice *d, PciBus *b, unsigned devfn, const char *name,
                     uint16_t vendor, uint16_t device, uint8_t revision, uint32_t class_code,
                     uint8_t header_type)
{
    if (devfn > 255 || b->devs[devfn]) {
        fprintf(stderr, "tandem: pci: slot %02x.%x for %s is taken\n", devfn >> 3, devfn & 7, name);
        abort();
    }
    memset(d, 0, sizeof *d);
    d->bus = b;
    d->name = name;
    d->devfn = (uint8_t)devfn;
    pci_set(d->config, PCI_VENDOR_ID, vendor, 2);
    pci_set(d->config, PCI_DEVICE_ID, device, 2);
    d->config[PCI_REVISION_ID] = revision;
    pci_set(d->config, PCI_CLASS_PROG, class_code, 3);
    d->config[PCI_HEADER_TYPE] = header_type;
    b->devs[devfn] = d;
}

void pci_init_regs(PciDevice *d, const PciReg *regs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const PciReg *r = &regs[i];
        if (r->addr + r->size > PCI_CONFIG_SIZE || (r->wmask & r->w1c)) {
            fprintf(stderr, "tandem: pci: %s: bad register 0x%02x\n", d->name, r->addr);
            abort();
        }
        pci_set(d->config, r->addr, r->reset, r->size);
        pci_set(d->wmask, r->addr, r->wmask, r->size);
        pci_set(d->w1cmask, r->addr, r->w1c, r->size);
    }
}

void pci_device_realize(PciDevice *d)
{
    memcpy(d->reset_config, d->config, PCI_CONFIG_SIZE);
}

void pci_device_reset(PciDevice *d)
{
    memcpy(d->config, d->reset_config, PCI_CONFIG_SIZE);
    pci_update_mappings(d);
    d->irq_level = 0;
    update_irq(d);
}

int pci_device_post_load(PciDevice *d)
{
    if (d->irq_level > 1)
        return -1;
    /* The identification and other read-only bytes come from the model, not
     * from the snapshot. */
    for (int i = 0; i < PCI_CONFIG_SIZE; i++) {
        uint8_t ro = (uint8_t)~(d->wmask[i] | d->w1cmask[i]);
        if (i == PCI_STATUS)
            ro &= (uint8_t)~PCI_STS_INTX;       /* follows the INTx# level */
        if ((d->config[i] ^ d->reset_config[i]) & ro)
            return -1;
    }
    pci_update_mappings(d);
    return 0;
}

/* ---- host bridge ports ---- */

static uint64_t cf8_read(void *opaque, uint64_t off, unsigned size)
{
    PciBus *b = opaque;
    if (off == 0 && size == 4)
        return b->confadd;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte = 0xff;
        if (b->cf8_ops)
            byte = b->cf8_ops->read(b->cf8_opaque, off + i, 1) & 0xff;
        else
            guest_error("pci: %u-byte read of port 0x%04x: not CONFADD, nothing decodes it\n",
                        size, (unsigned)(0xcf8 + off));
        v |= byte << (8 * i);
    }
    return v;
}

static void cf8_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    PciBus *b = opaque;
    if (off == 0 && size == 4) {
        b->confadd = (uint32_t)val & CONFADD_MASK;
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        if (b->cf8_ops)
            b->cf8_ops->write(b->cf8_opaque, off + i, (val >> (8 * i)) & 0xff, 1);
        else
            guest_error("pci: %u-byte write to port 0x%04x: not CONFADD, nothing decodes it\n",
                        size, (unsigned)(0xcf8 + off));
    }
}

static uint64_t cfc_read(void *opaque, uint64_t off, unsigned size)
{
    PciBus *b = opaque;
    uint32_t ca = b->confadd;
    if (!(ca & CONFADD_ENABLE)) {
        guest_error("pci: read of 0x%04x with CONFADD disabled\n", (unsigned)(0xcfc + off));
        return all_ones(size);
    }
    return pci_config_read(b, (ca >> 16) & 0xff, (ca >> 8) & 0xff, (ca & 0xfc) + (unsigned)off, size);
}

static void cfc_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    PciBus *b = opaque;
    uint32_t ca = b->confadd;
    if (!(ca & CONFADD_ENABLE)) {
        guest_error("pci: write to 0x%04x with CONFADD disabled\n", (unsigned)(0xcfc + off));
        return;
    }
    pci_config_write(b, (ca >> 16) & 0xff, (ca >> 8) & 0xff, (ca & 0xfc) + (unsigned)off,
                     (uint32_t)val, size);
}

static const MemOps cf8_ops = { cf8_read, cf8_write, 1, 4 };
static const MemOps cfc_ops = { cfc_read, cfc_write, 1, 4 };

static void host_reset(void *opaque)
{
    PciBus *b = opaque;
    b->confadd = 0;
}

static int host_post_load(void *opaque)
{
    PciBus *b = opaque;
    return b->confadd & ~CONFADD_MASK ? -1 : 0;
}

static const StateField host_fields[] = {
    STATE_UINT(PciBus, confadd),
    STATE_END
};

static const StateDesc host_state = { "pci-host", 1, host_fields, host_post_load };

PciBus *pci_bus_create(Machine *m)
{
    PciBus *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    b->m = m;
    io_map(&m->io, 0xcf8, 4, &cf8_ops, b, "pci-confadd");
    io_map(&m->io, 0xcfc, 4, &cfc_ops, b, "pci-confdata");
    machine_add_device(m, "pci-host", &host_state, b, host_reset, free);
    return b;
}

void pci_bus_set_irq_router(PciBus *b, int (*map_irq)(void *, int, int),
                            void (*set_irq)(void *, int, int), void *opaque)
{
    b->map_irq = map_irq;
    b->set_irq = set_irq;
    b->irq_opaque = opaque;
}

void pci_bus_set_cf8_passthrough(PciBus *b, const MemOps *ops, void *opaque)
{
    b->cf8_ops = ops;
    b->cf8_opaque = opaque;
}

void pci_info(PciBus *b, FILE *f)
{
    for (int i = 0; i < 256; i++) {
        PciDevice *d = b->devs[i];
        if (!d)
            continue;
        const uint8_t *c = d->config;
        fprintf(f, "00:%02x.%x %04x:%04x class %02x%02x%02x rev %02x cmd %04x sts %04x %s",
                i >> 3, i & 7, pci_get(c, 0, 2), pci_get(c, 2, 2), c[0x0b], c[0x0a], c[0x09],
                c[PCI_REVISION_ID], pci_get(c, PCI_COMMAND, 2), pci_get(c, PCI_STATUS, 2), d->name);
        if (c[PCI_INTERRUPT_PIN])
            fprintf(f, " INT%c# line %u%s", 'A' + c[PCI_INTERRUPT_PIN] - 1, c[PCI_INTERRUPT_LINE],
                    intx_asserted(d) ? " asserted" : "");
        fputc('\n', f);
        for (int j = 0; j <= PCI_ROM_SLOT; j++) {
            const PciBar *bar = &d->bar[j];
            if (bar->kind == PCI_BAR_IO)
                fprintf(f, "  BAR%d io 0x%04llx size %llu%s\n", j,
                        (unsigned long long)bar_address(d, j), (unsigned long long)bar->size,
                        bar->io.mapped ? "" : " (off)");
            else if (bar->kind != PCI_BAR_NONE)
                fprintf(f, "  %s%d mem 0x%llx size 0x%llx%s\n", j == PCI_ROM_SLOT ? "ROM" : "BAR",
                        j, (unsigned long long)bar_address(d, j), (unsigned long long)bar->size,
                        bar->region->enabled ? "" : " (off)");
        }
    }
}
