/* Intel 82441FX PCI and Memory Controller (PMC), the host bridge at 00:00.0
 * (8086:1237): the PAM registers that shadow the BIOS areas below 1 MiB in
 * DRAM, and SMRAM control for 0xA0000-0xBFFFF.
 *
 * PAM (0x59-0x5F): 13 pieces, 0xF0000-0xFFFFF (PAM0 bits 5:4) and sixteen-KiB
 * pieces of 0xC0000-0xEFFFF (PAM1-PAM6, low nibble first).  Per piece,
 * RE (read enable) and WE (write enable) send the CPU's reads and writes to
 * DRAM; what is not sent to DRAM goes to PCI, where the board's BIOS ROM
 * (0xE0000-0xFFFFF for a 128 KiB image) answers reads and drops writes, and
 * where nothing answers for the rest (all ones).  As regions over RAM:
 *   RE=0 WE=0  nothing of ours over a piece the ROM covers (the ROM shows);
 *              a "pci" MMIO region (ROM bytes where there are, else all ones;
 *              writes dropped) elsewhere
 *   RE=1 WE=0  a ROM-kind region whose backing is the main RAM at that address
 *   RE=0 WE=1  the "pci" MMIO region in write-through mode: reads from the ROM
 *              (or all ones), writes into the main RAM (the way a BIOS copies
 *              itself: read each byte, write it back to the same address)
 *   RE=1 WE=1  the main RAM itself: nothing over it, or, over the ROM, a RAM
 *              region on the main RAM
 * at priority PCI_PRIO_LEGACY, so over RAM (0) and the board's ROM (1).
 *
 * SMRAM (0x72): the 82441FX's compatible SMRAM is the DRAM at 0xA0000-0xBFFFF.
 * Tandem's CPU has no SMM, so only the open state matters: with G_SMRAME and
 * D_OPEN set the DRAM is visible there (priority PCI_PRIO_SMRAM, over VGA);
 * otherwise the range goes to PCI (a PCI_PRIO_HOLE region reading all ones, for
 * a VGA device to cover).  D_LCK clears D_OPEN and makes D_OPEN, D_LCK and
 * G_SMRAME read-only until reset; D_CLS (data accesses in SMM) is stored.
 *
 * The ROM below the PAM layer is whatever ROM region decodes 0xFFFFF when the
 * bridge is created (the board's isa-bios).  Needs >= 1 MiB of RAM. */
#ifndef HW_I440FX_H
#define HW_I440FX_H

#include "hw/pci.h"

#define I440FX_PAM0 0x59
#define I440FX_SMRAM 0x72
#define I440FX_NPIECES 13

#define SMRAM_D_OPEN 0x40
#define SMRAM_D_CLS 0x20
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08
#define SMRAM_C_BASE_SEG 0x02   /* 010: 0xA0000-0xBFFFF, read-only */

/* PAM attribute of a piece (2 bits: WE << 1 | RE). */
enum { PAM_PCI = 0, PAM_RO = 1, PAM_WO = 2, PAM_RW = 3 };

typedef struct I440fx I440fx;

typedef struct PamPiece {
    I440fx *s;
    uint64_t base, size;
    bool rom_covers;         /* the ROM below decodes the whole piece */
    MemRegion *ram;          /* RE=1 WE=1 over the ROM (NULL where no ROM is below) */
    MemRegion *rom;          /* RE=1 WE=0: DRAM, read-only */
    MemRegion *pci;          /* RE=0: ROM or all ones; WE=1 writes DRAM */
} PamPiece;

struct I440fx {
    PciDevice pci;
    Machine *m;
    PamPiece piece[I440FX_NPIECES];
    MemRegion *isa_rom;      /* the ROM below the PAM layer, or NULL */
    MemRegion *smram_hole;   /* 0xA0000-0xBFFFF to PCI */
    MemRegion *smram_open;   /* DRAM at 0xA0000-0xBFFFF */
};

/* Creates 00:00.0 and its regions; registers device "i440fx". */
I440fx *i440fx_create(Machine *m, PciBus *bus);
void i440fx_reset(void *opaque);
/* The attribute of piece p (0 = F segment, 1.. = 0xC0000, 0xC4000, ...). */
int i440fx_pam_mode(const I440fx *s, int p);

#endif
