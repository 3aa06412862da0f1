/* Far transfers of long mode (ops-far64.c), called by ops-far.c. */
#ifndef CPU_FAR64_H
#define CPU_FAR64_H

#include "cpu/decode.h"

/* IRET in 64-bit mode (any operand size). */
void iret_long(Cpu *c, const Insn *in);
/* RETF / RETF imm16 in 64-bit mode. */
void retf_long(Cpu *c, const Insn *in, uint16_t imm);
/* Far JMP/CALL in long mode (64-bit or compatibility mode code). */
void far_long(Cpu *c, const Insn *in, uint16_t sel, uint64_t off, bool call);

#endif
