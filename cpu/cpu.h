/* The interpreter's CPU: architectural state (CpuState) plus the machinery that
 * makes it fast: a register file with two helper slots, lazy arithmetic flags,
 * per-segment address checks precomputed at segment load, a soft TLB and the
 * decoded-block cache. */
#ifndef CPU_CPU_H
#define CPU_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu-state.h"
#include "cpu/fpu.h"
#include "hw/ioport.h"
#include "hw/memory.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

typedef struct Cpu Cpu;
typedef struct Insn Insn;
typedef struct Block Block;
typedef struct BlockCache BlockCache;
typedef void (*InsnFn)(Cpu *cpu, const Insn *in);

/* Register file slots beyond the 16 GPRs: R_ZERO always reads 0 (absent base or
 * index), R_BRIP holds the current block's RIP (RIP-relative addressing). */
enum { R_ZERO = 16, R_BRIP = 17, R_COUNT = 18 };

/* One decoded instruction.  Which handler runs was chosen at decode time (operand
 * size, register or memory form), so handlers need no mode tests of their own. */
struct Insn {
    InsnFn fn;
    uint64_t imm;       /* immediate (extended as the opcode wants), branch target, moffs */
    int32_t disp;       /* displacement; RIP-relative: relative to the block's RIP */
    uint16_t imm2;      /* second immediate: far pointer selector, ENTER level */
    uint16_t ofs;       /* offset of the instruction from the block's RIP */
    uint8_t len;        /* length in bytes */
    uint8_t reg;        /* ModRM.reg (+REX.R) or opcode register; byte ops: byte offset into r[] */
    uint8_t rm;         /* ModRM.rm register (+REX.B); byte ops: byte offset into r[] */
    uint8_t base;       /* memory operand: base register, R_ZERO or R_BRIP */
    uint8_t index;      /* index register or R_ZERO */
    uint8_t scale;      /* 0..3 */
    uint8_t seg;        /* segment of the memory operand (default or override) */
    uint8_t asize;      /* address size: 0 = 16, 1 = 32, 2 = 64 bits */
    uint8_t osize;      /* operand size: 0 = 16, 1 = 32, 2 = 64 bits */
    uint8_t pfx;        /* PFX_* */
    uint8_t modrm;      /* raw ModRM byte */
    uint8_t op;         /* last opcode byte */
};

enum {
    PFX_REP = 1,        /* F3 */
    PFX_REPNE = 2,      /* F2 */
    PFX_LOCK = 4,
    PFX_OPSIZE = 8,     /* 66 */
    PFX_ADSIZE = 16,    /* 67 */
    PFX_SEG = 32,       /* a segment override was present */
    PFX_REX = 64,       /* a REX prefix was present */
    PFX_REXW = 128,
};

/* hflags: the execution context that decoding depends on; part of a block's key. */
enum {
    HF_CPL_MASK = 3,
    HF_CS32 = 1 << 2,     /* CS.D: default operand and address size 32 */
    HF_SS32 = 1 << 3,     /* SS.B: 32-bit stack pointer */
    HF_CS64 = 1 << 4,     /* 64-bit code segment in long mode */
    HF_LMA = 1 << 5,      /* long mode active */
    HF_PE = 1 << 6,       /* protected mode */
    HF_VM = 1 << 7,       /* virtual-8086 mode */
    HF_SINGLE = 1 << 8,   /* blocks of one instruction (TF, interrupt shadow, breakpoints) */
};

/* Soft TLB.  tag_r/tag_w hold the linear page address when reads/writes may use
 * addend directly; any TLB_* flag bit in a tag sends the access to the slow path. */
#ifndef TLB_BITS
#define TLB_BITS 9
#endif
#define TLB_SIZE (1 << TLB_BITS)
enum {
    TLB_INVALID = 1,     /* no translation */
    TLB_MMIO = 2,        /* device memory: dispatch through the bus */
    TLB_CODE = 4,        /* page holds decoded code: writes invalidate it */
    TLB_ROM = 8,         /* writes dropped */
    TLB_GLOBAL = 16,     /* in paddr: survives CR3 reloads */
    TLB_WATCH = 32,      /* a data breakpoint (DR0-3) covers part of the page */
    TLB_LARGE = 64,      /* in paddr: filled from a 2M/4M/1G page */
    TLB_FLAGS = 0xfff,
};

typedef struct TlbEntry {
    uint64_t tag_r;
    uint64_t tag_w;
    uintptr_t addend;    /* host address = linear + addend */
    uint64_t paddr;      /* physical page | TLB_GLOBAL */
} TlbEntry;

/* Events that make the CPU leave its block loop. */
enum {
    EV_INTR = 1,         /* the INTR pin is asserted */
    EV_NMI = 2,
    EV_EXIT = 4,         /* return from run() (monitor, I/O thread, timer deadline) */
    EV_RESET = 8,
};

typedef enum {
    CPU_EXIT_BUDGET,     /* ran the instruction budget */
    CPU_EXIT_HALT,       /* HLT with no interrupt deliverable */
    CPU_EXIT_EVENT,      /* EV_EXIT was set */
    CPU_EXIT_SHUTDOWN,   /* triple fault */
    CPU_EXIT_EXCEPTION,  /* stop_on_exception is set and an exception was raised */
    CPU_EXIT_BREAKPOINT, /* a debugger breakpoint address was reached */
} CpuExit;

/* Hooks to the machine around the CPU. */
typedef struct CpuEnv {
    PhysMem *mem;
    IoSpace *io;
    void *opaque;
    /* Acknowledges the pending external interrupt (the INTA cycle): returns its vector. */
    int (*intr_ack)(void *opaque);
    /* TSC value now (follows the virtual clock); NULL: use the instruction count. */
    uint64_t (*tsc_now)(void *opaque);
    /* Unknown MSR access: return true if handled (value in/out). */
    bool (*msr_read)(void *opaque, uint32_t msr, uint64_t *val);
    bool (*msr_write)(void *opaque, uint32_t msr, uint64_t val);
    /* CR8 (64-bit mode) is the local APIC's TPR bits 7:4 (hw/apic.c); NULL:
     * CR8 is kept in CpuState.cr8. */
    uint64_t (*cr8_read)(void *opaque);
    void (*cr8_write)(void *opaque, uint64_t val);
    /* The x87's FERR# output (status word ES); NULL: not connected.  A PC
     * routes it to IRQ 13 for CR0.NE = 0 error reporting. */
    void (*ferr)(void *opaque, bool level);
} CpuEnv;

struct Cpu {
    /* --- hot: touched by nearly every instruction --- */
    uint64_t r[R_COUNT];
    int64_t lf_res;            /* last result, sign-extended to 64 bits */
    uint64_t lf_aux;           /* see flags.h */
    uint64_t segbase[SEG_COUNT];       /* base used for address generation */
    uint64_t seglo[2][SEG_COUNT];      /* valid offsets [read=0/write=1]: lo..hi */
    uint64_t seghi[2][SEG_COUNT];
    uint64_t lin_mask;         /* 0xffffffff outside long mode */
    uint64_t branch_limit;     /* near-branch target bound: CS limit, or 2^47-1 in 64-bit mode */
    uint64_t sp_mask;          /* stack pointer width: 0xffff, 0xffffffff or ~0 */
    const Insn *cur;           /* instruction being executed */
    const Insn *blk_end;       /* the block loop stops here (moved up by cpu_end_block) */
    const Block *cur_block;    /* its block (meaningful while cur != NULL) */
    uint32_t hflags;
    uint64_t blk_key;          /* hflags << 32 | (uint32_t)CS.base (see Block.key) */
    uint8_t mmu_idx;           /* TLB in use: 0 supervisor, 1 user (set with cpu_set_mmu) */
    bool tlb_has_large;        /* some entry came from a large page (INVLPG must scan) */
    uint8_t stop;              /* leave the block after the current instruction */
    uint64_t icount;           /* retired instructions (each REP iteration counts) */
    uint64_t icount_limit;     /* end of cpu_run's budget: long REPs pause there */
    volatile uint32_t events;
    uint32_t slow;             /* nonzero: take the slow path between blocks (halt, shadow, single step) */
    uint32_t pending_db;       /* DR6.B0-3 bits of data breakpoints hit by this instruction */
    bool soft_int_done;        /* the instruction was INT n/INT3/INTO: no single-step trap */
    TlbEntry *tlb_cur;         /* tlb[mmu_idx] */
    TlbEntry tlb[2][TLB_SIZE];

    /* --- architectural state --- */
    Fpu fpu;                   /* x87/MMX/SSE (s.fxsave is stale while running) */
    CpuState s;                /* s.regs is stale (r[] is live); s.rflags' OSZAPC bits are in lf_* */
    bool intr_line;            /* level of the INTR pin */
    bool nmi_pending;
    bool ferr_out;             /* FERR# as last driven (env.ferr) */

    /* --- exceptions --- */
    jmp_buf jb;
    int exc_vector;            /* exception being delivered, -1 none */
    uint32_t exc_err;
    bool exc_has_err;
    int exc_nesting;           /* for double/triple fault: vector of the fault being delivered */
    bool stop_on_exception;    /* oracle/debugger: report exceptions instead of delivering */
    bool shutdown;             /* triple fault happened */
    bool in_delivery;          /* delivering an event: a fault now may be a double fault */
    int delivering_vector;     /* exception being delivered, -1 for interrupts */
    bool delivering_ext;       /* delivering an external event: EXT bit in error codes */

    /* --- translation --- */
    BlockCache *bc;
    uint64_t tsc_offset;       /* TSC = tsc_now() + tsc_offset */
    uint32_t max_block_insns;
    bool trace;                /* -d in_asm/cpu: step one instruction at a time and log */
    /* debugger breakpoints (linear addresses) */
    uint64_t bp[16];
    int nbp;
    bool bp_skip_once;         /* resuming from a breakpoint: execute it once */

    /* --- environment --- */
    CpuEnv env;
    uint32_t cpuid_max_basic;
};

/* CPUID family/model/stepping (EDX at reset): family 6, model 6, stepping 3. */
#define CPU_DEFAULT_VERSION 0x00000663u

/* Lifecycle */
Cpu *cpu_new(const CpuEnv *env);
void cpu_free(Cpu *cpu);
void cpu_power_on(Cpu *cpu);
/* Runs until budget instructions retired, HLT, an event or shutdown. */
CpuExit cpu_run(Cpu *cpu, uint64_t budget);
void cpu_set_intr(Cpu *cpu, bool level);
void cpu_raise_nmi(Cpu *cpu);
void cpu_request_exit(Cpu *cpu);
uint64_t cpu_read_tsc(Cpu *cpu);
void cpu_get_state(Cpu *cpu, CpuState *st);
void cpu_set_state(Cpu *cpu, const CpuState *st);

/* Mode bookkeeping: recompute hflags, segment checks and the TLB index after any
 * change to CR0/CR4/EFER/CS/SS/EFLAGS.VM. */
void cpu_update_mode(Cpu *cpu);
/* Recomputes cpu->slow only (after HLT, breakpoint changes). */
void cpu_update_slow(Cpu *cpu);
uint32_t cpu_get_eflags(Cpu *cpu);
/* Writes EFLAGS bits selected by mask (lazy flags included). */
void cpu_set_eflags(Cpu *cpu, uint32_t value, uint32_t mask);
static inline unsigned cpu_cpl(const Cpu *cpu) { return cpu->hflags & HF_CPL_MASK; }

/* A canonical 48-bit address: bits 63:47 all equal.  Shifted left as
 * unsigned: a signed shift would overflow (undefined) for half of them. */
static inline bool is_canonical(uint64_t a) { return (uint64_t)((int64_t)(a << 16) >> 16) == a; }

/* Current and next instruction addresses */
static inline uint64_t cpu_cur_rip(const Cpu *cpu);
static inline uint64_t cpu_next_rip(const Cpu *cpu, const Insn *in);

/* Exceptions: leave the instruction (its results not committed) and deliver. */
__attribute__((noreturn)) void cpu_exception(Cpu *cpu, int vector, uint32_t err);
__attribute__((noreturn)) void cpu_exception_noerr(Cpu *cpu, int vector);
#define RAISE_GP(cpu, e) cpu_exception(cpu, EXC_GP, e)
#define RAISE_UD(cpu) cpu_exception_noerr(cpu, EXC_UD)

/* Ends the current block after this instruction (mode changes, SMC), with
 * RIP at the next instruction. */
void cpu_stop_after_current(Cpu *cpu);
/* Ends the block after this instruction; the caller has set RIP. */
static inline void cpu_end_block(Cpu *cpu)
{
    cpu->stop = 1;
    cpu->blk_end = cpu->cur + 1;
}

/* Block/TLB invalidation */
void tlb_flush(Cpu *cpu, bool include_global);
void tlb_flush_page(Cpu *cpu, uint64_t lin);
void cpu_flush_code(Cpu *cpu);   /* drop every decoded block */

/* Debugger support */
/* Translates a linear address for the monitor/gdb without side effects.
 * Returns false when not mapped. */
bool cpu_virt_to_phys(Cpu *cpu, uint64_t lin, uint64_t *phys);
void cpu_set_breakpoints(Cpu *cpu, const uint64_t *lin, int n);

#include "cpu/cpu-inline.h"

#endif
