/* ACPI tables of the Tandem PC, built from the machine's configuration (RAM,
 * CPUs, the devices the board wires): RSDP (revision 2, with the XSDT), RSDT,
 * XSDT, FADT (revision 3, 32-bit and X_ 64-bit blocks), FACS, MADT (the local
 * APICs, the IOAPIC, the IRQ0 -> GSI 2 and IRQ9 level/high overrides, LINT1 as
 * NMI), HPET and a DSDT in AML (hw/acpi-aml.c): \_S5, the PCI root bridge with
 * _PRT, and the ISA devices.
 *
 * Fixed hardware the tables describe (the PC as SeaBIOS sets it up):
 *   PM1a event block   ACPI_PM_BASE + 0   (PIIX4 PMSTS/PMEN)
 *   PM1a control block ACPI_PM_BASE + 4   (PMCNTRL; \_S5 gives SLP_TYP 0, which
 *                                          hw/piix4-pm.c treats as soft-off)
 *   PM timer           ACPI_PM_BASE + 8   (24 bits)
 *   GPE0 block         0xAFE0, 4 bytes
 *   SMI_CMD            0xB2 (APMC), ACPI_ENABLE 0xF1, ACPI_DISABLE 0xF0
 *   SCI                ISA IRQ 9 (GSI 9, level, active high)
 *   reset register     I/O 0xCF9, value 0x06 (PIIX3 reset control)
 *
 * Two consumers:
 *  - SeaBIOS reads the fw_cfg files "etc/acpi/rsdp", "etc/acpi/tables" and
 *    "etc/table-loader" (the BIOS linker/loader commands: ALLOCATE,
 *    ADD_POINTER, ADD_CHECKSUM) and installs the tables itself.
 *    acpi_fw_cfg_add() adds them (the board calls it after creating fw_cfg).
 *  - The direct kernel loader (SeaBIOS does not run) calls acpi_install(). */
#ifndef HW_ACPI_TABLES_H
#define HW_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "hw/machine.h"

typedef struct FwCfg FwCfg;

/* The PIIX4 PM I/O base SeaBIOS programs (PMBA) when fw_cfg has
 * etc/table-loader ("Moving pm_base to 0x600"), and the FADT describes. */
#define ACPI_PM_BASE      0x600
#define ACPI_GPE0_BASE    0xafe0
#define ACPI_SCI_IRQ      9
#define ACPI_IOAPIC_ADDR  0xfec00000u
#define ACPI_LAPIC_ADDR   0xfee00000u
#define ACPI_HPET_ADDR    0xfed00000u

/* The built tables: the two fw_cfg files and the loader commands that link
 * them (128-byte entries: le32 command, then ALLOCATE {file[56], le32 align,
 * u8 zone (1 high memory, 2 the F segment)}, ADD_POINTER {dest[56], src[56],
 * le32 offset, u8 size}: add the source file's address to the pointer, or
 * ADD_CHECKSUM {file[56], le32 result offset, le32 start, le32 length}:
 * subtract the byte sum of the range from the result byte). */
typedef struct AcpiTables {
    uint8_t *tables, *rsdp, *loader;
    size_t tables_len, rsdp_len, loader_len;
} AcpiTables;

#define ACPI_FILE_TABLES  "etc/acpi/tables"
#define ACPI_FILE_RSDP    "etc/acpi/rsdp"
#define ACPI_FILE_LOADER  "etc/table-loader"

/* Builds the tables for m as it is configured now. */
void acpi_build(Machine *m, AcpiTables *t);
void acpi_tables_free(AcpiTables *t);
/* Runs t's loader commands the way firmware does, with every file placed in
 * the host buffer mem that stands for guest-physical [base, base + cap):
 * returns the guest-physical address of the RSDP, or 0 when a command is bad
 * or the files do not fit. */
uint64_t acpi_link(const AcpiTables *t, uint8_t *mem, uint64_t base, size_t cap);

/* Direct kernel boot: writes every table into guest RAM at
 * [phys_base, phys_base + cap) (RAM the E820 map then reports as ACPI data;
 * 16-byte aligned; 64 KiB is plenty) and returns the guest-physical address of
 * the RSDP (inside that range), or 0 when the tables do not fit or the range
 * is not RAM.  It also does what SeaBIOS would have done for the tables to be
 * true: programs the PIIX4 PM function's PMBA to ACPI_PM_BASE and enables its
 * I/O decoding.  Call after every machine reset (the loader's post_reset), as
 * RAM and PCI configuration are reset too.  Linux finds the RSDP through
 * boot_params.acpi_rsdp_addr (boot protocol 2.14) or by scanning
 * 0xE0000-0xFFFFF (so phys_base may also be a RAM area there). */
uint64_t acpi_install(Machine *m, uint64_t phys_base, size_t cap);

/* SeaBIOS: adds etc/acpi/rsdp, etc/acpi/tables and etc/table-loader to f.
 * Returns 0, or -1 when fw_cfg refuses a file. */
int acpi_fw_cfg_add(Machine *m, FwCfg *f);

#endif
