/* The interpreter's block cache: code run, then rewritten by a device (DMA
 * through phys_rw) or by a CPU store, runs the new bytes; instruction counts
 * and HLT exits. */
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

    cpu_free(cpu);
    CHECK_EQ(pm.nwlisteners, 0);
    CHECK_EQ(pm.nlisteners, 0);
    phys_destroy(&pm);
    return test_main_result("test-exec");
}
