/* -display selection (see display.h). */
#include "ui/display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int display_init(Machine *m, const char *spec, bool nographic)
{
    if (nographic || (spec && !strcmp(spec, "none")))
        return 0;
    if (!spec) {
        bool server = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
        if (!display_sdl_available() || !server || !machine_find_device(m, "vga"))
            return 0;
        return display_sdl_init(m);
    }
    if (!strcmp(spec, "sdl") || !strncmp(spec, "sdl,", 4)) {
        if (!display_sdl_available()) {
            fprintf(stderr, "tandem: -display sdl: SDL support is not compiled in (./configure found no SDL2)\n");
            return -1;
        }
        if (!machine_find_device(m, "vga")) {
            fprintf(stderr, "tandem: -display sdl: there is no display device (-vga none)\n");
            return -1;
        }
        return display_sdl_init(m);
    }
    fprintf(stderr, "tandem: -display %s: not available (sdl, none)\n", spec);
    return -1;
}
