/* PCI VGA 1234:1111 (see pci-vga.h). */
#include "hw/pci-vga.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const StateField pci_vga_fields[] = {
    PCI_DEVICE_STATE(PciVga, pci),
    STATE_END
};

static int pci_vga_post_load(void *opaque)
{
    PciVga *s = opaque;
    return pci_device_post_load(&s->pci);
}

static const StateDesc pci_vga_state = { "pci-vga", 1, pci_vga_fields, pci_vga_post_load };

static void pci_vga_reset(void *opaque)
{
    PciVga *s = opaque;
    pci_device_reset(&s->pci);
}

static void pci_vga_destroy(void *opaque)
{
    PciVga *s = opaque;
    free(s->rom);
    free(s);
}

/* Reads the option ROM, padded with zeros to the power of two the ROM BAR
 * decodes. */
static int load_rom(PciVga *s, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "tandem: cannot open VGA BIOS '%s': %s\n", path, strerror(errno));
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (len < 512 || len > (1 << 20)) {
        fprintf(stderr, "tandem: VGA BIOS '%s' has size %ld: must be 512 bytes to 1 MiB\n", path, len);
        fclose(f);
        return -1;
    }
    size_t size = 2048;
    while (size < (size_t)len)
        size *= 2;
    s->rom = calloc(1, size);
    s->rom_size = size;
    bool ok = s->rom && fread(s->rom, 1, (size_t)len, f) == (size_t)len;
    fclose(f);
    if (!ok || s->rom[0] != 0x55 || s->rom[1] != 0xaa) {
        fprintf(stderr, "tandem: VGA BIOS '%s' is not an option ROM (no 55 AA signature)\n", path);
        return -1;
    }
    return 0;
}

int pci_vga_post(Machine *m)
{
    Device *d = machine_find_device(m, "pci-vga");
    if (!d)
        return -1;
    PciVga *s = d->opaque;
    const uint8_t *font = vga_rom_font16(s->rom, s->rom_size);
    vga_post_text_mode(s->vga, font);
    return font ? 0 : -1;
}

static const PciReg pci_vga_regs[] = {
    { PCI_COMMAND, 2, 0x0000, 0x0003, 0 },       /* I/O and memory decode */
    { PCI_STATUS, 2, 0x0000, 0, 0 },
    { PCI_SUBSYSTEM_VENDOR_ID, 2, 0x1af4, 0, 0 },
    { PCI_SUBSYSTEM_ID, 2, 0x1100, 0, 0 },
    { PCI_INTERRUPT_LINE, 1, 0x00, 0xff, 0 },
};

PciVga *pci_vga_create(Machine *m, PciBus *bus, int slot, const char *rom_path)
{
    PciVga *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "tandem: out of memory\n");
        return NULL;
    }
    if (rom_path && load_rom(s, rom_path) < 0) {
        pci_vga_destroy(s);
        return NULL;
    }
    s->vga = vga_create(m);
    pci_device_init(&s->pci, bus, PCI_DEVFN(slot, 0), "vga", 0x1234, 0x1111, 0x02, 0x030000, 0);
    pci_init_regs(&s->pci, pci_vga_regs, sizeof pci_vga_regs / sizeof pci_vga_regs[0]);
    pci_register_bar_mem(&s->pci, 0, VGA_VRAM_SIZE, false, true, NULL, NULL, s->vga->vram, "vga-lfb");
    if (s->rom)
        pci_register_rom(&s->pci, s->rom_size, s->rom, "vga-rom");
    pci_device_realize(&s->pci);
    machine_add_device(m, "pci-vga", &pci_vga_state, s, pci_vga_reset, pci_vga_destroy);
    return s;
}
