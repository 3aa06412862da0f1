/* Page walks and TLB management shared by the interpreter's files. */
#ifndef CPU_PAGING_H
#define CPU_PAGING_H

#include "cpu/cpu.h"

typedef struct Walk {
    uint64_t phys;        /* physical address of the 4 KiB page holding lin */
    uint64_t page_mask;   /* size of the mapping - 1 (0xfff, 2M-1, 4M-1, 1G-1) */
    bool writable, user, nx, global, dirty;
} Walk;

enum { ACC_X = 2 };

/* Returns -1 on success, else the #PF error code. */
int paging_walk(Cpu *c, uint64_t lin, int acc, bool user, bool commit, Walk *w);
/* Fills the TLB entry of lin for acc (ACC_R/ACC_W); raises #PF/#GP on failure. */
void tlb_fill(Cpu *c, uint64_t lin, int acc, int seg);
/* Supervisor-mode accesses to system structures by linear address. */
uint64_t sys_read(Cpu *c, uint64_t lin, unsigned size);
void sys_write(Cpu *c, uint64_t lin, uint64_t val, unsigned size);
/* Ends the block if an I/O access raised a deliverable event. */
void cpu_after_io(Cpu *c);
/* Data breakpoint check (debug.c): raises #DB after the access when hit. */
void debug_check_watch(Cpu *c, uint64_t lin, unsigned size, bool write);

#endif
