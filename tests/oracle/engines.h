/* The two engines behind one small interface: load a state, step one
 * instruction, read the state back. */
#ifndef TESTS_ORACLE_ENGINES_H
#define TESTS_ORACLE_ENGINES_H

#include "tests/oracle/oracle.h"

typedef struct Engines {
    int mode;
    /* Tandem */
    void *pm, *io, *cpu;
    uint8_t *t_ram;
    /* Unicorn */
    void *uc;
    uint8_t *u_ram;
    int u_int;                     /* vector from UC_HOOK_INTR, -1 none */
    bool code_written;             /* Unicorn tried to write into the code area */
    uint32_t code_len;             /* bytes of code loaded last */
    void *uc_ctx0;                 /* Unicorn's CPU state before any exception */
    uint64_t uc_aborts;            /* Unicorn instances lost to an abort() */
    int u_hook_n;                  /* instructions started in this uc_emu_start */
    bool u_hook_stop;              /* stopped by the code hook at u_stop_pc */
    uint64_t u_stop_pc;            /* linear address */
} Engines;

/* eng_step_unicorn(): Unicorn aborted the process while translating (caught;
 * a fresh instance has replaced it, with none of the registers set). */
#define ENG_UC_ABORTED 1000

void eng_init(Engines *e, int mode);
/* Copies Tandem's RAM to Unicorn's. */
void eng_resync_memory(Engines *e);
void eng_free(Engines *e);
/* A fresh Unicorn instance over the same RAM (registers unset: call between
 * streams).  Unicorn 2.0.1 misbehaves once its translation buffer has been
 * filled and flushed (exceptions reported with a linear EIP, aborts, a
 * crash after a few million one-instruction blocks), so the run renews it
 * long before that. */
void eng_unicorn_renew(Engines *e);
/* Puts the stream's code and the registers into both engines. */
void eng_load_code(Engines *e, const uint8_t *code, uint32_t len);
void eng_set_regs(Engines *e, const Regs *r);
/* Runs one instruction.  A REP string instruction runs to its end (or fault).
 * Returns the exception vector, -1 none; *err gets Unicorn's uc_err. */
int eng_step_tandem(Engines *e);
/* until_lin: where Unicorn must stop, ENG_UNTIL_NEXT: after the instruction;
 * a branch out of the code area stops at its target (which may be linear
 * 0), so Unicorn does not translate the bytes there. */
#define ENG_UNTIL_NEXT (~0ull)
int eng_step_unicorn(Engines *e, const InsnInfo *ii, int *err, uint64_t until_lin);
void eng_get_tandem(Engines *e, Regs *r);
void eng_get_unicorn(Engines *e, Regs *r);
/* Re-runs one instruction in Tandem from pre with flat data segments. */
int eng_rerun_relaxed(Engines *e, const Regs *pre, Regs *post);
/* Re-runs one instruction in Tandem from pre (with flat segments if
 * relaxed) with n bytes at lin (RAM) replaced for the run; -2 if lin is not
 * in RAM. */
int eng_rerun_poke(Engines *e, const Regs *pre, bool relaxed, uint32_t lin, const uint8_t *bytes, int n,
                   Regs *post);
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
/* 32-bit mode: an instruction wrote into the GDT (in either engine). */
bool eng_gdt_changed(const Engines *e);
/* Base of segment register seg (OS_*) in Tandem's current state. */
uint32_t eng_seg_base(const Engines *e, int seg);
/* Linear address of SS:esp (16- or 32-bit stack) in Tandem's current state. */
uint32_t eng_stack_lin(const Engines *e, uint32_t esp);

/* engines-simd.c: the MMX/SSE registers of both engines (only while
 * oracle_simd; state is Tandem's CpuState being built). */
void simd_unicorn_model(void *uc);
void simd_tandem_state(const Engines *e, const Regs *r, void *state);
void simd_get_tandem(Engines *e, Regs *r);
void simd_set_unicorn(Engines *e, const Regs *r);
void simd_get_unicorn(Engines *e, Regs *r);
/* engines-x87.c: the x87 registers of both engines (only while oracle_x87). */
void x87_tandem_state(const Engines *e, const Regs *r, void *state);
void x87_get_tandem(Engines *e, X87Regs *f);
void x87_set_unicorn(Engines *e, const Regs *r);
void x87_get_unicorn(Engines *e, X87Regs *f);

#endif
