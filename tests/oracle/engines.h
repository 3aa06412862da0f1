/* The two engines behind one small interface: load a state, step one
 * instruction, read the state back. */
#ifndef TESTS_ORACLE_ENGINES_H
#define TESTS_ORACLE_ENGINES_H

#include "tests/oracle/oracle.h"

/* A memory write seen by Unicorn during one step (UC_HOOK_MEM_WRITE). */
typedef struct WriteRec { uint32_t addr; uint32_t size; } WriteRec;
#define MAX_WRITES 256

typedef struct Engines {
    int mode;
    /* Tandem */
    void *pm, *io, *cpu;
    uint8_t *t_ram;
    /* Unicorn */
    void *uc;
    uint8_t *u_ram;
    int u_int;                     /* vector from UC_HOOK_INTR, -1 none */
    WriteRec writes[MAX_WRITES];
    int nwrites;                   /* > MAX_WRITES: overflow */
    bool code_written;             /* a write hit the code area */
    uint32_t code_len;             /* bytes of code loaded last */
    void *uc_ctx0;                 /* Unicorn's CPU state before any exception */
    uint64_t uc_aborts;            /* Unicorn instances lost to an abort() */
} Engines;

/* eng_step_unicorn(): Unicorn aborted the process while translating (caught;
 * a fresh instance has replaced it, with none of the registers set). */
#define ENG_UC_ABORTED 1000

void eng_init(Engines *e, int mode);
void eng_free(Engines *e);
/* Puts the stream's code and the registers into both engines. */
void eng_load_code(Engines *e, const uint8_t *code, uint32_t len);
void eng_set_regs(Engines *e, const Regs *r);
/* Runs one instruction.  A REP string instruction runs to its end (or fault).
 * Returns the exception vector, -1 none; *err gets Unicorn's uc_err. */
int eng_step_tandem(Engines *e);
/* count: Unicorn's instruction budget (1).  until_lin: where Unicorn must stop
 * (0: after the instruction); a branch out of the code area stops at its
 * target, so Unicorn does not translate (random) bytes there. */
int eng_step_unicorn(Engines *e, const InsnInfo *ii, int *err, int count, uint64_t until_lin);
void eng_get_tandem(Engines *e, Regs *r);
void eng_get_unicorn(Engines *e, Regs *r);
/* Re-runs one instruction in Tandem from pre with flat data segments. */
int eng_rerun_relaxed(Engines *e, const Regs *pre, Regs *post);
void eng_set_eip(Engines *e, uint32_t eip);
/* After Unicorn took an exception: back to a CPU state that has not seen one,
 * with registers r.  (QEMU remembers the exception being delivered to detect
 * double faults, and Unicorn never delivers it: the next #DE/#GP would turn
 * into #DF.) */
void eng_unicorn_forget_exception(Engines *e, const Regs *r);
/* Gives Unicorn Tandem's GPRs and EFLAGS (after an instruction whose results
 * were partly undefined, so the next one starts from the same state). */
void eng_unicorn_take_regs(Engines *e, const Regs *r);
uint32_t eng_linear_pc(const Engines *e, const Regs *r);
/* Base of segment register seg (OS_*) in Tandem's current state. */
uint32_t eng_seg_base(const Engines *e, int seg);

#endif
