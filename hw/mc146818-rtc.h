/* Motorola MC146818A real-time clock and the PC's 128 bytes of CMOS RAM,
 * ports 0x70 (index in bits 0-6, NMI mask in bit 7, write-only) and 0x71
 * (data).  The interrupt output is ISA IRQ 8 (the board connects `irq`).
 *
 * Time keeping: nothing ticks.  The 32.768 kHz divider chain runs at
 * virtual time (clock_ns()) with a phase `div_base`; its second boundaries
 * are the update cycles, and the calendar second after update n is
 * n + sec_offset.  At power-on the phase and time come from the wall-clock
 * time at virtual 0 (clock_epoch_ns()); software-set time (SET = 1, write
 * registers, SET = 0) persists as a new sec_offset.  A Timer is armed only
 * while an enabled interrupt (PIE/AIE/UIE) can be raised; the flags in
 * register C are otherwise worked out when register C is read.
 *
 * Deliberate simplifications (see mc146818-rtc.c): DSE (daylight saving)
 * is stored and ignored; changing DM or 24/12 while the clock runs shows
 * the time in the new format at once (the chip would leave the old bytes);
 * out-of-range time written by software is normalised (with a guest_error
 * line); the square-wave output pin is not connected on the PC. */
#ifndef HW_MC146818_RTC_H
#define HW_MC146818_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hw/irq.h"
#include "hw/machine.h"

#define RTC_CMOS_SIZE 128

/* Register numbers (CMOS indices 0x00-0x0d) */
enum {
    RTC_SEC = 0, RTC_SEC_ALARM = 1, RTC_MIN = 2, RTC_MIN_ALARM = 3, RTC_HOUR = 4,
    RTC_HOUR_ALARM = 5, RTC_DOW = 6, RTC_DAY = 7, RTC_MONTH = 8, RTC_YEAR = 9,
    RTC_REG_A = 10, RTC_REG_B = 11, RTC_REG_C = 12, RTC_REG_D = 13,
};

/* Register A */
#define RTC_A_UIP 0x80
#define RTC_A_DV_MASK 0x70
#define RTC_A_DV_32K 0x20       /* DV2-0 = 010: the PC's 32.768 kHz time base */
#define RTC_A_RS_MASK 0x0f
/* Register B */
#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM 0x04           /* 1 = binary, 0 = BCD */
#define RTC_B_24H 0x02
#define RTC_B_DSE 0x01
/* Register C */
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
/* Register D */
#define RTC_D_VRT 0x80

/* Update cycle timing for the 32.768 kHz time base (datasheet table 6):
 * UIP rises 244 us before the update and stays up for the update cycle. */
#define RTC_UIP_LEAD_NS 244141u     /* tBUC: 8 periods of 32.768 kHz */
#define RTC_UPDATE_NS 1984000u      /* tUC */

typedef struct Rtc {
    Machine *m;
    uint8_t cmos[RTC_CMOS_SIZE];    /* 0-9 hold the time only while it is halted */
    uint8_t index;                  /* port 0x70 bits 0-6 */
    uint8_t nmi_masked;             /* port 0x70 bit 7 */
    uint8_t flags;                  /* register C: PF, AF, UF (IRQF is derived) */
    uint8_t irq_level;
    uint8_t dow_adj;                /* day-of-week register minus the date's weekday, mod 7 */
    int64_t div_base;               /* divider phase: wall ns = clock_ns() + div_base */
    int64_t sec_offset;             /* calendar second = divider second + sec_offset */
    uint64_t run_start;             /* clock ns the time last started running */
    uint64_t flags_ns;              /* register C accounts for events up to here */
    IrqLine irq;                    /* IRQ 8 (level: high while IRQF is set) */
    Timer timer;                    /* next enabled interrupt */
} Rtc;

/* Creates the RTC at ports 0x70-0x71 in its power-on state (time from the
 * clock's epoch, A = 0x26, B = 0x02) and registers it as device "mc146818". */
Rtc *rtc_create(Machine *m);
/* The RESET pin: clears PIE, AIE, UIE, SQWE and the flags (IRQ 8 low);
 * time, A and the RAM are kept (battery-backed).  The chipset's NMI mask
 * latch (port 0x70 bit 7) reads 0, NMI enabled, until the BIOS sets it. */
void rtc_reset(void *opaque);
/* CMOS RAM contents for the board (index 0x0e-0x7f; the clock registers
 * below 0x0e are refused). */
void rtc_set_cmos(Rtc *r, unsigned index, uint8_t value);
uint8_t rtc_get_cmos(const Rtc *r, unsigned index);
/* Port 0x70 bit 7: the board's NMI gate. */
bool rtc_nmi_masked(const Rtc *r);
/* Monitor `info rtc`. */
void rtc_info(Rtc *r, FILE *f);

#endif
