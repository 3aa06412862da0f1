#ifndef HW_PC_BOARD_H
#define HW_PC_BOARD_H

#include "hw/machine.h"
#include "hw/mc146818-rtc.h"
#include "system/options.h"

/* Builds the PC described by cfg into m.  Returns 0, or -1 after printing one
 * line naming the problem. */
int pc_board_create(Machine *m, const Config *cfg);

/* Boot order for CMOS: hard disk, CD-ROM, floppy. */
#define PC_DEFAULT_BOOT_ORDER "cda"
/* Fills the CMOS RAM a PC BIOS reads (memory sizes, CPU count, boot order
 * as letters a/c/d/n, up to three, equipment, checksum).  RAM is
 * [0, ram_below_4g) and ram_size - ram_below_4g bytes above 4 GiB.
 * Returns -1 for an order or CPU count CMOS cannot hold. */
int pc_cmos_init(Rtc *rtc, uint64_t ram_size, uint64_t ram_below_4g, int ncpus,
                 const char *boot_order);

#endif
