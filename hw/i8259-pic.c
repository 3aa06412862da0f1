/* Intel 8259A programmable interrupt controller, master/slave pair, and the PIIX
 * ELCR registers.  Datasheet: Intel 8259A (231468).
 *
 * Registers per chip: IRR (requests), ISR (in service), IMR (mask).  Priority
 * is resolved from the IR after `lowest` (rotation moves `lowest`); a request
 * reaches INT if it is unmasked and of higher priority than every level in
 * service (the fully nested mode), with the special mask mode and the special
 * fully nested mode relaxing that.  The INTA cycle sets the ISR bit (or not in
 * automatic EOI mode) and returns the vector; a request that vanished gives
 * the default IR7 vector without touching ISR. */
#include "hw/i8259-pic.h"

#include <stdlib.h>

#include "system/log.h"

enum { MASTER = 0, SLAVE = 1 };

#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_ADI 0x04
#define ICW1_LTIM 0x08
#define ICW4_UPM 0x01
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10

/* ELCR bits that exist: IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
static const uint8_t elcr_mask[2] = { 0xf8, 0xde };

static const char *const chip_name[2] = { "master", "slave" };

static uint8_t level_mask(const PicChip *c)
{
    return (c->icw1 & ICW1_LTIM) ? 0xff : c->elcr;
}

/* Priority rank of IR n: 0 is the highest. */
static int rank(const PicChip *c, int n)
{
    return (n - c->lowest - 1) & 7;
}

/* The highest-priority IR in mask, or -1. */
static int highest(const PicChip *c, uint8_t mask)
{
    for (int r = 0; r < 8; r++) {
        int n = (c->lowest + 1 + r) & 7;
        if (mask & (1u << n))
            return n;
    }
    return -1;
}

/* Whether IR n of this chip has a slave behind it (cascade mode, ICW3 bit). */
static bool is_cascade_input(const Pic *p, int chip, int n)
{
    const PicChip *c = &p->chip[chip];
    return chip == MASTER && !(c->icw1 & ICW1_SNGL) && (c->icw3 & (1u << n));
}

/* The IR this chip requests an interrupt for (its INT logic), or -1. */
static int pending_irq(const Pic *p, int chip)
{
    const PicChip *c = &p->chip[chip];
    uint8_t req = c->irr & ~c->imr;
    if (!req)
        return -1;
    if (c->smm) {
        /* Special mask mode: levels in service do not block other levels
         * (a masked level stays masked; one in service does not re-request). */
        return highest(c, req & ~c->isr);
    }
    int n = highest(c, req);
    int s = highest(c, c->isr);
    if (s < 0 || rank(c, n) < rank(c, s))
        return n;
    /* Special fully nested mode: a slave in service is not locked out, so its
     * higher-priority requests (a new INT) come through. */
    if (n == s && (c->icw4 & ICW4_SFNM) && is_cascade_input(p, chip, n))
        return n;
    return -1;
}

/* A change of IR input n's level. */
static void chip_input(PicChip *c, int n, int level)
{
    uint8_t bit = (uint8_t)(1u << n);
    if (level) {
        if ((level_mask(c) & bit) || !(c->level & bit))
            c->irr |= bit;      /* level, or a rising edge */
        c->level |= bit;
    } else {
        /* The request latch follows the line: a request that goes away
         * before INTA is withdrawn (edge and level mode alike). */
        c->level &= (uint8_t)~bit;
        c->irr &= (uint8_t)~bit;
    }
}

static void pic_update(Pic *p)
{
    PicChip *m = &p->chip[MASTER], *s = &p->chip[SLAVE];
    s->int_out = pending_irq(p, SLAVE) >= 0;
    if (((m->level >> 2) & 1) != s->int_out)
        chip_input(m, 2, s->int_out);
    m->int_out = pending_irq(p, MASTER) >= 0;
    machine_set_intr(p->m, m->int_out);
}

void pic_set_irq(void *opaque, int n, int level)
{
    Pic *p = opaque;
    if (n < 0 || n > 15 || n == 2)
        return;     /* IR2 of the master is the cascade, not a pin */
    chip_input(&p->chip[n >> 3], n & 7, level != 0);
    pic_update(p);
}

/* The vector chip c gives for IR n. */
static int chip_vector(const PicChip *c, int n)
{
    if (c->icw4 & ICW4_UPM)
        return (c->icw2 & 0xf8) | n;
    /* MCS-80/85 mode: an x86 takes the byte of the second INTA cycle, the low
     * byte of the CALL address (interval 4 or 8 from ICW1 A7-A5). */
    if (c->icw1 & ICW1_ADI)
        return (c->icw1 & 0xe0) | (n << 2);
    return (c->icw1 & 0xc0) | (n << 3);
}

/* Acknowledge of IR n on one chip (an INTA or a poll read). */
static void chip_ack(PicChip *c, int n)
{
    uint8_t bit = (uint8_t)(1u << n);
    if (!(level_mask(c) & bit))
        c->irr &= (uint8_t)~bit;    /* edge latch reset: a new edge is needed */
    /* Automatic EOI happens at the end of the last INTA pulse; in MCS-80/85
     * mode that is the third one, which an x86 never sends. */
    if ((c->icw4 & (ICW4_AEOI | ICW4_UPM)) == (ICW4_AEOI | ICW4_UPM)) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)n;
    } else {
        c->isr |= bit;
    }
}

int pic_intack(void *opaque)
{
    Pic *p = opaque;
    PicChip *m = &p->chip[MASTER], *s = &p->chip[SLAVE];
    int vec;
    int n = pending_irq(p, MASTER);
    if (n < 0) {
        /* The request went away before INTA: default IR7, ISR untouched. */
        vec = chip_vector(m, 7);
        if (log_enabled(LOG_INT))
            log_printf("i8259: spurious interrupt on the master (vector 0x%02x)\n", vec);
    } else if (is_cascade_input(p, MASTER, n)) {
        chip_ack(m, n);
        /* The master puts n on CAS0-2; the slave with that identity answers. */
        if (n == 2 && !(s->icw1 & ICW1_SNGL) && (s->icw3 & 7) == 2) {
            int k = pending_irq(p, SLAVE);
            if (k < 0) {
                vec = chip_vector(s, 7);
                if (log_enabled(LOG_INT))
                    log_printf("i8259: spurious interrupt on the slave (vector 0x%02x)\n", vec);
            } else {
                chip_ack(s, k);
                vec = chip_vector(s, k);
            }
            /* The slave's INT drops during the INTA sequence; if it still has
             * a request afterwards, the master sees a new edge. */
            chip_input(m, 2, 0);
        } else {
            vec = 0xff;     /* nobody drives the data bus */
            guest_error("i8259: master IR%d is a cascade input but no slave answers "
                        "(slave ICW3 id %d%s): vector 0xff\n", n, s->icw3 & 7,
                        (s->icw1 & ICW1_SNGL) ? ", slave in single mode" : "");
        }
    } else {
        chip_ack(m, n);
        vec = chip_vector(m, n);
    }
    pic_update(p);
    return vec;
}

/* OCW3 poll: the read acts as an INTA on this chip and returns the level. */
static uint8_t poll_read(Pic *p, int chip)
{
    PicChip *c = &p->chip[chip];
    c->poll = 0;
    int n = pending_irq(p, chip);
    if (n < 0)
        return 0x07;    /* no request: I = 0 (the default level 7) */
    chip_ack(c, n);
    if (chip == MASTER && is_cascade_input(p, MASTER, n))
        chip_input(c, 2, 0);    /* INT of the slave is sampled anew */
    pic_update(p);
    return (uint8_t)(0x80 | n);
}

static void write_icw1(Pic *p, int chip, uint8_t val)
{
    PicChip *c = &p->chip[chip];
    c->icw1 = val;
    c->init_state = 1;
    c->imr = 0;
    c->isr = 0;
    c->lowest = 7;
    c->smm = 0;
    c->read_isr = 0;
    c->poll = 0;
    c->rotate_aeoi = 0;
    if (!(val & ICW1_IC4))
        c->icw4 = 0;
    /* The edge sense circuit is reset: edge-triggered lines need a new edge. */
    c->irr = c->level & level_mask(c);
}

static void init_done(PicChip *c, int chip)
{
    c->init_state = 0;
    if (!(c->icw4 & ICW4_UPM))
        guest_error("i8259 %s: initialised in MCS-80/85 mode (no ICW4 or uPM=0): "
                    "vectors are 8080 CALL address bytes\n", chip_name[chip]);
}

static void write_ocw2(Pic *p, int chip, uint8_t val)
{
    PicChip *c = &p->chip[chip];
    int l = val & 7;
    switch (val >> 5) {
    case 0:     /* rotate in automatic EOI mode (clear) */
        c->rotate_aeoi = 0;
        break;
    case 4:     /* rotate in automatic EOI mode (set) */
        c->rotate_aeoi = 1;
        break;
    case 2:     /* no operation */
        break;
    case 1:     /* non-specific EOI */
    case 5: {   /* rotate on non-specific EOI */
        /* In special mask mode a masked level in service is not cleared. */
        int n = highest(c, c->smm ? c->isr & ~c->imr : c->isr);
        if (n < 0) {
            guest_error("i8259 %s: non-specific EOI with no level in service\n", chip_name[chip]);
            break;
        }
        c->isr &= (uint8_t)~(1u << n);
        if (val >> 5 == 5)
            c->lowest = (uint8_t)n;
        break;
    }
    case 3:     /* specific EOI */
    case 7:     /* rotate on specific EOI */
        if (!(c->isr & (1u << l)))
            guest_error("i8259 %s: specific EOI for IR%d, not in service\n", chip_name[chip], l);
        c->isr &= (uint8_t)~(1u << l);
        if (val >> 5 == 7)
            c->lowest = (uint8_t)l;
        break;
    case 6:     /* set priority */
        c->lowest = (uint8_t)l;
        break;
    }
}

static void write_ocw3(Pic *p, int chip, uint8_t val)
{
    PicChip *c = &p->chip[chip];
    if (val & 0x80)
        guest_error("i8259 %s: OCW3 0x%02x has bit 7 set\n", chip_name[chip], val);
    if (val & 0x40)
        c->smm = (val >> 5) & 1;
    if (val & 0x02)
        c->read_isr = val & 1;
    if (val & 0x04)
        c->poll = 1;
}

static void pic_write(Pic *p, int chip, uint64_t off, uint8_t val)
{
    PicChip *c = &p->chip[chip];
    if (off == 0) {
        if (val & 0x10)
            write_icw1(p, chip, val);
        else if (val & 0x08)
            write_ocw3(p, chip, val);
        else
            write_ocw2(p, chip, val);
    } else {
        switch (c->init_state) {
        case 0:
            c->imr = val;   /* OCW1 */
            break;
        case 1:
            c->icw2 = val;
            if (!(c->icw1 & ICW1_SNGL))
                c->init_state = 2;
            else if (c->icw1 & ICW1_IC4)
                c->init_state = 3;
            else
                init_done(c, chip);
            break;
        case 2:
            c->icw3 = val;
            if (chip == SLAVE && (val & 0xf8))
                guest_error("i8259 slave: ICW3 0x%02x has bits 7-3 set\n", val);
            if (c->icw1 & ICW1_IC4)
                c->init_state = 3;
            else
                init_done(c, chip);
            break;
        default:
            c->icw4 = val;
            if (val & 0xe0)
                guest_error("i8259 %s: ICW4 0x%02x has bits 7-5 set\n", chip_name[chip], val);
            init_done(c, chip);
            break;
        }
    }
    pic_update(p);
}

static uint8_t pic_read(Pic *p, int chip, uint64_t off)
{
    PicChip *c = &p->chip[chip];
    if (c->poll)
        return poll_read(p, chip);
    if (off == 0)
        return c->read_isr ? c->isr : c->irr;
    return c->imr;
}

static uint64_t master_read(void *opaque, uint64_t off, unsigned size)
{
    return pic_read(opaque, MASTER, off);
}

static void master_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    pic_write(opaque, MASTER, off, (uint8_t)val);
}

static uint64_t slave_read(void *opaque, uint64_t off, unsigned size)
{
    return pic_read(opaque, SLAVE, off);
}

static void slave_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    pic_write(opaque, SLAVE, off, (uint8_t)val);
}

static uint64_t elcr_read(void *opaque, uint64_t off, unsigned size)
{
    Pic *p = opaque;
    return p->chip[off & 1].elcr;
}

static void elcr_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Pic *p = opaque;
    PicChip *c = &p->chip[off & 1];
    uint8_t v = (uint8_t)val;
    if (v & ~elcr_mask[off & 1])
        guest_error("i8259: ELCR%d write 0x%02x sets read-only bits (mask 0x%02x)\n",
                    (int)(off & 1) + 1, v, elcr_mask[off & 1]);
    c->elcr = v & elcr_mask[off & 1];
    /* Lines now level-triggered request service while high. */
    c->irr |= c->level & level_mask(c);
    pic_update(p);
}

static const MemOps master_ops = { master_read, master_write, 1, 1 };
static const MemOps slave_ops = { slave_read, slave_write, 1, 1 };
static const MemOps elcr_ops = { elcr_read, elcr_write, 1, 1 };

void pic_reset(void *opaque)
{
    Pic *p = opaque;
    /* The power-up state is undefined until ICW1; Tandem starts both chips as
     * a PC BIOS programs them (cascade on IR2, 8086 mode, vectors 0x08/0x70)
     * with every line masked.  Input levels are wires and survive. */
    for (int i = 0; i < 2; i++) {
        PicChip *c = &p->chip[i];
        uint8_t level = c->level;
        *c = (PicChip){ 0 };
        c->level = level;
        c->icw1 = 0x11;
        c->icw2 = i == MASTER ? 0x08 : 0x70;
        c->icw3 = i == MASTER ? 0x04 : 0x02;
        c->icw4 = ICW4_UPM;
        c->imr = 0xff;
        c->lowest = 7;
    }
    pic_update(p);
}

static int pic_post_load(void *opaque)
{
    Pic *p = opaque;
    for (int i = 0; i < 2; i++) {
        PicChip *c = &p->chip[i];
        if (c->init_state > 3 || c->lowest > 7 || (c->elcr & ~elcr_mask[i]) || c->read_isr > 1 ||
            c->poll > 1 || c->smm > 1 || c->rotate_aeoi > 1 || c->int_out > 1)
            return -1;
    }
    pic_update(p);
    return 0;
}

#define PIC_CHIP_FIELDS(i, pre) \
    { pre "irr", offsetof(Pic, chip[i].irr), 1, 1, SF_UINT, 0 }, \
    { pre "isr", offsetof(Pic, chip[i].isr), 1, 1, SF_UINT, 0 }, \
    { pre "imr", offsetof(Pic, chip[i].imr), 1, 1, SF_UINT, 0 }, \
    { pre "level", offsetof(Pic, chip[i].level), 1, 1, SF_UINT, 0 }, \
    { pre "elcr", offsetof(Pic, chip[i].elcr), 1, 1, SF_UINT, 0 }, \
    { pre "icw1", offsetof(Pic, chip[i].icw1), 1, 1, SF_UINT, 0 }, \
    { pre "icw2", offsetof(Pic, chip[i].icw2), 1, 1, SF_UINT, 0 }, \
    { pre "icw3", offsetof(Pic, chip[i].icw3), 1, 1, SF_UINT, 0 }, \
    { pre "icw4", offsetof(Pic, chip[i].icw4), 1, 1, SF_UINT, 0 }, \
    { pre "init_state", offsetof(Pic, chip[i].init_state), 1, 1, SF_UINT, 0 }, \
    { pre "lowest", offsetof(Pic, chip[i].lowest), 1, 1, SF_UINT, 0 }, \
    { pre "read_isr", offsetof(Pic, chip[i].read_isr), 1, 1, SF_UINT, 0 }, \
    { pre "poll", offsetof(Pic, chip[i].poll), 1, 1, SF_UINT, 0 }, \
    { pre "smm", offsetof(Pic, chip[i].smm), 1, 1, SF_UINT, 0 }, \
    { pre "rotate_aeoi", offsetof(Pic, chip[i].rotate_aeoi), 1, 1, SF_UINT, 0 }, \
    { pre "int_out", offsetof(Pic, chip[i].int_out), 1, 1, SF_UINT, 0 }

static const StateField pic_fields[] = {
    PIC_CHIP_FIELDS(0, "m."),
    PIC_CHIP_FIELDS(1, "s."),
    STATE_END
};

static const StateDesc pic_state = { "i8259", 1, pic_fields, pic_post_load };

Pic *pic_create(Machine *m)
{
    Pic *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->m = m;
    io_map(&m->io, 0x20, 2, &master_ops, p, "i8259-master");
    io_map(&m->io, 0xa0, 2, &slave_ops, p, "i8259-slave");
    io_map(&m->io, 0x4d0, 2, &elcr_ops, p, "elcr");
    pic_reset(p);
    machine_add_device(m, "i8259", &pic_state, p, pic_reset, free);
    return p;
}

void pic_info(Pic *p, FILE *f)
{
    for (int i = 0; i < 2; i++) {
        const PicChip *c = &p->chip[i];
        fprintf(f, "%s: irr=%02x isr=%02x imr=%02x lines=%02x trigger(level)=%02x%s int=%d\n",
                chip_name[i], c->irr, c->isr, c->imr, c->level, level_mask(c),
                (c->icw1 & ICW1_LTIM) ? " (LTIM)" : "", c->int_out);
        fprintf(f, "  vectors=%02x-%02x%s %s icw3=%02x lowest-priority=IR%d%s%s%s%s%s%s\n",
                chip_vector(c, 0), chip_vector(c, 7), (c->icw4 & ICW4_UPM) ? "" : " (8080 mode)",
                (c->icw1 & ICW1_SNGL) ? "single" : "cascade", c->icw3, c->lowest,
                (c->icw4 & ICW4_AEOI) ? " aeoi" : "", c->rotate_aeoi ? " rotate-aeoi" : "",
                (c->icw4 & ICW4_SFNM) ? " sfnm" : "", c->smm ? " special-mask" : "",
                c->poll ? " poll" : "", c->read_isr ? " read=isr" : " read=irr");
        if (c->init_state)
            fprintf(f, "  initialising: ICW%d expected\n", c->init_state + 1);
    }
}
