/* Built instead of ui/sdl.c when ./configure found no SDL2. */
#include <stdio.h>

#include "ui/display.h"

bool display_sdl_available(void)
{
    return false;
}

int display_sdl_init(Machine *m)
{
    fprintf(stderr, "tandem: -display sdl: SDL support is not compiled in\n");
    return -1;
}
