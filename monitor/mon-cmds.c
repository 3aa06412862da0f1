/* The monitor's command table, its dispatcher and `help`, and the commands
 * that control the machine: stop/cont/step, breakpoints, reset, quit. */
#include "monitor/monitor-int.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/disas.h"
#include "hw/machine.h"
#include "system/snapshot.h"
#include "ui/keymap.h"
#include "ui/screendump.h"

#define MON_MAX_ARGS 8

static void cmd_help(Monitor *mon, FILE *out, int argc, char **argv);
static void cmd_info(Monitor *mon, FILE *out, int argc, char **argv);

/* ---- CPU helpers ---- */

void mon_cpu_state(Monitor *mon, CpuState *s)
{
    mon->m->accel_ops->get_state(mon->m->accel, s);
}

int mon_cpu_bits(const CpuState *s)
{
    const SegCache *cs = &s->seg[SEG_CS];
    if ((s->efer & EFER_LMA) && (cs->attr & SA_L))
        return 64;
    if ((s->cr0 & CR0_PE) && !(s->rflags & F_VM) && (cs->attr & SA_DB))
        return 32;
    return 16;
}

uint64_t mon_cpu_pc(const CpuState *s)
{
    uint64_t pc = s->seg[SEG_CS].base + s->rip;
    return (s->efer & EFER_LMA) ? pc : (uint32_t)pc;
}

void mon_disas_line(Monitor *mon, FILE *out, uint64_t pc, int bits)
{
    uint8_t code[16];
    char text[128];
    /* The last bytes before a hole: as many as can be read. */
    size_t n = sizeof code;
    while (n && !mon_read_mem(mon, pc, true, code, n, NULL))
        n--;
    if (!n) {
        fprintf(out, "0x%0*llx:  (not readable)\n", bits == 64 ? 16 : 8, (unsigned long long)pc);
        return;
    }
    disas_one(code, n, pc, bits, text, sizeof text);
    fprintf(out, "0x%0*llx:  %s\n", bits == 64 ? 16 : 8, (unsigned long long)pc, text);
}

/* ---- execution control ---- */

/* Tells the backend the breakpoints and whether to single-step. */
static bool apply_debug(Monitor *mon, bool step, FILE *out)
{
    Machine *m = mon->m;
    if (!m->accel_ops->set_debug ||
        m->accel_ops->set_debug(m->accel, step ? NULL : mon->bp, step ? 0 : mon->nbp, step) < 0) {
        fprintf(out, "the %s backend cannot %s\n", m->accel_ops->name,
                step ? "single-step" : "set these breakpoints");
        return false;
    }
    return true;
}

/* Runs one instruction right here (the main loop is waiting for us; the
 * clock is paused).  Returns the exit that ended it: DEBUG after a step. */
static AccelExit step_one(Monitor *mon)
{
    Machine *m = mon->m;
    AccelExit e = ACCEL_EXIT_REQUEST;
    /* A kick still pending from `stop` ends the first run at once. */
    for (int tries = 0; tries < 8 && e == ACCEL_EXIT_REQUEST; tries++) {
        m->in_accel = true;
        e = m->accel_ops->run(m->accel, clock_ns(&m->clock) + 1000000000ull);
        m->in_accel = false;
        if (e == ACCEL_EXIT_DEADLINE)
            e = ACCEL_EXIT_REQUEST;
    }
    return e;
}

static bool at_breakpoint(Monitor *mon)
{
    CpuState s;
    mon_cpu_state(mon, &s);
    uint64_t pc = mon_cpu_pc(&s);
    for (int i = 0; i < mon->nbp; i++)
        if (mon->bp[i] == pc)
            return true;
    return false;
}

static void cmd_stop(Monitor *mon, FILE *out, int argc, char **argv)
{
    machine_pause(mon->m);
}

static void cmd_cont(Monitor *mon, FILE *out, int argc, char **argv)
{
    if (!mon->m->paused)
        return;
    /* Resuming at a breakpoint: execute its instruction first (as gdb does). */
    if (mon->nbp && at_breakpoint(mon)) {
        if (!apply_debug(mon, true, out))
            return;
        step_one(mon);
    }
    if (apply_debug(mon, false, out))
        machine_resume(mon->m);
}

static void cmd_step(Monitor *mon, FILE *out, int argc, char **argv)
{
    long n = 1;
    if (argc > 1) {
        char *end;
        n = strtol(argv[1], &end, 0);
        if (*end || n < 1 || n > 1000000) {
            fprintf(out, "step: bad count '%s' (1..1000000)\n", argv[1]);
            return;
        }
    }
    machine_pause(mon->m);
    if (!apply_debug(mon, true, out))
        return;
    const char *why = NULL;
    for (long i = 0; i < n && !why; i++) {
        AccelExit e = step_one(mon);
        if (e == ACCEL_EXIT_HALT)
            why = "halted";
        else if (e == ACCEL_EXIT_SHUTDOWN) {
            why = "triple fault: the machine resets";
            machine_request_reset(mon->m);
        } else if (e != ACCEL_EXIT_DEBUG)
            why = "the backend did not step";
    }
    apply_debug(mon, false, out);
    if (why)
        fprintf(out, "step: %s\n", why);
    CpuState s;
    mon_cpu_state(mon, &s);
    mon_disas_line(mon, out, mon_cpu_pc(&s), mon_cpu_bits(&s));
}

static void cmd_break(Monitor *mon, FILE *out, int argc, char **argv)
{
    uint64_t a;
    if (argc != 2) {
        fprintf(out, "break: usage: break ADDR (a linear address, e.g. 0xf0100 or $pc+4)\n");
        return;
    }
    if (!mon_parse_addr(mon, argv[1], &a, out))
        return;
    if (mon->nbp == MON_MAX_BP) {
        fprintf(out, "break: at most %d breakpoints\n", MON_MAX_BP);
        return;
    }
    mon->bp[mon->nbp++] = a;
    if (!apply_debug(mon, false, out)) {
        mon->nbp--;
        return;
    }
    fprintf(out, "breakpoint %d at 0x%llx\n", mon->nbp, (unsigned long long)a);
}

static void cmd_delete(Monitor *mon, FILE *out, int argc, char **argv)
{
    if (argc == 1) {
        mon->nbp = 0;
    } else {
        char *end;
        long n = strtol(argv[1], &end, 0);
        if (*end || n < 1 || n > mon->nbp) {
            fprintf(out, "delete: no breakpoint '%s' (info breakpoints lists them)\n", argv[1]);
            return;
        }
        memmove(&mon->bp[n - 1], &mon->bp[n], (size_t)(mon->nbp - n) * sizeof mon->bp[0]);
        mon->nbp--;
    }
    apply_debug(mon, false, out);
}

static void cmd_system_reset(Monitor *mon, FILE *out, int argc, char **argv)
{
    machine_request_reset(mon->m);
}

/* screendump FILE / sendkey KEYS: the display and keyboard (ui/). */
static void cmd_ui(Monitor *mon, FILE *out, int argc, char **argv)
{
    bool dump = !strcmp(argv[0], "screendump");
    if (argc != 2) {
        fprintf(out, "%s: usage: %s %s\n", argv[0], argv[0], dump ? "FILE.png" : "KEY[-KEY...]");
        return;
    }
    char err[256];
    if ((dump ? screendump(mon->m, argv[1], err, sizeof err)
              : keymap_sendkey(mon->m, argv[1], err, sizeof err)) < 0)
        fprintf(out, "%s: %s\n", argv[0], err);
}

static void cmd_quit(Monitor *mon, FILE *out, int argc, char **argv)
{
    machine_request_exit(mon->m, 0);
}

/* accel interp|kvm: machine_switch_accel() carries the CPU over; the
 * breakpoints go to the new backend. */
static void cmd_accel(Monitor *mon, FILE *out, int argc, char **argv)
{
    Machine *m = mon->m;
    if (argc != 2) {
        fprintf(out, "accel: usage: accel interp|kvm (now: %s)\n", m->accel_ops->name);
        return;
    }
    const AccelOps *to = accel_find(argv[1]);
    if (!to) {
        fprintf(out, "accel: unknown accelerator '%s' (interp, kvm)\n", argv[1]);
        return;
    }
    char err[256];
    if (machine_switch_accel(m, to, err, sizeof err) < 0) {
        fprintf(out, "accel: cannot switch to %s: %s\n", to->name, err);
        return;
    }
    if (mon->nbp)
        apply_debug(mon, false, out);
    fprintf(out, "accelerator: %s\n", m->accel_ops->name);
}

/* savevm FILE / loadvm FILE: whole-machine snapshots (system/snapshot.c). */
static void cmd_snapshot(Monitor *mon, FILE *out, int argc, char **argv)
{
    bool save = !strcmp(argv[0], "savevm");
    if (argc != 2) {
        fprintf(out, "%s: usage: %s FILE\n", argv[0], argv[0]);
        return;
    }
    char err[256];
    int r = save ? snapshot_save(mon->m, argv[1], err, sizeof err)
                 : snapshot_load(mon->m, argv[1], err, sizeof err);
    if (r < 0)
        fprintf(out, "%s: %s\n", argv[0], err);
}

static const MonCmd mon_cmds[] = {
    { "help", "[COMMAND]", "list the commands, or explain one", cmd_help },
    { "info", "WHAT", "show machine state ('info' alone lists what)", cmd_info },
    { "x", "/FMT ADDR", "virtual memory dump: FMT = [count][x|d|u|o|c|i|s][b|h|w|g]", mon_cmd_x },
    { "xp", "/FMT ADDR", "physical memory dump (same FMT as x)", mon_cmd_x },
    { "stop", "", "stop the CPU (and virtual time)", cmd_stop },
    { "cont", "", "resume the CPU (alias c)", cmd_cont },
    { "c", "", "resume the CPU", cmd_cont },
    { "step", "[N]", "stop, execute N instructions (1), show the next one", cmd_step },
    { "break", "ADDR", "breakpoint at a linear address (CS base + IP)", cmd_break },
    { "delete", "[N]", "delete breakpoint N, or all", cmd_delete },
    { "system_reset", "", "reset the machine", cmd_system_reset },
    { "accel", "interp|kvm", "switch the CPU backend", cmd_accel },
    { "savevm", "FILE", "save the machine to FILE", cmd_snapshot },
    { "loadvm", "FILE", "restore the machine from FILE", cmd_snapshot },
    { "screendump", "FILE", "save the display as a PNG image", cmd_ui },
    { "sendkey", "KEYS", "press and release keys, e.g. ctrl-alt-delete", cmd_ui },
    { "quit", "", "exit the emulator (alias q)", cmd_quit },
    { "q", "", "exit the emulator", cmd_quit },
    { NULL, NULL, NULL, NULL },
};

static const MonCmd *find_cmd(const MonCmd *t, const char *name, size_t len)
{
    for (; t->name; t++)
        if (strlen(t->name) == len && !strncmp(t->name, name, len))
            return t;
    return NULL;
}

static void print_cmds(FILE *out, const MonCmd *t, const char *prefix)
{
    for (; t->name; t++) {
        char usage[64];
        snprintf(usage, sizeof usage, "%s%s%s%s", prefix, t->name,
                 t->args[0] && t->args[0] != '/' ? " " : "", t->args);
        fprintf(out, "%-28s -- %s\n", usage, t->help);
    }
}

static void cmd_help(Monitor *mon, FILE *out, int argc, char **argv)
{
    if (argc < 2) {
        print_cmds(out, mon_cmds, "");
        return;
    }
    const MonCmd *c = find_cmd(mon_cmds, argv[1], strlen(argv[1]));
    if (!c) {
        fprintf(out, "help: unknown command '%s'\n", argv[1]);
        return;
    }
    if (c->fn == cmd_info)
        print_cmds(out, mon_info_cmds, "info ");
    else
        fprintf(out, "%s%s%s -- %s\n", c->name, c->args[0] && c->args[0] != '/' ? " " : "",
                c->args, c->help);
}

static void cmd_info(Monitor *mon, FILE *out, int argc, char **argv)
{
    if (argc < 2) {
        print_cmds(out, mon_info_cmds, "info ");
        return;
    }
    const MonCmd *c = find_cmd(mon_info_cmds, argv[1], strlen(argv[1]));
    if (!c) {
        fprintf(out, "info: unknown item '%s' (try 'info')\n", argv[1]);
        return;
    }
    c->fn(mon, out, argc - 1, argv + 1);
}

void mon_execute(Monitor *mon, FILE *out, char *line)
{
    char *argv[MON_MAX_ARGS + 1];
    int argc = 0;
    for (char *t = strtok(line, " \t"); t; t = strtok(NULL, " \t")) {
        if (argc == MON_MAX_ARGS) {
            fprintf(out, "too many arguments\n");
            return;
        }
        argv[argc++] = t;
    }
    argv[argc] = NULL;
    if (!argc)
        return;
    /* x/FMT: the name ends at the slash. */
    const MonCmd *c = find_cmd(mon_cmds, argv[0], strcspn(argv[0], "/"));
    if (!c || (strchr(argv[0], '/') && c->fn != mon_cmd_x)) {
        fprintf(out, "unknown command: '%s' (try 'help')\n", argv[0]);
        return;
    }
    c->fn(mon, out, argc, argv);
}
