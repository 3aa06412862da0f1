/* PCI bus 0 behind a host bridge with configuration mechanism #1 (PCI Local
 * Bus Specification 2.1, 3.2.2.3.2): CONFADD at 0xCF8 (dword accesses only),
 * CONFDATA at 0xCFC-0xCFF (byte, word or dword at any offset in the dword).
 *
 * A function is a PciDevice embedded in its chip's struct (container_of style):
 * a 256-byte configuration space with per-byte write masks (bits the guest may
 * change) and write-1-to-clear masks (status bits), BARs whose I/O or memory
 * windows the core maps, moves and unmaps as the guest programs the BAR and
 * the command register, INTx through the board's interrupt router, and
 * optional config read/write hooks for registers with side effects.
 *
 * Functions nobody registered read all ones (vendor 0xFFFF, a master abort);
 * writes to them are dropped.  Only bus 0 exists: configuration cycles for
 * other bus numbers master-abort too.
 *
 * Address-space layering (MemRegion priorities; RAM is 0):
 *   PCI_PRIO_BAR     memory BARs, below RAM and the board's ROMs: the host
 *                    bridge decodes DRAM first, so a BAR programmed over RAM is
 *                    not reached (hardware: undefined, nothing claims it);
 *   PCI_PRIO_HOLE    host-bridge windows that send RAM addresses to PCI
 *                    (0xA0000-0xBFFFF, PAM-disabled pieces): master abort;
 *   PCI_PRIO_LEGACY  devices' fixed legacy memory windows (VGA at 0xA0000) and
 *                    the PAM shadow regions;
 *   PCI_PRIO_SMRAM   the i440FX's open SMRAM, over VGA.
 * I/O windows never take ports from fixed devices (io_map_unclaimed). */
#ifndef HW_PCI_H
#define HW_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hw/machine.h"

enum { PCI_PRIO_BAR = -1, PCI_PRIO_HOLE = 1, PCI_PRIO_LEGACY = 2, PCI_PRIO_SMRAM = 3 };

#define PCI_CONFIG_SIZE 256
#define PCI_NUM_BARS 6
#define PCI_ROM_SLOT 6          /* the expansion ROM BAR (0x30) as BAR index 6 */
#define PCI_MAX_IO_RANGES 64

/* Type 0 header registers */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BIST 0x0f
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_MIN_GNT 0x3e
#define PCI_MAX_LAT 0x3f

#define PCI_HEADER_MULTIFUNCTION 0x80

#define PCI_CMD_IO 0x0001
#define PCI_CMD_MEMORY 0x0002
#define PCI_CMD_MASTER 0x0004
#define PCI_CMD_SPECIAL 0x0008
#define PCI_CMD_PARITY 0x0040
#define PCI_CMD_SERR 0x0100
#define PCI_CMD_INTX_DISABLE 0x0400   /* PCI 2.3: only if the device makes it writable */

#define PCI_STS_INTX 0x0008           /* PCI 2.3 interrupt status (with INTX_DISABLE) */
#define PCI_STS_FAST_BACK 0x0080
#define PCI_STS_DATA_PARITY 0x0100
#define PCI_STS_DEVSEL_MEDIUM 0x0200
#define PCI_STS_SIG_TARGET_ABORT 0x0800
#define PCI_STS_RCV_TARGET_ABORT 0x1000
#define PCI_STS_RCV_MASTER_ABORT 0x2000
#define PCI_STS_SIG_SYSTEM_ERROR 0x4000
#define PCI_STS_DETECTED_PARITY 0x8000

#define PCI_BAR_SPACE_IO 0x01
#define PCI_BAR_MEM_64 0x04
#define PCI_BAR_MEM_PREFETCH 0x08
#define PCI_ROM_ENABLE 0x01

#define PCI_DEVFN(dev, fn) (((dev) << 3) | (fn))

typedef struct PciBus PciBus;
typedef struct PciDevice PciDevice;

/* An I/O window a function decodes at a guest-programmed base (an I/O BAR or
 * a device-specific base register such as the PIIX4's PMBA). */
typedef struct PciIoRange {
    const MemOps *ops;
    void *opaque;
    const char *name;
    uint32_t size;
    bool mapped;        /* decoding [base, base+size) (the ports nobody else has) */
    uint16_t base;
} PciIoRange;

typedef enum { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM, PCI_BAR_ROM } PciBarKind;

typedef struct PciBar {
    PciBarKind kind;
    uint64_t size;          /* a power of two */
    PciIoRange io;          /* PCI_BAR_IO */
    MemRegion *region;      /* PCI_BAR_MEM / PCI_BAR_ROM: moved and enabled as programmed */
    bool is64;
} PciBar;

struct PciDevice {
    PciBus *bus;
    const char *name;
    uint8_t devfn;
    uint8_t config[PCI_CONFIG_SIZE];
    uint8_t wmask[PCI_CONFIG_SIZE];        /* 1 = the guest may write the bit */
    uint8_t w1cmask[PCI_CONFIG_SIZE];      /* 1 = writing 1 clears the bit */
    uint8_t reset_config[PCI_CONFIG_SIZE]; /* the power-on configuration space */
    PciBar bar[PCI_NUM_BARS + 1];
    uint8_t irq_level;                     /* INTx# as the function drives it */
    /* Optional hooks.  config_write replaces pci_default_config_write (which
     * the hook calls itself, so it can compare before and after); accesses never
     * cross the dword and addr + size <= 256.  config_read returns the value of
     * size bytes at addr. */
    void (*config_write)(PciDevice *d, unsigned addr, uint32_t val, unsigned size);
    uint32_t (*config_read)(PciDevice *d, unsigned addr, unsigned size);
};

/* The bus routes INTx: map_irq gives the interrupt-router input (0..3 for
 * PIRQA-D) for a function's pin (0..3 = INTA#..INTD#), set_irq drives it. */
struct PciBus {
    Machine *m;
    uint32_t confadd;                     /* 0xCF8 */
    PciDevice *devs[256];                 /* bus 0, by devfn */
    int (*map_irq)(void *opaque, int devfn, int pin);
    void (*set_irq)(void *opaque, int input, int level);
    void *irq_opaque;
    /* Non-dword accesses to 0xCF8-0xCFB are ordinary I/O cycles: the host
     * bridge passes them on byte by byte (offset 0..3 from 0xCF8) to whoever
     * claims them (the PIIX3's reset control register at 0xCF9). */
    const MemOps *cf8_ops;
    void *cf8_opaque;
    PciIoRange *io_ranges[PCI_MAX_IO_RANGES];
    int nio_ranges;
};

/* Creates bus 0 and maps 0xCF8-0xCFF; registers device "pci-host" (CONFADD). */
PciBus *pci_bus_create(Machine *m);
void pci_bus_set_irq_router(PciBus *b, int (*map_irq)(void *, int, int),
                            void (*set_irq)(void *, int, int), void *opaque);
void pci_bus_set_cf8_passthrough(PciBus *b, const MemOps *ops, void *opaque);
/* Level of router input n: any function mapped there asserting INTx#. */
int pci_bus_irq_level(PciBus *b, int n);
/* Configuration access as the host bridge does it for CONFADD = bdf/addr.
 * addr + size must stay within the dword. */
uint32_t pci_config_read(PciBus *b, unsigned bus, unsigned devfn, unsigned addr, unsigned size);
void pci_config_write(PciBus *b, unsigned bus, unsigned devfn, unsigned addr, uint32_t val,
                      unsigned size);
PciDevice *pci_find(PciBus *b, unsigned devfn);

/* Function setup: IDs and class (class << 16 | subclass << 8 | prog-if); all
 * other bytes 0 and read-only until the device says otherwise. */
void pci_device_init(PciDevice *d, PciBus *b, unsigned devfn, const char *name,
                     uint16_t vendor, uint16_t device, uint8_t revision, uint32_t class_code,
                     uint8_t header_type);
/* A register's reset value, writable bits and write-1-to-clear bits. */
typedef struct PciReg {
    uint8_t addr, size;
    uint32_t reset, wmask, w1c;
} PciReg;
void pci_init_regs(PciDevice *d, const PciReg *regs, size_t n);
/* BARs.  I/O: size 4..256; the BAR decodes 32 address bits (PCI 2.1 allows
 * it, and SeaBIOS computes sizes as ~mask + 1 over 32 bits) and maps nothing
 * above 0xFFFF.  Memory: size >= 16, 32- or 64-bit (64 takes bar and bar + 1);
 * MMIO through ops, or RAM-like through host (a frame buffer).  ROM: the
 * expansion ROM BAR (0x30), size >= 2 KiB, read from host. */
void pci_register_bar_io(PciDevice *d, int bar, uint32_t size, const MemOps *ops, void *opaque,
                         const char *name);
void pci_register_bar_mem(PciDevice *d, int bar, uint64_t size, bool is64, bool prefetch,
                          const MemOps *ops, void *opaque, uint8_t *host, const char *name);
void pci_register_rom(PciDevice *d, uint64_t size, uint8_t *host, const char *name);
/* Ends setup: the configuration space as it stands is the reset state. */
void pci_device_realize(PciDevice *d);

/* Back to the reset configuration (windows unmapped, INTx# deasserted). */
void pci_device_reset(PciDevice *d);
/* After a state load: re-applies BAR windows and INTx; -1 if inconsistent. */
int pci_device_post_load(PciDevice *d);
/* The masked write of the configuration space, then window updates. */
void pci_default_config_write(PciDevice *d, unsigned addr, uint32_t val, unsigned size);
/* Re-evaluates every BAR window (after command/BAR changes). */
void pci_update_mappings(PciDevice *d);
/* Drives the function's INTx# (its interrupt pin register says which). */
void pci_set_irq(PciDevice *d, int level);

/* Moves/enables an I/O window; other windows that lost ports to it get them back. */
void pci_io_range_init(PciBus *b, PciIoRange *r, uint32_t size, const MemOps *ops, void *opaque,
                       const char *name);
void pci_io_range_set(PciBus *b, PciIoRange *r, bool enabled, uint32_t base);

/* Little-endian accessors for a configuration space (no masks). */
static inline uint32_t pci_get(const uint8_t *c, unsigned addr, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)c[addr + i] << (8 * i);
    return v;
}

static inline void pci_set(uint8_t *c, unsigned addr, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        c[addr + i] = (uint8_t)(v >> (8 * i));
}

/* State table fields for the PciDevice member `field` of type. */
#define PCI_DEVICE_STATE(type, field) \
    { "pci.config", offsetof(type, field.config), PCI_CONFIG_SIZE, 1, SF_BYTES, 0 }, \
    { "pci.irq_level", offsetof(type, field.irq_level), 1, 1, SF_UINT, 0 }

/* Monitor-style listing: one line per function with its BARs. */
void pci_info(PciBus *b, FILE *f);

#endif
