/* Model-specific registers (RDMSR/WRMSR). */
#ifndef CPU_MSR_H
#define CPU_MSR_H

#include "cpu/cpu.h"

enum {
    MSR_TSC = 0x10, MSR_APIC_BASE = 0x1b, MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175,
    MSR_SYSENTER_EIP = 0x176, MSR_MISC_ENABLE = 0x1a0, MSR_PAT = 0x277,
    MSR_EFER = 0xc0000080u, MSR_STAR = 0xc0000081u, MSR_LSTAR = 0xc0000082u,
    MSR_CSTAR = 0xc0000083u, MSR_FMASK = 0xc0000084u, MSR_FS_BASE = 0xc0000100u,
    MSR_GS_BASE = 0xc0000101u, MSR_KERNEL_GS_BASE = 0xc0000102u, MSR_TSC_AUX = 0xc0000103u,
    MSR_MTRRCAP = 0xfe, MSR_MTRR_PHYS_BASE0 = 0x200, MSR_MTRR_DEF_TYPE = 0x2ff,
    MSR_PLATFORM_ID = 0x17, MSR_BIOS_SIGN_ID = 0x8b,
};

/* Reads/writes an MSR: the CPU's table, then the machine's hooks.  false:
 * unknown MSR or reserved bits set (the instruction raises #GP(0)). */
bool msr_read(Cpu *c, uint32_t idx, uint64_t *val);
bool msr_write(Cpu *c, uint32_t idx, uint64_t val);

#endif
