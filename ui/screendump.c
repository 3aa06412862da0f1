/* screendump (see screendump.h). */
#include "ui/screendump.h"

#include <stdio.h>

#include "hw/vga.h"
#include "ui/png.h"

int screendump(Machine *m, const char *path, char *err, size_t errlen)
{
    Device *d = machine_find_device(m, "vga");
    if (!d) {
        snprintf(err, errlen, "no display device (-vga none)");
        return -1;
    }
    Vga *s = d->opaque;
    vga_update(s);
    return png_write(path, s->fb, s->width, s->height, s->width, err, (unsigned)errlen);
}
