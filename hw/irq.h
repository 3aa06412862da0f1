/* Interrupt lines between devices and interrupt controllers.  A line has a level;
 * irq_set() records it and tells the sink (PIC, IOAPIC, CPU pin) every time, so
 * edge-triggered sinks see 0->1 transitions and level-triggered ones the level. */
#ifndef HW_IRQ_H
#define HW_IRQ_H

typedef void (*IrqHandler)(void *opaque, int n, int level);

typedef struct IrqLine {
    IrqHandler handler;
    void *opaque;
    int n;
    int level;
} IrqLine;

static inline void irq_connect(IrqLine *l, IrqHandler h, void *opaque, int n)
{
    l->handler = h;
    l->opaque = opaque;
    l->n = n;
}

static inline void irq_set(IrqLine *l, int level)
{
    l->level = level;
    if (l->handler)
        l->handler(l->opaque, l->n, level);
}

static inline void irq_raise(IrqLine *l) { irq_set(l, 1); }
static inline void irq_lower(IrqLine *l) { irq_set(l, 0); }
/* An edge: raise then lower (for devices that signal events). */
static inline void irq_pulse(IrqLine *l) { irq_set(l, 1); irq_set(l, 0); }

/* One wire driven by several outputs (an ISA IRQ shared by gated drivers,
 * like COM1 and COM3 on IRQ4): `out` is high while any input is.  Connect
 * input k (0..31) with irq_connect(line, irq_or_input, or, k). */
typedef struct IrqOr {
    IrqLine out;
    unsigned inputs;        /* bit k: input k is high */
} IrqOr;

static inline void irq_or_input(void *opaque, int n, int level)
{
    IrqOr *o = (IrqOr *)opaque;
    unsigned before = o->inputs;
    if (level)
        o->inputs |= 1u << (n & 31);
    else
        o->inputs &= ~(1u << (n & 31));
    if (!before != !o->inputs)
        irq_set(&o->out, o->inputs != 0);
}

#endif
