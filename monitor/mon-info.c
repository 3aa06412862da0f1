/* `info WHAT`: the machine's state for people.  Device state comes from the
 * devices' own state tables (info dev) or their info functions (info pic). */
#include "monitor/monitor-int.h"

#include <stdlib.h>
#include <string.h>

#include "hw/i8259-pic.h"
#include "hw/pci.h"

static void info_accel(Monitor *mon, FILE *out, int argc, char **argv)
{
    Machine *m = mon->m;
    fprintf(out, "accelerator: %s\n", m->accel_ops->name);
    fprintf(out, "state: %s\n", m->paused ? "stopped" : "running");
    uint64_t n = m->accel_ops->icount(m->accel);
    if (n)
        fprintf(out, "retired instructions: %llu\n", (unsigned long long)n);
    if (m->clock.source == CLOCK_SRC_ICOUNT)
        fprintf(out, "virtual clock: %llu ns (instruction count, shift %u)\n",
                (unsigned long long)clock_ns(&m->clock), m->clock.icount_shift);
    else
        fprintf(out, "virtual clock: %llu ns (host time)\n", (unsigned long long)clock_ns(&m->clock));
    fprintf(out, "breakpoints: %d, single-step: %s\n", mon->nbp, m->accel_ops->set_debug ? "yes" : "no");
}

static void info_pic(Monitor *mon, FILE *out, int argc, char **argv)
{
    Device *d = machine_find_device(mon->m, "i8259");
    if (!d) {
        fprintf(out, "info pic: this machine has no 8259\n");
        return;
    }
    pic_info(d->opaque, out);
}

/* External interrupts per vector, with the 8259 line a vector belongs to. */
static void info_irq(Monitor *mon, FILE *out, int argc, char **argv)
{
    Machine *m = mon->m;
    Device *d = machine_find_device(m, "i8259");
    Pic *pic = d ? d->opaque : NULL;
    fprintf(out, "vector  count       source\n");
    int shown = 0;
    for (int v = 0; v < 256; v++) {
        if (!m->intr_count[v])
            continue;
        fprintf(out, "  0x%02x  %-10llu", v, (unsigned long long)m->intr_count[v]);
        for (int c = 0; pic && c < 2; c++) {
            int base = pic->chip[c].icw2 & 0xf8;
            if (v >= base && v < base + 8)
                fprintf(out, "  IRQ%d (8259 %s IR%d)", c * 8 + v - base, c ? "slave" : "master", v - base);
        }
        fprintf(out, "\n");
        shown++;
    }
    if (!shown)
        fprintf(out, "  (no external interrupts yet)\n");
}

static const char *const region_kinds[] = { "ram", "rom", "mmio" };

static int cmp_region(const void *a, const void *b)
{
    const MemRegion *x = *(MemRegion *const *)a, *y = *(MemRegion *const *)b;
    if (x->base != y->base)
        return x->base < y->base ? -1 : 1;
    return y->priority - x->priority;
}

static void flat_range(void *opaque, uint64_t start, uint64_t size, MemRegion *r, uint64_t off)
{
    fprintf(opaque, "  %016llx-%016llx  %-4s %s\n", (unsigned long long)start,
            (unsigned long long)(start + size - 1), region_kinds[r->kind], r->name);
}

static void info_mtree(Monitor *mon, FILE *out, int argc, char **argv)
{
    PhysMem *pm = &mon->m->mem;
    MemRegion *sorted[PHYS_MAX_REGIONS];
    for (int i = 0; i < pm->nregions; i++)
        sorted[i] = &pm->regions[i];
    qsort(sorted, (size_t)pm->nregions, sizeof sorted[0], cmp_region);
    fprintf(out, "memory regions (higher priority wins):\n");
    for (int i = 0; i < pm->nregions; i++) {
        MemRegion *r = sorted[i];
        fprintf(out, "  %016llx-%016llx  prio %2d %-4s %s%s\n", (unsigned long long)r->base,
                (unsigned long long)(r->base + r->size - 1), r->priority, region_kinds[r->kind], r->name,
                r->enabled ? "" : " [disabled]");
    }
    fprintf(out, "flat view (A20 %s):\n", pm->a20_mask == ~0ull ? "enabled" : "disabled");
    phys_flatten(pm, flat_range, out);
    fprintf(out, "I/O ports:\n");
    IoSpace *io = &mon->m->io;
    for (unsigned p = 0; p < 65536;) {
        unsigned h = io->map[p], q = p + 1;
        while (q < 65536 && io->map[q] == h)
            q++;
        if (h)
            fprintf(out, "  %04x-%04x  %s\n", p, q - 1, io->h[h - 1].name ? io->h[h - 1].name : "?");
        p = q;
    }
}

static const char *pci_class_name(uint32_t cls)
{
    static const struct { uint16_t cls; const char *name; } names[] = {
        { 0x0100, "SCSI controller" }, { 0x0101, "IDE controller" }, { 0x0200, "Ethernet controller" },
        { 0x0300, "VGA controller" }, { 0x0600, "host bridge" }, { 0x0601, "ISA bridge" },
        { 0x0604, "PCI bridge" }, { 0x0680, "bridge" }, { 0x0c03, "USB controller" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].cls == cls >> 8)
            return names[i].name;
    return "device";
}

static uint32_t cfg32(const PciDevice *d, unsigned a)
{
    return (uint32_t)d->config[a] | (uint32_t)d->config[a + 1] << 8 | (uint32_t)d->config[a + 2] << 16 |
           (uint32_t)d->config[a + 3] << 24;
}

static void pci_bar_line(FILE *out, const PciDevice *d, int i)
{
    const PciBar *b = &d->bar[i];
    uint16_t cmd = (uint16_t)(d->config[PCI_COMMAND] | d->config[PCI_COMMAND + 1] << 8);
    unsigned reg = i == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4u * (unsigned)i;
    uint64_t v = cfg32(d, reg);
    bool on;
    if (b->kind == PCI_BAR_IO) {
        v &= ~3ull;
        on = cmd & PCI_CMD_IO;
        fprintf(out, "    BAR%d: I/O at 0x%04llx [0x%04llx]", i, (unsigned long long)v,
                (unsigned long long)(v + b->size - 1));
    } else {
        if (b->is64)
            v |= (uint64_t)cfg32(d, reg + 4) << 32;
        v &= i == PCI_ROM_SLOT ? ~0x7ffull : ~0xfull;
        on = (cmd & PCI_CMD_MEMORY) && (i != PCI_ROM_SLOT || (cfg32(d, reg) & PCI_ROM_ENABLE));
        fprintf(out, "    %s: %s memory at 0x%08llx [0x%08llx]", i == PCI_ROM_SLOT ? "ROM " : "BAR",
                b->is64 ? "64-bit" : "32-bit", (unsigned long long)v, (unsigned long long)(v + b->size - 1));
        if (i != PCI_ROM_SLOT)
            fprintf(out, " (BAR%d)", i);
    }
    fprintf(out, "%s\n", on ? "" : " (decoding off)");
}

static void info_pci(Monitor *mon, FILE *out, int argc, char **argv)
{
    Device *host = machine_find_device(mon->m, "pci-host");
    if (!host) {
        fprintf(out, "info pci: this machine has no PCI bus\n");
        return;
    }
    PciBus *bus = host->opaque;
    for (int devfn = 0; devfn < 256; devfn++) {
        const PciDevice *d = bus->devs[devfn];
        if (!d)
            continue;
        uint32_t cls = cfg32(d, PCI_REVISION_ID) >> 8;
        fprintf(out, "  Bus 0, device %2d, function %d: %s (%s)\n", devfn >> 3, devfn & 7,
                pci_class_name(cls), d->name ? d->name : "?");
        fprintf(out, "    ID %04x:%04x, class %06x, revision %02x, command %04x, status %04x\n",
                cfg32(d, PCI_VENDOR_ID) & 0xffff, cfg32(d, PCI_VENDOR_ID) >> 16, cls,
                d->config[PCI_REVISION_ID], cfg32(d, PCI_COMMAND) & 0xffff, cfg32(d, PCI_COMMAND) >> 16);
        uint8_t pin = d->config[PCI_INTERRUPT_PIN];
        if (pin)
            fprintf(out, "    IRQ pin INT%c, line %u\n", 'A' + (pin - 1) % 4, d->config[PCI_INTERRUPT_LINE]);
        for (int i = 0; i <= PCI_NUM_BARS; i++)
            if (d->bar[i].kind != PCI_BAR_NONE)
                pci_bar_line(out, d, i);
    }
}

static void info_dev(Monitor *mon, FILE *out, int argc, char **argv)
{
    Machine *m = mon->m;
    if (argc < 2) {
        fprintf(out, "devices (info dev NAME dumps one; 'cpu' is the CPU):\n");
        for (int i = 0; i < m->ndevices; i++)
            fprintf(out, "  %s%s\n", m->devices[i].name, m->devices[i].state ? "" : " (no state)");
        return;
    }
    if (!strcmp(argv[1], "cpu")) {
        CpuState s;
        mon_cpu_state(mon, &s);
        state_dump(&cpu_state_desc, &s, out);
        return;
    }
    Device *d = machine_find_device(m, argv[1]);
    if (!d) {
        fprintf(out, "info dev: no device '%s' (info dev lists them)\n", argv[1]);
        return;
    }
    if (!d->state) {
        fprintf(out, "info dev: %s has no state\n", argv[1]);
        return;
    }
    state_dump(d->state, d->opaque, out);
}

/* info lapic, info ioapic: the device of that name, as info dev NAME. */
static void info_dev_named(Monitor *mon, FILE *out, int argc, char **argv)
{
    char *args[] = { "dev", argv[0], NULL };
    info_dev(mon, out, 2, args);
}

static void info_breakpoints(Monitor *mon, FILE *out, int argc, char **argv)
{
    if (!mon->nbp)
        fprintf(out, "no breakpoints\n");
    for (int i = 0; i < mon->nbp; i++)
        fprintf(out, "%d: 0x%llx\n", i + 1, (unsigned long long)mon->bp[i]);
}

const MonCmd mon_info_cmds[] = {
    { "registers", "[-a]", "CPU registers (-a: with x87/SSE)", mon_info_registers },
    { "fpu", "", "x87, MXCSR and XMM registers", mon_info_fpu },
    { "accel", "", "the CPU backend and the clock", info_accel },
    { "pic", "", "the 8259 pair: IRR/ISR/IMR, trigger modes, vectors", info_pic },
    { "irq", "", "external interrupts taken per vector since start", info_irq },
    { "mtree", "", "memory regions, the flat memory map, the I/O port map", info_mtree },
    { "pci", "", "PCI bus 0: IDs, class, BARs, interrupt pin and line", info_pci },
    { "dev", "[NAME]", "a device's state table (no NAME: the devices)", info_dev },
    { "lapic", "", "the local APIC's state table", info_dev_named },
    { "ioapic", "", "the I/O APIC's state table", info_dev_named },
    { "breakpoints", "", "the breakpoints", info_breakpoints },
    { NULL, NULL, NULL, NULL },
};
