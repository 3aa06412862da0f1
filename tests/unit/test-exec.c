/* The interpreter's block cache: code run, then rewritten by a device (DMA
 * through phys_rw) or by a CPU store, runs the new bytes; instruction counts
 * and HLT exits; block chaining (a block's links to the blocks that followed
 * it) drops its links when the code is rewritten or the page remapped. */
#include <string.h>

#include "cpu/cpu.h"
#include "tests/unit/test.h"

static PhysMem pm;
static IoSpace io;
static Cpu *cpu;

/* Real mode at 0000:1000, runs until HLT. */
static CpuExit run_at(uint16_t ip)
{
    CpuState s;
    cpu_get_state(cpu, &s);
    s.seg[SEG_CS].sel = 0;
    s.seg[SEG_CS].base = 0;
    s.rip = ip;
    s.halted = 0;
    cpu_set_state(cpu, &s);
    return cpu_run(cpu, 1000);
}

/* A chained successor rewritten by a CPU store on another page: the link
 * from the block before it must not run the old code.  A (0x3005) jumps to
 * B (0x4100, add ax, 1), three times, then C patches B to add ax, 2 and runs
 * A -> B twice more: ax = 3 * 1 + 2 * 2. */
static void test_chain_smc(void)
{
    static const uint8_t a[] = {
        0x31, 0xc0,                     /* 3000: xor ax, ax */
        0xb9, 0x03, 0x00,               /* 3002: mov cx, 3 */
        0xe9, 0xf8, 0x10,               /* 3005: jmp 0x4100 */
    };
    static const uint8_t b[] = {
        0x05, 0x01, 0x00,               /* 4100: add ax, 1 */
        0x49,                           /* 4103: dec cx */
        0x0f, 0x85, 0xfd, 0xee,         /* 4104: jnz 0x3005 */
        0xe9, 0x05, 0xef,               /* 4108: jmp 0x3010 */
    };
    static const uint8_t c[] = {
        0x80, 0x3e, 0x01, 0x41, 0x02,   /* 3010: cmp byte [0x4101], 2 */
        0x74, 0x0b,                     /* 3015: je 0x3022 */
        0xc6, 0x06, 0x01, 0x41, 0x02,   /* 3017: mov byte [0x4101], 2 */
        0xb9, 0x02, 0x00,               /* 301c: mov cx, 2 */
        0xe9, 0xe3, 0xff,               /* 301f: jmp 0x3005 */
        0xf4,                           /* 3022: hlt */
    };
    phys_rw(&pm, 0x3000, (void *)a, sizeof a, true);
    phys_rw(&pm, 0x4100, (void *)b, sizeof b, true);
    phys_rw(&pm, 0x3010, (void *)c, sizeof c, true);
    CHECK_EQ(run_at(0x3000), CPU_EXIT_HALT);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 7);
}

/* A chained successor whose page is remapped: after the PTE changes and a
 * CR3 reload (TLB and jump-cache flush), the link from A must not lead to
 * the block decoded from the old physical page.  32-bit paging, identity
 * map but for linear 0x5000 -> 0x6000 (inc eax), then -> 0x7000 (add eax,
 * 0x100): eax = 2 + 0x100. */
static void test_chain_remap(void)
{
    static const uint8_t a[] = { 0xe9, 0xfb, 0x1f, 0x00, 0x00 };        /* 3000: jmp 0x5000 */
    static const uint8_t c[] = {
        0x49,                                                           /* 3010: dec ecx */
        0x75, 0xed,                                                     /* 3011: jnz 0x3000 */
        0xc7, 0x05, 0x14, 0x10, 0x01, 0x00, 0x03, 0x70, 0x00, 0x00,     /* 3013: mov dword [0x11014], 0x7003 */
        0x0f, 0x20, 0xdb,                                               /* 301d: mov ebx, cr3 */
        0x0f, 0x22, 0xdb,                                               /* 3020: mov cr3, ebx */
        0xe9, 0xd8, 0xff, 0xff, 0xff,                                   /* 3023: jmp 0x3000 */
    };
    static const uint8_t b_old[] = { 0x40, 0xe9, 0x0a, 0xe0, 0xff, 0xff };  /* 5000: inc eax; jmp 0x3010 */
    static const uint8_t b_new[] = {
        0x05, 0x00, 0x01, 0x00, 0x00,                                   /* 5000: add eax, 0x100 */
        0xe9, 0x26, 0xe0, 0xff, 0xff,                                   /* 5005: jmp 0x3030 */
    };
    static const uint8_t hlt = 0xf4;                                    /* 3030: hlt */
    phys_rw(&pm, 0x3000, (void *)a, sizeof a, true);
    phys_rw(&pm, 0x3010, (void *)c, sizeof c, true);
    phys_rw(&pm, 0x3030, (void *)&hlt, 1, true);
    phys_rw(&pm, 0x6000, (void *)b_old, sizeof b_old, true);
    phys_rw(&pm, 0x7000, (void *)b_new, sizeof b_new, true);
    phys_write(&pm, 0x10000, 0x11003, 4);                /* PDE 0 -> page table at 0x11000 */
    for (uint32_t i = 0; i < 1024; i++)
        phys_write(&pm, 0x11000 + i * 4, (i == 5 ? 0x6000 : i << 12) | 3, 4);

    CpuState s;
    cpu_get_state(cpu, &s);
    s.cr0 = CR0_PE | CR0_PG;
    s.cr3 = 0x10000;
    for (int i = 0; i < SEG_COUNT; i++) {
        s.seg[i].base = 0;
        s.seg[i].limit = 0xffffffff;
        s.seg[i].attr = (i == SEG_CS ? 0x9b : 0x93) | SA_DB | SA_G;
        s.seg[i].sel = i == SEG_CS ? 8 : 16;
    }
    s.rip = 0x3000;
    s.halted = 0;
    cpu_set_state(cpu, &s);
    cpu->r[R_EAX] = 0;
    cpu->r[R_ECX] = 2;
    CHECK_EQ(cpu_run(cpu, 1000), CPU_EXIT_HALT);
    CHECK_EQ(cpu->r[R_EAX], 0x102);
}

int main(void)
{
    phys_init(&pm);
    io_init(&io);
    phys_alloc_ram(&pm, 16 << 20, 0xe0000000);
    CpuEnv env = { .mem = &pm, .io = &io };
    cpu = cpu_new(&env);

    static const uint8_t prog1[] = { 0xb8, 0x01, 0x00, 0xf4 };   /* mov ax, 1; hlt */
    static const uint8_t prog2[] = { 0xb8, 0x02, 0x00, 0xf4 };   /* mov ax, 2; hlt */
    phys_rw(&pm, 0x1000, (void *)prog1, sizeof prog1, true);
    uint64_t ic = cpu->icount;
    CHECK_EQ(run_at(0x1000), CPU_EXIT_HALT);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 1);
    CHECK_EQ(cpu->icount - ic, 2);
    CHECK_EQ(cpu->s.rip, 0x1004);

    /* A device writes new code over the decoded block: it must run. */
    phys_rw(&pm, 0x1000, (void *)prog2, sizeof prog2, true);
    CHECK_EQ(run_at(0x1000), CPU_EXIT_HALT);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 2);

    /* Single-byte device writes (phys_write) too. */
    phys_write(&pm, 0x1001, 0x33, 1);
    CHECK_EQ(run_at(0x1000), CPU_EXIT_HALT);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 0x33);

    /* A CPU store into the next instruction of the same block takes effect:
     * mov byte [0x2009], 0x44 ; mov ax, 0x0000 (patched to 0x0044) ; hlt */
    static const uint8_t prog3[] = { 0xc6, 0x06, 0x09, 0x20, 0x44, 0xb8, 0x00, 0x00, 0xf4 };
    phys_rw(&pm, 0x2003, (void *)prog3, sizeof prog3, true);
    CHECK_EQ(run_at(0x2003), CPU_EXIT_HALT);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 0x44);
    /* ...and the stale block is not reused on the next run. */
    phys_write(&pm, 0x2009, 0x55, 1);
    CHECK_EQ(run_at(0x2003), CPU_EXIT_HALT);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 0x44);   /* the store rewrote it to 0x44 again */

    /* Writes next to code but not on it keep the block (no invalidation). */
    BlockCache *bc = cpu->bc;
    (void)bc;
    phys_rw(&pm, 0x1000, (void *)prog1, sizeof prog1, true);
    CHECK_EQ(run_at(0x1000), CPU_EXIT_HALT);
    phys_write(&pm, 0x1800, 0x99, 1);
    CHECK_EQ(run_at(0x1000), CPU_EXIT_HALT);
    CHECK_EQ(cpu->r[R_EAX] & 0xffff, 1);

    test_chain_smc();
    test_chain_remap();

    cpu_free(cpu);
    CHECK_EQ(pm.nwlisteners, 0);
    CHECK_EQ(pm.nlisteners, 0);
    phys_destroy(&pm);
    return test_main_result("test-exec");
}
