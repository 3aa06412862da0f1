/* The I/O APIC (see ioapic.h). */
#include "hw/ioapic.h"

#include <stdlib.h>

#include "system/log.h"

enum { IOAPIC_REG_ID = 0x00, IOAPIC_REG_VER = 0x01, IOAPIC_REG_ARB = 0x02, IOAPIC_REG_RTE = 0x10 };

/* Bits of an entry the guest writes: all but delivery status and remote IRR,
 * and the reserved bits 55:17. */
#define RTE_WRITABLE (0xff00000000000000ull | 0x1afffull)

static bool asserted(const Ioapic *s, int pin) { return (s->levels >> pin) & 1; }

/* Sends pin's message to the local APIC if its entry lets it through. */
static void send(Ioapic *s, int pin)
{
    uint64_t e = s->rte[pin];
    bool level = e & IOAPIC_RTE_LEVEL;
    if (e & IOAPIC_RTE_MASKED)
        return;
    if (level && (e & IOAPIC_RTE_REMOTE_IRR))
        return;   /* the previous message is not EOI'd yet */
    int mode = (int)((e >> 8) & 7);
    if (!lapic_match_dest(s->lapic, (uint8_t)(e >> 56), e & (1ull << 11)) && mode != DM_EXTINT) {
        guest_error("ioapic: pin %d: no local APIC matches destination 0x%02x\n", pin,
                    (unsigned)(e >> 56));
        return;
    }
    /* Remote IRR is set when a local APIC accepts a level-triggered fixed or
     * lowest-priority message. */
    if (level && (mode == DM_FIXED || mode == DM_LOWEST))
        s->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
    lapic_deliver(s->lapic, mode, (int)(e & 0xff), level);
}

void ioapic_set_irq(void *opaque, int n, int level)
{
    Ioapic *s = opaque;
    if (n < 0 || n >= IOAPIC_PINS)
        return;
    bool was = asserted(s, n);
    if (level)
        s->levels |= 1u << n;
    else
        s->levels &= ~(1u << n);
    bool is_level = s->rte[n] & IOAPIC_RTE_LEVEL;
    if (level && (is_level || !was))
        send(s, n);
}

void ioapic_eoi(void *opaque, int vector)
{
    Ioapic *s = opaque;
    for (int pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t e = s->rte[pin];
        if ((e & IOAPIC_RTE_REMOTE_IRR) && (int)(e & 0xff) == vector) {
            s->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
            if ((e & IOAPIC_RTE_LEVEL) && asserted(s, pin))
                send(s, pin);
        }
    }
}

uint32_t ioapic_reg_read(Ioapic *s, uint8_t reg)
{
    switch (reg) {
    case IOAPIC_REG_ID: return s->id;
    case IOAPIC_REG_VER: return IOAPIC_VERSION | (IOAPIC_PINS - 1) << 16;
    case IOAPIC_REG_ARB: return s->id;   /* loaded from the ID at reset */
    default:
        if (reg >= IOAPIC_REG_RTE && reg < IOAPIC_REG_RTE + 2 * IOAPIC_PINS) {
            uint64_t e = s->rte[(reg - IOAPIC_REG_RTE) >> 1];
            return (uint32_t)(reg & 1 ? e >> 32 : e);
        }
        guest_error("ioapic: read of register 0x%02x\n", reg);
        return 0;
    }
}

void ioapic_reg_write(Ioapic *s, uint8_t reg, uint32_t val)
{
    if (reg == IOAPIC_REG_ID) {
        s->id = val & 0x0f000000u;
        return;
    }
    if (reg < IOAPIC_REG_RTE || reg >= IOAPIC_REG_RTE + 2 * IOAPIC_PINS) {
        guest_error("ioapic: write 0x%x to register 0x%02x\n", val, reg);
        return;
    }
    int pin = (reg - IOAPIC_REG_RTE) >> 1;
    uint64_t old = s->rte[pin];
    uint64_t v = reg & 1 ? (old & 0xffffffffull) | (uint64_t)val << 32
                         : (old & ~0xffffffffull) | val;
    s->rte[pin] = (v & RTE_WRITABLE) | (old & IOAPIC_RTE_REMOTE_IRR);
    /* Switching to edge forgets a pending level message's remote IRR. */
    if (!(s->rte[pin] & IOAPIC_RTE_LEVEL))
        s->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
    /* An asserted level pin that becomes unmasked (or level) sends now. */
    if ((s->rte[pin] & IOAPIC_RTE_LEVEL) && asserted(s, pin))
        send(s, pin);
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
    Ioapic *s = opaque;
    if (off == 0x00)
        return s->regsel;
    if (off == 0x10)
        return ioapic_reg_read(s, s->regsel);
    return 0;
}

static void mmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Ioapic *s = opaque;
    if (off == 0x00)
        s->regsel = (uint8_t)val;
    else if (off == 0x10)
        ioapic_reg_write(s, s->regsel, (uint32_t)val);
    else
        guest_error("ioapic: write to offset 0x%llx\n", (unsigned long long)off);
}

static const MemOps ioapic_ops = { mmio_read, mmio_write, 4, 4 };

void ioapic_reset(void *opaque)
{
    Ioapic *s = opaque;
    s->regsel = 0;
    s->id = 0;
    for (int i = 0; i < IOAPIC_PINS; i++)
        s->rte[i] = IOAPIC_RTE_MASKED;
}

static const StateField ioapic_fields[] = {
    STATE_UINT(Ioapic, regsel), STATE_UINT(Ioapic, id), STATE_UINT_ARRAY(Ioapic, rte),
    STATE_UINT(Ioapic, levels), STATE_END
};
static const StateDesc ioapic_state = { "ioapic", 1, ioapic_fields, NULL };

Ioapic *ioapic_create(Machine *m, Lapic *lapic)
{
    Ioapic *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    s->lapic = lapic;
    lapic->eoi_cb = ioapic_eoi;
    lapic->eoi_opaque = s;
    ioapic_reset(s);
    phys_add_mmio(&m->mem, "ioapic", IOAPIC_BASE, 0x1000, &ioapic_ops, s, 1);
    machine_add_device(m, "ioapic", &ioapic_state, s, ioapic_reset, free);
    return s;
}

void ioapic_info(Ioapic *s, FILE *f)
{
    fprintf(f, "ioapic: id %u levels 0x%06x\n", s->id >> 24, s->levels);
    for (int i = 0; i < IOAPIC_PINS; i++)
        if (!(s->rte[i] & IOAPIC_RTE_MASKED))
            fprintf(f, "  pin %2d: %016llx\n", i, (unsigned long long)s->rte[i]);
}
