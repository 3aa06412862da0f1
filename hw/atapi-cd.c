/* ATAPI CD-ROM: IDENTIFY PACKET DEVICE, the PACKET command's phases (packet
 * out, data in by PIO within the byte count limit or by DMA, status) and the
 * MMC/SPC packet commands SeaBIOS (El Torito boot) and Linux's sr driver use.
 * Errors are CHECK CONDITION: ERR in status, the sense key in the error
 * register's high nibble, REQUEST SENSE gives the details. */
#include "hw/ide.h"

#include <string.h>

#include "system/log.h"

#define CD_SECTOR 2048
#define CD_MAX_SECTORS (IDE_BUF_SIZE / CD_SECTOR)
/* Interrupt reason (sector count register): CoD = 1, IO = 2. */
#define IR_COD 1
#define IR_IO 2

enum { SK_NOT_READY = 2, SK_ILLEGAL_REQUEST = 5 };
enum { ASC_INVALID_OPCODE = 0x20, ASC_LBA_OUT_OF_RANGE = 0x21, ASC_INVALID_FIELD = 0x24,
       ASC_NO_MEDIUM = 0x3a };

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static void identify_packet(IdeChannel *ch, IdeDrive *d)
{
    uint16_t w[256] = { 0 };
    w[0] = 0x85c0;                  /* ATAPI, CD-ROM, removable, 12-byte packets */
    ide_put_string(w, 10, 10, d->serial);
    ide_put_string(w, 23, 4, "0.1");
    ide_put_string(w, 27, 20, d->model);
    w[49] = 0x0300;                 /* LBA, DMA */
    w[53] = 0x0007;
    w[62] = 0x0007;
    w[63] = 0x0007 | ((d->xfer_mode >> 3) == 4 ? 0x100 << (d->xfer_mode & 7) : 0);
    w[64] = 0x0003;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[71] = 30;
    w[72] = 30;
    w[80] = 0x001e;                 /* ATAPI-1 to -4 */
    w[88] = 0x003f | ((d->xfer_mode >> 3) == 8 ? 0x100 << (d->xfer_mode & 7) : 0);
    w[93] = 0x6001 | 0x2000;
    for (int i = 0; i < 256; i++) {
        ch->buf[2 * i] = (uint8_t)w[i];
        ch->buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    ch->write = false;
    ide_start_xfer(ch, 512, XFER_PIO_LAST, true);
}

/* The status phase: good, or CHECK CONDITION with sense data. */
static void packet_done(IdeChannel *ch, uint8_t key, uint8_t asc)
{
    IdeDrive *d = ide_cur(ch);
    d->sense_key = key;
    d->asc = asc;
    if (key)
        ide_abort(ch, (uint8_t)(key << 4 | ER_ABRT));
    else
        ide_cmd_ok(ch);
    ch->nsector = IR_IO | IR_COD;
}

/* The next PIO data-in chunk of what is left in buf[pos..end) is already
 * there: PIO moves it in pieces of the byte count limit (each with DRQ and an
 * interrupt); DMA moves it all. */
static void send_pio_piece(IdeChannel *ch)
{
    uint32_t n = ch->left < ch->atapi_limit ? ch->left : ch->atapi_limit;
    ch->lbam = (uint8_t)n;
    ch->lbah = (uint8_t)(n >> 8);
    ch->nsector = IR_IO;
}

/* Starts the data-in phase with `len` bytes in buf (len > 0). */
static void data_in(IdeChannel *ch, uint32_t len, IdeXfer refill)
{
    ch->write = false;
    if (ch->dma) {
        ide_start_xfer(ch, len, refill, true);
        return;
    }
    /* PIO: buf[0..len) goes out in pieces; `left` counts bytes of buf not
     * yet handed to the data port window. */
    ch->left = len;
    send_pio_piece(ch);
    uint32_t n = ch->lbam | (uint32_t)ch->lbah << 8;
    ch->left -= n;
    ch->pos = 0;
    ide_start_xfer(ch, n, refill, true);
}

/* A reply of `len` bytes (truncated to the allocation length). */
static void reply(IdeChannel *ch, uint32_t len, uint32_t alloc)
{
    if (len > alloc)
        len = alloc;
    if (!len) {
        packet_done(ch, 0, 0);
        return;
    }
    ch->lba = 0;
    ch->chunk_secs = 0;
    data_in(ch, len, XFER_ATAPI_READ);
}

static void read_sectors(IdeChannel *ch)
{
    IdeDrive *d = ide_cur(ch);
    uint32_t n = ch->chunk_secs < CD_MAX_SECTORS ? ch->chunk_secs : CD_MAX_SECTORS;
    if (blk_read(d->blk, ch->lba * CD_SECTOR, ch->buf, (size_t)n * CD_SECTOR) < 0) {
        log_printf("%s: read error at CD sector %llu\n", ch->name, (unsigned long long)ch->lba);
        packet_done(ch, 3, 0x11);       /* MEDIUM ERROR, unrecovered read error */
        return;
    }
    ch->lba += n;
    ch->chunk_secs -= n;
    data_in(ch, n * CD_SECTOR, XFER_ATAPI_READ);
}

/* The data port (or DMA) has consumed buf[0..end): the next PIO piece of the
 * same buffer, the next sectors, or the status phase. */
void atapi_refill(IdeChannel *ch)
{
    if (!ch->dma && ch->left) {
        uint32_t start = ch->end;
        send_pio_piece(ch);
        uint32_t n = ch->lbam | (uint32_t)ch->lbah << 8;
        ch->left -= n;
        /* The window moves on inside buf: pos stays, end grows. */
        ch->pos = start;
        ch->end = start + n;
        ide_cur(ch)->status = ST_DRDY | ST_DSC | ST_DRQ;
        ide_set_irq(ch);
        return;
    }
    if (ch->chunk_secs) {
        read_sectors(ch);
        return;
    }
    packet_done(ch, 0, 0);
}

static void read_cd(IdeChannel *ch, IdeDrive *d, uint32_t lba, uint32_t count)
{
    if ((uint64_t)lba + count > d->sectors) {
        guest_error("%s: CD read of %u sectors at %u beyond the disc (%llu)\n", ch->name, count,
                    lba, (unsigned long long)d->sectors);
        packet_done(ch, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    if (!count) {
        packet_done(ch, 0, 0);
        return;
    }
    ch->lba = lba;
    ch->chunk_secs = count;
    read_sectors(ch);
}

static uint32_t lba_to_msf(uint32_t lba)
{
    lba += 150;
    return (lba / 75 / 60) << 16 | (lba / 75 % 60) << 8 | lba % 75;
}

static void put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    put32(p, msf ? lba_to_msf(lba) : lba);
}

static uint32_t read_toc(IdeChannel *ch, IdeDrive *d, const uint8_t *p, uint8_t *b, bool *ok)
{
    bool msf = p[1] & 2;
    unsigned format = p[2] & 0x0f;
    if (!format)
        format = p[9] >> 6;
    *ok = true;
    memset(b, 0, 20);
    if (format == 0) {
        b[2] = b[3] = 1;                    /* first and last track */
        b[5] = 0x14;                        /* ADR 1, data track */
        b[6] = 1;
        put_addr(b + 8, 0, msf);
        b[13] = 0x14;
        b[14] = 0xaa;                       /* lead-out */
        put_addr(b + 16, (uint32_t)d->sectors, msf);
        put16(b, 18);
        return 20;
    }
    if (format == 1) {                      /* session information */
        put16(b, 10);
        b[2] = b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        put_addr(b + 8, 0, msf);
        return 12;
    }
    *ok = false;
    return 0;
}

static uint32_t mode_sense(const uint8_t *p, uint8_t *b, bool ten, bool *ok)
{
    unsigned page = p[2] & 0x3f;
    uint32_t h = ten ? 8 : 4, n = h;
    memset(b, 0, 64);
    *ok = true;
    if (page == 0x01 || page == 0x3f) {     /* read/write error recovery */
        b[n] = 0x01;
        b[n + 1] = 0x06;
        n += 8;
    }
    if (page == 0x2a || page == 0x3f) {     /* CD capabilities and mechanical status */
        uint8_t *c = b + n;
        c[0] = 0x2a;
        c[1] = 0x14;
        c[2] = 0x3b;                        /* reads CD-R/RW, DVD-ROM... */
        c[6] = 0x29;                        /* lock, eject, tray loading */
        put16(c + 8, 706);                  /* max speed 4x in kB/s */
        put16(c + 14, 706);
        n += 22;
    }
    if (n == h) {
        *ok = false;
        return 0;
    }
    if (ten)
        put16(b, n - 2);
    else
        b[0] = (uint8_t)(n - 1);
    return n;
}

static uint32_t get_configuration(IdeDrive *d, uint8_t *b)
{
    memset(b, 0, 16);
    unsigned profile = d->sectors > 360000 ? 0x0010 : 0x0008;  /* DVD / CD-ROM */
    put16(b + 6, d->blk ? profile : 0);
    /* Feature 0: profile list with DVD-ROM and CD-ROM. */
    put16(b + 8, 0);
    b[10] = 0x03;                           /* persistent, current */
    b[11] = 8;
    put16(b + 12, 0x0010);
    b[14] = profile == 0x0010;
    put16(b + 16, 0x0008);
    b[18] = profile == 0x0008;
    b[19] = 0;
    put32(b, 20 - 4);
    return 20;
}

static uint32_t event_status(const uint8_t *p, uint8_t *b, IdeDrive *d, bool *ok)
{
    memset(b, 0, 8);
    *ok = p[1] & 1;                         /* only the polled form */
    if (!*ok)
        return 0;
    b[3] = 0x10;                            /* supported: media class */
    if (p[4] & 0x10) {
        put16(b, 6);
        b[2] = 4;                           /* media class */
        b[5] = d->blk ? 0x02 : 0;           /* media present */
        return 8;
    }
    put16(b, 2);
    b[2] = 0x80;                            /* no event available */
    return 4;
}

static void exec_packet(IdeChannel *ch, IdeDrive *d)
{
    const uint8_t *p = ch->packet;
    uint8_t *b = ch->buf;
    bool ok = true;
    uint32_t n;
    /* Commands that need no disc. */
    switch (p[0]) {
    case 0x03:                              /* REQUEST SENSE */
        memset(b, 0, 18);
        b[0] = 0x70;
        b[2] = d->sense_key;
        b[7] = 10;
        b[12] = d->asc;
        d->sense_key = d->asc = 0;
        reply(ch, 18, p[4]);
        return;
    case 0x12:                              /* INQUIRY */
        memset(b, 0, 36);
        b[0] = 0x05;                        /* CD/DVD device */
        b[1] = 0x80;                        /* removable */
        b[3] = 0x21;
        b[4] = 31;
        memcpy(b + 8, "TANDEM  ", 8);
        memcpy(b + 16, "DVD-ROM         ", 16);
        memcpy(b + 32, "0.1 ", 4);
        reply(ch, 36, p[4]);
        return;
    case 0x1b: case 0x1e: case 0xbb: case 0x2b:   /* START STOP, PREVENT, SPEED, SEEK */
        packet_done(ch, 0, 0);
        return;
    case 0x1a: case 0x5a:                   /* MODE SENSE (6), (10) */
        n = mode_sense(p, b, p[0] == 0x5a, &ok);
        if (ok)
            reply(ch, n, p[0] == 0x5a ? get16(p + 7) : p[4]);
        else
            packet_done(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    case 0x46:                              /* GET CONFIGURATION */
        reply(ch, get_configuration(d, b), get16(p + 7));
        return;
    case 0x4a:                              /* GET EVENT STATUS NOTIFICATION */
        n = event_status(p, b, d, &ok);
        if (ok)
            reply(ch, n, get16(p + 7));
        else
            packet_done(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    case 0xbd:                              /* MECHANISM STATUS */
        memset(b, 0, 8);
        reply(ch, 8, get16(p + 8));
        return;
    }
    if (!d->blk) {
        packet_done(ch, SK_NOT_READY, ASC_NO_MEDIUM);
        return;
    }
    switch (p[0]) {
    case 0x00:                              /* TEST UNIT READY */
        packet_done(ch, 0, 0);
        return;
    case 0x25:                              /* READ CAPACITY */
        put32(b, (uint32_t)(d->sectors ? d->sectors - 1 : 0));
        put32(b + 4, CD_SECTOR);
        reply(ch, 8, 8);
        return;
    case 0x28:                              /* READ (10) */
        read_cd(ch, d, get32(p + 2), get16(p + 7));
        return;
    case 0xa8:                              /* READ (12) */
        read_cd(ch, d, get32(p + 2), get32(p + 6));
        return;
    case 0x43:                              /* READ TOC/PMA/ATIP */
        n = read_toc(ch, d, p, b, &ok);
        if (ok)
            reply(ch, n, get16(p + 7));
        else
            packet_done(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    case 0x51:                              /* READ DISC INFORMATION */
        memset(b, 0, 34);
        put16(b, 32);
        b[2] = 0x0e;                        /* complete disc, complete last session */
        b[3] = b[4] = b[5] = b[6] = 1;
        reply(ch, 34, get16(p + 7));
        return;
    }
    log_unimp("%s: ATAPI packet command 0x%02x not implemented\n", ch->name, p[0]);
    packet_done(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
}

/* The 12 packet bytes have arrived in buf. */
void atapi_packet(IdeChannel *ch)
{
    memcpy(ch->packet, ch->buf, 12);
    ch->refill = XFER_NONE;
    exec_packet(ch, ide_cur(ch));
}

static void packet_cmd(IdeChannel *ch)
{
    ch->dma = ch->feature & 1;
    unsigned limit = ch->lbam | (unsigned)ch->lbah << 8;
    if (!limit || limit > 0xfffe)
        limit = 0xfffe;
    ch->atapi_limit = limit & ~1u;
    ch->write = true;
    ch->nsector = IR_COD;
    /* The packet itself always comes through the data port. */
    bool dma = ch->dma;
    ch->dma = false;
    ide_start_xfer(ch, 12, XFER_ATAPI_PACKET, false);
    ch->dma = dma;
}

void atapi_exec(IdeChannel *ch, uint8_t cmd)
{
    IdeDrive *d = ide_cur(ch);
    switch (cmd) {
    case 0xa1: identify_packet(ch, d); break;
    case 0xa0: packet_cmd(ch); break;
    case 0x08:                              /* DEVICE RESET */
        ata_set_signature(ch, d);
        break;
    case 0x90: ata_exec(ch, cmd); break;
    case 0xef: case 0xe7: case 0xe0: case 0xe1: case 0xe3: case 0xe5:
        ide_cmd_ok(ch);
        if (cmd == 0xef && ch->feature == 0x03)
            d->xfer_mode = ch->nsector;
        break;
    default:
        /* IDENTIFY DEVICE and the rest: aborted, with the ATAPI signature in
         * the task file so that drivers see a packet device. */
        ide_abort(ch, ER_ABRT);
        ata_set_signature(ch, d);
        d->status = ST_DRDY | ST_ERR;
        d->error = ER_ABRT;
        break;
    }
}
