/* Intel 82371SB PIIX3 PCI-to-ISA bridge (see
 * piix3.h).  Datasheet: 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE Xcelerator
 * (290550), function 0 and function 1 configuration registers, RC register. */
#include "hw/piix3.h"

#include <stdlib.h>

#include "system/log.h"

static const PciReg isa_regs[] = {
    /* PCICMD: I/O, memory and bus master always on (read-only 1); special
     * cycle and SERR# enables writable. */
    { PCI_COMMAND, 2, 0x0007, 0x0108, 0 },
    /* PCISTS: DEVSEL# medium, fast back-to-back; abort/SERR# bits R/WC. */
    { PCI_STATUS, 2, 0x0280, 0, 0x7800 },
    { 0x4c, 1, 0x4d, 0xff, 0 },                 /* IORT: ISA I/O recovery timer */
    { 0x4e, 2, 0x0003, 0x03ff, 0 },             /* XBCS: X-bus chip selects */
    { PIIX3_PIRQRC, 4, 0x80808080, 0x8f8f8f8f, 0 }, /* PIRQRC[A:D]: not routed */
    { 0x69, 1, 0x02, 0xfe, 0 },                 /* TOM: top of memory, forwarding */
    { 0x6a, 2, 0x0000, 0x00ff, 0 },             /* MSTAT: miscellaneous status */
    { 0x70, 1, 0x80, 0xcf, 0 },                 /* MBIRQ0: motherboard IRQ route */
    { 0x71, 1, 0x80, 0xcf, 0 },                 /* MBIRQ1 */
    { 0x76, 1, 0x0c, 0x8f, 0 },                 /* MBDMA0 */
    { 0x77, 1, 0x0c, 0x8f, 0 },                 /* MBDMA1 */
    { 0x78, 2, 0x0002, 0xffff, 0 },             /* PCSC: programmable chip select */
    { 0x80, 1, 0x00, 0x3f, 0 },                 /* APICBASE */
    { 0x82, 1, 0x00, 0x0f, 0 },                 /* DLC: deterministic latency */
    { 0xa0, 1, 0x08, 0x1f, 0 },                 /* SMICNTL */
    { 0xa2, 2, 0x0000, 0x00ff, 0 },             /* SMIEN */
    { 0xa4, 4, 0x00000000, 0xe000fffb, 0 },     /* SEE: system event enable */
    { 0xa8, 1, 0x0f, 0xff, 0 },                 /* FTMR: fast off timer */
    { 0xaa, 2, 0x0000, 0, 0x01ff },             /* SMIREQ: R/WC */
    { 0xac, 1, 0x00, 0xff, 0 },                 /* CTLTMR */
    { 0xae, 1, 0x00, 0xff, 0 },                 /* CTHTMR */
};

static Piix3 *from_isa(PciDevice *d)
{
    return (Piix3 *)((char *)d - offsetof(Piix3, isa));
}

int piix3_pirq_of(int devfn, int pin)
{
    return ((devfn >> 3) - 1 + pin) & 3;
}

static int map_irq(void *opaque, int devfn, int pin)
{
    return piix3_pirq_of(devfn, pin);
}

/* ISA IRQ a PIRQ goes to, or -1: IRQ 0-2, 8 and 13 are reserved values. */
static int pirq_target(const Piix3 *s, int pirq)
{
    uint8_t r = s->isa.config[PIIX3_PIRQRC + pirq];
    if (r & 0x80)
        return -1;
    int irq = r & 0x0f;
    return irq < 3 || irq == 8 || irq == 13 ? -1 : irq;
}

static void update_outputs(Piix3 *s)
{
    uint16_t out = s->isa_in;
    for (int p = 0; p < 4; p++) {
        int irq = pirq_target(s, p);
        if (irq >= 0 && pci_bus_irq_level(s->isa.bus, p))
            out |= (uint16_t)(1u << irq);
    }
    uint16_t changed = out ^ s->irq_out;
    s->irq_out = out;
    for (int n = 0; n < 16; n++)
        if (changed & (1u << n))
            s->isa_out(s->isa_out_opaque, n, (out >> n) & 1);
}

static void set_pirq(void *opaque, int pirq, int level)
{
    Piix3 *s = opaque;
    if (pirq >= 0 && pirq < 4)
        irq_set(&s->pirq[pirq], level);
    update_outputs(s);
}

void piix3_set_isa_irq(void *opaque, int n, int level)
{
    Piix3 *s = opaque;
    if (n < 0 || n > 15)
        return;
    if (level)
        s->isa_in |= (uint16_t)(1u << n);
    else
        s->isa_in &= (uint16_t)~(1u << n);
    update_outputs(s);
}

static void isa_config_write(PciDevice *d, unsigned addr, uint32_t val, unsigned size)
{
    Piix3 *s = from_isa(d);
    pci_default_config_write(d, addr, val, size);
    if (addr < PIIX3_PIRQRC + 4 && PIIX3_PIRQRC < addr + size) {
        for (int p = 0; p < 4; p++) {
            uint8_t r = d->config[PIIX3_PIRQRC + p];
            if (!(r & 0x80) && pirq_target(s, p) < 0)
                guest_error("piix3: PIRQ%c routed to reserved IRQ value %d: not routed\n",
                            'A' + p, r & 0x0f);
        }
        update_outputs(s);
    }
}

/* Non-dword accesses to 0xCF8-0xCFB; the RC register is the byte at 0xCF9. */
static uint64_t rc_read(void *opaque, uint64_t off, unsigned size)
{
    Piix3 *s = opaque;
    if (off == 1)
        return s->rc;
    guest_error("piix3: read of port 0x%04x: nothing decodes it\n", (unsigned)(0xcf8 + off));
    return 0xff;
}

static void rc_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Piix3 *s = opaque;
    if (off != 1) {
        guest_error("piix3: write to port 0x%04x: nothing decodes it\n", (unsigned)(0xcf8 + off));
        return;
    }
    uint8_t v = (uint8_t)val & (PIIX3_RC_SRST | PIIX3_RC_RCPU);
    bool start = (v & PIIX3_RC_RCPU) && !(s->rc & PIIX3_RC_RCPU);
    s->rc = v;
    if (!start)
        return;
    if (!(v & PIIX3_RC_SRST))
        log_unimp("piix3: soft reset (CPU INIT) requested through 0xCF9: doing a system reset\n");
    if (log_enabled(LOG_INT))
        log_printf("piix3: reset requested through 0xCF9 (RC=0x%02x)\n", v);
    machine_request_reset(s->m);
}

static const MemOps rc_ops = { rc_read, rc_write, 1, 1 };

void piix3_reset(void *opaque)
{
    Piix3 *s = opaque;
    pci_device_reset(&s->isa);
    s->rc = 0;
    update_outputs(s);
}

static int piix3_post_load(void *opaque)
{
    Piix3 *s = opaque;
    if (s->rc & ~(PIIX3_RC_SRST | PIIX3_RC_RCPU))
        return -1;
    return pci_device_post_load(&s->isa);
}

static const StateField piix3_fields[] = {
    PCI_DEVICE_STATE(Piix3, isa),
    STATE_UINT(Piix3, rc),
    STATE_UINT(Piix3, isa_in),
    STATE_UINT(Piix3, irq_out),
    STATE_END
};

static const StateDesc piix3_state = { "piix3", 1, piix3_fields, piix3_post_load };

Piix3 *piix3_create(Machine *m, PciBus *bus, int slot, Pic *pic)
{
    Piix3 *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    s->pic = pic;
    s->isa_out = pic_set_irq;
    s->isa_out_opaque = pic;
    pci_device_init(&s->isa, bus, PCI_DEVFN(slot, 0), "piix3", 0x8086, 0x7000, 0x00, 0x060100,
                    PCI_HEADER_MULTIFUNCTION);
    pci_init_regs(&s->isa, isa_regs, sizeof isa_regs / sizeof isa_regs[0]);
    s->isa.config_write = isa_config_write;
    pci_device_realize(&s->isa);

    /* Function 1, the IDE controller, is its own chip model (hw/piix-ide.c). */
    s->ide = piix_ide_create(m, bus, PCI_DEVFN(slot, 1), pic);

    pci_bus_set_irq_router(bus, map_irq, set_pirq, s);
    pci_bus_set_cf8_passthrough(bus, &rc_ops, s);
    piix3_reset(s);
    machine_add_device(m, "piix3", &piix3_state, s, piix3_reset, free);
    return s;
}
