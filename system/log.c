#include "system/log.h"

#include <stdlib.h>
#include <string.h>

unsigned log_mask;
static FILE *log_fp;

static const struct { const char *name; unsigned bit; const char *help; } log_items[] = {
    { "in_asm", LOG_IN_ASM, "each executed instruction, disassembled" },
    { "int", LOG_INT, "interrupts and exceptions" },
    { "cpu", LOG_CPU, "registers before each traced instruction" },
    { "guest_errors", LOG_GUEST_ERRORS, "invalid guest actions (unassigned I/O, bad DMA...)" },
    { "unimp", LOG_UNIMP, "features the guest used that are not implemented" },
    { "exec", LOG_EXEC, "each executed block" },
    { "ioport", LOG_IOPORT, "each port I/O access" },
};

int log_parse_items(const char *items)
{
    char buf[256];
    if (strlen(items) >= sizeof buf)
        return -1;
    strcpy(buf, items);
    unsigned mask = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof log_items / sizeof log_items[0]; i++)
            if (!strcmp(tok, log_items[i].name))
                bit = log_items[i].bit;
        if (!strcmp(tok, "all"))
            bit = ~0u;
        if (!bit) {
            fprintf(stderr, "tandem: unknown -d item '%s' (try -d help)\n", tok);
            return -1;
        }
        mask |= bit;
    }
    log_mask = mask;
    return 0;
}

const char *log_items_help(void)
{
    static char buf[1024];
    size_t n = 0;
    n += snprintf(buf + n, sizeof buf - n, "Log items (comma separated):\n");
    for (size_t i = 0; i < sizeof log_items / sizeof log_items[0]; i++)
        n += snprintf(buf + n, sizeof buf - n, "  %-13s %s\n", log_items[i].name, log_items[i].help);
    snprintf(buf + n, sizeof buf - n, "  %-13s %s\n", "all", "everything");
    return buf;
}

int log_set_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    if (log_fp && log_fp != stderr)
        fclose(log_fp);
    log_fp = f;
    return 0;
}

FILE *log_file(void)
{
    return log_fp ? log_fp : stderr;
}

void log_vprintf(const char *fmt, va_list ap)
{
    vfprintf(log_file(), fmt, ap);
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}

void log_flush(void)
{
    fflush(log_file());
}
