/* The local APIC through its registers and its CPU-side calls, no CPU.  Time
 * is an icount clock with shift 0 (1 ns per count); timers run at their
 * deadlines as the main loop would. */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "hw/apic.h"
#include "hw/machine.h"
#include "tests/unit/test-clock.h"
#include "tests/unit/test.h"

static Machine m;
static Lapic *apic;
static uint64_t icount;
static bool have_machine;
static int eoi_vectors[8], neoi;
static int pic_acks;

static void set_time(uint64_t ns)
{
    test_clock_advance(&m.clock, &icount, ns);
}

static void rec_eoi(void *opaque, int vector)
{
    if (neoi < 8)
        eoi_vectors[neoi++] = vector;
}

static int fake_pic_ack(void *opaque)
{
    pic_acks++;
    return 0x08;
}

static void setup(void)
{
    if (have_machine)
        machine_destroy(&m);
    machine_init(&m);
    have_machine = true;
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    m.intr_ack = fake_pic_ack;
    apic = lapic_create(&m, 0);
    lapic_attach(apic);
    apic->eoi_cb = rec_eoi;
    neoi = 0;
    pic_acks = 0;
}

static uint32_t rd(uint32_t off) { return (uint32_t)phys_read(&m.mem, LAPIC_BASE_DEFAULT + off, 4); }
static void wr(uint32_t off, uint32_t v) { phys_write(&m.mem, LAPIC_BASE_DEFAULT + off, v, 4); }
static void sw_enable(void) { wr(LAPIC_SVR, 0x1ff); }

static void test_reset_state(void)
{
    setup();
    uint64_t base;
    CHECK(lapic_msr_read(apic, 0x1b, &base));
    CHECK_EQ(base, 0xfee00900ull);
    CHECK_EQ(rd(LAPIC_VERSION), 0x00050014u);
    CHECK_EQ(rd(LAPIC_SVR), 0xffu);
    CHECK_EQ(rd(LAPIC_DFR), 0xffffffffu);
    CHECK_EQ(rd(LAPIC_LVT_TIMER), LVT_MASKED);
    CHECK_EQ(rd(LAPIC_LVT_LINT0), 0x700u);     /* virtual wire on the BSP */
    CHECK_EQ(rd(LAPIC_LVT_LINT1), LVT_MASKED);
    CHECK_EQ(rd(LAPIC_ID), 0u);
    /* the upper 12 bytes of a slot read 0 and byte reads see the register */
    CHECK_EQ(phys_read(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_VERSION + 4, 4), 0);
    CHECK_EQ(phys_read(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_VERSION + 2, 1), 5);
}

static void test_sw_disabled_and_spurious(void)
{
    setup();
    lapic_deliver(apic, DM_FIXED, 0x40, false);
    CHECK_EQ(rd(LAPIC_IRR + 0x20), 1u);          /* vector 0x40: IRR register 2, bit 0 */
    CHECK_EQ(apic->intr_out, 0);                 /* software-disabled: held */
    CHECK_EQ(lapic_intack(apic), (uint64_t)-1);
    sw_enable();
    CHECK_EQ(apic->intr_out, 1);
    CHECK_EQ(lapic_intack(apic), 0x40);
    CHECK_EQ(rd(LAPIC_ISR + 0x20), 1u);
    CHECK_EQ(rd(LAPIC_IRR + 0x20), 0u);
    CHECK_EQ(apic->intr_out, 0);
    /* nothing pending: the spurious vector, no ISR bit */
    wr(LAPIC_SVR, 0x1ef);
    CHECK_EQ(lapic_intack(apic), 0xef);
    CHECK_EQ(rd(LAPIC_ISR + 0x70), 0u);
    /* LVT writes while software-disabled keep the mask */
    wr(LAPIC_SVR, 0xff);
    wr(LAPIC_LVT_ERROR, 0x33);
    CHECK_EQ(rd(LAPIC_LVT_ERROR), LVT_MASKED | 0x33);
    /* turning the software enable off masks every LVT */
    sw_enable();
    wr(LAPIC_LVT_ERROR, 0x33);
    CHECK_EQ(rd(LAPIC_LVT_ERROR), 0x33u);
    wr(LAPIC_SVR, 0xff);
    CHECK_EQ(rd(LAPIC_LVT_ERROR), LVT_MASKED | 0x33);
    CHECK_EQ(rd(LAPIC_LVT_LINT0), LVT_MASKED | 0x700);
}

static void test_priority_and_eoi(void)
{
    setup();
    sw_enable();
    lapic_deliver(apic, DM_FIXED, 0x31, false);
    lapic_deliver(apic, DM_FIXED, 0x45, false);
    lapic_deliver(apic, DM_FIXED, 0x52, false);
    CHECK_EQ(lapic_intack(apic), 0x52);
    CHECK_EQ(rd(LAPIC_PPR), 0x50u);
    lapic_deliver(apic, DM_FIXED, 0x55, false);  /* same class as in service: waits */
    CHECK_EQ(apic->intr_out, 0);
    lapic_deliver(apic, DM_FIXED, 0x61, false);  /* higher class: nests */
    CHECK_EQ(apic->intr_out, 1);
    CHECK_EQ(rd(LAPIC_APR), 0x60u);
    CHECK_EQ(lapic_intack(apic), 0x61);
    CHECK_EQ(rd(LAPIC_PPR), 0x60u);
    wr(LAPIC_EOI, 0);                            /* ends 0x61, the highest in service */
    CHECK_EQ(rd(LAPIC_ISR + 0x30), 0u);             /* 0x61: register 3, bit 1 */
    CHECK_EQ(rd(LAPIC_ISR + 0x20), 1u << 0x12);
    CHECK_EQ(apic->intr_out, 0);
    wr(LAPIC_EOI, 0);
    CHECK_EQ(rd(LAPIC_PPR), 0u);
    CHECK_EQ(lapic_intack(apic), 0x55);
    wr(LAPIC_EOI, 0);
    CHECK_EQ(lapic_intack(apic), 0x45);
    wr(LAPIC_EOI, 0);
    CHECK_EQ(lapic_intack(apic), 0x31);
    wr(LAPIC_EOI, 0);
    CHECK_EQ(neoi, 0);                           /* edge-triggered: no broadcast */
    /* level-triggered: TMR set, the EOI is broadcast with the vector */
    lapic_deliver(apic, DM_FIXED, 0x72, true);
    CHECK_EQ(rd(LAPIC_TMR + 0x30), 1u << 0x12);
    CHECK_EQ(lapic_intack(apic), 0x72);
    wr(LAPIC_EOI, 0);
    CHECK_EQ(neoi, 1);
    CHECK_EQ(eoi_vectors[0], 0x72);
}

static void test_tpr(void)
{
    setup();
    sw_enable();
    wr(LAPIC_TPR, 0x5a);
    CHECK_EQ(rd(LAPIC_PPR), 0x5au);
    CHECK_EQ(lapic_get_cr8(apic), 5);
    lapic_deliver(apic, DM_FIXED, 0x45, false);
    lapic_deliver(apic, DM_FIXED, 0x5f, false);  /* class 5 is not above TPR class 5 */
    CHECK_EQ(apic->intr_out, 0);
    lapic_set_cr8(apic, 4);                      /* CR8 = TPR[7:4] */
    CHECK_EQ(rd(LAPIC_TPR), 0x40u);
    CHECK_EQ(apic->intr_out, 1);
    CHECK_EQ(lapic_intack(apic), 0x5f);
    wr(LAPIC_TPR, 0xff);
    wr(LAPIC_EOI, 0);
    CHECK_EQ(apic->intr_out, 0);
    wr(LAPIC_TPR, 0);
    CHECK_EQ(lapic_intack(apic), 0x45);
}

static void test_esr_and_ipi(void)
{
    setup();
    sw_enable();
    wr(LAPIC_ICR_LO, 0x00040003);                /* self, fixed, vector 3: illegal */
    CHECK_EQ(rd(LAPIC_ESR), 0u);                 /* not visible before an ESR write */
    wr(LAPIC_ESR, 0);
    CHECK_EQ(rd(LAPIC_ESR), ESR_SEND_ILLEGAL);
    wr(LAPIC_ESR, 0);
    CHECK_EQ(rd(LAPIC_ESR), 0u);
    rd(0x2f0);                                   /* no CMCI LVT with max LVT 5 */
    wr(LAPIC_ESR, 0);
    CHECK_EQ(rd(LAPIC_ESR), ESR_ILLEGAL_REG);
    /* error LVT: an error interrupts with its vector */
    wr(LAPIC_LVT_ERROR, 0xfe);
    lapic_deliver(apic, DM_FIXED, 5, false);     /* received illegal vector */
    CHECK_EQ(lapic_intack(apic), 0xfe);
    wr(LAPIC_EOI, 0);
    wr(LAPIC_ESR, 0);
    CHECK_EQ(rd(LAPIC_ESR), ESR_RECV_ILLEGAL);
    /* self IPI, physical destination = own ID, logical (flat) */
    wr(LAPIC_ICR_LO, 0x00040090);
    CHECK_EQ(lapic_intack(apic), 0x90);
    wr(LAPIC_EOI, 0);
    wr(LAPIC_ICR_HI, 0x00000000);
    wr(LAPIC_ICR_LO, 0x00000091);
    CHECK_EQ(lapic_intack(apic), 0x91);
    wr(LAPIC_EOI, 0);
    wr(LAPIC_LDR, 0x02000000);
    wr(LAPIC_ICR_HI, 0x01000000);
    wr(LAPIC_ICR_LO, 0x00000892);                /* logical 0x01: not us */
    CHECK_EQ(apic->intr_out, 0);
    wr(LAPIC_ICR_HI, 0x03000000);
    wr(LAPIC_ICR_LO, 0x00000893);                /* logical 0x03: us */
    CHECK_EQ(lapic_intack(apic), 0x93);
    wr(LAPIC_EOI, 0);
    wr(LAPIC_ICR_LO, 0x000c0094);                /* all excluding self: nobody */
    CHECK_EQ(apic->intr_out, 0);
    wr(LAPIC_ICR_LO, 0x000c4500);                /* INIT to the others: harmless */
    wr(LAPIC_ICR_LO, 0x000c4608);                /* SIPI to the others: harmless */
    CHECK_EQ(rd(LAPIC_ICR_LO) & (1u << 12), 0u); /* delivery status idle */
    CHECK_EQ(apic->intr_out, 0);
}

static void test_timer_oneshot(void)
{
    setup();
    sw_enable();
    set_time(1000);
    wr(LAPIC_TIMER_DIV, 0x3);                    /* divide by 16 */
    wr(LAPIC_LVT_TIMER, 0x40);
    wr(LAPIC_TIMER_INIT, 1000);
    CHECK_EQ(rd(LAPIC_TIMER_CUR), 1000u);
    set_time(1000 + 8000);
    CHECK_EQ(rd(LAPIC_TIMER_CUR), 500u);
    CHECK_EQ(apic->intr_out, 0);
    set_time(1000 + 16000 - 1);
    CHECK_EQ(apic->intr_out, 0);
    set_time(1000 + 16000);
    CHECK_EQ(rd(LAPIC_TIMER_CUR), 0u);
    CHECK_EQ(lapic_intack(apic), 0x40);
    wr(LAPIC_EOI, 0);
    set_time(1000 + 100000);
    CHECK_EQ(apic->intr_out, 0);                 /* one shot only */
    CHECK(!timer_pending(&apic->timer));
    /* divide by 1 (0xb) and by 128 (0xa) */
    wr(LAPIC_TIMER_DIV, 0xb);
    wr(LAPIC_TIMER_INIT, 100);
    set_time(icount + 40);
    CHECK_EQ(rd(LAPIC_TIMER_CUR), 60u);
    wr(LAPIC_TIMER_DIV, 0xa);                    /* the count goes on from 60 */
    CHECK_EQ(rd(LAPIC_TIMER_CUR), 60u);
    set_time(icount + 128 * 10);
    CHECK_EQ(rd(LAPIC_TIMER_CUR), 50u);
    /* masked: counts, no interrupt */
    wr(LAPIC_LVT_TIMER, LVT_MASKED | 0x40);
    set_time(icount + 128 * 100);
    CHECK_EQ(rd(LAPIC_TIMER_CUR), 0u);
    CHECK_EQ(apic->intr_out, 0);
}

static void test_timer_periodic(void)
{
    setup();
    sw_enable();
    wr(LAPIC_TIMER_DIV, 0xb);
    wr(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | 0x41);
    wr(LAPIC_TIMER_INIT, 20000);
    int n = 0;
    for (uint64_t t = 0; t <= 100000; t += 1000) {
        set_time(t);
        if (apic->intr_out) {
            CHECK_EQ(lapic_intack(apic), 0x41);
            wr(LAPIC_EOI, 0);
            n++;
        }
    }
    CHECK_EQ(n, 5);                              /* at 20, 40, 60, 80, 100 us */
    set_time(110000);
    CHECK_EQ(rd(LAPIC_TIMER_CUR), 10000u);
    /* a tiny period is stretched to the minimum: no spinning */
    wr(LAPIC_TIMER_INIT, 1);
    uint64_t start = icount;
    n = 0;
    for (uint64_t t = start; t <= start + 10 * LAPIC_MIN_PERIOD_NS; t += 500) {
        set_time(t);
        if (apic->intr_out) {
            lapic_intack(apic);
            wr(LAPIC_EOI, 0);
            n++;
        }
    }
    CHECK(n >= 9 && n <= 11);
}

static void test_extint_and_msr(void)
{
    setup();
    lapic_set_lint0(apic, true);                 /* the 8259's INT, virtual wire */
    CHECK_EQ(apic->intr_out, 1);
    CHECK_EQ(lapic_intack(apic), 0x08);
    CHECK_EQ(pic_acks, 1);
    sw_enable();
    wr(LAPIC_LVT_LINT0, LVT_MASKED | 0x700);     /* masked: the 8259 is cut off */
    CHECK_EQ(apic->intr_out, 0);
    wr(LAPIC_LVT_LINT0, 0x700);
    CHECK_EQ(apic->intr_out, 1);
    /* fixed interrupts go before ExtINT */
    lapic_deliver(apic, DM_FIXED, 0x80, false);
    CHECK_EQ(lapic_intack(apic), 0x80);
    CHECK_EQ(lapic_intack(apic), 0x08);
    lapic_set_lint0(apic, false);
    CHECK_EQ(apic->intr_out, 0);
    /* relocation */
    CHECK(lapic_msr_write(apic, 0x1b, 0x80000000ull | LAPIC_BASE_EN | LAPIC_BASE_BSP));
    CHECK_EQ(phys_read(&m.mem, 0x80000000ull + LAPIC_VERSION, 4), 0x50014);
    CHECK_EQ(phys_read(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_VERSION, 4), 0xffffffffu);
    CHECK(!lapic_msr_write(apic, 0x1b, 1ull << 40));     /* reserved bit: #GP */
    /* global disable: the page goes, the 8259 reaches the CPU directly, and
     * it stays off until reset */
    wr(LAPIC_LVT_LINT0, LVT_MASKED);
    CHECK(lapic_msr_write(apic, 0x1b, LAPIC_BASE_DEFAULT));
    CHECK_EQ(phys_read(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_VERSION, 4), 0xffffffffu);
    lapic_set_lint0(apic, true);
    CHECK_EQ(apic->intr_out, 1);
    CHECK(lapic_msr_write(apic, 0x1b, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN));
    uint64_t v;
    lapic_msr_read(apic, 0x1b, &v);
    CHECK_EQ(v & LAPIC_BASE_EN, 0);
    lapic_reset(apic);
    lapic_msr_read(apic, 0x1b, &v);
    CHECK_EQ(v, 0xfee00900ull);
}

/* The CPU side through the interpreter backend in 64-bit mode: MOV to/from
 * CR8 is TPR[7:4] both ways, RDMSR/WRMSR 0x1b reach the APIC (relocation). */
static void test_cr8_and_msr_interp(void)
{
    setup();
    CHECK(phys_alloc_ram(&m.mem, 4 << 20, 0xe0000000));
    char err[128];
    m.accel_ops = &accel_interp_ops;
    m.accel = accel_interp_ops.create(&m, err, sizeof err);
    CHECK(m.accel != NULL);
    if (!m.accel)
        return;
    accel_interp_ops.reset(m.accel);
    /* identity map of the first 2 MiB: PML4 0x1000, PDPT 0x2000, PD 0x3000 */
    phys_write(&m.mem, 0x1000, 0x2003, 8);
    phys_write(&m.mem, 0x2000, 0x3003, 8);
    phys_write(&m.mem, 0x3000, 0x83, 8);
    static const uint8_t prog[] = {
        0xb8, 0x05, 0x00, 0x00, 0x00,       /* mov eax, 5 */
        0x44, 0x0f, 0x22, 0xc0,             /* mov cr8, rax */
        0x44, 0x0f, 0x20, 0xc3,             /* mov rbx, cr8 (as written) */
        0xb9, 0x1b, 0x00, 0x00, 0x00,       /* mov ecx, 0x1b */
        0x0f, 0x32,                         /* rdmsr */
        0x89, 0xc6,                         /* mov esi, eax */
        0xb8, 0x00, 0x09, 0x00, 0x80,       /* mov eax, 0x80000900 */
        0x31, 0xd2,                         /* xor edx, edx */
        0x0f, 0x30,                         /* wrmsr: relocate to 2 GiB */
        0xf4,                               /* hlt */
        0x44, 0x0f, 0x20, 0xc7,             /* mov rdi, cr8 (after the TPR write below) */
        0xf4,                               /* hlt */
    };
    phys_rw(&m.mem, 0x8000, (void *)prog, sizeof prog, true);
    CpuState st;
    accel_interp_ops.get_state(m.accel, &st);
    st.cr0 = 0x80000011;
    st.cr3 = 0x1000;
    st.cr4 = 0x20;
    st.efer = 0x500;
    st.seg[SEG_CS] = (SegCache){ .base = 0, .limit = 0xffffffff, .sel = 8, .attr = 0xa9b };
    st.seg[SEG_SS] = (SegCache){ .base = 0, .limit = 0xffffffff, .sel = 16, .attr = 0xc93 };
    st.rip = 0x8000;
    accel_interp_ops.set_state(m.accel, &st);
    CHECK_EQ(accel_interp_ops.run(m.accel, 1000000), ACCEL_EXIT_HALT);
    accel_interp_ops.get_state(m.accel, &st);
    CHECK_EQ(apic->tpr, 0x50);
    CHECK_EQ(st.regs[R_EBX], 5);
    CHECK_EQ(st.regs[R_ESI], 0xfee00900u);
    CHECK_EQ(apic->apic_base, 0x80000900u);
    CHECK_EQ(phys_read(&m.mem, 0x80000000u + LAPIC_VERSION, 4), 0x50014);
    phys_write(&m.mem, 0x80000000u + LAPIC_TPR, 0x3c, 4);
    st.halted = 0;
    st.rip = 0x8000 + sizeof prog - 5;
    accel_interp_ops.set_state(m.accel, &st);
    CHECK_EQ(accel_interp_ops.run(m.accel, 1000000), ACCEL_EXIT_HALT);
    accel_interp_ops.get_state(m.accel, &st);
    CHECK_EQ(st.regs[R_EDI], 3);
    accel_interp_ops.destroy(m.accel);
    m.accel = NULL;
}

int main(void)
{
    test_reset_state();
    test_sw_disabled_and_spurious();
    test_priority_and_eoi();
    test_tpr();
    test_esr_and_ipi();
    test_timer_oneshot();
    test_timer_periodic();
    test_extint_and_msr();
    test_cr8_and_msr_interp();
    machine_destroy(&m);
    return test_main_result("test-apic");
}
