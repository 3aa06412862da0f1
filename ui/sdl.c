/* -display sdl: an SDL2 window showing the VGA frame, scaled to the window
 * with the guest's aspect ratio kept; keyboard and mouse into the PS/2
 * devices behind the i8042.
 *
 * It runs from a host timerfd the main loop polls (machine_watch_fd), so the
 * window keeps answering (title, redraws, close) while the CPU is stopped,
 * and all SDL calls stay on the main thread.  Each tick: vga_update() redraws
 * the changed lines of the frame, the texture is refreshed and presented only
 * if something changed, and the pending events are handled.
 *
 * Input: keys go through ui/keymap.c (SDL scancodes are USB HID usages) as
 * set-2 make/break codes; a click in the window grabs the mouse (relative
 * motion, cursor hidden) and Ctrl-Alt-G releases it; buttons 1-5 and the
 * wheel go to the PS/2 mouse.  The title names the backend and the run state.
 *
 * Testing hook: with TANDEM_SDL_READBACK=FILE.png the presented window
 * contents are read back from the renderer and written there after every
 * change, so a test under Xvfb sees what the window shows. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "hw/ps2-kbd.h"
#include "hw/ps2-mouse.h"
#include "hw/vga.h"
#include "ui/display.h"
#include "ui/keymap.h"
#include "ui/png.h"

#define REFRESH_NS 33000000     /* ~30 frames per second */

typedef struct SdlUi {
    Machine *m;
    Vga *vga;
    Ps2Kbd *kbd;
    Ps2Mouse *mouse;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tw, th;                 /* texture (guest frame) size */
    bool grabbed;
    bool dirty;                 /* present again (window exposed or resized) */
    uint64_t shown_lines;       /* vga->lines_drawn when last presented */
    unsigned buttons;           /* PS2_MOUSE_* held */
    int tfd;
    char title[160];
    const char *readback;
} SdlUi;

bool display_sdl_available(void)
{
    return true;
}

static void set_title(SdlUi *s)
{
    char t[160];
    snprintf(t, sizeof t, "Tandem [%s] - %s%s", s->m->accel_ops ? s->m->accel_ops->name : "?",
             s->m->paused ? "stopped" : "running",
             s->grabbed ? " - Ctrl-Alt-G releases the mouse" : "");
    if (strcmp(t, s->title)) {
        snprintf(s->title, sizeof s->title, "%s", t);
        SDL_SetWindowTitle(s->win, t);
    }
}

static void grab(SdlUi *s, bool on)
{
    s->grabbed = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowGrab(s->win, on ? SDL_TRUE : SDL_FALSE);
    set_title(s);
}

static void save_readback(SdlUi *s)
{
    int w, h;
    if (SDL_GetRendererOutputSize(s->ren, &w, &h) < 0 || w <= 0 || h <= 0)
        return;
    uint32_t *px = malloc((size_t)w * (size_t)h * 4);
    char err[256];
    if (px && SDL_RenderReadPixels(s->ren, NULL, SDL_PIXELFORMAT_ARGB8888, px, w * 4) == 0 &&
        png_write(s->readback, px, w, h, w, err, sizeof err) < 0)
        fprintf(stderr, "tandem: SDL readback: %s\n", err);
    free(px);
}

/* Brings the frame up to date and presents it if anything changed: since
 * the last present, not just in this update, because other readers of the
 * frame (the monitor's screendump) also update it and take the dirty bits. */
static void refresh(SdlUi *s)
{
    vga_update(s->vga);
    bool changed = s->vga->lines_drawn != s->shown_lines;
    if (s->vga->width != s->tw || s->vga->height != s->th) {
        if (s->tex)
            SDL_DestroyTexture(s->tex);
        s->tw = s->vga->width;
        s->th = s->vga->height;
        s->tex = SDL_CreateTexture(s->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                                   s->tw, s->th);
        SDL_RenderSetLogicalSize(s->ren, s->tw, s->th);
        SDL_SetWindowSize(s->win, s->tw, s->th);
        changed = true;
    }
    if (!s->tex || (!changed && !s->dirty))
        return;
    SDL_UpdateTexture(s->tex, NULL, s->vga->fb, s->tw * 4);
    SDL_SetRenderDrawColor(s->ren, 0, 0, 0, 255);
    SDL_RenderClear(s->ren);
    SDL_RenderCopy(s->ren, s->tex, NULL, NULL);
    if (s->readback)
        save_readback(s);
    SDL_RenderPresent(s->ren);
    s->dirty = false;
    s->shown_lines = s->vga->lines_drawn;
}

static unsigned sdl_button(uint8_t b)
{
    switch (b) {
    case SDL_BUTTON_LEFT: return PS2_MOUSE_LEFT;
    case SDL_BUTTON_MIDDLE: return PS2_MOUSE_MIDDLE;
    case SDL_BUTTON_RIGHT: return PS2_MOUSE_RIGHT;
    case SDL_BUTTON_X1: return PS2_MOUSE_BUTTON4;
    case SDL_BUTTON_X2: return PS2_MOUSE_BUTTON5;
    default: return 0;
    }
}

static void key_event(SdlUi *s, const SDL_KeyboardEvent *k)
{
    bool down = k->type == SDL_KEYDOWN;
    SDL_Keymod mod = SDL_GetModState();
    if (down && k->keysym.scancode == SDL_SCANCODE_G && (mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
        if (s->grabbed)
            grab(s, false);
        return;
    }
    uint16_t code = keymap_by_hid(k->keysym.scancode);
    if (code && s->kbd)
        ps2_kbd_key(s->kbd, code, down);
}

static void mouse_event(SdlUi *s, const SDL_Event *e)
{
    if (!s->mouse)
        return;
    switch (e->type) {
    case SDL_MOUSEBUTTONDOWN:
        if (!s->grabbed) {      /* the click that grabs is not the guest's */
            grab(s, true);
            return;
        }
        s->buttons |= sdl_button(e->button.button);
        ps2_mouse_move(s->mouse, 0, 0, 0, s->buttons);
        break;
    case SDL_MOUSEBUTTONUP:
        s->buttons &= ~sdl_button(e->button.button);
        if (s->grabbed)
            ps2_mouse_move(s->mouse, 0, 0, 0, s->buttons);
        break;
    case SDL_MOUSEMOTION:
        if (s->grabbed)
            ps2_mouse_move(s->mouse, e->motion.xrel, e->motion.yrel, 0, s->buttons);
        break;
    case SDL_MOUSEWHEEL: {
        /* SDL: y > 0 is away from the user; PS/2 dz > 0 is towards. */
        int y = e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y;
        if (s->grabbed && y)
            ps2_mouse_move(s->mouse, 0, 0, -y, s->buttons);
        break;
    }
    default:
        break;
    }
}

static void handle_events(SdlUi *s)
{
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT:
            machine_request_exit(s->m, 0);
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            key_event(s, &e.key);
            break;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST && s->grabbed)
                grab(s, false);
            s->dirty = true;
            break;
        default:
            mouse_event(s, &e);
            break;
        }
    }
}

static void tick(void *opaque)
{
    SdlUi *s = opaque;
    uint64_t n;
    if (read(s->tfd, &n, sizeof n) < 0) {
        /* Nothing to read (spurious wakeup): the next expiry comes. */
    }
    handle_events(s);
    set_title(s);
    refresh(s);
}

static void sdl_destroy(void *opaque)
{
    SdlUi *s = opaque;
    machine_unwatch_fd(s->m, s->tfd);
    close(s->tfd);
    if (s->tex)
        SDL_DestroyTexture(s->tex);
    SDL_DestroyRenderer(s->ren);
    SDL_DestroyWindow(s->win);
    SDL_Quit();
    free(s);
}

static void *device_opaque(Machine *m, const char *name)
{
    Device *d = machine_find_device(m, name);
    return d ? d->opaque : NULL;
}

int display_sdl_init(Machine *m)
{
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        fprintf(stderr, "tandem: -display sdl: %s\n", SDL_GetError());
        return -1;
    }
    SdlUi *s = calloc(1, sizeof *s);
    s->m = m;
    s->vga = device_opaque(m, "vga");
    s->kbd = device_opaque(m, "ps2-kbd");
    s->mouse = device_opaque(m, "ps2-mouse");
    s->readback = getenv("TANDEM_SDL_READBACK");
    s->win = SDL_CreateWindow("Tandem", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 640, 480,
                              SDL_WINDOW_RESIZABLE);
    s->ren = s->win ? SDL_CreateRenderer(s->win, -1, 0) : NULL;
    if (!s->ren && s->win)      /* no accelerated renderer: the software one */
        s->ren = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_SOFTWARE);
    s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    struct itimerspec its = { { 0, REFRESH_NS }, { 0, REFRESH_NS } };
    if (!s->ren || s->tfd < 0 || timerfd_settime(s->tfd, 0, &its, NULL) < 0) {
        fprintf(stderr, "tandem: -display sdl: cannot open the window: %s\n", SDL_GetError());
        if (s->win)
            SDL_DestroyWindow(s->win);
        if (s->tfd >= 0)
            close(s->tfd);
        free(s);
        SDL_Quit();
        return -1;
    }
    set_title(s);
    machine_watch_fd(m, s->tfd, tick, s);
    machine_add_device(m, "sdl-ui", NULL, s, NULL, sdl_destroy);
    return 0;
}
