/* Monitor internals shared by the monitor/ files: sessions, the command tables and
 * helpers for commands. */
#ifndef MONITOR_MONITOR_INT_H
#define MONITOR_MONITOR_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu-state.h"
#include "hw/machine.h"
#include "monitor/monitor.h"

#define MON_LINE_MAX 256
#define MON_HISTORY 32
#define MON_MAX_SESSIONS 4
#define MON_MAX_BP 4            /* what both backends take (KVM: DR0-3) */
#define MON_PROMPT "(tandem) "

struct Chardev;

/* One console: a terminal (through a Chardev) or a socket client. */
typedef struct MonSession {
    Monitor *mon;
    struct Chardev *chr;        /* output through chardev_write, or */
    int fd;                     /* a socket client (-1: none) */
    int listen_fd;              /* unix: the listening socket (-1: none) */
    char path[108];             /* unix: the socket file (removed at exit) */
    bool echo;                  /* a terminal: echo and edit the line */
    bool active;                /* has a console now (mux focus, client) */
    char line[MON_LINE_MAX];
    size_t len;
    int esc;                    /* 0, 1 after ESC, 2 inside ESC [ ... */
    bool last_cr;
    char hist[MON_HISTORY][MON_LINE_MAX];
    int nhist, hpos;
} MonSession;

struct Monitor {
    Machine *m;
    MonSession *sess[MON_MAX_SESSIONS];
    int nsess;
    uint64_t bp[MON_MAX_BP];    /* linear addresses */
    int nbp;
    char last_fmt;              /* x/xp: the last format and size (QEMU) */
    unsigned last_size;
};

typedef struct MonCmd {
    const char *name;
    const char *args;           /* usage, for help */
    const char *help;
    void (*fn)(Monitor *mon, FILE *out, int argc, char **argv);
} MonCmd;

extern const MonCmd mon_info_cmds[];     /* mon-info.c */

/* Runs one command line; output (one line for errors) goes to out. */
void mon_execute(Monitor *mon, FILE *out, char *line);
/* Text to every session that has a console (breakpoint hits), then the prompt. */
void mon_broadcast(Monitor *mon, const char *text);

/* The CPU state from the backend (the CPU is stopped between runs). */
void mon_cpu_state(Monitor *mon, CpuState *s);
/* 16, 32 or 64: the code size of CS in the current mode. */
int mon_cpu_bits(const CpuState *s);
/* Linear address of CS:RIP. */
uint64_t mon_cpu_pc(const CpuState *s);
/* Address expression: NUMBER (0x.. hex, else decimal), $REG ($pc is the
 * linear CS:RIP), joined with + and -.  False after a one-line error. */
bool mon_parse_addr(Monitor *mon, const char *text, uint64_t *val, FILE *out);
/* One line "ADDR:  bytes  mnemonic" for the instruction at linear pc. */
void mon_disas_line(Monitor *mon, FILE *out, uint64_t pc, int bits);
/* Guest memory into buf (virt: linear addresses through the CPU's paging).
 * MMIO is not read (devices have read side effects).  False after a
 * one-line error to out (none when out is NULL). */
bool mon_read_mem(Monitor *mon, uint64_t addr, bool virt, uint8_t *buf, size_t len, FILE *out);

/* Commands in other files */
void mon_cmd_x(Monitor *mon, FILE *out, int argc, char **argv);         /* mon-mem.c */
void mon_info_registers(Monitor *mon, FILE *out, int argc, char **argv); /* mon-regs.c */
void mon_info_fpu(Monitor *mon, FILE *out, int argc, char **argv);
void mon_dump_cpu(const CpuState *s, FILE *out, bool fpu);

#endif
