/* Intel 82441FX PMC, host bridge 00:00.0: PAM shadowing and SMRAM control (see
 * i440fx.h).  Datasheet: Intel 440FX PCIset 82441FX PMC / 82442FX DBX (290549),
 * configuration registers. */
#include "hw/i440fx.h"

#include <stdlib.h>
#include <string.h>

#include "system/log.h"

#define SMRAM_BASE 0xa0000
#define SMRAM_SIZE 0x20000
#define SMRAM_LOCKED_BITS (SMRAM_D_OPEN | SMRAM_D_LCK | SMRAM_G_SMRAME)

static const PciReg i440fx_regs[] = {
    /* PCICMD: SERR# and parity error enables; memory access and bus master
     * always enabled (read-only 1). */
    { PCI_COMMAND, 2, 0x0006, 0x0140, 0 },
    /* PCISTS: fast back-to-back capable, DEVSEL# medium; error bits R/WC. */
    { PCI_STATUS, 2, 0x0280, 0, 0xf900 },
    { PCI_LATENCY_TIMER, 1, 0x00, 0xf8, 0 },    /* MLT: bits 2:0 read 0 */
    { 0x50, 2, 0x0000, 0xffff, 0 },             /* PMCCFG */
    { 0x52, 1, 0x80, 0xff, 0 },                 /* DETURBO */
    { 0x53, 1, 0x80, 0xff, 0 },                 /* DBC */
    { 0x54, 1, 0x00, 0xff, 0 },                 /* AXC */
    { 0x55, 2, 0x0000, 0xffff, 0 },             /* DRAMR */
    { 0x57, 1, 0x01, 0xff, 0 },                 /* DRAMC */
    { 0x58, 1, 0x10, 0xff, 0 },                 /* DRAMT */
    { I440FX_PAM0, 1, 0x00, 0x30, 0 },          /* PAM0: F segment in 5:4, 3:0 reserved */
    { 0x5a, 4, 0x00000000, 0x33333333, 0 },     /* PAM1-PAM4: RE/WE per 16 KiB */
    { 0x5e, 2, 0x0000, 0x3333, 0 },             /* PAM5-PAM6 */
    { 0x60, 4, 0x02020202, 0xffffffff, 0 },     /* DRB0-DRB3 (8 MiB units) */
    { 0x64, 4, 0x02020202, 0xffffffff, 0 },     /* DRB4-DRB7 */
    { 0x68, 1, 0x00, 0xc0, 0 },                 /* FDHC: memory hole enable */
    { 0x70, 1, 0x20, 0xf8, 0 },                 /* MTT */
    { 0x71, 1, 0x10, 0xf8, 0 },                 /* CLT */
    { I440FX_SMRAM, 1, SMRAM_C_BASE_SEG, 0x78, 0 },
    { 0x90, 1, 0x00, 0xff, 0 },                 /* ERRCMD */
    { 0x91, 1, 0x00, 0, 0xff },                 /* ERRSTS: R/WC */
};

static I440fx *from_pci(PciDevice *d)
{
    return (I440fx *)((char *)d - offsetof(I440fx, pci));
}

int i440fx_pam_mode(const I440fx *s, int p)
{
    if (p == 0)
        return (s->pci.config[I440FX_PAM0] >> 4) & 3;
    uint8_t reg = s->pci.config[I440FX_PAM0 + 1 + (p - 1) / 2];
    return (reg >> (((p - 1) & 1) * 4)) & 3;
}

static bool in_rom(const MemRegion *rom, uint64_t addr)
{
    return rom && addr - rom->base < rom->size;
}

/* The PCI side of a piece: the ROM where there is one, else nobody (all ones);
 * in write-only mode, writes go to DRAM. */
static uint64_t pam_pci_read(void *opaque, uint64_t off, unsigned size)
{
    PamPiece *pc = opaque;
    const MemRegion *rom = pc->s->isa_rom;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t addr = pc->base + off + i;
        uint64_t byte = in_rom(rom, addr) ? rom->host[addr - rom->base] : 0xff;
        v |= byte << (8 * i);
    }
    return v;
}

static void pam_pci_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    PamPiece *pc = opaque;
    I440fx *s = pc->s;
    if (i440fx_pam_mode(s, (int)(pc - s->piece)) == PAM_WO) {
        memcpy(s->m->mem.ram + pc->base + off, &val, size);
        return;
    }
    guest_error("i440fx: write of 0x%llx to 0x%llx: PAM sends it to PCI, dropped\n",
                (unsigned long long)val, (unsigned long long)(pc->base + off));
}

static const MemOps pam_pci_ops = { pam_pci_read, pam_pci_write, 1, 8 };

/* The PCI side of 0xA0000-0xBFFFF while SMRAM is closed: a master abort unless
 * a VGA device covers it. */
static uint64_t hole_read(void *opaque, uint64_t off, unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static void hole_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
}

static const MemOps hole_ops = { hole_read, hole_write, 1, 8 };

static void update_map(I440fx *s)
{
    PhysMem *pm = &s->m->mem;
    for (int p = 0; p < I440FX_NPIECES; p++) {
        PamPiece *pc = &s->piece[p];
        int mode = i440fx_pam_mode(s, p);
        if (pc->ram)
            phys_region_enable(pm, pc->ram, mode == PAM_RW);
        phys_region_enable(pm, pc->rom, mode == PAM_RO);
        phys_region_enable(pm, pc->pci, mode == PAM_WO || (mode == PAM_PCI && !pc->rom_covers));
    }
    uint8_t smram = s->pci.config[I440FX_SMRAM];
    phys_region_enable(pm, s->smram_open,
                       (smram & SMRAM_G_SMRAME) && (smram & SMRAM_D_OPEN));
}

static void i440fx_config_write(PciDevice *d, unsigned addr, uint32_t val, unsigned size)
{
    I440fx *s = from_pci(d);
    uint8_t old = d->config[I440FX_SMRAM];
    pci_default_config_write(d, addr, val, size);
    if (addr <= I440FX_SMRAM && I440FX_SMRAM < addr + size) {
        uint8_t v = d->config[I440FX_SMRAM];
        if (old & SMRAM_D_LCK) {
            if ((v ^ old) & SMRAM_LOCKED_BITS)
                guest_error("i440fx: SMRAM write 0x%02x while D_LCK is set: D_OPEN, D_LCK and "
                            "G_SMRAME stay\n", v);
            v = (uint8_t)((v & ~SMRAM_LOCKED_BITS) | (old & SMRAM_LOCKED_BITS));
        } else if (v & SMRAM_D_LCK) {
            v &= (uint8_t)~SMRAM_D_OPEN;        /* locking closes SMRAM */
        }
        if ((v & SMRAM_D_OPEN) && (v & SMRAM_D_CLS))
            guest_error("i440fx: SMRAM D_OPEN and D_CLS both set\n");
        d->config[I440FX_SMRAM] = v;
    }
    update_map(s);
}

void i440fx_reset(void *opaque)
{
    I440fx *s = opaque;
    pci_device_reset(&s->pci);
    update_map(s);
}

static int i440fx_post_load(void *opaque)
{
    I440fx *s = opaque;
    if (pci_device_post_load(&s->pci) < 0)
        return -1;
    uint8_t smram = s->pci.config[I440FX_SMRAM];
    if ((smram & SMRAM_D_LCK) && (smram & SMRAM_D_OPEN))
        return -1;
    update_map(s);
    return 0;
}

static const StateField i440fx_fields[] = {
    PCI_DEVICE_STATE(I440fx, pci),
    STATE_END
};

static const StateDesc i440fx_state = { "i440fx", 1, i440fx_fields, i440fx_post_load };

static const char *const piece_names[I440FX_NPIECES][3] = {
#define PIECE(n) { "pam-ram-" n, "pam-rom-" n, "pam-pci-" n }
    PIECE("f0000"), PIECE("c0000"), PIECE("c4000"), PIECE("c8000"), PIECE("cc000"),
    PIECE("d0000"), PIECE("d4000"), PIECE("d8000"), PIECE("dc000"), PIECE("e0000"),
    PIECE("e4000"), PIECE("e8000"), PIECE("ec000"),
#undef PIECE
};

I440fx *i440fx_create(Machine *m, PciBus *bus)
{
    PhysMem *pm = &m->mem;
    if (!pm->ram || pm->ram_below_4g < (1 << 20)) {
        fprintf(stderr, "tandem: i440fx needs at least 1 MiB of RAM\n");
        abort();
    }
    I440fx *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    pci_device_init(&s->pci, bus, PCI_DEVFN(0, 0), "i440fx", 0x8086, 0x1237, 0x02, 0x060000, 0);
    pci_init_regs(&s->pci, i440fx_regs, sizeof i440fx_regs / sizeof i440fx_regs[0]);
    s->pci.config_write = i440fx_config_write;
    pci_device_realize(&s->pci);

    MemRegion *below = phys_lookup(pm, 0xfffff);
    s->isa_rom = below && below->kind == REGION_ROM ? below : NULL;
    for (int p = 0; p < I440FX_NPIECES; p++) {
        PamPiece *pc = &s->piece[p];
        pc->s = s;
        pc->base = p == 0 ? 0xf0000 : 0xc0000 + (uint64_t)(p - 1) * 0x4000;
        pc->size = p == 0 ? 0x10000 : 0x4000;
        const MemRegion *rom = s->isa_rom;
        bool overlaps = rom && rom->base < pc->base + pc->size && pc->base < rom->base + rom->size;
        pc->rom_covers = rom && rom->base <= pc->base && pc->base + pc->size <= rom->base + rom->size;
        if (overlaps)
            pc->ram = phys_add_ram(pm, piece_names[p][0], pc->base, pc->size, pm->ram + pc->base,
                                   PCI_PRIO_LEGACY);
        pc->rom = phys_add_rom(pm, piece_names[p][1], pc->base, pc->size, pm->ram + pc->base,
                               PCI_PRIO_LEGACY);
        pc->pci = phys_add_mmio(pm, piece_names[p][2], pc->base, pc->size, &pam_pci_ops, pc,
                                PCI_PRIO_LEGACY);
    }
    s->smram_hole = phys_add_mmio(pm, "pci-vga-hole", SMRAM_BASE, SMRAM_SIZE, &hole_ops, s,
                                  PCI_PRIO_HOLE);
    s->smram_open = phys_add_ram(pm, "smram", SMRAM_BASE, SMRAM_SIZE, pm->ram + SMRAM_BASE,
                                 PCI_PRIO_SMRAM);
    i440fx_reset(s);
    machine_add_device(m, "i440fx", &i440fx_state, s, i440fx_reset, free);
    return s;
}
