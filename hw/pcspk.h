/* System control port B (port 0x61) and the PC speaker behind it.
 *   bit 0  R/W  GATE of PIT counter 2
 *   bit 1  R/W  speaker data enable (the speaker sees OUT2 AND this bit)
 *   bit 2  R/W  parity check enable (0 = enabled; no checks happen)
 *   bit 3  R/W  channel check enable (0 = enabled; no checks happen)
 *   bit 4  R    refresh toggle: flips every 15.085 us of virtual time
 *   bit 5  R    OUT of PIT counter 2
 *   bit 6  R    channel check (IOCHK) status: 0
 *   bit 7  R    parity (SERR) status: 0
 * No sound is produced; the speaker state is kept for the monitor. */
#ifndef HW_PCSPK_H
#define HW_PCSPK_H

#include <stdint.h>
#include <stdio.h>

#include "hw/i8254-pit.h"
#include "hw/machine.h"

#define PCSPK_REFRESH_NS 15085u

typedef struct PcSpk {
    Machine *m;
    Pit *pit;
    uint8_t ctl;        /* bits 0-3 as written */
} PcSpk;

/* Maps port 0x61 and registers device "pcspk". */
PcSpk *pcspk_create(Machine *m, Pit *pit);
void pcspk_reset(void *opaque);
void pcspk_info(PcSpk *s, FILE *f);

#endif
