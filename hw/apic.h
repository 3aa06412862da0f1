/* The local APIC of a CPU (xAPIC, Intel SDM vol. 3 ch. 10/11), one per CPU,
 * shared by both CPU backends.
 *
 * MSR IA32_APIC_BASE (0x1b): base (bits 35:12), global enable (11), BSP (8).
 * The 4 KiB register page is MMIO at the base while globally enabled; the
 * registers are 32 bits wide at 16-byte strides.  Reset: base 0xFEE00000,
 * enabled, software-disabled (SVR bit 8 clear), every LVT masked except the
 * BSP's LINT0, which is ExtINT: virtual wire mode, as a PC BIOS leaves it, so
 * the 8259 reaches the CPU whatever the guest does with the APIC until it
 * programs LINT0 itself (QEMU's BSP starts the same way).
 *
 * The APIC owns the CPU's INTR pin: it is high while the highest-priority
 * request in the IRR is in a priority class above the PPR (and the APIC is
 * software-enabled), or while the 8259's INT is high and LINT0 passes it
 * (unmasked ExtINT, or the APIC globally disabled, when the 8259 reaches the
 * CPU directly).  lapic_intack() is the acknowledge: the fixed vector (IRR
 * -> ISR), else the 8259's INTA cycle, else the spurious vector.
 *
 * Registers: ID, version (0x14, max LVT 5), TPR/APR/PPR, EOI (a level-
 * triggered vector's EOI is broadcast to the IOAPIC through eoi_cb), LDR,
 * DFR, SVR, ISR/TMR/IRR, ESR (writes load the errors collected since the
 * last write), ICR (fixed/NMI to self, 'self', 'all' and 'all but self'
 * shorthands; INIT/SIPI/SMI to this CPU are ignored and logged, there is no
 * second CPU), LVT timer/thermal/perf/LINT0/LINT1/error, timer.
 *
 * Timer: the count runs at LAPIC_TIMER_HZ / divide, computed from the virtual
 * clock (never ticked).  One-shot and periodic; no TSC-deadline (not in
 * CPUID).  A periodic rate faster than LAPIC_MIN_PERIOD_NS interrupts at that
 * period instead, so no guest setting makes the timer code spin.
 *
 * CR8 in 64-bit mode is TPR[7:4] (lapic_get_cr8/lapic_set_cr8). */
#ifndef HW_APIC_H
#define HW_APIC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hw/machine.h"

#define LAPIC_BASE_DEFAULT   0xfee00000ull
#define LAPIC_BASE_BSP       (1ull << 8)
#define LAPIC_BASE_EN        (1ull << 11)
#define LAPIC_BASE_ADDR_MASK 0xffffff000ull   /* MAXPHYADDR 36 */
#define LAPIC_TIMER_HZ       1000000000ull    /* 1 ns per tick before the divider */
#define LAPIC_MIN_PERIOD_NS  10000ull

/* Register offsets */
enum {
    LAPIC_ID = 0x20, LAPIC_VERSION = 0x30, LAPIC_TPR = 0x80, LAPIC_APR = 0x90,
    LAPIC_PPR = 0xa0, LAPIC_EOI = 0xb0, LAPIC_RRD = 0xc0, LAPIC_LDR = 0xd0,
    LAPIC_DFR = 0xe0, LAPIC_SVR = 0xf0, LAPIC_ISR = 0x100, LAPIC_TMR = 0x180,
    LAPIC_IRR = 0x200, LAPIC_ESR = 0x280, LAPIC_ICR_LO = 0x300, LAPIC_ICR_HI = 0x310,
    LAPIC_LVT_TIMER = 0x320, LAPIC_LVT_THERMAL = 0x330, LAPIC_LVT_PERF = 0x340,
    LAPIC_LVT_LINT0 = 0x350, LAPIC_LVT_LINT1 = 0x360, LAPIC_LVT_ERROR = 0x370,
    LAPIC_TIMER_INIT = 0x380, LAPIC_TIMER_CUR = 0x390, LAPIC_TIMER_DIV = 0x3e0,
};

/* LVT index (lvt[]) of each LVT register, in register order. */
enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

#define LAPIC_VERSION_VALUE  (0x14u | (LVT_COUNT - 1u) << 16)

/* LVT / ICR fields */
#define LVT_MASKED           (1u << 16)
#define LVT_LEVEL            (1u << 15)
#define LVT_REMOTE_IRR       (1u << 14)
#define LVT_PENDING          (1u << 12)
#define LVT_DM(v)            (((v) >> 8) & 7)
#define LVT_TIMER_PERIODIC   (1u << 17)
enum { DM_FIXED = 0, DM_LOWEST = 1, DM_SMI = 2, DM_NMI = 4, DM_INIT = 5, DM_SIPI = 6,
       DM_EXTINT = 7 };

#define SVR_ENABLE           (1u << 8)
#define SVR_FOCUS_DISABLE    (1u << 9)

/* ESR bits */
#define ESR_SEND_ILLEGAL     (1u << 5)
#define ESR_RECV_ILLEGAL     (1u << 6)
#define ESR_ILLEGAL_REG      (1u << 7)

typedef struct Lapic {
    Machine *m;
    MemRegion *mmio;
    int index;                  /* CPU number; the BSP is 0 */
    /* Guest-visible state (snapshotted) */
    uint64_t apic_base;         /* IA32_APIC_BASE */
    uint32_t id;                /* APIC ID (bits 31:24 of the register) */
    uint32_t tpr, ldr, dfr, svr;
    uint32_t esr, esr_pending;  /* ESR as read; errors since the last ESR write */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_COUNT];
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t timer_init, timer_div;
    uint64_t timer_start;       /* virtual ns when the count was timer_init */
    Timer timer;                /* next timer interrupt */
    uint8_t lint0_level;        /* the 8259's INT */
    uint8_t lint1_level;
    uint8_t intr_out;           /* the CPU's INTR pin as driven */
    /* Wiring */
    int (*extint_ack)(void *opaque);            /* the 8259's INTA */
    void *extint_opaque;
    void (*eoi_cb)(void *opaque, int vector);   /* level-triggered EOI broadcast */
    void *eoi_opaque;
} Lapic;

/* Creates CPU index's APIC (the BSP for index 0), maps its page at the default
 * base and registers device "lapic" (index 0) or "lapicN".  Without
 * lapic_attach() it is not on the interrupt path. */
Lapic *lapic_create(Machine *m, int index);
/* Puts the APIC between the 8259 and the CPU: m->lapic = s, the 8259's INTA
 * (the previous m->intr_ack) becomes the ExtINT acknowledge, and m->intr_ack
 * becomes lapic_intack. */
void lapic_attach(Lapic *s);
void lapic_reset(void *opaque);

/* The CPU side */
int lapic_intack(void *opaque);
bool lapic_msr_read(Lapic *s, uint32_t msr, uint64_t *val);
bool lapic_msr_write(Lapic *s, uint32_t msr, uint64_t val);
uint64_t lapic_get_cr8(Lapic *s);
void lapic_set_cr8(Lapic *s, uint64_t v);

/* Interrupt inputs */
void lapic_set_lint0(Lapic *s, bool level);     /* the 8259's INT */
void lapic_set_lint1(Lapic *s, bool level);
/* An interrupt message (IOAPIC, MSI, IPI) for this APIC: fixed/lowest
 * priority vectors, NMI, ExtINT (the 8259's vector at the acknowledge).
 * level: level-triggered (sets TMR, EOI is broadcast); for INIT, an
 * assert (not the de-assert). */
void lapic_deliver(Lapic *s, int mode, int vector, bool level);
/* Whether a message with this destination (physical ID or logical) is for s. */
bool lapic_match_dest(const Lapic *s, uint8_t dest, bool logical);

/* Register access (the MMIO handlers; tests use them directly). */
uint32_t lapic_reg_read(Lapic *s, uint32_t off);
void lapic_reg_write(Lapic *s, uint32_t off, uint32_t val);
/* The timer's current count now. */
uint32_t lapic_timer_current(Lapic *s);

void lapic_info(Lapic *s, FILE *f);

#endif
