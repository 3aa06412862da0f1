/* Character backends for serial ports, debug consoles and the monitor:
 * null, file:PATH (output only), stdio (the terminal, raw, with the Ctrl-A
 * escapes) and pty (a pseudo-terminal for another program to open).
 *
 * A device (the frontend) attaches with chardev_attach() and gets input
 * through its ChrFrontend: the backend hands over only what can_receive()
 * allows and holds the rest (for pipes and files it stops reading, so no
 * input is lost; a terminal keeps being read so the escapes always work).
 * When the frontend has room again it calls chardev_accept_input().
 *
 * The terminal is process state, not device state: the saved termios and
 * the signal handlers that restore it live here, once per process. */
#ifndef SYSTEM_CHARDEV_H
#define SYSTEM_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
struct Config;

typedef enum { CHR_NULL, CHR_FILE, CHR_STDIO, CHR_PTY, CHR_FD } ChardevKind;

typedef enum {
    CHR_EVENT_BREAK,
    CHR_EVENT_MUX_IN,       /* Ctrl-A c gave the terminal to the monitor */
    CHR_EVENT_MUX_OUT,      /* ... and back to the device */
} ChrEvent;

typedef struct ChrFrontend {
    int (*can_receive)(void *opaque);   /* bytes it can take now */
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void (*event)(void *opaque, ChrEvent ev);     /* may be NULL */
} ChrFrontend;

/* The Ctrl-A escape state of a multiplexed terminal. */
typedef struct ChrMux {
    bool escape;            /* Ctrl-A seen, the next byte is a command */
} ChrMux;

typedef enum {
    MUX_NONE,               /* the byte was consumed (escape, or unknown command) */
    MUX_SEND,               /* give the byte to the guest */
    MUX_QUIT,               /* Ctrl-A x */
    MUX_HELP,               /* Ctrl-A h */
    MUX_MONITOR,            /* Ctrl-A c */
    MUX_BREAK,              /* Ctrl-A b */
} MuxAction;

#define CHR_ESCAPE 0x01     /* Ctrl-A */
#define CHR_INBUF 4096

typedef struct Chardev {
    char id[32];
    char label[32];         /* "serial0": named in messages */
    ChardevKind kind;
    int out_fd;             /* -1: output is discarded */
    int in_fd;              /* -1 when there is no input */
    bool own_fds;           /* close them on chardev_close */
    bool mux;               /* Ctrl-A escapes on the input */
    bool signals;           /* stdio: keep ISIG (Ctrl-C ends the emulator) */
    bool in_is_tty;
    int pty_slave;          /* pty: our own slave descriptor, kept open */
    char pty_path[64];
    bool wrote;             /* output went out (pty: linger at close) */

    /* Input, once attached */
    Machine *m;
    const ChrFrontend *fe;
    void *fe_opaque;
    bool watched;           /* in_fd is in the machine's poll set */
    bool in_eof;
    bool raw_tty;           /* this chardev put the terminal in raw mode */
    ChrMux muxst;
    /* Ctrl-A c: the monitor sharing this terminal, and whether it has the
     * input now (the device's input is held meanwhile). */
    const ChrFrontend *mon_fe;
    void *mon_opaque;
    bool mon_focus;
    uint8_t inbuf[CHR_INBUF];
    size_t in_head, in_len;
} Chardev;

/* Parses "null", "file:PATH", "stdio", "pty" (the -serial/-debugcon syntax;
 * "none" is accepted as null).  label names it in messages ("serial0"; may be
 * NULL).  Returns NULL and prints one line on error. */
Chardev *chardev_open_spec_label(const char *spec, const char *label);
Chardev *chardev_open_spec(const char *spec);
/* Parses "-chardev BACKEND,id=ID[,path=PATH][,signal=on|off]" options. */
Chardev *chardev_open_opts(const char *opts);
/* A backend on descriptors the caller owns (tests, sockets): input from
 * in_fd (-1: none), output to out_fd (-1: discarded); mux: Ctrl-A escapes. */
Chardev *chardev_open_fds(int in_fd, int out_fd, bool mux);

/* Connects a frontend and starts reading input through m's main loop.
 * Returns -1 after printing one line if the input is taken (stdio used by
 * two devices). */
int chardev_attach(Chardev *c, Machine *m, const ChrFrontend *fe, void *opaque);
/* The frontend has room again: deliver held input, resume reading. */
void chardev_accept_input(Chardev *c);
/* Makes fe (the monitor) the second frontend of a multiplexed terminal:
 * Ctrl-A c switches the input between the device and fe, telling fe with
 * CHR_EVENT_MUX_IN/OUT.  fe's can_receive is not asked: it takes all. */
void chardev_set_mux_monitor(Chardev *c, const ChrFrontend *fe, void *opaque);
/* The stdio chardev reading the terminal (attached), or NULL. */
Chardev *chardev_stdio_owner(void);

/* Writes all of buf, waiting for the descriptor if it must (debug consoles). */
void chardev_write(Chardev *c, const uint8_t *buf, size_t len);
/* Offers one byte without ever blocking.  True if it was taken (or
 * discarded: null, a pty nobody reads, a broken pipe), false if the
 * descriptor is full now and the byte should be offered again later. */
bool chardev_try_write(Chardev *c, uint8_t byte);
void chardev_close(Chardev *c);

/* The Ctrl-A state machine: what byte b means, given the state in x. */
MuxAction chr_mux_byte(ChrMux *x, uint8_t b);
/* The text Ctrl-A h prints. */
const char *chr_mux_help(void);

/* The -serial backends in COM order: the -serial options without "none",
 * or the default (COM1 on stdio under -nographic, else on null).  Returns
 * the count (0..4). */
int chardev_serial_specs(const struct Config *cfg, const char *specs[4]);

#endif
