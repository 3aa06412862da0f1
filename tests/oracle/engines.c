/* Tandem and Unicorn set up identically: RAM at [0, RAM_SIZE), everything above
 * it unassigned (Tandem: reads all ones, writes dropped; Unicorn: an MMIO region
 * doing the same), real mode (16) or flat 32-bit protected mode at CPL 0 (32)
 * with a GDT at GDT_BASE. */
#include "tests/oracle/engines.h"
#include "tests/oracle/uc-api.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/exec.h"
#include "hw/ioport.h"
#include "hw/memory.h"

#define UC(e) ((uc_engine *)(e)->uc)
#define CPU(e) ((Cpu *)(e)->cpu)

/* GDT of the 32-bit setup.  Selectors: 08 flat code, 10 flat data, 18 data at
 * 0x10000 limit 0xfffff, 20 read-only flat data, 28 readable flat code, 30
 * execute-only code, 38 not-present data, 40 DPL 3 data, 48 16-bit data. */
static const uint64_t gdt32[] = {
    0,
    0x00cf9b000000ffffull,
    0x00cf93000000ffffull,
    0x000f93010000ffffull,
    0x00cf91000000ffffull,
    0x00cf9b000000ffffull,
    0x00cf99000000ffffull,
    0x00cf13000000ffffull,
    0x00cff3000000ffffull,
    0x00009300000fffffull,
};
#define GDT_LIMIT (sizeof gdt32 - 1)

/* 64-bit mode: the same table with 08 a 64-bit code segment (L=1, D=0). */
static const uint64_t gdt64[] = {
    0,
    0x00af9b000000ffffull,
    0x00cf93000000ffffull,
    0x000f93010000ffffull,
    0x00cf91000000ffffull,
    0x00cf9b000000ffffull,
    0x00cf99000000ffffull,
    0x00cf13000000ffffull,
    0x00cff3000000ffffull,
    0x00009300000fffffull,
};

static void fatal(const char *what, int err);

static const uint64_t *gdt_of(const Engines *e)
{
    return e->mode == 64 ? gdt64 : gdt32;
}

/* 64-bit mode, Tandem only: 4-level page tables identity-mapping [0, 4 GiB)
 * with 2 MiB pages (PML4, PDPT, 4 PDs), in RAM of their own at 4 GiB that no
 * linear address reaches (linear addresses above 4 GiB are not present:
 * Unicorn, which runs UC_MODE_64 without paging, has nothing mapped there). */
#define PT_PHYS 0x100000000ull
#define PT_PAGES 6

static void tandem_page_tables(PhysMem *pm)
{
    uint64_t *pt = aligned_alloc(4096, PT_PAGES * 4096);
    if (!pt)
        abort();
    memset(pt, 0, PT_PAGES * 4096);
    pt[0] = (PT_PHYS + 0x1000) | 7;                       /* PML4[0] -> PDPT */
    for (uint64_t i = 0; i < 4; i++) {
        pt[512 + i] = (PT_PHYS + 0x2000 + i * 0x1000) | 7;  /* PDPT[i] -> PD i */
        for (uint64_t j = 0; j < 512; j++)
            pt[1024 + i * 512 + j] = (i << 30 | j << 21) | 0x87;   /* P RW U PS */
    }
    if (!phys_add_ram(pm, "oracle-page-tables", PT_PHYS, PT_PAGES * 4096, (uint8_t *)pt, 0))
        fatal("phys_add_ram", 0);
}

static void fatal(const char *what, int err)
{
    fprintf(stderr, "oracle: %s failed (%d: %s)\n", what, err, err ? U.strerror((uc_err)err) : "");
    exit(2);
}

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *opaque)
{
    (void)uc; (void)off; (void)size; (void)opaque;
    return ~0ull;
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *opaque)
{
    (void)uc; (void)off; (void)size; (void)v; (void)opaque;
}

/* Runs one instruction: the hook stops Unicorn when it is about to start a
 * second one (what an instruction count of 1 does, but the harness learns
 * where: see eng_step_unicorn). */
static void hook_code(uc_engine *uc, uint64_t address, uint32_t size, void *opaque)
{
    (void)size;
    Engines *e = opaque;
    if (++e->u_hook_n >= 2) {
        e->u_stop_pc = address;
        e->u_hook_stop = true;
        U.emu_stop(uc);
    }
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *opaque)
{
    Engines *e = opaque;
    e->u_int = (int)intno;
    U.emu_stop(uc);
}

void eng_resync_memory(Engines *e)
{
    memcpy(e->u_ram, e->t_ram, RAM_SIZE);
}

uint32_t code_lin = CODE_LIN16;

/* A Unicorn instance over e->u_ram (also after an abort: the old one is
 * left as it is, see eng_step_unicorn). */
static void unicorn_open(Engines *e)
{
    uc_engine *uc;
    int err = U.open(UC_ARCH_X86, e->mode == 64 ? UC_MODE_64 : e->mode == 32 ? UC_MODE_32 : UC_MODE_16, &uc);
    if (err)
        fatal("uc_open", err);
    simd_unicorn_model(uc);     /* before anything else touches the CPU */
    e->uc = uc;
    /* RAM, the code area not writable: a write into it stops Unicorn with
     * UC_ERR_WRITE_PROT (code_written), before QEMU's self-modifying-code
     * handling would restart the instruction */
    if ((err = U.mem_map_ptr(uc, 0, CODE_LIN, UC_PROT_ALL, e->u_ram)) ||
        (err = U.mem_map_ptr(uc, CODE_LIN, CODE_SIZE, UC_PROT_READ | UC_PROT_EXEC, e->u_ram + CODE_LIN)) ||
        (err = U.mem_map_ptr(uc, CODE_LIN + CODE_SIZE, RAM_SIZE - CODE_LIN - CODE_SIZE, UC_PROT_ALL,
                             e->u_ram + CODE_LIN + CODE_SIZE)))
        fatal("uc_mem_map_ptr", err);
    if ((err = U.mmio_map(uc, RAM_SIZE, 0x100000000ull - RAM_SIZE, mmio_read, NULL, mmio_write, NULL)))
        fatal("uc_mmio_map", err);
    uc_hook h;
    if ((err = U.hook_add(uc, &h, UC_HOOK_INTR, (void *)hook_intr, e, 1, 0)))
        fatal("U.hook_add(INTR)", err);
    if ((err = U.hook_add(uc, &h, UC_HOOK_CODE, (void *)hook_code, e, 1, 0)))
        fatal("U.hook_add(CODE)", err);
    if (e->mode != 16) {
        uc_x86_mmr g = { 0, GDT_BASE, GDT_LIMIT, 0 };
        if ((err = U.reg_write(uc, UC_X86_REG_GDTR, &g)))
            fatal("GDTR", err);
    }
    uc_context *ctx;
    if ((err = U.context_alloc(uc, &ctx)) || (err = U.context_save(uc, ctx)))
        fatal("uc_context_save", err);
    e->uc_ctx0 = ctx;
}

/* Unicorn aborts the process (tcg_abort -> abort()) on a few encodings it
 * cannot translate.  The generator and the stream loop keep the known ones
 * (unicorn_crashers) away from it; should another one turn up, the SIGABRT
 * raised inside uc_emu_start is caught here, the broken instance is
 * abandoned (its memory is leaked: nothing of it can be trusted any more)
 * and a fresh one takes its place.  abort() releases its lock before raising
 * the signal, so leaving it by siglongjmp is safe. */
static sigjmp_buf uc_abort_jmp;
static volatile sig_atomic_t in_unicorn;

static void on_sigabrt(int sig)
{
    if (in_unicorn) {
        in_unicorn = 0;
        siglongjmp(uc_abort_jmp, 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void eng_init(Engines *e, int mode)
{
    memset(e, 0, sizeof *e);
    code_lin = mode != 16 ? CODE_LIN32 : CODE_LIN16;
    e->mode = mode;
    /* Tandem */
    PhysMem *pm = calloc(1, sizeof *pm);
    IoSpace *io = calloc(1, sizeof *io);
    if (!pm || !io)
        abort();
    phys_init(pm);
    if (!phys_alloc_ram(pm, RAM_SIZE, RAM_SIZE))
        fatal("phys_alloc_ram", 0);
    if (mode == 64)
        tandem_page_tables(pm);
    io_init(io);
    CpuEnv env = { .mem = pm, .io = io };
    Cpu *cpu = cpu_new(&env);
    cpu->stop_on_exception = true;
    cpu->max_block_insns = 1;
    e->pm = pm;
    e->io = io;
    e->cpu = cpu;
    e->t_ram = pm->ram;

    /* Unicorn */
    uc_api_load();
    e->u_ram = aligned_alloc(4096, RAM_SIZE);
    if (!e->u_ram)
        abort();
    memset(e->u_ram, 0, RAM_SIZE);
    unicorn_open(e);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigabrt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGABRT, &sa, NULL);
}

static void unicorn_set_regs(Engines *e, const Regs *r);
static void relax_segments(const Engines *e, CpuState *st);

void eng_unicorn_forget_exception(Engines *e, const Regs *r)
{
    U.context_restore(UC(e), (uc_context *)e->uc_ctx0);
    unicorn_set_regs(e, r);
    simd_set_unicorn(e, r);
    x87_set_unicorn(e, r);
}

void eng_unicorn_renew(Engines *e)
{
    U.context_free((uc_context *)e->uc_ctx0);
    U.close(UC(e));
    unicorn_open(e);
}

void eng_free(Engines *e)
{
    U.close(UC(e));
    free(e->u_ram);
    cpu_free(CPU(e));
    phys_destroy(e->pm);
    free(e->pm);
    free(e->io);
}

uint32_t eng_linear_pc(const Engines *e, const Regs *r)
{
    if (e->mode == 64 && r->eip_hi)
        return ~0u;     /* nowhere near RAM */
    return e->mode != 16 ? r->eip : (uint32_t)r->seg[OS_CS] * 16 + r->eip;
}

bool eng_gdt_changed(const Engines *e)
{
    return e->mode != 16 && (memcmp(e->t_ram + GDT_BASE, gdt_of(e), sizeof gdt32) ||
                             memcmp(e->u_ram + GDT_BASE, gdt_of(e), sizeof gdt32));
}

uint32_t eng_seg_base(const Engines *e, int seg)
{
    return (uint32_t)CPU(e)->s.seg[seg].base;
}

uint32_t eng_stack_lin(const Engines *e, uint32_t esp)
{
    const SegCache *ss = &CPU(e)->s.seg[SEG_SS];
    bool big = e->mode == 64 || (e->mode == 32 && (ss->attr & SA_DB));
    return (uint32_t)ss->base + (big ? esp : esp & 0xffff);
}

void eng_load_code(Engines *e, const uint8_t *code, uint32_t len)
{
    if (len > CODE_SIZE)
        len = CODE_SIZE;
    /* the previous stream's bytes beyond this one's are cleared too */
    uint32_t span = len > e->code_len ? len : e->code_len;
    memcpy(e->t_ram + CODE_LIN, code, len);
    memset(e->t_ram + CODE_LIN + len, 0, span - len);
    memcpy(e->u_ram + CODE_LIN, e->t_ram + CODE_LIN, span);
    e->code_len = len;
    if (e->mode != 16) {
        memcpy(e->t_ram + GDT_BASE, gdt_of(e), sizeof gdt32);
        memcpy(e->u_ram + GDT_BASE, gdt_of(e), sizeof gdt32);
    }
    /* Tandem: drop the decoded blocks on the code pages (what a write to
     * code would do), cheaper than flushing every block */
    for (uint32_t a = CODE_LIN; a < CODE_LIN + span; a += 4096)
        code_write_hit(CPU(e), a, 4096);
    U.ctl(UC(e), UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), (uint64_t)CODE_LIN, (uint64_t)(CODE_LIN + CODE_SIZE));
}

/* Hidden part of a segment register for selector sel in the current setup. */
static void seg_cache(const Engines *e, int seg, uint16_t sel, SegCache *sc)
{
    sc->sel = sel;
    if (e->mode == 16) {
        sc->base = (uint32_t)sel << 4;
        sc->limit = 0xffff;
        sc->attr = seg == OS_CS ? 0x9b : 0x93;
        return;
    }
    unsigned idx = sel >> 3;
    if (!(sel & 0xfffc) || (sel & 4) || idx * 8 + 7 > GDT_LIMIT) {
        sc->base = 0;
        sc->limit = 0;
        sc->attr = 0;
        return;
    }
    uint64_t d;
    memcpy(&d, e->t_ram + GDT_BASE + idx * 8, 8);
    uint32_t lo = (uint32_t)d, hi = (uint32_t)(d >> 32);
    sc->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    uint32_t limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23))
        limit = (limit << 12) | 0xfff;
    sc->limit = limit;
    sc->attr = (uint16_t)(((hi >> 8) & 0xff) | (((hi >> 20) & 0xf) << 8));
}

static void tandem_state(Engines *e, const Regs *r, CpuState *st)
{
    Cpu *cpu = CPU(e);
    cpu_get_state(cpu, st);
    for (int i = 0; i < 16; i++)
        st->regs[i] = reg64(r, i);
    st->rip = rip64(r);
    st->rflags = r->eflags | 2;
    st->cr0 = e->mode == 64 ? (CR0_PE | CR0_ET | CR0_PG) : e->mode == 32 ? (CR0_PE | CR0_ET) : CR0_ET;
    st->cr3 = e->mode == 64 ? PT_PHYS : 0;
    st->cr4 = e->mode == 64 ? CR4_PAE : 0;
    st->efer = e->mode == 64 ? (EFER_LME | EFER_LMA) : 0;
    st->gdt.base = e->mode != 16 ? GDT_BASE : 0;
    st->gdt.limit = e->mode != 16 ? GDT_LIMIT : 0xffff;
    st->idt.base = 0;
    st->idt.limit = e->mode != 16 ? 0 : 0x3ff;
    st->halted = 0;
    st->intr_shadow = 0;
    st->dr[7] = 0x400;
    for (int i = 0; i < 6; i++)
        seg_cache(e, i, r->seg[i], &st->seg[i]);
    simd_tandem_state(e, r, st);
    x87_tandem_state(e, r, st);
}

void eng_set_regs(Engines *e, const Regs *r)
{
    CpuState st;
    tandem_state(e, r, &st);
    cpu_set_state(CPU(e), &st);
    unicorn_set_regs(e, r);
    simd_set_unicorn(e, r);
    x87_set_unicorn(e, r);
}

static const int gpr64[16] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP, UC_X86_REG_RBP,
    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

/* 64-bit mode: the 16 GPRs and RFLAGS (and RIP unless only the GPRs). */
static void unicorn_gprs64(Engines *e, const Regs *r, bool rip)
{
    for (int i = 0; i < 16; i++) {
        uint64_t v = reg64(r, i);
        U.reg_write(UC(e), gpr64[i], &v);
    }
    uint64_t v = r->eflags | 2;
    U.reg_write(UC(e), UC_X86_REG_RFLAGS, &v);
    if (rip) {
        v = rip64(r);
        U.reg_write(UC(e), UC_X86_REG_RIP, &v);
    }
}

static void unicorn_set_regs64(Engines *e, const Regs *r)
{
    unicorn_gprs64(e, r, true);
}

static void unicorn_set_regs(Engines *e, const Regs *r)
{
    uc_engine *uc = UC(e);
    static const int segid[6] = { UC_X86_REG_ES, UC_X86_REG_CS, UC_X86_REG_SS, UC_X86_REG_DS,
                                  UC_X86_REG_FS, UC_X86_REG_GS };
    static const int gpr[8] = { UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
                                UC_X86_REG_ESP, UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI };
    int err;
    for (int i = 0; i < 6; i++) {
        uint16_t v = r->seg[i];
        if ((err = U.reg_write(uc, segid[i], &v)))
            fatal("U.reg_write(seg)", err);
    }
    if (e->mode == 64) {
        unicorn_set_regs64(e, r);
        return;
    }
    for (int i = 0; i < 8; i++) {
        uint32_t v = r->r[i];
        U.reg_write(uc, gpr[i], &v);
    }
    uint32_t v = r->eip;
    U.reg_write(uc, UC_X86_REG_EIP, &v);
    v = r->eflags | 2;
    U.reg_write(uc, UC_X86_REG_EFLAGS, &v);
}

void eng_get_tandem(Engines *e, Regs *r)
{
    Cpu *cpu = CPU(e);
    for (int i = 0; i < 8; i++)
        r->r[i] = (uint32_t)cpu->r[i];
    r->eip = (uint32_t)cpu->s.rip;
    memset(r->hi, 0, sizeof r->hi);
    memset(r->x, 0, sizeof r->x);
    r->eip_hi = 0;
    if (e->mode == 64) {
        for (int i = 0; i < 16; i++)
            set_reg64(r, i, cpu->r[i]);
        r->eip_hi = (uint32_t)(cpu->s.rip >> 32);
    }
    r->eflags = cpu_get_eflags(cpu);
    for (int i = 0; i < 6; i++)
        r->seg[i] = cpu->s.seg[i].sel;
    simd_get_tandem(e, r);
    x87_get_tandem(e, &r->f);
}

void eng_get_unicorn(Engines *e, Regs *r)
{
    static int ids[16] = { UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
                           UC_X86_REG_ESP, UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI,
                           UC_X86_REG_EIP, UC_X86_REG_EFLAGS,
                           UC_X86_REG_ES, UC_X86_REG_CS, UC_X86_REG_SS, UC_X86_REG_DS,
                           UC_X86_REG_FS, UC_X86_REG_GS };
    uint32_t v32[10];
    uint16_t v16[6];
    void *ptrs[16];
    for (int i = 0; i < 10; i++)
        ptrs[i] = &v32[i];
    for (int i = 0; i < 6; i++)
        ptrs[10 + i] = &v16[i];
    U.reg_read_batch(UC(e), ids, ptrs, 16);
    memcpy(r->r, v32, sizeof r->r);
    r->eip = v32[8];
    r->eflags = v32[9];
    memcpy(r->seg, v16, sizeof r->seg);
    memset(r->hi, 0, sizeof r->hi);
    memset(r->x, 0, sizeof r->x);
    r->eip_hi = 0;
    if (e->mode == 64) {
        for (int i = 0; i < 16; i++) {
            uint64_t v;
            U.reg_read(UC(e), gpr64[i], &v);
            set_reg64(r, i, v);
        }
        uint64_t rip;
        U.reg_read(UC(e), UC_X86_REG_RIP, &rip);
        r->eip = (uint32_t)rip;
        r->eip_hi = (uint32_t)(rip >> 32);
    }
    simd_get_unicorn(e, r);
    x87_get_unicorn(e, &r->f);
}

int eng_step_tandem(Engines *e)
{
    Cpu *cpu = CPU(e);
    uint64_t start = cpu->s.rip;
    uint16_t cs = cpu->s.seg[SEG_CS].sel;
    for (int iter = 0; iter < (1 << 20); iter++) {
        CpuExit x = cpu_run(cpu, 1);
        if (x == CPU_EXIT_EXCEPTION)
            return cpu->exc_vector;
        if (x == CPU_EXIT_SHUTDOWN)
            return 8;
        if (x == CPU_EXIT_HALT)
            return -1;
        /* A REP string instruction may retire one chunk at a time with RIP
         * still on it: go on until it leaves. */
        if (cpu->s.rip != start || cpu->s.seg[SEG_CS].sel != cs)
            return -1;
        uint8_t b[16];
        uint32_t lin = (uint32_t)(cpu->s.seg[SEG_CS].base + start);
        if ((uint64_t)lin + 16 > RAM_SIZE)
            return -1;
        memcpy(b, e->t_ram + lin, 16);
        InsnInfo ii;
        insn_info(b, 16, e->mode, &ii);
        if (!ii.string || !(ii.rep || ii.repne))
            return -1;
    }
    return -1;
}

int eng_step_unicorn(Engines *e, const InsnInfo *ii, int *errp, uint64_t until_lin)
{
    uc_engine *uc = UC(e);
    e->u_int = -1;
    e->code_written = false;
    *errp = 0;
    uint64_t eip0 = 0, eip = 0;
    uint16_t cs;
    U.reg_read(uc, e->mode == 64 ? UC_X86_REG_RIP : UC_X86_REG_EIP, &eip0);
    U.reg_read(uc, UC_X86_REG_CS, &cs);
    bool rep = ii->string && (ii->rep || ii->repne);
    for (int iter = 0; iter < (1 << 20); iter++) {
        uint64_t pc = e->mode != 16 ? eip0 : (uint64_t)cs * 16 + eip0;
        /* Stopping at the next instruction keeps Unicorn's translation
         * blocks to one instruction (else every step would translate the
         * rest of the stream).  The address is a function of pc, so a block
         * cached for pc always has the same exit. */
        uint64_t until = until_lin != ENG_UNTIL_NEXT ? until_lin : pc + (uint64_t)(ii->len ? ii->len : 1);
        in_unicorn = 1;
        if (sigsetjmp(uc_abort_jmp, 1)) {
            e->uc_aborts++;
            unicorn_open(e);
            return ENG_UC_ABORTED;
        }
        e->u_hook_n = 0;
        e->u_hook_stop = false;
        int err = U.emu_start(uc, pc, until, 0, 0);
        in_unicorn = 0;
        if (err == UC_ERR_INSN_INVALID)
            return 6;
        if (err == UC_ERR_WRITE_PROT) {
            e->code_written = true;     /* only the code area is read-only */
            return -1;
        }
        if (e->u_int >= 0)
            return e->u_int;
        if (err) {
            *errp = err;
            return -1;
        }
        U.reg_read(uc, e->mode == 64 ? UC_X86_REG_RIP : UC_X86_REG_EIP, &eip);
        if (e->mode == 16)
            U.reg_read(uc, UC_X86_REG_CS, &cs);
        if (e->u_hook_stop) {
            /* Unicorn 2.0.1 bug (see unicorn-bugs.c, harness workarounds):
             * stopped from a code hook (as by an instruction count), it
             * leaves the linear address in EIP.  The hook saw that address:
             * the offset is it less the (new) CS base, modulo 2^32 (an EIP
             * above FFFF in real mode wraps the linear address). */
            uint32_t base = e->mode == 16 ? (uint32_t)cs << 4 : 0;
            eip = e->mode == 64 ? e->u_stop_pc : (uint32_t)((uint32_t)e->u_stop_pc - base);
            U.reg_write(uc, e->mode == 64 ? UC_X86_REG_RIP : UC_X86_REG_EIP, &eip);
        }
        if (!rep || eip != eip0)
            return -1;
    }
    return -1;
}

/* Every segment flat as QEMU treats them: limit 4 GiB; in protected mode
 * present writable data (CS keeps being code through its cache anyway). */
static void relax_segments(const Engines *e, CpuState *st)
{
    for (int i = 0; i < 6; i++) {
        st->seg[i].limit = 0xffffffffu;
        if (e->mode == 32)     /* keeping DPL and the B bit (the stack width) */
            st->seg[i].attr = (uint16_t)((st->seg[i].attr & ((3 << SA_DPL_SHIFT) | SA_DB)) | 0x893);
    }
}

int eng_rerun_relaxed(Engines *e, const Regs *pre, Regs *post)
{
    CpuState st;
    tandem_state(e, pre, &st);
    relax_segments(e, &st);
    cpu_set_state(CPU(e), &st);
    int exc = eng_step_tandem(e);
    eng_get_tandem(e, post);
    return exc;
}

int eng_rerun_poke(Engines *e, const Regs *pre, bool relaxed, uint32_t lin, const uint8_t *bytes, int n,
                   Regs *post)
{
    uint8_t save[16];
    if (n > (int)sizeof save || lin >= RAM_SIZE || lin + (uint32_t)n > RAM_SIZE)
        return -2;
    memcpy(save, e->t_ram + lin, (size_t)n);
    memcpy(e->t_ram + lin, bytes, (size_t)n);
    code_write_hit(CPU(e), lin, (unsigned)n);   /* the bytes may be code (decoded blocks) */
    CpuState st;
    tandem_state(e, pre, &st);
    if (relaxed)
        relax_segments(e, &st);
    cpu_set_state(CPU(e), &st);
    int exc = eng_step_tandem(e);
    eng_get_tandem(e, post);
    memcpy(e->t_ram + lin, save, (size_t)n);
    code_write_hit(CPU(e), lin, (unsigned)n);
    return exc;
}

void eng_set_eip(Engines *e, uint32_t eip)
{
    CPU(e)->s.rip = eip;
    uint64_t rip = eip;
    U.reg_write(UC(e), e->mode == 64 ? UC_X86_REG_RIP : UC_X86_REG_EIP, &rip);
}

void eng_unicorn_take_regs(Engines *e, const Regs *r)
{
    if (e->mode == 64) {
        unicorn_gprs64(e, r, false);
        return;
    }
    static const int gpr[8] = { UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
                                UC_X86_REG_ESP, UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI };
    for (int i = 0; i < 8; i++) {
        uint32_t v = r->r[i];
        U.reg_write(UC(e), gpr[i], &v);
    }
    uint32_t v = r->eflags | 2;
    U.reg_write(UC(e), UC_X86_REG_EFLAGS, &v);
}
