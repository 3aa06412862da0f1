/* Decoded-block cache and execution loop internals. */
#ifndef CPU_EXEC_H
#define CPU_EXEC_H

#include "cpu/cpu.h"

#define BLOCK_MAX_INSNS 128

struct Block {
    uint64_t pc;             /* linear address of the first byte */
    uint64_t cs_base;
    uint64_t rip;            /* pc - cs_base */
    uint64_t next_rip;       /* RIP after the last instruction (fall-through) */
    uint64_t phys;           /* physical address of the first byte */
    uint64_t page2;          /* physical page of the second page, or ~0 */
    uint64_t key;            /* hflags << 32 | low 32 bits of cs_base: the jump-cache check */
    const Insn *end;         /* &insns[ninsns] */
    uint32_t hflags;
    uint16_t ninsns;
    uint16_t size;           /* bytes covered */
    uint8_t fallthrough;     /* the last instruction does not set RIP itself */
    uint8_t valid;
    Block *hash_next;
    Block *page_next[2];     /* chains of blocks per physical RAM page */
    /* Chaining: the blocks that ran after this one, at next_rip and at
     * another RIP, usable while succ_gen == BlockCache.gen; see find_block(). */
    Block *succ[2];
    uint64_t succ_gen;
    Insn insns[];
};

/* The jump cache: JC_PAGE_SLOTS slots for each of 2^(JC_BITS - JC_SLOT_BITS)
 * page colours, so INVLPG clears one page's slots.  Hot loops put many
 * blocks on one page (the kernel's XZ decoder: well over 64), hence 256. */
#define JC_BITS 14
#define JC_SLOT_BITS 8
#define JC_SIZE (1 << JC_BITS)
#define JC_PAGE_SLOTS (1u << JC_SLOT_BITS)
#define JC_WAYS 4u                   /* hot loops still collided in two ways */
#define BHASH_BITS 15
#define BHASH_SIZE (1 << BHASH_BITS)

typedef struct CodePage {
    Block *blocks;           /* blocks with bytes on this page */
    uint8_t *bitmap;         /* 4096 bits: bytes covered by some block */
} CodePage;

struct BlockCache {
    uint8_t *arena;
    size_t arena_size, arena_used;
    Block *jc[JC_SIZE];              /* by linear pc: the fast lookup */
    /* Bumped whenever a jump-cache entry is dropped (TLB flush, INVLPG, SMC,
     * code flush): a block's succ[] links are trusted only within one value. */
    uint64_t gen;
    Block *hash[BHASH_SIZE];         /* by physical pc */
    CodePage *pages;                 /* per main-RAM page */
    uint64_t npages;
    uint64_t nblocks, flushes, invalidations;
};

BlockCache *bc_new(uint64_t ram_size);
void bc_free(BlockCache *bc);

static inline unsigned jc_hash(uint64_t pc)
{
    enum { PAGE_MASK = (1u << (JC_BITS - JC_SLOT_BITS)) - 1 };
    /* The slot: a multiplicative hash of the page offset (an XOR of its two
     * bytes made neighbouring blocks such as 0xae20/0xaf21 collide).  Slots
     * group into JC_WAYS-way sets (slot & ~(JC_WAYS - 1)): see find_block(). */
    uint32_t slot = (uint32_t)(((pc & 0xfff) * 0x9E3779B1ull) >> 12) & (JC_PAGE_SLOTS - 1);
    return (unsigned)((((pc >> 12) & PAGE_MASK) << JC_SLOT_BITS) | slot);
}

/* Code bookkeeping used by the TLB slow paths */
/* RAM page index of a physical address, or -1 when not main RAM. */
int64_t ram_page_index(Cpu *cpu, uint64_t phys);
bool code_page_has_code(Cpu *cpu, uint64_t phys);
/* A write of size bytes at phys hit a page with code: invalidate what it touches. */
void code_write_hit(Cpu *cpu, uint64_t phys, unsigned size);
/* Write listener (hw/memory.h): RAM written behind the CPU's back (DMA,
 * loaders) may hold decoded code. */
void cpu_ram_written(void *opaque, uint64_t addr, uint64_t len);
/* Drops the jump-cache entries that might hold blocks on the page of lin. */
void jc_flush_page(Cpu *cpu, uint64_t lin);
void jc_flush(Cpu *cpu);

/* Translation for instruction fetch. */
typedef struct CodeFetch {
    const uint8_t *host;     /* host pointer to the page's first byte, or NULL */
    uint64_t phys;           /* physical page address */
} CodeFetch;
void fetch_translate(Cpu *cpu, uint64_t lin, CodeFetch *cf);

/* Interrupt/exception delivery (except.c) */
void deliver_event(Cpu *cpu, int vector, bool has_err, uint32_t err, int kind, uint64_t next_rip);
enum { EV_KIND_EXC, EV_KIND_HW, EV_KIND_SOFT, EV_KIND_SOFT_EXC /* INT3, INTO, ICEBP */, EV_KIND_NMI };
void cpu_do_interrupts(Cpu *cpu);

#endif
