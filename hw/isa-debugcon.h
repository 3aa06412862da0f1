#ifndef HW_ISA_DEBUGCON_H
#define HW_ISA_DEBUGCON_H

#include "hw/machine.h"
#include "system/chardev.h"

typedef struct DebugCon {
    Chardev *chr;
    uint16_t port;
} DebugCon;

/* Takes ownership of chr. */
DebugCon *debugcon_create(Machine *m, uint16_t port, Chardev *chr);
/* The same console also on another port. */
void debugcon_map(Machine *m, DebugCon *d, uint16_t port);

#endif
