/* The display front ends: -display sdl (ui/sdl.c, or ui/sdl-stub.c when
 * ./configure found no SDL2) and none.  The window runs in the main loop's
 * thread from a refresh timer. */
#ifndef UI_DISPLAY_H
#define UI_DISPLAY_H

#include <stdbool.h>

#include "hw/machine.h"

/* Whether this build has the SDL window. */
bool display_sdl_available(void);
/* Opens the window for the machine's VGA (registers device "sdl-ui", which
 * closes it at exit).  Returns 0, or -1 after printing one line. */
int display_sdl_init(Machine *m);
/* -display SPEC / -nographic: starts what the user asked for.  Without
 * either, the window opens when SDL is compiled in and a display server is
 * there ($DISPLAY or $WAYLAND_DISPLAY), as QEMU would; otherwise none. */
int display_init(Machine *m, const char *spec, bool nographic);

#endif
