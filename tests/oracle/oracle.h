/* tandem-oracle: differential tester of Tandem's interpreter against Unicorn.
 *
 * Both engines get the same memory image and registers; instruction streams
 * (directed from an opcode table, or random bytes) run one instruction at a
 * time in both and every register, the defined flags, the segment registers,
 * memory and exceptions are compared after each one.  See README.md here. */
#ifndef TESTS_ORACLE_ORACLE_H
#define TESTS_ORACLE_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- memory layout (same for both modes) ---- */
#define RAM_SIZE 0x110000u        /* every real-mode address is RAM */
#define GDT_BASE 0x0800u
/* Code area [CODE_LIN, CODE_LIN + CODE_SIZE).  16-bit: at 0x1000 (CS 0100,
 * below every data segment); 32-bit: at 0x10000, out of reach of 16-bit
 * addressing (67 prefix), with the data pointers above it. */
extern uint32_t code_lin;
#define CODE_LIN code_lin
#define CODE_LIN16 0x1000u
#define CODE_LIN32 0x10000u
#define CODE_SIZE 0x2000u
#define CODE_SEG16 0x0100u        /* real mode CS: CS.base == CODE_LIN16 */
#define DATA_LO 0x12000u          /* 32-bit pointers: [DATA_LO, RAM_SIZE) */
#define CODE_PAD 16               /* filler after a stream's bytes */

enum { OR_EAX, OR_ECX, OR_EDX, OR_EBX, OR_ESP, OR_EBP, OR_ESI, OR_EDI };
enum { OS_ES, OS_CS, OS_SS, OS_DS, OS_FS, OS_GS };

/* Architectural state compared between the engines.  The 16/32-bit modes
 * use r/eip; in 64-bit mode hi holds bits 63:32 of r[] (and eip_hi of RIP)
 * and x R8-R15 (all zero in the other modes). */
/* MMX/SSE registers: compared only while oracle_simd is set (an sse or mmx
 * family runs); otherwise left zero in both engines' Regs. */
typedef struct Simd {
    uint8_t xmm[16][16];
    uint64_t mm[8];       /* MMX registers (the x87 significands) */
    uint32_t mxcsr;
} Simd;
extern bool oracle_simd;
/* x87 registers (engines-x87.c): compared only while oracle_x87 is set (the
 * x87 family runs); otherwise left zero in both engines' Regs. */
typedef struct X87Regs {
    uint64_t mant[8];     /* physical registers R0-R7 */
    uint16_t se[8];
    uint16_t cw, sw;      /* SW with TOP */
    uint16_t tag;         /* abridged: bit i set = R(i) not empty */
    uint16_t fop;
} X87Regs;
extern bool oracle_x87;

typedef struct Regs {
    uint32_t r[8];
    uint32_t eip;
    uint32_t eflags;
    uint16_t seg[6];
    uint32_t hi[8];
    uint32_t eip_hi;
    uint64_t x[8];
    Simd v;
    X87Regs f;
} Regs;

/* GPR i (0-15) with all 64 bits, RIP. */
static inline uint64_t reg64(const Regs *r, int i)
{
    return i < 8 ? (uint64_t)r->hi[i] << 32 | r->r[i] : r->x[i - 8];
}
static inline void set_reg64(Regs *r, int i, uint64_t v)
{
    if (i < 8) {
        r->r[i] = (uint32_t)v;
        r->hi[i] = (uint32_t)(v >> 32);
    } else {
        r->x[i - 8] = v;
    }
}
static inline uint64_t rip64(const Regs *r) { return (uint64_t)r->eip_hi << 32 | r->eip; }

/* ---- instruction classification (insn-info.c): an independent decoder ---- */
enum {
    IC_OK,            /* compared */
    IC_IO,            /* port I/O */
    IC_HLT,
    IC_INT,           /* INT n / INT3 / INTO / INT1: delivery through the IVT/IDT */
    IC_FAR,           /* far transfers through descriptors (32-bit) / IRET */
    IC_SYSTEM,        /* privileged or system instructions */
    IC_FPU,           /* x87 / WAIT */
    IC_SIMD,          /* MMX/SSE maps */
    IC_NONDET,        /* CPUID, RDTSC, RDMSR...: values differ by design */
    IC_UNDOC,         /* undocumented opcodes (SALC) */
    IC_NOTMODEL,      /* ISA extensions CPUID does not report: VEX (C4/C5 with a
                         register ModRM), 3DNow!/PRFCHW prefetch (0F 0D), RTM
                         (C6 F8 XABORT, C7 F8 XBEGIN); #UD in Tandem */
    IC_TOOLONG,       /* undecodable within the available bytes */
    IC_NCLASS
};

typedef struct InsnInfo {
    int len;              /* bytes, 0 if it does not fit */
    int osize, asize;     /* 16, 32 or 64 */
    uint8_t rex;          /* 64-bit mode: the REX prefix (0 none) */
    bool long64;          /* decoded for 64-bit mode */
    bool riprel;          /* memory operand relative to the next RIP */
    int seg;              /* override, -1 none */
    bool lock, rep, repne, opsize_pfx, adsize_pfx;
    bool two_byte;        /* 0F map */
    uint8_t op;           /* opcode byte (in its map) */
    bool has_modrm;
    uint8_t modrm, mod, reg, rm;   /* ModRM fields (0-7) */
    uint8_t regx, rmx;    /* the registers they name, with REX.R/REX.B (0-15) */
    bool mem;             /* has a memory operand (ModRM mod != 3) */
    int8_t base, index;   /* memory operand registers (0-15), -1 none */
    uint8_t scale;
    int32_t disp;
    int imm_off;          /* offset of the first immediate byte, -1 none */
    int imm_len;
    uint32_t imm;         /* first immediate (zero-extended) */
    int klass;            /* IC_* */
    bool string;          /* MOVS/CMPS/STOS/LODS/SCAS (INS/OUTS are IC_IO) */
} InsnInfo;

void insn_info(const uint8_t *b, unsigned avail, int mode, InsnInfo *ii);
/* Offset (effective address) of the ModRM memory operand with registers r. */
uint32_t ii_ea(const InsnInfo *ii, const Regs *r);
/* 64-bit mode: the same with 64-bit registers and RIP-relative operands
 * (r->eip at the instruction). */
uint64_t ii_ea64(const InsnInfo *ii, const Regs *r);
/* Default segment of the memory operand (with override). */
int ii_seg(const InsnInfo *ii);
extern const char *const insn_class_names[IC_NCLASS];

/* Undefined results (SDM vol. 2) for an executed instruction.  pre is the state
 * before it, post_u Unicorn's state after it (defined flags such as ZF of BSF
 * tell which case applied). */
typedef struct Undef {
    uint32_t flags;       /* EFLAGS bits whose value is undefined */
    uint64_t regmask[16]; /* GPR bits whose value is undefined */
    bool mem_result;      /* the memory destination is undefined */
    bool push_sreg32;     /* 32-bit push of a segment register: upper 16 bits of the slot */
    uint16_t fsw;         /* x87 status word bits whose value is undefined */
    const char *why;      /* short reason, for verbose output */
} Undef;

void insn_undefined(const InsnInfo *ii, const uint8_t *bytes, const Regs *pre, const Regs *post_u,
                    int mode, Undef *u);

/* ---- the case being compared, for the Unicorn bug recognisers ---- */
typedef struct Case {
    int mode;
    const uint8_t *bytes;     /* instruction bytes (at least 16) */
    const InsnInfo *ii;
    Regs pre;
    Regs post_t, post_u;      /* after the instruction */
    int exc_t, exc_u;         /* vector, -1 none */
    uint32_t diff;            /* DIFF_* bits */
    /* The 16 bytes at the ModRM memory operand before the instruction (same
     * in both engines), NULL if there is none or it is not in RAM. */
    const uint8_t *pre_mem;
    bool stack32;             /* SS.B before the instruction (32-bit stack) */
    uint32_t seg_base;        /* base of the memory operand's segment before it */
    uint32_t ss_base;         /* SS base before it */
    bool relaxed;             /* post_t is from the flat-segment re-run (a chained match) */
    /* Re-runs the instruction in Tandem from pre with every data segment made
     * flat (present, writable, limit 4 GiB, base kept), as QEMU treats them.
     * Fills post/exc.  Restores nothing: the caller resyncs afterwards. */
    void (*rerun_relaxed)(void *ctx, Regs *post, int *exc);
    /* Reads Tandem's memory operand (size bytes) after the instruction;
     * false if it is not in RAM. */
    bool (*read_t)(void *ctx, const InsnInfo *ii, int size, uint32_t *val);
    /* Re-runs the instruction in Tandem from pre (with flat segments if
     * relaxed) with n bytes at lin replaced (restored afterwards); returns
     * the exception, -2 if lin is not in RAM.  Restores nothing else: the
     * caller resyncs. */
    int (*rerun_poke)(void *ctx, bool relaxed, uint32_t lin, const uint8_t *bytes, int n, Regs *post);
    /* Reads Tandem's memory at a linear address (all ones outside RAM). */
    bool (*read_lin)(void *ctx, uint32_t lin, int size, uint32_t *val);
    /* All of RAM is the same in both engines. */
    bool (*mem_same)(void *ctx);
    /* All of RAM but [lin, lin + n) is the same in both engines. */
    bool (*mem_same_but)(void *ctx, uint32_t lin, uint32_t n);
    void *ctx;
    /* Writes Tandem's RAM (false outside RAM); the caller resyncs afterwards. */
    bool (*write_t)(void *ctx, uint32_t lin, const uint8_t *bytes, int n);
} Case;

enum {
    DIFF_GPR = 1, DIFF_EIP = 2, DIFF_FLAGS = 4, DIFF_SEG = 8, DIFF_MEM = 16, DIFF_EXC = 32,
    DIFF_SIMD = 64, DIFF_X87 = 128,
};

typedef struct UcBug {
    const char *name;
    const char *what;         /* what Unicorn does */
    const char *recognised;   /* how the case is recognised */
    const char *reason;       /* why it is Unicorn's bug */
    const char *sdm;          /* reference */
    bool (*match)(const Case *c);
    uint64_t hits;
    /* The difference is confined to state that Unicorn can take from Tandem
     * (MXCSR flags): the stream goes on from Tandem's state. */
    bool resume;
} UcBug;

extern UcBug unicorn_bugs[];

/* Encodings that crash Unicorn: skipped before execution. */
typedef struct UcCrash {
    const char *name;
    const char *what;
    uint64_t hits;
} UcCrash;
extern UcCrash unicorn_crashers[];
UcCrash *unicorn_crash_filter(const InsnInfo *ii, bool count);
/* First entry that explains the case, or NULL. */
UcBug *unicorn_bug_match(const Case *c);

/* ---- generation (gen.c) ---- */
#define MAX_INSNS 160

enum {
    FAM_ALU, FAM_MOV, FAM_BRANCH, FAM_MISC, FAM_SHIFT, FAM_MULDIV, FAM_BCD, FAM_BIT, FAM_COND,
    FAM_ATOMIC, FAM_STRING, FAM_STACK, FAM_FLAGS, FAM_SEGMENT, FAM_FAR, FAM_EDGE, FAM_RANDOM,
    FAM_SSE, FAM_MMX,     /* gen-sse.c; not part of "all" */
    FAM_X87,              /* gen-x87.c; not part of "all" */
    FAM_COUNT
};
#define FAM_ALL_DEFAULT (((1u << FAM_COUNT) - 1) & ~(1u << FAM_SSE | 1u << FAM_MMX | 1u << FAM_X87))
extern const char *const family_names[FAM_COUNT];

typedef struct Stream {
    uint8_t code[CODE_SIZE];
    uint32_t len;                    /* bytes generated (then CODE_PAD filler) */
    int n;                           /* instructions (directed); 0 for random bytes */
    uint16_t start[MAX_INSNS + 1];   /* offset of each instruction */
    uint8_t fam[MAX_INSNS];
    int family;                      /* what the stream is about */
    bool random;
    Regs init;
    /* memory pokes done before the stream (same in both engines) */
    int npoke;
    struct { uint32_t lin; uint8_t len; uint8_t bytes[8]; } poke[16];
} Stream;

typedef struct Rng { uint64_t s; } Rng;
static inline uint64_t rng_next(Rng *r)
{
    uint64_t x = r->s;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1Dull;
}
static inline uint32_t rng_u32(Rng *r) { return (uint32_t)(rng_next(r) >> 32); }
static inline uint32_t rng_below(Rng *r, uint32_t n) { return n ? (uint32_t)(((rng_next(r) >> 32) * n) >> 32) : 0; }
static inline bool rng_chance(Rng *r, unsigned percent) { return rng_below(r, 100) < percent; }

void gen_stream(Rng *rng, int mode, int family, Stream *st);
/* gen-sse.c: an sse or mmx stream (after init_regs: fills code, start, fam,
 * n and init.v). */
void gen_simd_stream(Rng *rng, int mode, int family, Stream *st);
/* gen-x87.c: an x87 stream (after init_regs: fills code, start, fam, n and
 * init.f). */
void gen_x87_stream(Rng *rng, int mode, Stream *st);

#endif
