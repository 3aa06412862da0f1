/* Hardware task switching (32-bit and 16-bit TSS). */
#ifndef CPU_TASK_H
#define CPU_TASK_H

#include "cpu/seg.h"

enum { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };

/* Switches to the task whose TSS descriptor is selected by sel (d is its
 * descriptor, already read).  reason says what caused it (busy bits, NT and
 * the back link depend on it).  next_rip is the EIP saved in the old TSS.
 * Faults follow the SDM's task-switch ordering. */
void task_switch(Cpu *c, uint16_t sel, Desc *d, int reason, uint64_t next_rip);

#endif
