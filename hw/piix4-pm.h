/* Intel 82371AB PIIX4 power management function at 00:01.3 (8086:7113), as the
 * QEMU PC presents it next to a PIIX3: ACPI registers, the PM timer, SMBus
 * host interface and the APM ports.
 *
 * Configuration: PMBA (0x40) places 64 bytes of PM I/O, decoded while
 * PMREGMISC.PMIOSE (0x80 bit 0) is set; SMBBA (0x90) places the 16-byte SMBus
 * host interface, decoded while PCICMD.IOSE and SMBHSTCFG.SMB_HST_EN (0xD2
 * bit 0) are set.  DEVACTB (0x58) resets with APMC_EN (bit 25) set: the
 * CPU has no SMM, and firmware (SeaBIOS) reads APMC_EN = 1 as "SMM already
 * set up" instead of raising an SMI that would never come.
 *
 * PM I/O (offsets from PMBA, PIIX4 datasheet 290562, power management
 * registers; ACPI 1.0 fixed hardware):
 *   0x00 PMSTS   16  R/WC: TMROF_STS (0), BM, GBL_STS (5), PWRBTN, RTC, ...
 *   0x02 PMEN    16  TMROF_EN (0), GBL_EN (5), PWRBTN_EN (8), RTC_EN (10)
 *   0x04 PMCNTRL 16  SCI_EN (0), BRLD_EN_BM (1), GBL_RLS (2, write-only),
 *                    SUS_TYP (12:10), SUS_EN (13, write-only)
 *   0x08 PMTMR   32  read-only, 24 bits at 3.579545 MHz of virtual time
 *   0x0C GPSTS/0x0E GPEN, 0x10 PCNTRL, 0x18 GLBSTS, 0x1C DEVSTS, 0x20 GLBEN,
 *   0x28 GLBCTL (BIOS_RLS, bit 1, sets GBL_STS), 0x2C DEVCTL, 0x30 GPIREG,
 *   0x34 GPOREG: stored (no event sources behind them)
 * TMROF_STS is set whenever timer bit 23 changes.  SCI = SCI_EN and an enabled
 * PM1 or GPE event; it is a level on ISA IRQ 9 (line `irq9`, shared with the
 * SMBus interrupt when SMBHSTCFG selects IRQ 9).
 *
 * Sleep: SUS_EN with SUS_TYP 0 is soft-off (ACPI S5; the DSDT's \_S5 package
 * of the QEMU PC gives SLP_TYP 0): the machine exits with status 0.  Other
 * types (S3 = 1, S4 = 2 in that DSDT) are logged as unimplemented.
 *
 * APM: APMC (0xB2) and APMS (0xB3) are read/write bytes.  With no SMM, a write
 * of 0xF1 / 0xF0 to APMC (the FADT's ACPI_ENABLE / ACPI_DISABLE) sets / clears
 * SCI_EN, standing in for the firmware SMI handler that would.
 *
 * GPE0: the ACPI tables of the QEMU PC put GPE0_BLK at 0xAFE0 (4 bytes:
 * status R/WC, enable), a QEMU PC block rather than a PIIX4 register; it is
 * there with no event sources.
 *
 * SMBus: an empty bus.  Starting a transaction ends it at once with DEV_ERR
 * (no device acknowledged the address), interrupting if INTEREN. */
#ifndef HW_PIIX4_PM_H
#define HW_PIIX4_PM_H

#include "hw/irq.h"
#include "hw/pci.h"

#define PM_PMBA 0x40
#define PM_DEVACTB 0x58
#define PM_PMREGMISC 0x80
#define PM_SMBBA 0x90
#define PM_SMBHSTCFG 0xd2
#define PM_DEVACTB_APMC_EN (1u << 25)

#define PM_IO_SIZE 64
#define PM_TIMER_HZ 3579545ull

/* PM I/O registers */
#define PMSTS 0x00
#define PMEN 0x02
#define PMCNTRL 0x04
#define PMTMR 0x08
#define GPSTS 0x0c
#define GPEN 0x0e
#define GLBCTL 0x28

#define PM_TMROF 0x0001
#define PM_GBL 0x0020
#define PM_PWRBTN 0x0100
#define PM_RTC 0x0400
#define PM_SCI_EN 0x0001
#define PM_GBL_RLS 0x0004
#define PM_SUS_EN 0x2000
#define PM_GLBCTL_BIOS_RLS 0x0002

#define SMB_IO_SIZE 16
#define GPE0_BASE 0xafe0

typedef struct Piix4Pm {
    PciDevice pci;
    Machine *m;
    IrqLine irq9;           /* SCI (and the SMBus interrupt): ISA IRQ 9, level */
    PciIoRange pm_io, smb_io;
    uint8_t pmio[PM_IO_SIZE];
    uint8_t smb[SMB_IO_SIZE];
    uint8_t gpe0[4];
    uint8_t apmc, apms;
    uint64_t tmr_seen;      /* PM timer ticks when TMROF_STS was last brought up to date */
    Timer tmr_timer;        /* the next bit-23 change while TMROF_EN */
    uint8_t irq_level;      /* irq9 as driven */
} Piix4Pm;

/* Creates function 3 of device slot; registers device "piix4-pm".  Connect
 * pm->irq9 to ISA IRQ 9. */
Piix4Pm *piix4_pm_create(Machine *m, PciBus *bus, int slot);
void piix4_pm_reset(void *opaque);
/* The 24-bit PM timer now. */
uint32_t piix4_pm_timer(Piix4Pm *s);

#endif
