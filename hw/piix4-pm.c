/* Intel 82371AB PIIX4 power management function (see piix4-pm.h).  Datasheet:
 * 82371AB PCI-TO-ISA / IDE XCELERATOR (PIIX4) (290562), function 3 configuration,
 * power management and SMBus I/O registers; ACPI 1.0 section 4.7. */
#include "hw/piix4-pm.h"

#include <stdlib.h>
#include <string.h>

#include "system/log.h"

static const PciReg pm_regs[] = {
    { PCI_COMMAND, 2, 0x0000, 0x0001, 0 },      /* IOSE: SMBus I/O space */
    { PCI_STATUS, 2, 0x0280, 0, 0x3800 },
    { PCI_INTERRUPT_LINE, 1, 0x00, 0xff, 0 },
    { PCI_INTERRUPT_PIN, 1, 0x01, 0, 0 },       /* INTA# */
    { PM_PMBA, 4, 0x00000001, 0x0000ffc0, 0 },  /* 64 bytes of I/O */
    { 0x44, 4, 0, 0xffffffff, 0 },              /* CNTA */
    { 0x48, 4, 0, 0xffffffff, 0 },              /* CNTB */
    { 0x4c, 4, 0, 0xffffffff, 0 },              /* GPICTL */
    { 0x50, 4, 0, 0x00ffffff, 0 },              /* DEVRESD */
    { 0x54, 4, 0, 0xffffffff, 0 },              /* DEVACTA */
    { PM_DEVACTB, 4, PM_DEVACTB_APMC_EN, 0xffffffff, 0 },
    { 0x5c, 4, 0, 0xffffffff, 0 },              /* DEVRESA */
    { 0x60, 4, 0, 0xffffffff, 0 },              /* DEVRESB */
    { 0x64, 4, 0, 0xffffffff, 0 },              /* DEVRESC */
    { 0x68, 4, 0, 0xffffffff, 0 },              /* DEVRESE */
    { 0x6c, 4, 0, 0xffffffff, 0 },              /* DEVRESF */
    { 0x70, 4, 0, 0xffffffff, 0 },              /* DEVRESG */
    { 0x74, 4, 0, 0xffffffff, 0 },              /* DEVRESH */
    { 0x78, 4, 0, 0xffffffff, 0 },              /* DEVRESI */
    { 0x7c, 4, 0, 0xffffffff, 0 },              /* DEVRESJ */
    { PM_PMREGMISC, 1, 0x00, 0x01, 0 },         /* PMIOSE */
    { PM_SMBBA, 4, 0x00000001, 0x0000fff0, 0 }, /* 16 bytes of I/O */
    { PM_SMBHSTCFG, 1, 0x00, 0x0f, 0 },         /* SMB_HST_EN, interrupt select */
    { 0xd3, 1, 0x00, 0x0f, 0 },                 /* SMBSLVC */
    { 0xd4, 1, 0x00, 0xff, 0 },                 /* SMBSHDW1 */
    { 0xd5, 1, 0x00, 0xff, 0 },                 /* SMBSHDW2 */
};

/* PM I/O: reset value, writable bits, write-1-to-clear bits. */
static const PciReg pmio_regs[] = {
    { PMSTS, 2, 0, 0, 0x8d31 },
    { PMEN, 2, 0, 0x0521, 0 },
    { PMCNTRL, 2, 0, 0x1c03, 0 },   /* SUS_EN and GBL_RLS are write-only actions */
    { GPSTS, 2, 0, 0, 0x0f81 },
    { GPEN, 2, 0, 0x0f81, 0 },
    { 0x10, 4, 0, 0x0000021e, 0 },  /* PCNTRL: throttling (not modelled) */
    { 0x18, 2, 0, 0, 0x0d25 },      /* GLBSTS */
    { 0x1c, 4, 0, 0, 0x3fffffff },  /* DEVSTS */
    { 0x20, 2, 0, 0x8d1f, 0 },      /* GLBEN */
    { GLBCTL, 4, 0, 0x0701ff05, 0 },/* GLBCTL; BIOS_RLS is a write-only action */
    { 0x2c, 4, 0, 0xffffffff, 0 },  /* DEVCTL */
    { 0x34, 4, 0, 0xffffffff, 0 },  /* GPOREG */
};

/* SMBus host interface */
enum { SMBHSTSTS = 0, SMBSLVSTS = 1, SMBHSTCNT = 2, SMBHSTCMD = 3, SMBHSTADD = 4,
       SMBHSTDAT0 = 5, SMBHSTDAT1 = 6, SMBBLKDAT = 7, SMBSLVCNT = 8, SMBSHDWCMD = 9,
       SMBSLVEVT = 0xa, SMBSLVDAT = 0xc };
#define SMB_HOST_BUSY 0x01
#define SMB_INTER 0x02
#define SMB_DEV_ERR 0x04
#define SMB_FAILED 0x10
#define SMB_INTEREN 0x01
#define SMB_KILL 0x02
#define SMB_START 0x40

static Piix4Pm *from_pci(PciDevice *d)
{
    return (Piix4Pm *)((char *)d - offsetof(Piix4Pm, pci));
}

static uint16_t pm16(const Piix4Pm *s, unsigned off)
{
    return (uint16_t)pci_get(s->pmio, off, 2);
}

/* ---- PM timer ---- */

static uint64_t timer_ticks(Piix4Pm *s)
{
    return (uint64_t)((unsigned __int128)clock_ns(&s->m->clock) * PM_TIMER_HZ / 1000000000u);
}

uint32_t piix4_pm_timer(Piix4Pm *s)
{
    return (uint32_t)(timer_ticks(s) & 0xffffff);
}

/* TMROF_STS: timer bit 23 changed since we last looked. */
static void update_tmr_sts(Piix4Pm *s)
{
    uint64_t now = timer_ticks(s);
    if ((now >> 23) != (s->tmr_seen >> 23))
        s->pmio[PMSTS] |= PM_TMROF;
    s->tmr_seen = now;
}

static void update_irq(Piix4Pm *s)
{
    bool sci = (pm16(s, PMCNTRL) & PM_SCI_EN) &&
               ((pm16(s, PMSTS) & pm16(s, PMEN) & (PM_TMROF | PM_GBL | PM_PWRBTN | PM_RTC)) ||
                (pm16(s, GPSTS) & pm16(s, GPEN)) ||
                (pci_get(s->gpe0, 0, 2) & pci_get(s->gpe0, 2, 2)));
    /* SMBHSTCFG interrupt select 100b: IRQ 9. */
    bool smb = (s->pci.config[PM_SMBHSTCFG] & 0x0e) == 0x08 && (s->smb[SMBHSTCNT] & SMB_INTEREN) &&
               (s->smb[SMBHSTSTS] & (SMB_INTER | SMB_DEV_ERR | SMB_FAILED));
    uint8_t level = sci || smb;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(&s->irq9, level);
    }
}

static void arm_timer(Piix4Pm *s)
{
    if (!(pm16(s, PMEN) & PM_TMROF)) {
        timer_del(&s->tmr_timer);
        return;
    }
    uint64_t next = ((timer_ticks(s) >> 23) + 1) << 23;
    uint64_t ns = (uint64_t)(((unsigned __int128)next * 1000000000u + PM_TIMER_HZ - 1) / PM_TIMER_HZ);
    timer_mod(&s->tmr_timer, ns);
}

static void tmr_cb(void *opaque)
{
    Piix4Pm *s = opaque;
    update_tmr_sts(s);
    update_irq(s);
    arm_timer(s);
}

/* ---- PM I/O ---- */

static uint64_t pmio_read(void *opaque, uint64_t off, unsigned size)
{
    Piix4Pm *s = opaque;
    update_tmr_sts(s);
    update_irq(s);
    uint8_t b[PM_IO_SIZE];
    memcpy(b, s->pmio, PM_IO_SIZE);
    pci_set(b, PMTMR, piix4_pm_timer(s), 4);
    return off + size <= PM_IO_SIZE ? pci_get(b, (unsigned)off, size) : 0xffffffffu;
}

static void sleep_request(Piix4Pm *s, unsigned typ)
{
    if (typ == 0) {
        fprintf(stderr, "tandem: guest powered off (ACPI S5 through PIIX4 PMCNTRL)\n");
        machine_request_exit(s->m, 0);
        return;
    }
    log_unimp("piix4-pm: sleep type %u requested (only S5 soft-off is implemented)\n", typ);
}

static void pmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Piix4Pm *s = opaque;
    update_tmr_sts(s);
    for (unsigned i = 0; i < size && off + i < PM_IO_SIZE; i++) {
        unsigned a = (unsigned)off + i;
        uint8_t v = (uint8_t)(val >> (8 * i));
        uint8_t wm = 0, wc = 0;
        for (size_t r = 0; r < sizeof pmio_regs / sizeof pmio_regs[0]; r++) {
            const PciReg *pr = &pmio_regs[r];
            if (a >= pr->addr && a < pr->addr + pr->size) {
                wm = (uint8_t)(pr->wmask >> (8 * (a - pr->addr)));
                wc = (uint8_t)(pr->w1c >> (8 * (a - pr->addr)));
            }
        }
        s->pmio[a] = (uint8_t)((s->pmio[a] & ~wm) | (v & wm));
        s->pmio[a] &= (uint8_t)~(v & wc);
        /* Write-only actions. */
        if (a == PMCNTRL && (v & PM_GBL_RLS))
            s->pmio[0x18] |= 0x01;                      /* GLBSTS.BIOS_STS (an SMI on hardware) */
        if (a == PMCNTRL + 1 && (v & (PM_SUS_EN >> 8)))
            sleep_request(s, (v >> 2) & 7);
        if (a == GLBCTL && (v & PM_GLBCTL_BIOS_RLS))
            s->pmio[PMSTS] |= PM_GBL;                   /* the global lock was released */
    }
    update_irq(s);
    arm_timer(s);
}

static const MemOps pmio_ops = { pmio_read, pmio_write, 1, 4 };

/* ---- SMBus host interface (an empty bus) ---- */

static uint64_t smb_read(void *opaque, uint64_t off, unsigned size)
{
    Piix4Pm *s = opaque;
    return off < SMB_IO_SIZE ? s->smb[off] : 0xff;
}

static void smb_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Piix4Pm *s = opaque;
    uint8_t v = (uint8_t)val;
    switch (off) {
    case SMBHSTSTS:
        s->smb[SMBHSTSTS] &= (uint8_t)~(v & 0x1e);
        break;
    case SMBSLVSTS:
        s->smb[SMBSLVSTS] &= (uint8_t)~(v & 0x3d);
        break;
    case SMBHSTCNT:
        s->smb[SMBHSTCNT] = v & 0x1d;
        if (v & SMB_KILL)
            s->smb[SMBHSTSTS] |= SMB_FAILED;
        else if (v & SMB_START)
            s->smb[SMBHSTSTS] |= SMB_DEV_ERR;           /* nobody acknowledges */
        break;
    case SMBHSTCMD: case SMBHSTADD: case SMBHSTDAT0: case SMBHSTDAT1: case SMBBLKDAT:
    case SMBSHDWCMD: case SMBSLVEVT: case SMBSLVEVT + 1: case SMBSLVDAT: case SMBSLVDAT + 1:
        s->smb[off] = v;
        break;
    case SMBSLVCNT:
        s->smb[off] = v & 0x0f;
        break;
    default:
        guest_error("piix4-pm: write to reserved SMBus register 0x%llx\n", (unsigned long long)off);
        break;
    }
    update_irq(s);
}

static const MemOps smb_ops = { smb_read, smb_write, 1, 1 };

/* ---- APM and GPE0 ---- */

static uint64_t apm_read(void *opaque, uint64_t off, unsigned size)
{
    Piix4Pm *s = opaque;
    return off == 0 ? s->apmc : s->apms;
}

static void apm_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Piix4Pm *s = opaque;
    if (off == 1) {
        s->apms = (uint8_t)val;
        return;
    }
    s->apmc = (uint8_t)val;
    if (s->apmc == 0xf1)
        s->pmio[PMCNTRL] |= PM_SCI_EN;
    else if (s->apmc == 0xf0)
        s->pmio[PMCNTRL] &= (uint8_t)~PM_SCI_EN;
    else
        log_unimp("piix4-pm: APMC command 0x%02x (an SMI on hardware; no SMM)\n", s->apmc);
    update_irq(s);
}

static const MemOps apm_ops = { apm_read, apm_write, 1, 1 };

static uint64_t gpe0_read(void *opaque, uint64_t off, unsigned size)
{
    Piix4Pm *s = opaque;
    return s->gpe0[off & 3];
}

static void gpe0_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Piix4Pm *s = opaque;
    if (off < 2)
        s->gpe0[off] &= (uint8_t)~val;
    else
        s->gpe0[off & 3] = (uint8_t)val;
    update_irq(s);
}

static const MemOps gpe0_ops = { gpe0_read, gpe0_write, 1, 1 };

/* ---- configuration ---- */

static void update_windows(Piix4Pm *s)
{
    const uint8_t *c = s->pci.config;
    pci_io_range_set(s->pci.bus, &s->pm_io, c[PM_PMREGMISC] & 1, pci_get(c, PM_PMBA, 4) & 0xffc0);
    pci_io_range_set(s->pci.bus, &s->smb_io,
                     (c[PCI_COMMAND] & PCI_CMD_IO) && (c[PM_SMBHSTCFG] & 1),
                     pci_get(c, PM_SMBBA, 4) & 0xfff0);
}

static void pm_config_write(PciDevice *d, unsigned addr, uint32_t val, unsigned size)
{
    Piix4Pm *s = from_pci(d);
    pci_default_config_write(d, addr, val, size);
    update_windows(s);
    update_irq(s);
}

void piix4_pm_reset(void *opaque)
{
    Piix4Pm *s = opaque;
    pci_device_reset(&s->pci);
    memset(s->pmio, 0, sizeof s->pmio);
    for (size_t r = 0; r < sizeof pmio_regs / sizeof pmio_regs[0]; r++)
        pci_set(s->pmio, pmio_regs[r].addr, pmio_regs[r].reset, pmio_regs[r].size);
    memset(s->smb, 0, sizeof s->smb);
    memset(s->gpe0, 0, sizeof s->gpe0);
    s->apmc = s->apms = 0;
    s->tmr_seen = timer_ticks(s);
    update_windows(s);
    update_irq(s);
    arm_timer(s);
}

static int pm_post_load(void *opaque)
{
    Piix4Pm *s = opaque;
    if (pci_device_post_load(&s->pci) < 0 || s->irq_level > 1)
        return -1;
    update_windows(s);
    arm_timer(s);
    return 0;
}

static const StateField pm_fields[] = {
    PCI_DEVICE_STATE(Piix4Pm, pci),
    STATE_BYTES(Piix4Pm, pmio),
    STATE_BYTES(Piix4Pm, smb),
    STATE_BYTES(Piix4Pm, gpe0),
    STATE_UINT(Piix4Pm, apmc),
    STATE_UINT(Piix4Pm, apms),
    STATE_UINT(Piix4Pm, tmr_seen),
    STATE_TIMER(Piix4Pm, tmr_timer),
    STATE_UINT(Piix4Pm, irq_level),
    STATE_END
};

static const StateDesc pm_state = { "piix4-pm", 1, pm_fields, pm_post_load };

Piix4Pm *piix4_pm_create(Machine *m, PciBus *bus, int slot)
{
    Piix4Pm *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    pci_device_init(&s->pci, bus, PCI_DEVFN(slot, 3), "piix4-pm", 0x8086, 0x7113, 0x03, 0x068000, 0);
    pci_init_regs(&s->pci, pm_regs, sizeof pm_regs / sizeof pm_regs[0]);
    s->pci.config_write = pm_config_write;
    pci_device_realize(&s->pci);
    pci_io_range_init(bus, &s->pm_io, PM_IO_SIZE, &pmio_ops, s, "piix4-pm");
    pci_io_range_init(bus, &s->smb_io, SMB_IO_SIZE, &smb_ops, s, "piix4-smbus");
    timer_init(&s->tmr_timer, &m->clock, tmr_cb, s);
    io_map(&m->io, 0xb2, 2, &apm_ops, s, "apm");
    io_map(&m->io, GPE0_BASE, 4, &gpe0_ops, s, "gpe0");
    piix4_pm_reset(s);
    machine_add_device(m, "piix4-pm", &pm_state, s, piix4_pm_reset, free);
    return s;
}
