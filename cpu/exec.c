/* The interpreter's main loop: find (or decode) the block at CS:RIP, run its
 * instructions through their handlers, deliver interrupts between blocks. */
#include "cpu/exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/debug.h"
#include "cpu/decode.h"
#include "cpu/disas.h"
#include "cpu/flags.h"
#include "system/log.h"

#define ARENA_SIZE (64u << 20)

BlockCache *bc_new(uint64_t ram_size)
{
    BlockCache *bc = calloc(1, sizeof *bc);
    if (!bc)
        abort();
    bc->arena_size = ARENA_SIZE;
    bc->arena = mmap(NULL, bc->arena_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (bc->arena == MAP_FAILED)
        abort();
    bc->npages = ram_size >> 12;
    bc->pages = calloc(bc->npages ? bc->npages : 1, sizeof(CodePage));
    if (!bc->pages)
        abort();
    return bc;
}

void bc_free(BlockCache *bc)
{
    if (!bc)
        return;
    for (uint64_t i = 0; i < bc->npages; i++)
        free(bc->pages[i].bitmap);
    free(bc->pages);
    munmap(bc->arena, bc->arena_size);
    free(bc);
}

int64_t ram_page_index(Cpu *cpu, uint64_t phys)
{
    PhysMem *pm = cpu->env.mem;
    uint64_t off;
    if (phys < pm->ram_below_4g)
        off = phys;
    else if (phys >= (1ull << 32) && phys - (1ull << 32) < pm->ram_size - pm->ram_below_4g)
        off = phys - (1ull << 32) + pm->ram_below_4g;
    else
        return -1;
    /* Only if RAM really decodes there (not shadowed by a ROM or MMIO region). */
    MemRegion *r = phys_lookup(pm, phys);
    if (!r || r->kind != REGION_RAM || r->host + (phys - r->base) != pm->ram + off)
        return -1;
    return (int64_t)(off >> 12);
}

void cpu_flush_code(Cpu *cpu)
{
    BlockCache *bc = cpu->bc;
    bc->arena_used = 0;
    memset(bc->jc, 0, sizeof bc->jc);
    bc->gen++;
    memset(bc->hash, 0, sizeof bc->hash);
    for (uint64_t i = 0; i < bc->npages; i++) {
        bc->pages[i].blocks = NULL;
        free(bc->pages[i].bitmap);
        bc->pages[i].bitmap = NULL;
    }
    bc->flushes++;
    /* The block being executed (if any) stays readable: the arena is reused only
     * by the next translation, which happens after the current block ends. */
    cpu_stop_after_current(cpu);
}

void jc_flush(Cpu *cpu)
{
    memset(cpu->bc->jc, 0, sizeof cpu->bc->jc);
    cpu->bc->gen++;
}

void jc_flush_page(Cpu *cpu, uint64_t lin)
{
    /* Blocks starting on the page before may extend into this one. */
    for (int k = 0; k < 2; k++) {
        unsigned base = jc_hash((lin & ~0xfffull) - (uint64_t)k * 4096) & ~(JC_PAGE_SLOTS - 1);
        memset(&cpu->bc->jc[base], 0, JC_PAGE_SLOTS * sizeof(Block *));
    }
    cpu->bc->gen++;
}

static unsigned bhash(uint64_t phys)
{
    return (unsigned)((phys ^ (phys >> BHASH_BITS) ^ (phys >> 29)) & (BHASH_SIZE - 1));
}

bool code_page_has_code(Cpu *cpu, uint64_t phys)
{
    int64_t pi = ram_page_index(cpu, phys);
    return pi >= 0 && cpu->bc->pages[pi].blocks;
}

static void unlink_block(Cpu *cpu, Block *b)
{
    BlockCache *bc = cpu->bc;
    b->valid = 0;
    bc->gen++;                  /* links to b go too */
    for (Block **pp = &bc->hash[bhash(b->phys)]; *pp; pp = &(*pp)->hash_next) {
        if (*pp == b) {
            *pp = b->hash_next;
            break;
        }
    }
    unsigned h = jc_hash(b->pc);
    for (unsigned way = 0; way < JC_WAYS; way++)
        if (bc->jc[(h & ~(JC_WAYS - 1)) | way] == b)
            bc->jc[(h & ~(JC_WAYS - 1)) | way] = NULL;
    if (cpu->cur_block == b)
        cpu_stop_after_current(cpu);
}

static void remove_from_page(Cpu *cpu, int64_t pi, Block *b)
{
    for (Block **pp = &cpu->bc->pages[pi].blocks; *pp;) {
        Block *x = *pp;
        /* Which link of x chains this page: slot 0 for its first page. */
        int slot = ram_page_index(cpu, x->phys) == pi ? 0 : 1;
        if (x == b) {
            *pp = x->page_next[slot];
            return;
        }
        pp = &x->page_next[slot];
    }
}

void code_write_hit(Cpu *cpu, uint64_t phys, unsigned size)
{
    int64_t pi = ram_page_index(cpu, phys);
    if (pi < 0)
        return;
    CodePage *cp = &cpu->bc->pages[pi];
    if (!cp->blocks)
        return;
    unsigned off = phys & 0xfff, hit = 0;
    for (unsigned i = 0; i < size && off + i < 4096; i++)
        hit |= cp->bitmap[(off + i) >> 3] & (1u << ((off + i) & 7));
    if (!hit)
        return;
    /* Self-modifying code: drop every block on the page. */
    cpu->bc->invalidations++;
    Block *b = cp->blocks;
    cp->blocks = NULL;
    memset(cp->bitmap, 0, 512);
    while (b) {
        int slot = ram_page_index(cpu, b->phys) == pi ? 0 : 1;
        Block *next = b->page_next[slot];
        unlink_block(cpu, b);
        /* A block spanning two pages is also chained on its other page. */
        uint64_t other = slot == 0 ? b->page2 : b->phys;
        if (b->page2 != ~0ull) {
            int64_t opi = ram_page_index(cpu, other);
            if (opi >= 0 && opi != pi)
                remove_from_page(cpu, opi, b);
        }
        b = next;
    }
}

void cpu_ram_written(void *opaque, uint64_t addr, uint64_t len)
{
    Cpu *cpu = opaque;
    while (len) {
        uint64_t chunk = 4096 - (addr & 4095);
        if (chunk > len)
            chunk = len;
        code_write_hit(cpu, addr, (unsigned)chunk);
        addr += chunk;
        len -= chunk;
    }
}

/* Marks bytes [phys, phys+len) of one page as code and chains b on the page. */
static void add_code_range(Cpu *cpu, Block *b, int slot, uint64_t phys, unsigned len)
{
    int64_t pi = ram_page_index(cpu, phys);
    if (pi < 0)
        return;
    CodePage *cp = &cpu->bc->pages[pi];
    if (!cp->bitmap) {
        cp->bitmap = calloc(1, 512);
        if (!cp->bitmap)
            abort();
    }
    bool first = cp->blocks == NULL;
    unsigned off = phys & 0xfff;
    for (unsigned i = 0; i < len && off + i < 4096; i++)
        cp->bitmap[(off + i) >> 3] |= (uint8_t)(1u << ((off + i) & 7));
    b->page_next[slot] = cp->blocks;
    cp->blocks = b;
    if (first) {
        /* Writes to this page must now go through the slow path. */
        uint64_t page = phys & ~0xfffull;
        for (int m = 0; m < 2; m++)
            for (int i = 0; i < TLB_SIZE; i++) {
                TlbEntry *e = &cpu->tlb[m][i];
                if ((e->paddr & ~0xfffull) == page && !(e->tag_w & TLB_INVALID))
                    e->tag_w |= TLB_CODE;
            }
    }
}

static Block *alloc_block(Cpu *cpu)
{
    BlockCache *bc = cpu->bc;
    size_t need = sizeof(Block) + BLOCK_MAX_INSNS * sizeof(Insn);
    if (bc->arena_used + need > bc->arena_size)
        cpu_flush_code(cpu);
    Block *b = (Block *)(bc->arena + bc->arena_used);
    return b;
}

/* Gathers up to 15 instruction bytes at lin into buf; returns how many are
 * available without touching the next page (or all 15 if next_ok). */
static unsigned gather(Cpu *cpu, uint64_t lin, const CodeFetch *cf, uint8_t *buf,
                       const CodeFetch *cf2)
{
    unsigned off = lin & 0xfff, n = 4096 - off;
    if (n > 15)
        n = 15;
    for (unsigned i = 0; i < n; i++)
        buf[i] = cf->host ? cf->host[off + i] : (uint8_t)phys_read(cpu->env.mem, cf->phys + off + i, 1);
    if (n < 15 && cf2) {
        for (unsigned i = n; i < 15; i++)
            buf[i] = cf2->host ? cf2->host[i - n] : (uint8_t)phys_read(cpu->env.mem, cf2->phys + i - n, 1);
        n = 15;
    }
    return n;
}

static uint64_t cs_limit_end(Cpu *cpu)
{
    /* Largest RIP+1 allowed by the CS limit (no limit in 64-bit mode). */
    if (cpu->hflags & HF_CS64)
        return ~0ull;
    return (uint64_t)cpu->s.seg[SEG_CS].limit + 1;
}

static Block *translate(Cpu *cpu, uint64_t pc, uint64_t rip, const CodeFetch *cf0)
{
    Block *b = alloc_block(cpu);
    memset(b, 0, sizeof *b);
    b->pc = pc;
    b->rip = rip;
    b->cs_base = cpu->s.seg[SEG_CS].base;
    b->hflags = cpu->hflags;
    b->key = cpu->blk_key;
    b->phys = cf0->phys + (pc & 0xfff);
    b->page2 = ~0ull;
    b->valid = 1;

    unsigned max = (cpu->hflags & HF_SINGLE) ? 1 : BLOCK_MAX_INSNS;
    if (cpu->max_block_insns && cpu->max_block_insns < max)
        max = cpu->max_block_insns;
    uint64_t limit_end = cs_limit_end(cpu);
    uint64_t rip_mask = (cpu->hflags & HF_CS64) ? ~0ull : (cpu->hflags & HF_CS32) ? 0xffffffffull : 0xffffull;
    /* Instruction pointer wrap: stop the block where IP would wrap. */
    uint64_t wrap_end = rip_mask == ~0ull ? ~0ull : rip_mask + 1;
    CodeFetch cf2 = { 0 };
    bool have2 = false;
    uint16_t ofs = 0;
    bool fall = true;

    while (b->ninsns < max) {
        uint64_t ipc = pc + ofs, irip = rip + ofs;
        uint8_t buf[16];
        Insn *in = &b->insns[b->ninsns];
        DecodeCtx ctx = { .rip = irip, .ofs = ofs, .hflags = cpu->hflags };
        uint32_t fl;
        bool first = b->ninsns == 0;
        if (!first && ((ipc ^ pc) & ~0xfffull))
            break;                          /* next page: a block of its own */
        unsigned avail = gather(cpu, ipc, cf0, buf, have2 ? &cf2 : NULL);
        int r = decode_insn(&ctx, buf, avail, in, &fl);
        if (r == DECODE_NEED_MORE) {
            /* The instruction crosses into the next page. */
            if (!first)
                break;
            fetch_translate(cpu, (ipc & ~0xfffull) + 4096, &cf2);   /* may fault */
            have2 = true;
            avail = gather(cpu, ipc, cf0, buf, &cf2);
            r = decode_insn(&ctx, buf, avail, in, &fl);
        }
        if (r == DECODE_TOO_LONG) {
            if (!first)
                break;
            cpu->r[R_BRIP] = rip;
            RAISE_GP(cpu, 0);
        }
        /* CS limit and IP wrap: the whole instruction must fit. */
        if (irip + in->len > limit_end || irip + in->len > wrap_end) {
            if (!first)
                break;
            if (irip + in->len > limit_end || irip >= wrap_end) {
                cpu->r[R_BRIP] = rip;
                RAISE_GP(cpu, 0);
            }
        }
        b->ninsns++;
        ofs += in->len;
        if (fl & OPF_END) {
            fall = false;
            break;
        }
        if (irip + in->len >= wrap_end)
            break;
    }
    b->size = ofs;
    b->end = &b->insns[b->ninsns];
    b->next_rip = (rip + ofs) & rip_mask;
    b->fallthrough = fall;
    cpu->bc->arena_used += (sizeof(Block) + b->ninsns * sizeof(Insn) + 15) & ~(size_t)15;
    cpu->bc->nblocks++;

    /* Register the block's bytes for self-modifying-code detection. */
    unsigned first_len = b->size;
    if ((pc & 0xfff) + b->size > 4096) {
        first_len = 4096 - (pc & 0xfff);
        b->page2 = cf2.phys;
    }
    add_code_range(cpu, b, 0, b->phys, first_len);
    if (b->page2 != ~0ull)
        add_code_range(cpu, b, 1, b->page2, b->size - first_len);
    unsigned h = bhash(b->phys);
    b->hash_next = cpu->bc->hash[h];
    cpu->bc->hash[h] = b;
    return b;
}

/* Puts b first in its jump-cache set (it may already be in it). */
static void jc_insert_front(Block **set, Block *b)
{
    unsigned i = 0;
    while (i < JC_WAYS - 1 && set[i] != b)
        i++;
    for (; i > 0; i--)
        set[i] = set[i - 1];
    set[0] = b;
}

static Block *find_block_slow(Cpu *cpu, uint64_t pc, uint64_t rip)
{
    CodeFetch cf;
    cpu->r[R_BRIP] = rip;      /* a fault while fetching reports this RIP */
    cpu->cur = NULL;
    fetch_translate(cpu, pc, &cf);
    uint64_t phys = cf.phys + (pc & 0xfff);
    uint64_t cs_base = cpu->s.seg[SEG_CS].base;
    Block *b;
    for (b = cpu->bc->hash[bhash(phys)]; b; b = b->hash_next) {
        if (b->phys == phys && b->pc == pc && b->hflags == cpu->hflags && b->cs_base == cs_base) {
            /* A block spanning two pages must still map its second page the same way. */
            if (b->page2 != ~0ull) {
                CodeFetch c2;
                fetch_translate(cpu, (pc & ~0xfffull) + 4096, &c2);
                if (c2.phys != b->page2)
                    continue;
            }
            break;
        }
    }
    if (!b)
        b = translate(cpu, pc, rip, &cf);
    /* The newest block first; the others move down, the last one drops. */
    Block **set = &cpu->bc->jc[jc_hash(pc) & ~(JC_WAYS - 1)];
    jc_insert_front(set, b);
    return b;
}

static inline Block *jc_lookup(Cpu *cpu, uint64_t pc, uint64_t rip)
{
    Block **set = &cpu->bc->jc[jc_hash(pc) & ~(JC_WAYS - 1)];
    Block *b = set[0];
    if (likely(b && b->pc == pc && b->key == cpu->blk_key))
        return b;
    for (unsigned way = 1; way < JC_WAYS; way++) {
        b = set[way];
        if (b && b->pc == pc && b->key == cpu->blk_key) {
            jc_insert_front(set, b);   /* most recent first */
            return b;
        }
    }
    return find_block_slow(cpu, pc, rip);
}

/* The block at CS:RIP.  prev, when not NULL, is the block that just ran and
 * is still valid (no bc->gen change since it was looked up): its succ[]
 * links are tried before the jump cache, succ[0] for its fall-through RIP
 * (next_rip: a conditional branch not taken), succ[1] for any other (the
 * branch taken, the last target of an indirect jump), so one compare picks
 * the link.  A link is as good as a jump-cache entry: it was one in the same
 * generation, and every event that drops jump-cache entries bumps the
 * generation.  Links compare RIP, not the linear pc: the key (hflags,
 * CS.base bits 31:0) fixes CS's segbase and lin_mask, so equal RIPs and
 * keys mean equal pcs. */
static inline Block *find_block(Cpu *cpu, Block *prev)
{
    BlockCache *bc = cpu->bc;
    uint64_t rip = cpu->s.rip;
    uint64_t gen = bc->gen;
    unsigned slot = 0;
    if (prev) {
        slot = rip != prev->next_rip;
        if (likely(prev->succ_gen == gen)) {
            Block *b = prev->succ[slot];
            if (likely(b && b->rip == rip && b->key == cpu->blk_key))
                return b;
        } else {
            prev->succ[0] = prev->succ[1] = NULL;
            prev->succ_gen = gen;
        }
    }
    uint64_t pc = (cpu->segbase[SEG_CS] + rip) & cpu->lin_mask;
    Block *b = jc_lookup(cpu, pc, rip);
    /* A translation may have flushed the arena that holds prev. */
    if (prev && bc->gen == gen)
        prev->succ[slot] = b;
    return b;
}

void cpu_stop_after_current(Cpu *cpu)
{
    if (cpu->cur && !cpu->stop) {
        cpu->s.rip = cpu_next_rip(cpu, cpu->cur);
        cpu_end_block(cpu);
    }
}

static inline void exec_block(Cpu *cpu, const Block *b)
{
    const Insn *in = b->insns;
    cpu->cur_block = b;
    cpu->r[R_BRIP] = b->rip;
    cpu->stop = 0;
    cpu->blk_end = b->end;
    do {
        cpu->cur = in;
        in->fn(cpu, in);
        in++;
    } while (in != cpu->blk_end);
    if (likely(!cpu->stop)) {
        cpu->icount += b->ninsns;
        if (b->fallthrough)
            cpu->s.rip = b->next_rip;
    } else {
        cpu->icount += (uint64_t)(in - b->insns);
    }
    /* Outside a block cur is NULL (cur_block means nothing then). */
    cpu->cur = NULL;
}

static void trace_insn(Cpu *cpu, const Block *b)
{
    uint64_t pc = b->pc;
    uint8_t bytes[16];
    unsigned n = b->size < 16 ? b->size : 16;
    for (unsigned i = 0; i < n; i++) {
        uint64_t phys;
        if (cpu_virt_to_phys(cpu, pc + i, &phys))
            bytes[i] = (uint8_t)phys_read(cpu->env.mem, phys, 1);
        else
            bytes[i] = 0;
    }
    if (log_enabled(LOG_CPU))
        cpu_dump_regs(cpu, log_file());
    if (log_enabled(LOG_IN_ASM)) {
        char text[128];
        int bits = (cpu->hflags & HF_CS64) ? 64 : (cpu->hflags & HF_CS32) ? 32 : 16;
        disas_one(bytes, n, pc, bits, text, sizeof text);
        if (bits == 64)
            log_printf("0x%016llx:  %s\n", (unsigned long long)pc, text);
        else
            log_printf("%04x:%0*llx  %s\n", cpu->s.seg[SEG_CS].sel, bits == 16 ? 4 : 8,
                       (unsigned long long)b->rip, text);
    }
}

static bool at_breakpoint(Cpu *cpu)
{
    uint64_t pc = (cpu->segbase[SEG_CS] + cpu->s.rip) & cpu->lin_mask;
    for (int i = 0; i < cpu->nbp; i++)
        if (cpu->bp[i] == pc)
            return true;
    return false;
}

/* Work that is not done on every block: events, halt, single-step, interrupt
 * shadow and traces.  Returns a CpuExit to leave cpu_run, -1 when it ran an
 * instruction, -2 to go on with ordinary blocks. */
static int slow_step(Cpu *cpu, uint64_t limit)
{
    if (cpu->events & EV_EXIT) {
        __atomic_fetch_and(&cpu->events, ~(uint32_t)EV_EXIT, __ATOMIC_SEQ_CST);
        return CPU_EXIT_EVENT;
    }
    if (cpu->pending_db) {
        /* Data breakpoint: a trap after the instruction that hit it. */
        cpu->s.dr[6] = (cpu->s.dr[6] & ~0xfull) | cpu->pending_db;
        cpu->pending_db = 0;
        cpu_update_slow(cpu);
        deliver_event(cpu, EXC_DB, false, 0, EV_KIND_EXC, cpu->s.rip);
        return -1;
    }
    bool shadow = cpu->s.intr_shadow;
    if (!shadow && (cpu->events & (EV_INTR | EV_NMI)))
        cpu_do_interrupts(cpu);
    if (cpu->s.halted)
        return CPU_EXIT_HALT;
    if (cpu->icount >= limit)
        return CPU_EXIT_BUDGET;
    if (cpu->nbp && !cpu->bp_skip_once && at_breakpoint(cpu))
        return CPU_EXIT_BREAKPOINT;
    cpu->bp_skip_once = false;
    if (!shadow && !(cpu->hflags & HF_SINGLE))
        return -2;
    /* One instruction on its own: the one after STI/MOV SS (no interrupt may
     * come before it), a single step (TF), or a traced one. */
    cpu->s.intr_shadow = 0;
    cpu->hflags |= HF_SINGLE;
    cpu->blk_key |= (uint64_t)HF_SINGLE << 32;
    bool tf = cpu->s.rflags & F_TF;
    debug_insn_start(cpu);      /* instruction breakpoints, RF */
    Block *b = find_block(cpu, NULL);
    if (cpu->trace)
        trace_insn(cpu, b);
    cpu->soft_int_done = false;
    exec_block(cpu, b);
    cpu_update_mode(cpu);
    if (tf && !cpu->soft_int_done && cpu->s.intr_shadow != SHADOW_MOV_SS) {
        cpu->s.dr[6] |= 1u << 14;   /* DR6.BS */
        deliver_event(cpu, EXC_DB, false, 0, EV_KIND_EXC, cpu->s.rip);
    }
    return -1;
}

/* The block loop, kept apart from cpu_run's setjmp so the compiler can hold
 * cpu and limit in registers. */
static __attribute__((noinline)) CpuExit run_blocks(Cpu *cpu, uint64_t limit)
{
    Block *prev = NULL;         /* the block that ran last, for find_block() */
    uint64_t prev_gen = 0;      /* bc->gen when it was looked up */
    for (;;) {
        if (unlikely(cpu->events | cpu->slow)) {
            prev = NULL;        /* interrupts and single steps: not a block's successor */
            int r = slow_step(cpu, limit);
            if (r >= 0)
                return (CpuExit)r;
            if (r == -1)
                continue;
        }
        if (unlikely(cpu->icount >= limit))
            return CPU_EXIT_BUDGET;
        /* prev may be gone if the generation moved on (SMC, code flush). */
        Block *b = find_block(cpu, prev_gen == cpu->bc->gen ? prev : NULL);
        prev = b;
        prev_gen = cpu->bc->gen;
        exec_block(cpu, b);
    }
}

CpuExit cpu_run(Cpu *cpu, uint64_t budget)
{
    uint64_t limit = cpu->icount + budget;
    cpu->icount_limit = limit;
    cpu->exc_vector = -1;
    if (setjmp(cpu->jb)) {
        /* An exception was raised (cpu_exception has set RIP and icount). */
        if (cpu->shutdown)
            return CPU_EXIT_SHUTDOWN;
        if (cpu->stop_on_exception)
            return CPU_EXIT_EXCEPTION;
        int v = cpu->exc_vector;
        cpu->exc_vector = -1;
        deliver_event(cpu, v, cpu->exc_has_err, cpu->exc_err, EV_KIND_EXC, cpu->s.rip);
        cpu_update_mode(cpu);
    }
    return run_blocks(cpu, limit);
}
