/* Disassembly through Capstone, and register dumps, for traces and the monitor. */
#ifndef CPU_DISAS_H
#define CPU_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"

/* Disassembles one instruction at pc (bits = 16, 32 or 64) into text, as
 * "bytes  mnemonic operands".  Returns its length, or 0 if undecodable. */
int disas_one(const uint8_t *code, size_t len, uint64_t pc, int bits, char *text, size_t textlen);
void cpu_dump_regs(Cpu *cpu, FILE *f);

#endif
