/* The PCI VGA function 1234:1111 (QEMU's "stdvga" identity, which the Bochs
 * VGA BIOS looks for): class 0x030000, BAR0 the 16 MiB linear frame buffer
 * (prefetchable memory, the VGA's VRAM mapped as RAM so both backends write it
 * directly), and the expansion ROM BAR holding the VGA BIOS that SeaBIOS
 * copies to 0xC0000 and runs during POST. */
#ifndef HW_PCI_VGA_H
#define HW_PCI_VGA_H

#include "hw/pci.h"
#include "hw/vga.h"

#define PCI_VGA_DEFAULT_ROM "/usr/share/seabios/vgabios-stdvga.bin"

typedef struct PciVga {
    PciDevice pci;
    Vga *vga;
    uint8_t *rom;
    size_t rom_size;         /* a power of two, the image zero-padded */
} PciVga;

/* Creates the VGA core and its PCI function at slot; the option ROM from
 * rom_path (NULL: none).  Returns NULL after printing why. */
PciVga *pci_vga_create(Machine *m, PciBus *bus, int slot, const char *rom_path);

/* For a boot without firmware (the direct kernel loader): leaves m's VGA as
 * its BIOS's POST would (vga_post_text_mode with the 8x16 font of the
 * option ROM).  Returns 0; -1 when m has no VGA (-vga none) or the ROM no
 * font (then the text mode is set up with blank glyphs). */
int pci_vga_post(Machine *m);

#endif
