/* High Precision Event Timer (IA-PC HPET specification 1.0a) at 0xFED00000:
 * a 64-bit main counter at 100 MHz (period 10 ns = 10^7 fs) computed from the
 * virtual clock, three timers, each 64-bit capable with periodic mode, a
 * 32-bit mode, level or edge interrupts; no FSB (MSI) delivery.
 *
 * Registers (64 bits; 32-bit halves may be accessed alone):
 *   0x000 GCAP_ID   period 10^7 fs, vendor 0x8086, LEG_RT_CAP, COUNT_SIZE_CAP,
 *                   NUM_TIM_CAP 2 (three timers), revision 1
 *   0x010 GEN_CONF  ENABLE_CNF (0), LEG_RT_CNF (1)
 *   0x020 GINTR_STA timer n's level interrupt status, write 1 to clear
 *   0x0F0 MAIN_CNT  writable while halted
 *   0x100 + 0x20n   Tn_CONF_CAP: INT_TYPE (1, level), INT_ENB (2), TYPE
 *                   (3, periodic), PER_INT_CAP (4), SIZE_CAP (5), VAL_SET (6),
 *                   32MODE (8), INT_ROUTE (13:9), INT_ROUTE_CAP (63:32: IOAPIC
 *                   pins 20-23)
 *   0x108 + 0x20n   Tn_COMPARATOR: one-shot: the match value; periodic: a
 *                   write sets the period, and the comparator too when VAL_SET
 *                   was set; each match adds the period
 * A periodic timer faster than HPET_MIN_PERIOD_NS interrupts at that period.
 *
 * Interrupt routing: with LEG_RT_CNF, timer 0 drives ISA IRQ0 and timer 1
 * ISA IRQ8 (8259 and IOAPIC pins 2 and 8) in place of the PIT and the RTC,
 * whose outputs come in through hpet_pit_in()/hpet_rtc_in() and pass through
 * otherwise; other timers (and all of them without LEG_RT_CNF) drive IOAPIC
 * pin INT_ROUTE.  Level mode: the line is high while the status bit is set.
 * Edge mode: each interrupt is a rising edge; the line then stays high until
 * the next one (or until the timer is disabled), as the 8259 only sees
 * requests that last. */
#ifndef HW_HPET_H
#define HW_HPET_H

#include <stdint.h>
#include <stdio.h>

#include "hw/irq.h"
#include "hw/machine.h"

#define HPET_BASE           0xfed00000ull
#define HPET_TIMERS         3
#define HPET_PERIOD_FS      10000000ull     /* 10 ns */
#define HPET_NS_PER_TICK    10ull
#define HPET_MIN_PERIOD_NS  10000ull
#define HPET_ROUTE_CAP      0x00f00000u     /* IOAPIC pins 20-23 */

#define HPET_CFG_ENABLE     1ull
#define HPET_CFG_LEGACY     2ull

#define HPET_TN_LEVEL       (1ull << 1)
#define HPET_TN_ENABLE      (1ull << 2)
#define HPET_TN_PERIODIC    (1ull << 3)
#define HPET_TN_PER_CAP     (1ull << 4)
#define HPET_TN_SIZE_CAP    (1ull << 5)
#define HPET_TN_SETVAL      (1ull << 6)
#define HPET_TN_32BIT       (1ull << 8)
#define HPET_TN_ROUTE_SHIFT 9

typedef struct HpetTimer {
    uint64_t config;
    uint64_t cmp;
    uint64_t period;
    uint8_t out;               /* the level this timer drives */
    Timer timer;
    struct Hpet *hpet;
    int n;
} HpetTimer;

typedef struct Hpet {
    Machine *m;
    uint64_t config;
    uint64_t isr;
    uint64_t counter;          /* main counter when halted; at counter_ns when running */
    uint64_t counter_ns;
    HpetTimer t[HPET_TIMERS];
    uint8_t pit_level, rtc_level;
    IrqLine irq0, irq8;        /* ISA IRQ0 and IRQ8 (the board fans them out) */
    IrqHandler gsi;            /* IOAPIC pins (ioapic_set_irq) */
    void *gsi_opaque;
} Hpet;

/* Creates the HPET at HPET_BASE and registers device "hpet".  Connect irq0,
 * irq8 to the ISA lines, gsi to the IOAPIC, the PIT's OUT0 to hpet_pit_in
 * and the RTC's IRQ to hpet_rtc_in. */
Hpet *hpet_create(Machine *m);
void hpet_pit_in(void *opaque, int n, int level);
void hpet_rtc_in(void *opaque, int n, int level);
uint64_t hpet_reg_read(Hpet *s, uint32_t off);
void hpet_reg_write(Hpet *s, uint32_t off, uint64_t val);
/* The main counter now. */
uint64_t hpet_counter(Hpet *s);
void hpet_reset(void *opaque);

#endif
