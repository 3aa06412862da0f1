/* Direct kernel boot: -kernel FILE [-initrd FILE[,FILE...]] [-append STRING].
 *
 * Unlike QEMU, which loads the kernel through SeaBIOS's linuxboot option ROM
 * (fw_cfg items read by real-mode firmware code), Tandem does what that ROM
 * does itself and starts the kernel directly: the BIOS ROM is still mapped
 * (the board maps it whatever the boot), but SeaBIOS never runs.  The kernel
 * is one of
 *   - a Linux bzImage (boot protocol 2.02+): system/loader-linux.c; the CPU
 *     starts at the 32-bit entry (code32_start) with ESI = the zero page;
 *   - a Multiboot 1 kernel (ELF32 or a.out kludge): system/loader-multiboot.c;
 *     EAX = 0x2BADB002, EBX = the information structure.
 * Both start in flat 32-bit protected mode (paging off, interrupts off) on a
 * GDT the loader places in guest RAM, through the backend's set_state, so the
 * interpreter and KVM start from the same canonical state.
 *
 * The work is split in two steps so the unit tests can check the first one
 * without a machine:
 *   1. loader_plan(): from the files (in host memory), the command line and
 *      the RAM layout, a BootPlan: the byte ranges to put in guest RAM
 *      (zero page, command line, kernel, initrd, Multiboot info, GDT, BDA
 *      words) and the entry registers.  Everything that can be wrong with the
 *      files is found here, before anything runs (one line on stderr).
 *   2. loader_apply(): after every machine reset (Machine.post_reset), write
 *      the plan into RAM and set the CPU state, so a guest reboot boots the
 *      same kernel again, as QEMU's option ROM does. */
#ifndef SYSTEM_LOADER_H
#define SYSTEM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu-state.h"
#include "hw/machine.h"
#include "system/options.h"

/* Guest-physical layout of what the loader puts below 1 MiB. */
#define LOADER_BDA_EBDA       0x40e     /* BDA word: EBDA segment */
#define LOADER_BDA_BASEMEM    0x413     /* BDA word: base memory in KiB */
#define LOADER_GDT            0x5000    /* null, null, code 0x10, data 0x18 */
#define LOADER_STACK_TOP      0x7000    /* ESP at entry (0x6000-0x6fff) */
#define LOADER_ZERO_PAGE      0x7000    /* Linux boot_params (4 KiB) */
#define LOADER_MB_INFO        0x8000    /* Multiboot info, mmap, modules, strings */
#define LOADER_MB_INFO_MAX    0x18000   /*   ... up to 0x20000 */
#define LOADER_CMDLINE        0x20000   /* the command line (< 64 KiB) */
#define LOADER_CMDLINE_MAX    0x10000
#define LOADER_EBDA           0x9fc00   /* RAM from here to 1 MiB is reserved */
#define LOADER_HIGH           0x100000  /* kernels load from 1 MiB up */
/* The ACPI tables (hw/acpi-tables.h) go in the last 64 KiB of RAM below
 * 4 GiB, reported as ACPI data in the e820 map. */
#define LOADER_FW_SIZE        0x10000

/* Flat segments of LOADER_GDT: the Linux boot protocol's __BOOT_CS/__BOOT_DS. */
#define LOADER_BOOT_CS        0x10
#define LOADER_BOOT_DS        0x18

/* E820 types (the same numbers as fw-cfg.h's etc/e820) */
#define LOADER_E820_RAM       1
#define LOADER_E820_RESERVED  2
#define LOADER_E820_ACPI      3
#define LOADER_E820_MAX       32

#define LOADER_MAX_INITRD     16
#define LOADER_MAX_BLOBS      64

typedef struct E820Entry {
    uint64_t addr, len;
    uint32_t type;
} E820Entry;

/* A file read whole into host memory. */
typedef struct LoaderFile {
    const char *path;       /* as given (not owned) */
    uint8_t *data;
    size_t size;
} LoaderFile;

/* The machine as the guest sees it at boot. */
typedef struct LoaderMem {
    uint64_t ram_size;      /* all RAM */
    uint64_t ram_below_4g;  /* RAM from 0 up to here, the rest from 4 GiB */
    uint64_t fw_base;       /* firmware tables (ACPI) at [fw_base, ram_below_4g): */
    uint64_t rom_base;      /* the BIOS ROM under 4 GiB, reserved (0: none) */
    uint64_t rsdp;          /* ACPI RSDP address, 0 without tables */
    bool vga_text;          /* a VGA, left in 80x25 text by loader_apply() */
} LoaderMem;

/* What loader_plan() works from. */
typedef struct LoaderInput {
    LoaderMem mem;
    LoaderFile kernel;
    LoaderFile initrd[LOADER_MAX_INITRD];
    const char *initrd_arg[LOADER_MAX_INITRD];  /* Multiboot module strings */
    int ninitrd;
    const char *cmdline;    /* -append, "" when absent */
} LoaderInput;

/* One range of guest RAM to fill: copy len bytes from data, or zero them when
 * data is NULL.  owned data is freed by loader_plan_free(). */
typedef struct LoaderBlob {
    uint64_t addr, len;
    const uint8_t *data;
    bool owned;
} LoaderBlob;

typedef struct BootPlan {
    LoaderBlob blob[LOADER_MAX_BLOBS];
    int nblob;
    bool multiboot;
    uint32_t eip;
    uint32_t regs[8];       /* R_EAX... at entry */
    uint64_t fw_base, fw_len;   /* where loader_apply() builds the ACPI tables */
    uint64_t rsdp_ptr;      /* guest address of a u64 that gets the RSDP's address */
} BootPlan;

/* Reads cfg->kernel / cfg->initrd / cfg->append, plans the boot against m's
 * RAM and installs m->post_reset, which loads them after every machine reset.
 * Does nothing and returns 0 without -kernel.  On a bad file or option prints
 * one line ("tandem: -kernel FILE: ...") and returns -1. */
int loader_setup(Machine *m, const Config *cfg);

/* Builds the plan for in (a Linux bzImage when the file has the "HdrS"
 * header, else a Multiboot kernel).  On error writes one line to err and
 * returns -1. */
int loader_plan(const LoaderInput *in, BootPlan *p, char *err, size_t errlen);
void loader_plan_free(BootPlan *p);
/* Writes the plan into m's RAM, builds the ACPI tables (acpi_install, which
 * also programs the PIIX4 PM base as SeaBIOS would) and stores the RSDP's
 * address at rsdp_ptr, sets the VGA to the text mode its BIOS would leave
 * (pci_vga_post), then gives the backend the entry state. */
void loader_apply(Machine *m, const BootPlan *p);

/* --- shared by the Linux and Multiboot loaders --- */

int loader_linux_plan(const LoaderInput *in, BootPlan *p, char *err, size_t errlen);
/* Returns 1 and fills p for a Multiboot kernel, 0 when the file has no
 * Multiboot header, -1 with err on a bad one. */
int loader_multiboot_plan(const LoaderInput *in, BootPlan *p, char *err, size_t errlen);

/* Reads `path` whole.  On failure writes "cannot open: REASON" (or read) to err. */
int loader_read_file(const char *path, LoaderFile *f, char *err, size_t errlen);
/* The memory map for the guest, in address order: RAM below the EBDA, the
 * 0x9FC00-0xFFFFF hole reserved, RAM from 1 MiB to fw_base, the firmware
 * area as ACPI data, the BIOS ROM reserved, RAM above 4 GiB.  Returns the
 * number of entries (at most LOADER_E820_MAX). */
int loader_e820(const LoaderMem *mem, E820Entry *out);
/* Whether [addr, addr + len) is RAM a kernel may load into: from 1 MiB up to
 * the firmware area. */
bool loader_high_ok(const LoaderMem *mem, uint64_t addr, uint64_t len);
/* The flat 32-bit protected-mode entry state, built into s from the
 * power-on state already in s: CS = 0x10, DS/ES/FS/GS/SS = 0x18 (base 0,
 * limit 4 GiB), GDTR = LOADER_GDT, EIP = eip, the eight 32-bit GPRs from
 * regs, EFLAGS = 2 (IF clear), CR0 = PE|ET, no paging. */
void loader_flat32_state(CpuState *s, uint32_t eip, const uint32_t regs[8]);

/* Plan building: a range of RAM to fill from data (kept, not copied), a
 * zeroed owned buffer of len bytes to fill (NULL when the plan is full),
 * zeros.  Return -1 with err when the plan is full. */
int plan_ref(BootPlan *p, uint64_t addr, const uint8_t *data, uint64_t len, char *err, size_t errlen);
uint8_t *plan_alloc(BootPlan *p, uint64_t addr, uint64_t len, char *err, size_t errlen);
int plan_zero(BootPlan *p, uint64_t addr, uint64_t len, char *err, size_t errlen);

/* Little-endian field access in byte buffers. */
static inline uint32_t ld_le(const uint8_t *p, int n)
{
    uint32_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}
static inline uint64_t ld_le64(const uint8_t *p)
{
    return ld_le(p, 4) | (uint64_t)ld_le(p + 4, 4) << 32;
}
static inline void st_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

#endif
