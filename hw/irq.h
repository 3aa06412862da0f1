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

#endif
