/* The PC's x87 error logic (IBM PC/AT, kept in the PIIX3 as "FERR#/IGNNE#"):
 * the CPU's FERR# output sets a latch that drives ISA IRQ 13; a write of any
 * value to I/O port 0xF0 clears the latch (on the AT it also asserts IGNNE#
 * so that the waiting x87 instruction proceeds; Tandem's CPU proceeds anyway
 * with CR0.NE = 0, cpu/ops-x87.h fpu_enter()).  The latch is set on FERR#'s
 * rising edge only, so the next error interrupts again only after FNCLEX.
 *
 * Software that runs with CR0.NE = 0 (DOS and its extenders, old Windows)
 * takes x87 errors this way, in its IRQ 13 handler (OUT 0xF0, FNCLEX, EOI);
 * an OS with CR0.NE = 1 takes #MF and leaves IRQ 13 masked. */
#ifndef HW_FPU_ERR_H
#define HW_FPU_ERR_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/irq.h"
#include "hw/machine.h"

typedef struct FpuErr {
    IrqLine irq13;
    uint8_t ferr;       /* FERR# input (x87 status word ES) */
    uint8_t latch;      /* drives IRQ 13 */
} FpuErr;

/* Creates the logic on port 0xF0, registers it as device "fpu-err" and as
 * the machine's FERR# sink (machine_set_ferr). */
FpuErr *fpu_err_create(Machine *m);

#endif
