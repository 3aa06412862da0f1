/* Hardware task switching (32-bit and 16-bit TSS) and the TSS lookups of
 * privilege changes. */
#ifndef CPU_TASK_H
#define CPU_TASK_H

#include "cpu/seg.h"

enum { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };

/* Switches to the task whose TSS descriptor is selected by sel (d is its
 * descriptor, already read).  reason says what caused it (busy bits, NT and
 * the back link depend on it).  next_rip is the EIP saved in the old TSS.
 * The caller has done its own privilege checks; this checks the descriptor
 * (type #GP, or #TS for IRET; present #NP; limit #TS), saves the old task,
 * and loads the new one, whose faults are raised in the new task's context. */
void task_switch(Cpu *c, uint16_t sel, Desc *d, int reason, uint64_t next_rip);

/* The stack for privilege level dpl from the current TSS (#TS(TR) if the TSS
 * is too short). */
void tss_inner_stack(Cpu *c, unsigned dpl, uint16_t *ss, uint64_t *sp);
/* Checks that ss can be the stack of privilege level dpl: #TS(ss) unless it is
 * a writable data segment with RPL = DPL = dpl, #SS(ss) if not present. */
void tss_check_inner_ss(Cpu *c, uint16_t ss, unsigned dpl, Desc *d);

#endif
