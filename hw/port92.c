/* System control port A (0x92): fast reset and fast A20, ORed with the
 * keyboard controller's A20 gate.  SMSC LPC47B27x "Port 92 Register". */
#include "hw/port92.h"

#include <stdlib.h>

#include "system/log.h"

static void update_a20(Port92 *p)
{
    phys_set_a20(&p->m->mem, (p->val & PORT92_A20) || p->a20gate);
}

void port92_set_a20gate(void *opaque, int n, int level)
{
    Port92 *p = opaque;
    p->a20gate = level != 0;
    update_a20(p);
}

static uint64_t port92_read(void *opaque, uint64_t off, unsigned size)
{
    Port92 *p = opaque;
    return p->val;
}

static void port92_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Port92 *p = opaque;
    uint8_t old = p->val, v = (uint8_t)val;
    p->val = v;
    update_a20(p);
    if (v & PORT92_RESET) {
        if (!(old & PORT92_RESET)) {
            if (log_enabled(LOG_INT))
                log_printf("port92: fast reset\n");
            machine_request_reset(p->m);
        } else {
            guest_error("port92: reset bit written 1 again without a 0 first: no reset\n");
        }
    }
}

static const MemOps port92_ops = { port92_read, port92_write, 1, 1 };

void port92_reset(void *opaque)
{
    Port92 *p = opaque;
    p->val = 0;
    update_a20(p);
}

static int port92_post_load(void *opaque)
{
    Port92 *p = opaque;
    if (p->a20gate > 1)
        return -1;
    update_a20(p);
    return 0;
}

static const StateField port92_fields[] = {
    STATE_UINT(Port92, val),
    STATE_UINT(Port92, a20gate),
    STATE_END
};

static const StateDesc port92_state = { "port92", 1, port92_fields, port92_post_load };

Port92 *port92_create(Machine *m)
{
    Port92 *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->m = m;
    p->a20gate = 1;
    io_map(&m->io, 0x92, 1, &port92_ops, p, "port92");
    port92_reset(p);
    machine_add_device(m, "port92", &port92_state, p, port92_reset, free);
    return p;
}
