/* Long-mode fast system calls (ops-syscall.c), shared with ops-system.c
 * (SYSENTER/SYSEXIT, the 0F 01 /7 register forms). */
#ifndef CPU_OPS_SYSCALL_H
#define CPU_OPS_SYSCALL_H

#include "cpu/decode.h"

enum { FAST_CODE64, FAST_CODE32, FAST_DATA };

/* Loads flat CS (kind FAST_CODE64/32) and SS at privilege dpl without reading
 * descriptors, as SYSCALL/SYSRET/SYSENTER/SYSEXIT do. */
void fast_load_cs_ss(Cpu *c, uint16_t cs, unsigned cs_kind, uint16_t ss, unsigned dpl);

/* 0F 01 /7, register form: SWAPGS (F8), RDTSCP (F9). */
INSN(op_0f01_7_reg);

#endif
