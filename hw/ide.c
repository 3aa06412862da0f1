/* An IDE channel: task file, PIO data port, INTRQ, soft reset (see ide.h). */
#include "hw/ide.h"

#include <stdio.h>
#include <string.h>

#include "system/log.h"

IdeDrive *ide_cur(IdeChannel *ch)
{
    return &ch->drive[(ch->select >> 4) & 1];
}

static void update_irq(IdeChannel *ch)
{
    irq_set(&ch->irq, ch->irq_pending && !(ch->ctl & CTL_NIEN));
}

void ide_set_irq(IdeChannel *ch)
{
    ch->irq_pending = true;
    if (ch->on_irq)
        ch->on_irq(ch->dma_opaque);
    update_irq(ch);
}

static void end_xfer(IdeChannel *ch)
{
    ch->refill = XFER_NONE;
    ch->pos = ch->end = 0;
    ch->dma = false;
    ch->left = 0;
}

void ide_cmd_ok(IdeChannel *ch)
{
    IdeDrive *d = ide_cur(ch);
    end_xfer(ch);
    d->status = ST_DRDY | ST_DSC;
    d->error = 0;
    ide_set_irq(ch);
}

void ide_abort(IdeChannel *ch, uint8_t error)
{
    IdeDrive *d = ide_cur(ch);
    end_xfer(ch);
    d->status = ST_DRDY | ST_DSC | ST_ERR;
    d->error = error;
    ide_set_irq(ch);
}

void ide_start_xfer(IdeChannel *ch, uint32_t len, IdeXfer refill, bool irq)
{
    IdeDrive *d = ide_cur(ch);
    ch->pos = 0;
    ch->end = len;
    ch->refill = (uint8_t)refill;
    d->status = ST_DRDY | ST_DSC | ST_DRQ;
    if (ch->dma) {
        if (ch->dma_ready)
            ch->dma_ready(ch->dma_opaque);
        return;
    }
    if (irq)
        ide_set_irq(ch);
}

void ide_xfer_done(IdeChannel *ch)
{
    switch (ch->refill) {
    case XFER_ATA_READ:
    case XFER_ATA_WRITE:
        ata_refill(ch);
        break;
    case XFER_ATAPI_PACKET:
        atapi_packet(ch);
        break;
    case XFER_ATAPI_READ:
        atapi_refill(ch);
        break;
    default: {
        /* PIO data-in of one chunk (IDENTIFY...): done, no interrupt. */
        IdeDrive *d = ide_cur(ch);
        bool dma = ch->dma;
        end_xfer(ch);
        d->status = ST_DRDY | ST_DSC;
        if (dma)
            ide_set_irq(ch);
        break;
    }
    }
}

bool ide_dma_pending(const IdeChannel *ch)
{
    return ch->dma && ch->refill != XFER_NONE && ch->refill != XFER_ATAPI_PACKET &&
           ch->pos < ch->end;
}

void ide_dma_fail(IdeChannel *ch)
{
    ide_abort(ch, ER_ABRT);
}

void ide_put_string(uint16_t *words, int first, int nwords, const char *s)
{
    size_t n = strlen(s);
    for (int i = 0; i < nwords * 2; i++) {
        uint8_t c = (size_t)i < n ? (uint8_t)s[i] : ' ';
        if (i & 1)
            words[first + i / 2] |= c;
        else
            words[first + i / 2] = (uint16_t)(c << 8);
    }
}

/* ---- ports ---- */

static bool absent(IdeChannel *ch)
{
    return !ide_cur(ch)->present;
}

static uint64_t data_read(IdeChannel *ch, unsigned size)
{
    if (ch->refill == XFER_NONE || ch->dma || ch->write || ch->pos >= ch->end) {
        guest_error("%s: data port read with no data-in transfer\n", ch->name);
        return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size && ch->pos < ch->end; i++)
        v |= (uint64_t)ch->buf[ch->pos++] << (8 * i);
    if (ch->pos >= ch->end)
        ide_xfer_done(ch);
    return v;
}

static void data_write(IdeChannel *ch, uint64_t v, unsigned size)
{
    /* The packet of an ATAPI DMA command still comes through the data port. */
    bool dma = ch->dma && ch->refill != XFER_ATAPI_PACKET;
    if (ch->refill == XFER_NONE || dma || !ch->write || ch->pos >= ch->end) {
        guest_error("%s: data port write with no data-out transfer\n", ch->name);
        return;
    }
    for (unsigned i = 0; i < size && ch->pos < ch->end; i++)
        ch->buf[ch->pos++] = (uint8_t)(v >> (8 * i));
    if (ch->pos >= ch->end)
        ide_xfer_done(ch);
}

uint64_t ide_cmd_read(void *opaque, uint64_t off, unsigned size)
{
    IdeChannel *ch = opaque;
    bool hob = ch->ctl & CTL_HOB;
    if (off == 0)
        return data_read(ch, size);
    /* An absent drive (QEMU's behaviour, which SeaBIOS and Linux probe
     * against): its registers read 0. */
    if (absent(ch))
        return 0;
    IdeDrive *d = ide_cur(ch);
    switch (off) {
    case 1: return hob ? ch->hob_feature : d->error;
    case 2: return hob ? ch->hob_nsector : ch->nsector;
    case 3: return hob ? ch->hob_lbal : ch->lbal;
    case 4: return hob ? ch->hob_lbam : ch->lbam;
    case 5: return hob ? ch->hob_lbah : ch->lbah;
    case 6: return ch->select;
    default:
        ch->irq_pending = false;
        update_irq(ch);
        return d->status;
    }
}

void ide_cmd_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    IdeChannel *ch = opaque;
    uint8_t v = (uint8_t)val;
    if (off == 0) {
        data_write(ch, val, size);
        return;
    }
    ch->ctl &= (uint8_t)~CTL_HOB;       /* a register write clears HOB */
    switch (off) {
    case 1: ch->hob_feature = ch->feature; ch->feature = v; break;
    case 2: ch->hob_nsector = ch->nsector; ch->nsector = v; break;
    case 3: ch->hob_lbal = ch->lbal; ch->lbal = v; break;
    case 4: ch->hob_lbam = ch->lbam; ch->lbam = v; break;
    case 5: ch->hob_lbah = ch->lbah; ch->lbah = v; break;
    case 6: ch->select = v | 0xa0; break;
    default:
        if (absent(ch) && v != 0x90) {
            guest_error("%s: command 0x%02x to an absent drive\n", ch->name, v);
            return;
        }
        end_xfer(ch);
        ch->irq_pending = false;
        update_irq(ch);
        if (ide_cur(ch)->cdrom)
            atapi_exec(ch, v);
        else
            ata_exec(ch, v);
        break;
    }
}

uint64_t ide_ctl_read(void *opaque, uint64_t off, unsigned size)
{
    IdeChannel *ch = opaque;
    return absent(ch) ? 0 : ide_cur(ch)->status;
}

static void soft_reset(IdeChannel *ch)
{
    end_xfer(ch);
    ch->select = 0xa0;
    ch->irq_pending = false;
    for (int u = 0; u < 2; u++) {
        IdeDrive *d = &ch->drive[u];
        if (d->present)
            ata_set_signature(ch, d);
    }
}

void ide_ctl_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    IdeChannel *ch = opaque;
    uint8_t v = (uint8_t)val;
    bool srst_end = (ch->ctl & CTL_SRST) && !(v & CTL_SRST);
    if (v & CTL_SRST)
        for (int u = 0; u < 2; u++)
            ch->drive[u].status = ST_BSY;
    ch->ctl = v;
    if (srst_end)
        soft_reset(ch);
    update_irq(ch);
}

static const MemOps cmd_ops = { ide_cmd_read, ide_cmd_write, 1, 4 };
static const MemOps ctl_ops = { ide_ctl_read, ide_ctl_write, 1, 1 };

void ide_channel_reset(IdeChannel *ch)
{
    ch->ctl = 0;
    ch->feature = ch->nsector = ch->lbal = ch->lbam = ch->lbah = 0;
    ch->hob_feature = ch->hob_nsector = ch->hob_lbal = ch->hob_lbam = ch->hob_lbah = 0;
    for (int u = 0; u < 2; u++) {
        IdeDrive *d = &ch->drive[u];
        d->mult = 0;
        d->xfer_mode = 0;
        d->sense_key = d->asc = 0;
        d->write_cache = true;
        if (!d->cdrom && d->present) {
            uint64_t c = d->sectors / (16 * 63);
            d->cyls = (uint16_t)(c > 16383 ? 16383 : c ? c : 1);
            d->heads = 16;
            d->secs = 63;
        }
    }
    soft_reset(ch);
    update_irq(ch);
}

int ide_attach(IdeChannel *ch, int unit, BlockDev *blk, bool cdrom, char *err, size_t errlen)
{
    IdeDrive *d = &ch->drive[unit];
    if (d->present) {
        snprintf(err, errlen, "%s unit %d already has a drive", ch->name, unit);
        return -1;
    }
    d->present = true;
    d->cdrom = cdrom;
    d->blk = blk;
    d->sectors = blk ? blk->size / (cdrom ? 2048 : 512) : 0;
    snprintf(d->serial, sizeof d->serial, "TANDEM%c%d", ch->name[3] == '0' ? 'P' : 'S', unit);
    snprintf(d->model, sizeof d->model, cdrom ? "TANDEM DVD-ROM" : "TANDEM HARDDISK");
    ide_channel_reset(ch);
    return 0;
}

#define DRIVE_STATE(u) \
    STATE_UINT(IdeChannel, drive[u].cyls), STATE_UINT(IdeChannel, drive[u].heads), \
    STATE_UINT(IdeChannel, drive[u].secs), STATE_UINT(IdeChannel, drive[u].status), \
    STATE_UINT(IdeChannel, drive[u].error), STATE_UINT(IdeChannel, drive[u].mult), \
    STATE_UINT(IdeChannel, drive[u].xfer_mode), STATE_UINT(IdeChannel, drive[u].sense_key), \
    STATE_UINT(IdeChannel, drive[u].asc), STATE_BOOL(IdeChannel, drive[u].write_cache)

static const StateField channel_fields[] = {
    DRIVE_STATE(0), DRIVE_STATE(1),
    STATE_UINT(IdeChannel, feature), STATE_UINT(IdeChannel, nsector),
    STATE_UINT(IdeChannel, lbal), STATE_UINT(IdeChannel, lbam), STATE_UINT(IdeChannel, lbah),
    STATE_UINT(IdeChannel, select), STATE_UINT(IdeChannel, hob_feature),
    STATE_UINT(IdeChannel, hob_nsector), STATE_UINT(IdeChannel, hob_lbal),
    STATE_UINT(IdeChannel, hob_lbam), STATE_UINT(IdeChannel, hob_lbah),
    STATE_UINT(IdeChannel, ctl), STATE_BOOL(IdeChannel, irq_pending),
    STATE_BYTES(IdeChannel, buf), STATE_UINT(IdeChannel, pos), STATE_UINT(IdeChannel, end),
    STATE_UINT(IdeChannel, refill), STATE_BOOL(IdeChannel, dma), STATE_BOOL(IdeChannel, write),
    STATE_UINT(IdeChannel, lba), STATE_UINT(IdeChannel, left), STATE_UINT(IdeChannel, chunk_secs),
    STATE_UINT(IdeChannel, atapi_limit), STATE_BYTES(IdeChannel, packet),
    STATE_END
};

static int channel_post_load(void *opaque)
{
    IdeChannel *ch = opaque;
    if (ch->end > IDE_BUF_SIZE || ch->pos > ch->end || ch->refill > XFER_ATAPI_READ)
        return -1;
    update_irq(ch);
    return 0;
}

static const StateDesc channel_state = { "ide-channel", 1, channel_fields, channel_post_load };

static void channel_reset_cb(void *opaque)
{
    ide_channel_reset(opaque);
}

void ide_channel_init(IdeChannel *ch, Machine *m, const char *name, uint16_t cmd, uint16_t ctl)
{
    ch->m = m;
    ch->name = name;
    if (m) {
        io_map(&m->io, cmd, 8, &cmd_ops, ch, name);
        io_map(&m->io, ctl, 1, &ctl_ops, ch, name);
        machine_add_device(m, name, &channel_state, ch, channel_reset_cb, NULL);
    }
    ide_channel_reset(ch);
}
