/* FERR# -> IRQ 13 latch, cleared by a write to port 0xF0 (hw/fpu-err.h). */
#include "hw/fpu-err.h"

#include <stdlib.h>

#include "system/log.h"

static void fpu_err_ferr(void *opaque, bool level)
{
    FpuErr *f = opaque;
    if (level && !f->ferr) {
        f->latch = 1;
        if (log_enabled(LOG_INT))
            log_printf("fpu-err: FERR# -> IRQ 13\n");
        irq_raise(&f->irq13);
    }
    f->ferr = level;
}

static uint64_t fpu_err_read(void *opaque, uint64_t off, unsigned size)
{
    return 0xff;        /* nothing to read on the AT */
}

static void fpu_err_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    FpuErr *f = opaque;
    f->latch = 0;
    irq_lower(&f->irq13);
}

static const MemOps fpu_err_ops = { fpu_err_read, fpu_err_write, 1, 1 };

static void fpu_err_reset(void *opaque)
{
    FpuErr *f = opaque;
    f->ferr = f->latch = 0;
    irq_lower(&f->irq13);
}

static int fpu_err_post_load(void *opaque)
{
    FpuErr *f = opaque;
    if (f->ferr > 1 || f->latch > 1)
        return -1;
    irq_set(&f->irq13, f->latch);
    return 0;
}

static const StateField fpu_err_fields[] = {
    STATE_UINT(FpuErr, ferr),
    STATE_UINT(FpuErr, latch),
    STATE_END
};

static const StateDesc fpu_err_state = { "fpu-err", 1, fpu_err_fields, fpu_err_post_load };

FpuErr *fpu_err_create(Machine *m)
{
    FpuErr *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    io_map(&m->io, 0xF0, 1, &fpu_err_ops, f, "fpu-err");
    m->ferr = fpu_err_ferr;
    m->ferr_opaque = f;
    machine_add_device(m, "fpu-err", &fpu_err_state, f, fpu_err_reset, free);
    return f;
}
