/* System control port B (0x61): PIT counter 2's GATE and OUT, the speaker data
 * enable and the DRAM refresh toggle. */
#include "hw/pcspk.h"

#include <stdlib.h>

#include "system/log.h"

static uint64_t port61_read(void *opaque, uint64_t off, unsigned size)
{
    PcSpk *s = opaque;
    uint8_t refresh = (uint8_t)((clock_ns(&s->m->clock) / PCSPK_REFRESH_NS) & 1);
    return s->ctl | refresh << 4 | (uint8_t)pit_get_out(s->pit, 2) << 5;
}

static void port61_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    PcSpk *s = opaque;
    s->ctl = (uint8_t)val & 0x0f;
    pit_set_gate(s->pit, 2, val & 1);
}

static const MemOps port61_ops = { port61_read, port61_write, 1, 1 };

void pcspk_reset(void *opaque)
{
    PcSpk *s = opaque;
    s->ctl = 0;
    pit_set_gate(s->pit, 2, false);
}

static int pcspk_post_load(void *opaque)
{
    PcSpk *s = opaque;
    return s->ctl > 0x0f ? -1 : 0;
}

static const StateField pcspk_fields[] = {
    STATE_UINT(PcSpk, ctl),
    STATE_END
};

static const StateDesc pcspk_state = { "pcspk", 1, pcspk_fields, pcspk_post_load };

PcSpk *pcspk_create(Machine *m, Pit *pit)
{
    PcSpk *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->m = m;
    s->pit = pit;
    io_map(&m->io, 0x61, 1, &port61_ops, s, "pcspk");
    pcspk_reset(s);
    machine_add_device(m, "pcspk", &pcspk_state, s, pcspk_reset, free);
    return s;
}

void pcspk_info(PcSpk *s, FILE *f)
{
    bool out2 = pit_get_out(s->pit, 2);
    fprintf(f, "port 0x61: %02x (gate2=%d speaker-enable=%d) out2=%d speaker=%s\n", s->ctl,
            s->ctl & 1, (s->ctl >> 1) & 1, out2, (s->ctl & 2) && out2 ? "high" : "low");
}
