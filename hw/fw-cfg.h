/* QEMU firmware configuration interface (fw_cfg), I/O port variant as on the
 * PC: selector 0x510 (16-bit), data 0x511 (8-bit), DMA address 0x514-0x51B.
 * Specification: QEMU docs/specs/fw_cfg.rst.
 *
 * Items are blobs addressed by a 16-bit key: bit 15 selects the architecture
 * specific set, bit 14 (the old write channel) is ignored, the rest indexes
 * the set.  Keys FW_CFG_FILE_FIRST and up are "files", listed by name in the
 * FW_CFG_FILE_DIR item.  Every item's data is a copy owned by the FwCfg.
 *
 * Guest side:
 * - Writing the selector selects an item and rewinds the data offset to 0.
 * - Each data port read returns the next byte; past the end (or for a key
 *   with no item) reads give 0.  Data port writes are ignored (QEMU >= 2.4).
 * - Reading the DMA address port gives "QEMU CFG" (the signature of the DMA
 *   interface).  Writing it sets a big-endian 64-bit guest-physical address
 *   of an FWCfgDmaAccess {be32 control, be32 length, be64 address}: a 32-bit
 *   write at 0x514 sets the high half, a 32-bit write at 0x518 sets the low
 *   half and runs the operation (an 8-byte write at 0x514 sets both and runs
 *   it); the register is 0 at reset and after each operation, so 32-bit
 *   addresses need only the low write.  Other access sizes/offsets are
 *   ignored (logged as guest errors).
 * - The operation: select (bit 3, key in control bits 31-16), then read
 *   (bit 1), else write (bit 4), else skip (bit 2) of `length` bytes at the
 *   current offset; a read past the item's end stores zeros.  The FWCfgDmaAccess
 *   and the read destination must lie inside guest RAM (the RAM PhysMem
 *   mapped: [0, ram_below_4g) and [4 GiB, 4 GiB + the rest)), with no 64-bit
 *   wrap; the copies themselves go through phys_rw().  On completion the
 *   control field is overwritten with 0 (success) or 1 (error bit).
 *   Errors: a destination outside RAM (nothing is transferred, the offset does
 *   not move), any write (every item is read-only: writes are always refused,
 *   as QEMU refuses writes to read-only items), an error bit already set in the
 *   control word given.  An FWCfgDmaAccess outside RAM cannot be reported: the
 *   operation is dropped (guest error log) and nothing is written anywhere.
 *
 * Host side: fw_cfg_add_bytes() for the numbered (legacy) items,
 * fw_cfg_add_file() for files; both copy the data and replace an existing item.
 * File keys are handed out in order of addition and never change; the
 * directory is kept sorted by name. */
#ifndef HW_FW_CFG_H
#define HW_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hw/machine.h"
#include "system/options.h"

#define FW_CFG_PORT_SEL   0x510
#define FW_CFG_PORT_DATA  0x511
#define FW_CFG_PORT_DMA   0x514     /* 8 bytes: high half at 0x514, low at 0x518 */

/* Generic keys (QEMU's numbering).  Direct kernel boot will add
 * FW_CFG_KERNEL_ADDR (0x07), KERNEL_SIZE (0x08), KERNEL_CMDLINE (0x09),
 * INITRD_ADDR (0x0a), INITRD_SIZE (0x0b), KERNEL_ENTRY (0x10),
 * KERNEL_DATA (0x11), INITRD_DATA (0x12), CMDLINE_ADDR (0x13),
 * CMDLINE_SIZE (0x14), CMDLINE_DATA (0x15), SETUP_ADDR (0x16),
 * SETUP_SIZE (0x17), SETUP_DATA (0x18) with fw_cfg_add_bytes(). */
enum {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_NUMA = 0x0d,
    FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_WRITE_CHANNEL = 0x4000,
    FW_CFG_ARCH_LOCAL = 0x8000,
};

#define FW_CFG_ID_TRADITIONAL 0x01
#define FW_CFG_ID_DMA         0x02

#define FW_CFG_DMA_CTL_ERROR  0x01
#define FW_CFG_DMA_CTL_READ   0x02
#define FW_CFG_DMA_CTL_SKIP   0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE  0x10

/* "QEMU CFG", read from the DMA address register. */
#define FW_CFG_DMA_SIGNATURE  0x51454d5520434647ull

#define FW_CFG_MAX_FILES      64
/* Keys at or above this (after masking) select nothing: reads give 0. */
#define FW_CFG_MAX_ENTRY      (FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)
#define FW_CFG_NAME_LEN       56      /* file name field, NUL included */
#define FW_CFG_MAX_E820       16

#define E820_RAM              1
#define E820_RESERVED         2

typedef struct FwCfgItem {
    uint8_t *data;              /* owned; NULL when len == 0 */
    uint32_t len;
    bool present;
} FwCfgItem;

typedef struct FwCfgFile {
    char name[FW_CFG_NAME_LEN];
    uint16_t key;
} FwCfgFile;

typedef struct FwCfgE820 {
    uint64_t addr, len;
    uint32_t type;
} FwCfgE820;

typedef struct FwCfg {
    Machine *m;
    /* Guest-visible state (snapshotted) */
    uint16_t cur_key;           /* the selector as written */
    uint32_t cur_offset;        /* data offset in the selected item */
    uint64_t dma_addr;          /* DMA address register (host order) */
    /* Configuration: the items (not guest state, rebuilt by the board) */
    FwCfgItem items[2][FW_CFG_MAX_ENTRY];   /* [arch][key & 0x3fff] */
    FwCfgFile files[FW_CFG_MAX_FILES];      /* in order of addition */
    int nfiles;
    FwCfgE820 e820[FW_CFG_MAX_E820];
    int ne820;
} FwCfg;

/* Creates the device with the signature, the ID and an empty file directory,
 * maps its ports and registers it as device "fw_cfg". */
FwCfg *fw_cfg_create(Machine *m);
/* Creates it and adds what a PC presents to SeaBIOS: RAM size, CPU counts,
 * nographic, boot menu, etc/e820 from the RAM layout in m->mem, bootorder
 * (empty), etc/boot-fail-wait (-1), etc/show-boot-menu (0) and, with
 * -nographic, etc/sercon-port = 0x3f8. */
FwCfg *fw_cfg_create_pc(Machine *m, const Config *cfg);
void fw_cfg_reset(void *opaque);

/* Sets item `key` (bits 15 and 0-13; not a file key) to a copy of data.
 * Returns 0, or -1 for a key out of range. */
int fw_cfg_add_bytes(FwCfg *f, uint16_t key, const void *data, uint32_t len);
/* Little-endian integers, as QEMU stores its numbered items. */
int fw_cfg_add_i16(FwCfg *f, uint16_t key, uint16_t v);
int fw_cfg_add_i32(FwCfg *f, uint16_t key, uint32_t v);
int fw_cfg_add_i64(FwCfg *f, uint16_t key, uint64_t v);
/* Adds file `name` with a copy of data, or replaces the data of the file of
 * that name.  Returns its key, or -1 if the name is empty or too long
 * (>= 56 bytes) or the directory is full. */
int fw_cfg_add_file(FwCfg *f, const char *name, const void *data, uint32_t len);
/* The key of file `name`, or -1. */
int fw_cfg_find_file(const FwCfg *f, const char *name);
/* The item a key selects (after masking), or NULL. */
const FwCfgItem *fw_cfg_item(const FwCfg *f, uint16_t key);

/* Appends an entry to etc/e820 (20 bytes each: le64 addr, le64 len, le32
 * type), e.g. a reservation a backend needs.  Returns -1 when full. */
int fw_cfg_add_e820(FwCfg *f, uint64_t addr, uint64_t len, uint32_t type);
/* "bootorder": one Open Firmware device path per line (SeaBIOS
 * docs/Runtime_config.md); NULL or "" for none. */
void fw_cfg_set_bootorder(FwCfg *f, const char *paths);
/* etc/boot-fail-wait: ms before SeaBIOS reboots when nothing boots; -1 never. */
void fw_cfg_set_boot_fail_wait(FwCfg *f, int32_t ms);
/* FW_CFG_BOOT_MENU and etc/show-boot-menu. */
void fw_cfg_set_boot_menu(FwCfg *f, bool show);

/* Monitor `info fw_cfg`: the selector state and every item. */
void fw_cfg_info(FwCfg *f, FILE *out);

#endif
