/* -drive / -hda / -cdrom / -snapshot / -boot: opens the images and attaches
 * them to the PIIX IDE channels, and works out the boot order SeaBIOS reads
 * (CMOS letters for -boot, the fw_cfg "bootorder" file for bootindex=). */
#ifndef SYSTEM_DRIVES_H
#define SYSTEM_DRIVES_H

#include <stdbool.h>

#include "hw/machine.h"
#include "hw/piix-ide.h"
#include "system/options.h"

/* Opens every drive of cfg and attaches it (index N = channel N / 2, unit
 * N % 2).  *bootorder gets the "bootorder" lines for drives with bootindex=
 * (malloc'd, NULL when none).  Returns 0, or -1 after one line on stderr. */
int drives_attach(Machine *m, const Config *cfg, PiixIde *ide, char **bootorder);
/* -boot: "[order=]LETTERS[,menu=on|off]" or "LETTERS" into order (up to 3
 * letters of a, c, d, n, NUL-terminated) and *menu (-1: not given).
 * Returns 0, or -1 after one line on stderr. */
int boot_parse(const char *spec, char order[4], int *menu);
/* The OpenFirmware path SeaBIOS matches for IDE channel `bus`, unit `unit`
 * of the PIIX IDE function at 00:01.1. */
void drive_boot_path(char *buf, size_t len, int bus, int unit);

#endif
