/* PIIX3 IDE function: configuration space, legacy channels, bus-master DMA
 * (see piix-ide.h). */
#include "hw/piix-ide.h"

#include <stdlib.h>
#include <string.h>

#include "system/log.h"

#define BM_START 0x01
#define BM_TO_MEM 0x08
#define BMS_ACTIVE 0x01
#define BMS_ERROR 0x02
#define BMS_INTR 0x04
#define MAX_PRDS 8192

static const PciReg ide_regs[] = {
    /* PCICMD: I/O space and bus master enables. */
    { PCI_COMMAND, 2, 0x0000, 0x0005, 0 },
    { PCI_STATUS, 2, 0x0280, 0, 0x3800 },
    { PCI_LATENCY_TIMER, 1, 0x00, 0xf0, 0 },    /* MLT: bits 3:0 read 0 */
    { 0x40, 2, 0x0000, 0xf3ff, 0 },             /* IDETIM primary */
    { 0x42, 2, 0x0000, 0xf3ff, 0 },             /* IDETIM secondary */
    { 0x44, 1, 0x00, 0xff, 0 },                 /* SIDETIM: slave timing */
};

/* Copies len bytes between buf and guest RAM at addr; false (nothing more
 * copied) as soon as a page is not RAM. */
static bool dma_copy(PhysMem *pm, uint64_t addr, uint8_t *buf, uint32_t len, bool to_guest)
{
    while (len) {
        uint32_t n = 4096 - (uint32_t)(addr & 4095);
        if (n > len)
            n = len;
        if (addr + n > (1ull << 32) || !phys_host_ptr(pm, addr, n, true))
            return false;
        phys_rw(pm, addr, buf, n, to_guest);
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

static void bm_fail(PiixIde *s, int c, const char *why)
{
    guest_error("piix3-ide: channel %d DMA: %s\n", c, why);
    s->bm[c].status = (uint8_t)((s->bm[c].status & ~BMS_ACTIVE) | BMS_ERROR);
    ide_dma_fail(&s->ch[c]);
}

static bool next_prd(PiixIde *s, int c)
{
    PiixBm *bm = &s->bm[c];
    uint8_t prd[8];
    if (bm->eot) {
        bm_fail(s, c, "PRD table ends before the transfer");
        return false;
    }
    if (bm->nprd++ >= MAX_PRDS || !dma_copy(&s->m->mem, bm->cur_prd, prd, 8, false)) {
        bm_fail(s, c, "PRD table outside RAM or without end");
        return false;
    }
    bm->cur_prd += 8;
    bm->addr = (prd[0] | (uint32_t)prd[1] << 8 | (uint32_t)prd[2] << 16 | (uint32_t)prd[3] << 24) & ~1u;
    uint32_t count = (prd[4] | (uint32_t)prd[5] << 8) & ~1u;
    bm->prd_left = count ? count : 0x10000;
    bm->eot = prd[7] & 0x80;
    return true;
}

static void bm_run(PiixIde *s, int c)
{
    PiixBm *bm = &s->bm[c];
    IdeChannel *ch = &s->ch[c];
    if (bm->running || !(bm->cmd & BM_START) || !(bm->status & BMS_ACTIVE) ||
        !ide_dma_pending(ch))
        return;
    if (!(s->dev.config[PCI_COMMAND] & 0x04))
        return;                         /* bus master disabled: the drive waits */
    bm->running = true;
    while (ide_dma_pending(ch)) {
        if (!bm->prd_left && !next_prd(s, c))
            break;
        if (!(bm->cmd & BM_TO_MEM) != ch->write)
            guest_error("piix3-ide: channel %d: BMICX direction differs from the command's\n", c);
        uint32_t n = ch->end - ch->pos;
        if (n > bm->prd_left)
            n = bm->prd_left;
        if (!dma_copy(&s->m->mem, bm->addr, ch->buf + ch->pos, n, !ch->write)) {
            bm_fail(s, c, "data buffer outside RAM");
            break;
        }
        bm->addr += n;
        bm->prd_left -= n;
        ch->pos += n;
        if (ch->pos == ch->end)
            ide_xfer_done(ch);
    }
    bm->running = false;
    if (ch->refill == XFER_NONE)
        bm->status &= (uint8_t)~BMS_ACTIVE;     /* the command has ended */
}

static void dma_ready(void *opaque)
{
    struct PiixIdeHook *h = opaque;
    bm_run(h->s, h->c);
}

static void on_irq(void *opaque)
{
    struct PiixIdeHook *h = opaque;
    h->s->bm[h->c].status |= BMS_INTR;
}

static uint8_t bm_readb(PiixIde *s, unsigned off)
{
    PiixBm *bm = &s->bm[off >> 3];
    switch (off & 7) {
    case 0: return bm->cmd;
    case 2: return bm->status;
    case 4: case 5: case 6: case 7: return (uint8_t)(bm->prd_table >> (8 * (off & 3)));
    default: return 0;
    }
}

static void bm_writeb(PiixIde *s, unsigned off, uint8_t v)
{
    int c = off >> 3;
    PiixBm *bm = &s->bm[c];
    switch (off & 7) {
    case 0: {
        bool start = (v & BM_START) && !(bm->cmd & BM_START);
        if (!(v & BM_START))
            bm->status &= (uint8_t)~BMS_ACTIVE;
        bm->cmd = v & (BM_START | BM_TO_MEM);
        if (start) {
            bm->status |= BMS_ACTIVE;
            bm->cur_prd = bm->prd_table;
            bm->prd_left = bm->nprd = 0;
            bm->eot = false;
            bm_run(s, c);
        }
        break;
    }
    case 2:
        bm->status = (uint8_t)((bm->status & BMS_ACTIVE) | (bm->status & ~v & (BMS_ERROR | BMS_INTR)) |
                               (v & 0x60));
        break;
    case 4: case 5: case 6: case 7: {
        unsigned sh = 8 * (off & 3);
        bm->prd_table = ((bm->prd_table & ~(0xffu << sh)) | (uint32_t)v << sh) & ~3u;
        break;
    }
    }
}

static uint64_t bm_read(void *opaque, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)bm_readb(opaque, (unsigned)(off + i) & 15) << (8 * i);
    return v;
}

static void bm_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        bm_writeb(opaque, (unsigned)(off + i) & 15, (uint8_t)(val >> (8 * i)));
}

static const MemOps bm_ops = { bm_read, bm_write, 1, 4 };

static void ide_fn_reset(void *opaque)
{
    PiixIde *s = opaque;
    pci_device_reset(&s->dev);
    memset(s->bm, 0, sizeof s->bm);
}

static int ide_fn_post_load(void *opaque)
{
    PiixIde *s = opaque;
    for (int c = 0; c < 2; c++)
        s->bm[c].running = false;
    return pci_device_post_load(&s->dev);
}

#define BM_STATE(c) \
    STATE_UINT(PiixIde, bm[c].cmd), STATE_UINT(PiixIde, bm[c].status), \
    STATE_UINT(PiixIde, bm[c].prd_table), STATE_UINT(PiixIde, bm[c].cur_prd), \
    STATE_UINT(PiixIde, bm[c].addr), STATE_UINT(PiixIde, bm[c].prd_left), \
    STATE_UINT(PiixIde, bm[c].nprd), STATE_BOOL(PiixIde, bm[c].eot)

static const StateField ide_fn_fields[] = {
    PCI_DEVICE_STATE(PiixIde, dev),
    BM_STATE(0), BM_STATE(1),
    STATE_END
};

static const StateDesc ide_fn_state = { "piix3-ide", 2, ide_fn_fields, ide_fn_post_load };

PiixIde *piix_ide_create(Machine *m, PciBus *bus, unsigned devfn, Pic *pic)
{
    PiixIde *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    pci_device_init(&s->dev, bus, devfn, "piix3-ide", 0x8086, 0x7010, 0x00, 0x010180, 0);
    pci_init_regs(&s->dev, ide_regs, sizeof ide_regs / sizeof ide_regs[0]);
    pci_register_bar_io(&s->dev, 4, 16, &bm_ops, s, "piix3-ide-bm");
    pci_device_realize(&s->dev);
    static const struct { const char *name; uint16_t cmd, ctl; int irq; } legacy[2] = {
        { "ide0", 0x1f0, 0x3f6, 14 }, { "ide1", 0x170, 0x376, 15 } };
    for (int c = 0; c < 2; c++) {
        IdeChannel *ch = &s->ch[c];
        ch->dma_ready = dma_ready;
        ch->on_irq = on_irq;
        s->hook[c].s = s;
        s->hook[c].c = c;
        ch->dma_opaque = &s->hook[c];
        ide_channel_init(ch, m, legacy[c].name, legacy[c].cmd, legacy[c].ctl);
        if (pic)
            irq_connect(&ch->irq, pic_set_irq, pic, legacy[c].irq);
    }
    ide_fn_reset(s);
    machine_add_device(m, "piix3-ide", &ide_fn_state, s, ide_fn_reset, free);
    return s;
}
