#ifndef HW_PC_BOARD_H
#define HW_PC_BOARD_H

#include "hw/machine.h"
#include "system/options.h"

/* Builds the PC described by cfg into m.  Returns 0, or -1 after printing one
 * line naming the problem. */
int pc_board_create(Machine *m, const Config *cfg);

#endif
