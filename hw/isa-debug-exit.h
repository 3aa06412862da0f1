#ifndef HW_ISA_DEBUG_EXIT_H
#define HW_ISA_DEBUG_EXIT_H

#include "hw/machine.h"

typedef struct DebugExit {
    Machine *m;
    uint16_t base, size;
} DebugExit;

/* A write of value v ends the emulator with status (v << 1) | 1, as QEMU's. */
DebugExit *debug_exit_create(Machine *m, uint16_t base, uint16_t size);

#endif
