/* Character backends for serial ports, debug consoles and the monitor:
 * file:PATH, stdio, null (more come with the UART work: pty). */
#ifndef SYSTEM_CHARDEV_H
#define SYSTEM_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { CHR_NULL, CHR_FILE, CHR_STDIO } ChardevKind;

typedef struct Chardev {
    char id[32];
    ChardevKind kind;
    int out_fd;
    int in_fd;              /* -1 when there is no input */
} Chardev;

/* Parses "file:PATH", "stdio", "null" (the -serial/-debugcon syntax).
 * Returns NULL and prints one line on error. */
Chardev *chardev_open_spec(const char *spec);
/* Parses "-chardev BACKEND,id=ID,path=PATH" options. */
Chardev *chardev_open_opts(const char *opts);
void chardev_write(Chardev *c, const uint8_t *buf, size_t len);
void chardev_close(Chardev *c);

#endif
