/* Debug logging, selected with -d ITEMS and sent to -D FILE (default stderr).
 * This is process configuration, not device state, so it is the one global. */
#ifndef SYSTEM_LOG_H
#define SYSTEM_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum {
    LOG_IN_ASM = 1u << 0,       /* every executed instruction, disassembled */
    LOG_INT = 1u << 1,          /* interrupts and exceptions */
    LOG_CPU = 1u << 2,          /* CPU registers before each traced instruction */
    LOG_GUEST_ERRORS = 1u << 3, /* guest did something invalid (unassigned I/O...) */
    LOG_UNIMP = 1u << 4,        /* guest used something not implemented */
    LOG_EXEC = 1u << 5,         /* every executed block (address only) */
    LOG_IOPORT = 1u << 6,       /* every port access */
};

extern unsigned log_mask;

/* Parses "in_asm,int,..." into log_mask; returns -1 and names the bad item on error. */
int log_parse_items(const char *items);
const char *log_items_help(void);
/* Opens FILE for the log (NULL: stderr).  Returns -1 on error (errno set). */
int log_set_file(const char *path);
FILE *log_file(void);
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char *fmt, va_list ap);
void log_flush(void);

#define log_enabled(m) (__builtin_expect(log_mask & (m), 0))
#define guest_error(...) do { if (log_enabled(LOG_GUEST_ERRORS)) log_printf(__VA_ARGS__); } while (0)
#define log_unimp(...) do { if (log_enabled(LOG_UNIMP)) log_printf(__VA_ARGS__); } while (0)

#endif
