/* The guest's display as an image: the monitor's screendump. */
#ifndef UI_SCREENDUMP_H
#define UI_SCREENDUMP_H

#include <stddef.h>

#include "hw/machine.h"

/* Brings the VGA frame up to date and writes it to path as PNG.  Returns 0,
 * or -1 with the reason in err (no display device, write error). */
int screendump(Machine *m, const char *path, char *err, size_t errlen);

#endif
