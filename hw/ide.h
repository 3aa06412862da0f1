/* An IDE (ATA) channel with up to two drives: the task-file registers at the
 * command block (0x1F0-0x1F7 / 0x170-0x177) and the device control / alternate
 * status register (0x3F6 / 0x376), PIO data transfers, the INTRQ line, and the
 * hooks bus-master DMA (hw/piix-ide.c) uses.  The command sets are in
 * hw/ata-disk.c (hard disks) and hw/atapi-cd.c (CD-ROM, packet commands).
 * Reference: ATA/ATAPI-7 volumes 1 and 2 (T13/1532D), MMC-3/SPC-3 for packets.
 *
 * Everything is synchronous: a command's data is read from the image when the
 * command is written (or when DMA starts), so BSY is never seen.  Transfers go
 * through `buf` in chunks of at most IDE_BUF_SIZE bytes; `refill` (an IdeXfer
 * value, not a pointer, so the state can be saved) says what to do when the
 * chunk has been consumed by the data port or by DMA. */
#ifndef HW_IDE_H
#define HW_IDE_H

#include <stdbool.h>
#include <stdint.h>

#include "block/block.h"
#include "hw/irq.h"
#include "hw/machine.h"

#define IDE_BUF_SIZE (128 * 1024)

/* Status register */
#define ST_BSY  0x80
#define ST_DRDY 0x40
#define ST_DF   0x20
#define ST_DSC  0x10
#define ST_DRQ  0x08
#define ST_ERR  0x01
/* Error register */
#define ER_UNC  0x40
#define ER_IDNF 0x10
#define ER_ABRT 0x04
/* Device control register */
#define CTL_NIEN 0x02
#define CTL_SRST 0x04
#define CTL_HOB  0x80

typedef enum IdeXfer {
    XFER_NONE,          /* no transfer: the data port reads all ones */
    XFER_PIO_LAST,      /* the last (or only) chunk: then the command ends */
    XFER_ATA_READ,      /* more sectors to read into buf */
    XFER_ATA_WRITE,     /* buf holds sectors to write, maybe more to come */
    XFER_ATAPI_PACKET,  /* buf receives the 12-byte packet */
    XFER_ATAPI_READ,    /* more CD sectors to read into buf */
} IdeXfer;

typedef struct IdeDrive {
    BlockDev *blk;      /* NULL: no drive (or, for a CD-ROM, no disc) */
    bool present, cdrom;
    uint64_t sectors;   /* 512-byte sectors (disks) or 2048-byte sectors (CD) */
    char serial[21], model[41];
    uint16_t cyls, heads, secs;         /* CHS geometry (INITIALIZE DEVICE PARAMETERS) */
    uint8_t status, error;
    uint8_t mult;                       /* sectors per READ/WRITE MULTIPLE block (0: off) */
    uint8_t xfer_mode;                  /* SET FEATURES 03h value */
    uint8_t sense_key, asc;             /* ATAPI sense data */
    bool write_cache;
} IdeDrive;

typedef struct IdeChannel {
    Machine *m;
    const char *name;
    IdeDrive drive[2];
    IrqLine irq;
    /* Task file: both drives see every write; HOB bytes are the previous
     * value of each register (LBA48). */
    uint8_t feature, nsector, lbal, lbam, lbah, select;
    uint8_t hob_feature, hob_nsector, hob_lbal, hob_lbam, hob_lbah;
    uint8_t ctl;
    bool irq_pending;       /* INTRQ of the selected drive before nIEN */
    /* The current transfer */
    uint8_t buf[IDE_BUF_SIZE];
    uint32_t pos, end;      /* data port position in buf */
    uint8_t refill;         /* IdeXfer */
    bool dma;               /* the command moves its data by bus-master DMA */
    bool write;             /* host to drive */
    uint64_t lba;           /* next sector of the command */
    uint32_t left;          /* sectors (or, ATAPI PIO, bytes) still to move after buf */
    uint32_t chunk_secs;    /* sectors per data request (READ MULTIPLE) */
    uint32_t atapi_limit;   /* ATAPI PIO byte count limit */
    uint8_t packet[12];
    /* Bus master (hw/piix-ide.c calls ide_dma_run when DMA can go on). */
    void (*dma_ready)(void *opaque);
    void (*on_irq)(void *opaque);       /* INTRQ asserted: BM status bit 2 */
    void *dma_opaque;
} IdeChannel;

/* Maps the command block at cmd and the control register at ctl. */
void ide_channel_init(IdeChannel *ch, Machine *m, const char *name, uint16_t cmd, uint16_t ctl);
void ide_channel_reset(IdeChannel *ch);
/* Attaches blk (may be NULL for an empty CD-ROM) as drive unit 0/1. */
int ide_attach(IdeChannel *ch, int unit, BlockDev *blk, bool cdrom, char *err, size_t errlen);
IdeDrive *ide_cur(IdeChannel *ch);

/* Port handlers (exported for the unit tests). */
uint64_t ide_cmd_read(void *opaque, uint64_t off, unsigned size);
void ide_cmd_write(void *opaque, uint64_t off, uint64_t val, unsigned size);
uint64_t ide_ctl_read(void *opaque, uint64_t off, unsigned size);
void ide_ctl_write(void *opaque, uint64_t off, uint64_t val, unsigned size);

/* For the command sets. */
void ide_set_irq(IdeChannel *ch);
void ide_cmd_ok(IdeChannel *ch);                       /* DRDY|DSC, IRQ */
void ide_abort(IdeChannel *ch, uint8_t error);          /* ERR, error register, IRQ */
/* Starts a data transfer of the `len` bytes in buf (PIO: DRQ; with irq an
 * interrupt too; DMA: waits for the bus master). */
void ide_start_xfer(IdeChannel *ch, uint32_t len, IdeXfer refill, bool irq);
/* The chunk in buf has been moved: what comes next (the command sets). */
void ide_xfer_done(IdeChannel *ch);

/* Bus-master DMA: the command waits for data, the drive is ready. */
bool ide_dma_pending(const IdeChannel *ch);
/* Ends a DMA command early (PRD table too short, address outside RAM). */
void ide_dma_fail(IdeChannel *ch);

/* hw/ata-disk.c */
void ata_exec(IdeChannel *ch, uint8_t cmd);
void ata_refill(IdeChannel *ch);
void ata_set_signature(IdeChannel *ch, IdeDrive *d);
/* hw/atapi-cd.c */
void atapi_exec(IdeChannel *ch, uint8_t cmd);
void atapi_packet(IdeChannel *ch);
void atapi_refill(IdeChannel *ch);
/* Fills a 256-word IDENTIFY block's strings: ATA strings put the first
 * character of each pair in the high byte. */
void ide_put_string(uint16_t *words, int first, int nwords, const char *s);

#endif
