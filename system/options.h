/* Command line, QEMU-style: -m, -bios, -accel, -d/-D, -debugcon, -chardev,
 * -device, -nographic, -display, -no-reboot, -S, -smp, -icount ... */
#ifndef SYSTEM_OPTIONS_H
#define SYSTEM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_LIST_OPTS 16

typedef struct Config {
    const char *bios;
    const char *kernel;         /* -kernel: Linux bzImage or Multiboot kernel */
    const char *initrd;         /* -initrd FILE[,FILE...] */
    const char *append;         /* -append: kernel command line */
    uint64_t ram_size;
    const char *accel;          /* NULL: default */
    int smp;
    bool no_reboot;
    bool start_stopped;         /* -S */
    bool nographic;
    const char *display;        /* "none", "sdl"... */
    const char *vga;            /* -vga std|none (NULL: std) */
    const char *debugcon;       /* -debugcon SPEC */
    const char *chardevs[MAX_LIST_OPTS];
    int nchardevs;
    const char *devices[MAX_LIST_OPTS];
    int ndevices;
    const char *serials[4];
    int nserials;
    const char *monitors[2];    /* -monitor stdio|unix:PATH,server[,nowait]|none */
    int nmonitors;
    const char *drives[MAX_LIST_OPTS];  /* -drive specs; -hda..-hdd and -cdrom become ones */
    int ndrives;
    const char *boot;           /* -boot [order=]LETTERS[,menu=on|off] */
    bool snapshot;              /* -snapshot: every drive writes to a temporary overlay */
    const char *log_items;
    const char *log_file;
    const char *loadvm;         /* -loadvm FILE */
    /* Test hooks (system/test-hooks.c): switch backends every N ms of
     * virtual time; save a snapshot after N ms; quit after N ms (with
     * -icount: a fixed instruction count, for benchmarks). */
    unsigned accel_switch_ms;
    unsigned savevm_after_ms;
    const char *savevm_after_file;
    unsigned quit_after_ms;
    int icount_shift;           /* -1: host clock */
    bool icount_sleep;
} Config;

/* Parses argv into cfg. Returns 0, or prints one line and returns -1 on error;
 * returns 1 when the command was informational (-h, -version, -d help). */
int options_parse(Config *cfg, int argc, char **argv);
/* Parses a size such as 128, 128M, 2G (MiB when no suffix). */
bool parse_size(const char *s, uint64_t *out);
/* Value of key=... in a comma-separated option list. */
bool opt_value(const char *opts, const char *key, char *buf, unsigned len);

#endif
