/* Intel 82371SB PIIX3 IDE function (00:01.1, 8086:7010): the two legacy
 * channels (primary 0x1F0-0x1F7/0x3F6 on IRQ 14, secondary 0x170-0x177/0x376
 * on IRQ 15, always decoded as QEMU's PIIX does) and the bus-master IDE
 * registers at BMIBA (BAR4, 16 bytes: 8 per channel).
 *
 * Bus master (PIIX3 datasheet 290550, 2.7; SFF-8038i): BMICX bit 0 starts and
 * stops, bit 3 is the direction (1: device to memory); BMISX bit 0 active,
 * bit 1 error (R/WC), bit 2 interrupt (R/WC, set whenever the channel's
 * drive asserts INTRQ), bits 5-6 drive DMA capable; BMIDTP the physical
 * address of the PRD table.  Each 8-byte PRD: base address (bit 0 zero), byte
 * count (bit 0 zero, 0 = 64 KiB), bit 31 of the second dword = end of table.
 *
 * Every PRD and every data page must lie in guest RAM (checked page by page
 * with phys_host_ptr, below 4 GiB); the copies go through phys_rw() so the
 * interpreter drops code that DMA overwrites.  A PRD table that ends before
 * the command's data, a PRD or data address outside RAM, or more than 8192
 * PRDs end the DMA with BMISX.error and the command aborted (ABRT), with an
 * interrupt: the guest sees an error, Tandem never touches other memory.
 * DMA runs only while PCICMD bus master enable is set. */
#ifndef HW_PIIX_IDE_H
#define HW_PIIX_IDE_H

#include "hw/i8259-pic.h"
#include "hw/ide.h"
#include "hw/pci.h"

typedef struct PiixBm {
    uint8_t cmd, status;
    uint32_t prd_table;
    /* Progress through the PRD table of the running transfer */
    uint32_t cur_prd, addr, prd_left, nprd;
    bool eot, running;
} PiixBm;

typedef struct PiixIde {
    PciDevice dev;
    Machine *m;
    IdeChannel ch[2];
    PiixBm bm[2];
    struct PiixIdeHook { struct PiixIde *s; int c; } hook[2];   /* channel callbacks' opaque */
} PiixIde;

/* Creates the function at devfn, maps both channels, wires INTRQ to IRQ 14
 * and 15 of pic; registers devices "piix3-ide", "ide0" and "ide1". */
PiixIde *piix_ide_create(Machine *m, PciBus *bus, unsigned devfn, Pic *pic);

#endif
