/* Debug registers: instruction and data breakpoints (DR0-3, DR6, DR7). */
#ifndef CPU_DEBUG_H
#define CPU_DEBUG_H

#include "cpu/cpu.h"

enum {
    DR6_B0 = 1u << 0, DR6_BD = 1u << 13, DR6_BS = 1u << 14, DR6_BT = 1u << 15,
    DR6_FIXED1 = 0xffff0ff0u,          /* reserved bits that read as 1 */
    DR7_GD = 1u << 13, DR7_FIXED1 = 1u << 10, DR7_LOCAL = 0x155, /* L0-L3, LE */
};

/* Start of an instruction on the single-instruction path: raises the #DB
 * fault of an instruction breakpoint at CS:EIP unless RF is set, then clears
 * RF (SDM vol. 3 17.3.1.1). */
void debug_insn_start(Cpu *c);
/* DR0-3 or DR7 changed: recompute the TLB watch flags and whether execution
 * must go instruction by instruction. */
void debug_regs_changed(Cpu *c);

#endif
