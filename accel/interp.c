/* The interpreter backend: the software CPU (cpu/) behind the accel interface. */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "cpu/cpu.h"
#include "hw/apic.h"
#include "hw/machine.h"
#include "system/log.h"

typedef struct Interp {
    Machine *m;
    Cpu *cpu;
    double ipns;      /* measured instructions per ns of host time (host clock) */
    bool step;        /* debugger single-step: run() executes one instruction */
} Interp;

static int intr_ack(void *opaque)
{
    return machine_intr_ack(opaque);
}

static uint64_t tsc_now(void *opaque)
{
    Machine *m = opaque;
    return clock_ns(&m->clock);   /* a 1 GHz TSC that follows virtual time */
}

/* The machine's local APIC: MSR 0x1b and CR8 (= TPR[7:4]). */
static bool msr_read_hook(void *opaque, uint32_t msr, uint64_t *val)
{
    Machine *m = opaque;
    return m->lapic && lapic_msr_read(m->lapic, msr, val);
}

static bool msr_write_hook(void *opaque, uint32_t msr, uint64_t val)
{
    Machine *m = opaque;
    return m->lapic && lapic_msr_write(m->lapic, msr, val);
}

static uint64_t cr8_read(void *opaque)
{
    Machine *m = opaque;
    return m->lapic ? lapic_get_cr8(m->lapic) : 0;
}

static void cr8_write(void *opaque, uint64_t v)
{
    Machine *m = opaque;
    if (m->lapic)
        lapic_set_cr8(m->lapic, v);
}

/* FERR# to the board (hw/fpu-err.c: IRQ 13 for CR0.NE = 0 software). */
static void ferr_hook(void *opaque, bool level)
{
    Machine *m = opaque;
    if (m->ferr)
        m->ferr(m->ferr_opaque, level);
}

static void *interp_create(Machine *m, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    Interp *ip = calloc(1, sizeof *ip);
    if (!ip)
        abort();
    ip->m = m;
    ip->ipns = 0.05;
    CpuEnv env = { .mem = &m->mem, .io = &m->io, .opaque = m, .intr_ack = intr_ack,
                   .tsc_now = tsc_now, .msr_read = msr_read_hook, .msr_write = msr_write_hook,
                   .ferr = ferr_hook };
    if (m->lapic) {
        env.cr8_read = cr8_read;
        env.cr8_write = cr8_write;
    }
    ip->cpu = cpu_new(&env);
    ip->cpu->trace = log_enabled(LOG_IN_ASM | LOG_CPU) != 0;
    cpu_update_mode(ip->cpu);
    if (m->clock.source == CLOCK_SRC_ICOUNT)
        clock_set_icount_counter(&m->clock, &ip->cpu->icount);
    return ip;
}

static void interp_destroy(void *a)
{
    Interp *ip = a;
    if (ip->m->clock.icount == &ip->cpu->icount)
        clock_set_icount_counter(&ip->m->clock, NULL);
    cpu_free(ip->cpu);
    free(ip);
}

static void interp_reset(void *a)
{
    Interp *ip = a;
    cpu_power_on(ip->cpu);
    ip->cpu->trace = log_enabled(LOG_IN_ASM | LOG_CPU) != 0;
    cpu_update_mode(ip->cpu);
}

/* With the host-time source, the CPU runs in slices sized from its measured
 * speed so that it looks at the clock again close to the next timer deadline,
 * whether it runs 300 MIPS of register code or 5 MIPS of port I/O. */
#define HOST_SLICE 200000
#define HOST_MIN_SLICE 200

static uint64_t host_budget(Interp *ip, uint64_t ns)
{
    double b = (double)ns * ip->ipns;
    return b > HOST_SLICE ? HOST_SLICE : b < HOST_MIN_SLICE ? HOST_MIN_SLICE : (uint64_t)b;
}

static void host_measure(Interp *ip, uint64_t insns, uint64_t ns)
{
    if (ns < 20000)
        return;   /* too short to say anything */
    double r = (double)insns / (double)ns;
    ip->ipns = 0.75 * ip->ipns + 0.25 * r;
    if (ip->ipns < 0.001)
        ip->ipns = 0.001;
}

/* One instruction (one REP iteration) for the debugger.  An exit request
 * pending from before returns without running anything. */
static AccelExit interp_step(Interp *ip)
{
    switch (cpu_run(ip->cpu, 1)) {
    case CPU_EXIT_HALT:
        return ACCEL_EXIT_HALT;
    case CPU_EXIT_EVENT:
        return ACCEL_EXIT_REQUEST;
    case CPU_EXIT_SHUTDOWN:
        return ACCEL_EXIT_SHUTDOWN;
    default:
        return ACCEL_EXIT_DEBUG;
    }
}

static AccelExit interp_run(void *a, uint64_t deadline)
{
    Interp *ip = a;
    Clock *clk = &ip->m->clock;
    if (ip->step)
        return interp_step(ip);
    for (;;) {
        uint64_t now = clock_ns(clk);
        if (now >= deadline)
            return ACCEL_EXIT_DEADLINE;
        uint64_t budget;
        bool host = clk->source != CLOCK_SRC_ICOUNT;
        if (!host)
            budget = (deadline - now + (1ull << clk->icount_shift) - 1) >> clk->icount_shift;
        else
            budget = host_budget(ip, deadline - now);
        uint64_t i0 = ip->cpu->icount;
        CpuExit e = cpu_run(ip->cpu, budget);
        if (host)
            host_measure(ip, ip->cpu->icount - i0, clock_ns(clk) - now);
        switch (e) {
        case CPU_EXIT_BUDGET:
            break;
        case CPU_EXIT_HALT:
            return ACCEL_EXIT_HALT;
        case CPU_EXIT_EVENT:
            return ACCEL_EXIT_REQUEST;
        case CPU_EXIT_SHUTDOWN:
            return ACCEL_EXIT_SHUTDOWN;
        case CPU_EXIT_EXCEPTION:
        case CPU_EXIT_BREAKPOINT:
            return ACCEL_EXIT_DEBUG;
        }
    }
}

static void interp_get_state(void *a, CpuState *s) { cpu_get_state(((Interp *)a)->cpu, s); }
/* The state may come from another backend or a snapshot: RAM may have changed
 * behind the decoded blocks' back, so they go. */
static void interp_set_state(void *a, const CpuState *s)
{
    Interp *ip = a;
    cpu_set_state(ip->cpu, s);
    cpu_flush_code(ip->cpu);
}
static void interp_set_intr(void *a, bool level) { cpu_set_intr(((Interp *)a)->cpu, level); }
static void interp_nmi(void *a) { cpu_raise_nmi(((Interp *)a)->cpu); }
static void interp_kick(void *a) { cpu_request_exit(((Interp *)a)->cpu); }
static uint64_t interp_icount(void *a) { return ((Interp *)a)->cpu->icount; }

static bool interp_virt_to_phys(void *a, uint64_t lin, uint64_t *phys)
{
    return cpu_virt_to_phys(((Interp *)a)->cpu, lin, phys);
}

/* cpu_run() looks for breakpoints only between blocks: while any are set,
 * and while single-stepping, blocks hold one instruction. */
static int interp_set_debug(void *a, const uint64_t *lin, int n, bool step)
{
    Interp *ip = a;
    if (n < 0 || n > 16)
        return -1;
    uint32_t max = (n || step) ? 1 : 0;
    if (ip->cpu->max_block_insns != max) {
        ip->cpu->max_block_insns = max;
        cpu_flush_code(ip->cpu);
    }
    cpu_set_breakpoints(ip->cpu, lin, n);
    ip->step = step;
    return 0;
}

const AccelOps accel_interp_ops = {
    .name = "interp",
    .create = interp_create,
    .destroy = interp_destroy,
    .reset = interp_reset,
    .run = interp_run,
    .get_state = interp_get_state,
    .set_state = interp_set_state,
    .set_intr = interp_set_intr,
    .nmi = interp_nmi,
    .kick = interp_kick,
    .virt_to_phys = interp_virt_to_phys,
    .icount = interp_icount,
    .set_debug = interp_set_debug,
};

const AccelOps *accel_find(const char *name)
{
    if (!strcmp(name, "interp") || !strcmp(name, "tcg"))
        return &accel_interp_ops;
    if (!strcmp(name, "kvm"))
        return &accel_kvm_ops;
    return NULL;
}
