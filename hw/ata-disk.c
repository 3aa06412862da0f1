/* ATA hard disk command set (ATA/ATAPI-7 volume 1): IDENTIFY, PIO, multiple
 * and DMA reads and writes with CHS, LBA28 and LBA48 addresses, verify,
 * flush, feature and power commands.  A sector range outside the disk is
 * refused with IDNF before anything is read or written. */
#include "hw/ide.h"

#include <string.h>

#include "system/log.h"

enum { F_LBA48 = 1, F_DMA = 2, F_WRITE = 4, F_MULTI = 8 };
#define DMA_CHUNK_SECS (IDE_BUF_SIZE / 512)

void ata_set_signature(IdeChannel *ch, IdeDrive *d)
{
    ch->nsector = 1;
    ch->lbal = 1;
    ch->lbam = d->cdrom ? 0x14 : 0;
    ch->lbah = d->cdrom ? 0xeb : 0;
    d->error = 1;                   /* diagnostic: no error */
    d->status = d->cdrom ? 0 : ST_DRDY | ST_DSC;
}

static void identify(IdeChannel *ch, IdeDrive *d)
{
    uint16_t w[256] = { 0 };
    uint64_t lba28 = d->sectors < 0x0fffffff ? d->sectors : 0x0fffffff;
    uint32_t cur_chs = (uint32_t)d->cyls * d->heads * d->secs;
    w[0] = 0x0040;                              /* fixed disk */
    w[1] = d->cyls;
    w[3] = d->heads;
    w[6] = d->secs;
    ide_put_string(w, 10, 10, d->serial);
    ide_put_string(w, 23, 4, "0.1");
    ide_put_string(w, 27, 20, d->model);
    w[47] = 0x8000 | 16;                        /* READ/WRITE MULTIPLE: up to 16 */
    w[49] = 0x0b00;                             /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x0200;                             /* PIO timing mode 2 */
    w[53] = 0x0007;                             /* words 54-58, 64-70, 88 valid */
    w[54] = d->cyls;
    w[55] = d->heads;
    w[56] = d->secs;
    w[57] = (uint16_t)cur_chs;
    w[58] = (uint16_t)(cur_chs >> 16);
    w[59] = d->mult ? 0x0100 | d->mult : 0;
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    /* Multiword DMA 0-2 and UDMA 0-5 supported; the mode SET FEATURES chose. */
    w[63] = 0x0007 | ((d->xfer_mode >> 3) == 4 ? 0x100 << (d->xfer_mode & 7) : 0);
    w[64] = 0x0003;                             /* PIO 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x00f0;                             /* ATA/ATAPI-4 to -7 */
    w[82] = 0x4060;                             /* NOP, write cache, look-ahead */
    w[83] = 0x7400;                             /* FLUSH CACHE (EXT), LBA48 */
    w[84] = 0x4000;
    w[85] = 0x4040 | (d->write_cache ? 0x20 : 0);
    w[86] = 0x3400;
    w[87] = 0x4000;
    w[88] = 0x003f | ((d->xfer_mode >> 3) == 8 ? 0x100 << (d->xfer_mode & 7) : 0);
    w[93] = 0x6001 | 0x2000;                    /* reset result, 80-wire cable */
    for (int i = 0; i < 4; i++)
        w[100 + i] = (uint16_t)(d->sectors >> (16 * i));
    for (int i = 0; i < 256; i++) {
        ch->buf[2 * i] = (uint8_t)w[i];
        ch->buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    ch->write = false;
    ide_start_xfer(ch, 512, XFER_PIO_LAST, true);
}

/* The command's first sector and count from the task file; false when the
 * address is invalid or the range leaves the disk. */
static bool get_range(IdeChannel *ch, IdeDrive *d, bool lba48, uint64_t *lba, uint32_t *count)
{
    if (lba48) {
        *count = (uint32_t)ch->hob_nsector << 8 | ch->nsector;
        if (!*count)
            *count = 65536;
        *lba = (uint64_t)ch->hob_lbah << 40 | (uint64_t)ch->hob_lbam << 32 |
               (uint64_t)ch->hob_lbal << 24 | (uint64_t)ch->lbah << 16 |
               (uint64_t)ch->lbam << 8 | ch->lbal;
    } else {
        *count = ch->nsector ? ch->nsector : 256;
        if (ch->select & 0x40) {
            *lba = (uint64_t)(ch->select & 0x0f) << 24 | (uint64_t)ch->lbah << 16 |
                   (uint64_t)ch->lbam << 8 | ch->lbal;
        } else {
            unsigned cyl = (unsigned)ch->lbah << 8 | ch->lbam, head = ch->select & 0x0f;
            unsigned sect = ch->lbal;
            if (!sect || sect > d->secs || head >= d->heads || cyl >= d->cyls)
                return false;
            *lba = ((uint64_t)cyl * d->heads + head) * d->secs + sect - 1;
        }
    }
    return *lba <= d->sectors && *count <= d->sectors - *lba;
}

static uint32_t chunk_secs(IdeChannel *ch)
{
    uint32_t n = ch->dma ? DMA_CHUNK_SECS : ch->chunk_secs;
    return n < ch->left ? n : ch->left;
}

static void read_chunk(IdeChannel *ch)
{
    IdeDrive *d = ide_cur(ch);
    uint32_t n = chunk_secs(ch);
    if (blk_read(d->blk, ch->lba * 512, ch->buf, (size_t)n * 512) < 0) {
        log_printf("%s: read error at sector %llu\n", ch->name, (unsigned long long)ch->lba);
        ide_abort(ch, ER_UNC | ER_ABRT);
        return;
    }
    ch->lba += n;
    ch->left -= n;
    ide_start_xfer(ch, n * 512, ch->left ? XFER_ATA_READ : XFER_PIO_LAST, true);
}

/* Prepares buf to receive the next chunk of a write. */
static void write_chunk(IdeChannel *ch, bool irq)
{
    uint32_t n = chunk_secs(ch);
    ch->left -= n;
    ide_start_xfer(ch, n * 512, XFER_ATA_WRITE, irq);
}

void ata_refill(IdeChannel *ch)
{
    IdeDrive *d = ide_cur(ch);
    if (ch->refill == XFER_ATA_READ) {
        read_chunk(ch);
        return;
    }
    uint32_t n = ch->end / 512;
    if (blk_write(d->blk, ch->lba * 512, ch->buf, (size_t)n * 512) < 0) {
        log_printf("%s: write error at sector %llu\n", ch->name, (unsigned long long)ch->lba);
        ide_abort(ch, ER_UNC | ER_ABRT);
        return;
    }
    ch->lba += n;
    if (ch->left)
        write_chunk(ch, true);
    else
        ide_cmd_ok(ch);
}

static void start_rw(IdeChannel *ch, IdeDrive *d, unsigned flags)
{
    uint64_t lba;
    uint32_t count;
    if ((flags & F_MULTI) && !d->mult) {
        ide_abort(ch, ER_ABRT);
        return;
    }
    if (!get_range(ch, d, flags & F_LBA48, &lba, &count)) {
        guest_error("%s: sector range outside the disk (%llu sectors)\n", ch->name,
                    (unsigned long long)d->sectors);
        ide_abort(ch, ER_IDNF | ER_ABRT);
        return;
    }
    ch->lba = lba;
    ch->left = count;
    ch->dma = flags & F_DMA;
    ch->write = flags & F_WRITE;
    ch->chunk_secs = (flags & F_MULTI) ? d->mult : 1;
    if (ch->write)
        write_chunk(ch, false);
    else
        read_chunk(ch);
}

static void verify(IdeChannel *ch, IdeDrive *d, bool lba48)
{
    uint64_t lba;
    uint32_t count;
    if (get_range(ch, d, lba48, &lba, &count))
        ide_cmd_ok(ch);
    else
        ide_abort(ch, ER_IDNF | ER_ABRT);
}

static void read_native_max(IdeChannel *ch, IdeDrive *d, bool lba48)
{
    uint64_t max = d->sectors ? d->sectors - 1 : 0;
    if (!lba48 && max > 0x0fffffff)
        max = 0x0fffffff;
    ch->lbal = (uint8_t)max;
    ch->lbam = (uint8_t)(max >> 8);
    ch->lbah = (uint8_t)(max >> 16);
    if (lba48) {
        ch->hob_lbal = (uint8_t)(max >> 24);
        ch->hob_lbam = (uint8_t)(max >> 32);
        ch->hob_lbah = (uint8_t)(max >> 40);
    } else {
        ch->select = (uint8_t)((ch->select & 0xf0) | ((max >> 24) & 0x0f));
    }
    ide_cmd_ok(ch);
}

static void set_features(IdeChannel *ch, IdeDrive *d)
{
    switch (ch->feature) {
    case 0x03:                          /* transfer mode from the sector count */
        d->xfer_mode = ch->nsector;
        break;
    case 0x02: d->write_cache = true; break;
    case 0x82: d->write_cache = false; break;
    case 0x55: case 0xaa: case 0x66: case 0xcc: case 0x05: case 0x85:
        break;                          /* look-ahead, defaults, APM: accepted */
    default:
        log_unimp("%s: SET FEATURES 0x%02x\n", ch->name, ch->feature);
        ide_abort(ch, ER_ABRT);
        return;
    }
    ide_cmd_ok(ch);
}

static void diagnostic(IdeChannel *ch)
{
    for (int u = 0; u < 2; u++)
        if (ch->drive[u].present)
            ata_set_signature(ch, &ch->drive[u]);
    ch->select = 0xa0;
    ide_set_irq(ch);
}

void ata_exec(IdeChannel *ch, uint8_t cmd)
{
    IdeDrive *d = ide_cur(ch);
    switch (cmd) {
    case 0xec: identify(ch, d); break;
    case 0x20: case 0x21: start_rw(ch, d, 0); break;
    case 0x24: start_rw(ch, d, F_LBA48); break;
    case 0x30: case 0x31: start_rw(ch, d, F_WRITE); break;
    case 0x34: start_rw(ch, d, F_LBA48 | F_WRITE); break;
    case 0xc4: start_rw(ch, d, F_MULTI); break;
    case 0x29: start_rw(ch, d, F_MULTI | F_LBA48); break;
    case 0xc5: start_rw(ch, d, F_MULTI | F_WRITE); break;
    case 0x39: start_rw(ch, d, F_MULTI | F_WRITE | F_LBA48); break;
    case 0xc8: case 0xc9: start_rw(ch, d, F_DMA); break;
    case 0x25: start_rw(ch, d, F_DMA | F_LBA48); break;
    case 0xca: case 0xcb: start_rw(ch, d, F_DMA | F_WRITE); break;
    case 0x35: start_rw(ch, d, F_DMA | F_WRITE | F_LBA48); break;
    case 0x40: case 0x41: verify(ch, d, false); break;
    case 0x42: verify(ch, d, true); break;
    case 0xf8: read_native_max(ch, d, false); break;
    case 0x27: read_native_max(ch, d, true); break;
    case 0xe7: case 0xea:
        if (blk_flush(d->blk) < 0)
            ide_abort(ch, ER_ABRT);
        else
            ide_cmd_ok(ch);
        break;
    case 0xef: set_features(ch, d); break;
    case 0xc6:
        if (ch->nsector > 16 || (ch->nsector & (ch->nsector - 1))) {
            ide_abort(ch, ER_ABRT);
        } else {
            d->mult = ch->nsector;
            ide_cmd_ok(ch);
        }
        break;
    case 0x91:                          /* INITIALIZE DEVICE PARAMETERS */
        if (!ch->nsector) {
            ide_abort(ch, ER_ABRT);
            break;
        }
        d->heads = (ch->select & 0x0f) + 1;
        d->secs = ch->nsector;
        {
            uint64_t c = d->sectors / ((uint64_t)d->heads * d->secs);
            d->cyls = (uint16_t)(c > 65535 ? 65535 : c);
        }
        ide_cmd_ok(ch);
        break;
    case 0x10: case 0x70:               /* RECALIBRATE, SEEK */
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe6:     /* power */
        ide_cmd_ok(ch);
        break;
    case 0xe5:                          /* CHECK POWER MODE: active */
        ide_cmd_ok(ch);
        ch->nsector = 0xff;
        break;
    case 0x90: diagnostic(ch); break;
    case 0xa1: case 0xa0: case 0x08:    /* ATAPI commands: not a packet device */
    default:
        if (cmd != 0xa1 && cmd != 0xa0 && cmd != 0x08)
            log_unimp("%s: ATA command 0x%02x not implemented\n", ch->name, cmd);
        ide_abort(ch, ER_ABRT);
        break;
    }
}
