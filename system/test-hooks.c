/* Test hooks: backend switches and snapshots at fixed virtual times, for the
 * scripts in tests/scripts (the monitor does the same at host-side times). */
#include "system/test-hooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system/snapshot.h"

typedef struct Hooks {
    Machine *m;
    Timer switch_timer, save_timer, quit_timer;
    uint64_t switch_ns;
    const char *save_file;
    unsigned switches;
} Hooks;

/* One machine per process: the hooks live as long as it. */
static Hooks hooks;

int test_hooks_parse(Config *cfg, const char *opt, const char *val)
{
    char *end;
    unsigned long ms = strtoul(val, &end, 0);
    if (!strcmp(opt, "-accel-switch-every") && *end == 0 && ms > 0) {
        cfg->accel_switch_ms = (unsigned)ms;
        return 0;
    }
    if (!strcmp(opt, "-quit-after") && *end == 0 && ms > 0) {
        cfg->quit_after_ms = (unsigned)ms;
        return 0;
    }
    if (*end == ',' && end[1] && !strcmp(opt, "-savevm-after")) {
        cfg->savevm_after_ms = (unsigned)ms;
        cfg->savevm_after_file = end + 1;
        return 0;
    }
    fprintf(stderr, "tandem: %s: bad value '%s'\n", opt, val);
    return -1;
}

static double ms_since(int64_t t0)
{
    return (double)(host_monotonic_ns() - t0) / 1e6;
}

static void switch_now(void *opaque)
{
    Hooks *h = opaque;
    Machine *m = h->m;
    const AccelOps *to = m->accel_ops == &accel_kvm_ops ? &accel_interp_ops : &accel_kvm_ops;
    char err[256];
    int64_t t0 = host_monotonic_ns();
    if (machine_switch_accel(m, to, err, sizeof err) < 0) {
        fprintf(stderr, "tandem: test-hook: cannot switch to %s: %s\n", to->name, err);
        return;   /* not re-armed */
    }
    h->switches++;
    fprintf(stderr, "tandem: test-hook: switch %u: now %s (%.3f ms)\n", h->switches, to->name,
            ms_since(t0));
    timer_mod(&h->switch_timer, clock_ns(&m->clock) + h->switch_ns);
}

static void save_now(void *opaque)
{
    Hooks *h = opaque;
    char err[512];
    int64_t t0 = host_monotonic_ns();
    if (snapshot_save(h->m, h->save_file, err, sizeof err) < 0)
        fprintf(stderr, "tandem: test-hook: savevm failed: %s\n", err);
    else
        fprintf(stderr, "tandem: test-hook: saved %s (%.3f ms)\n", h->save_file, ms_since(t0));
}

static void quit_now(void *opaque)
{
    Hooks *h = opaque;
    fprintf(stderr, "tandem: test-hook: quit\n");
    machine_request_exit(h->m, 0);
}

static void arm(Hooks *h, Timer *t, TimerCb cb, uint64_t ms)
{
    timer_init(t, &h->m->clock, cb, h);
    timer_mod(t, clock_ns(&h->m->clock) + ms * 1000000ull);
}

void test_hooks_install(Machine *m, const Config *cfg)
{
    Hooks *h = &hooks;
    h->m = m;
    if (cfg->accel_switch_ms) {
        h->switch_ns = cfg->accel_switch_ms * 1000000ull;
        arm(h, &h->switch_timer, switch_now, cfg->accel_switch_ms);
    }
    if (cfg->savevm_after_file) {
        h->save_file = cfg->savevm_after_file;
        arm(h, &h->save_timer, save_now, cfg->savevm_after_ms);
    }
    if (cfg->quit_after_ms)
        arm(h, &h->quit_timer, quit_now, cfg->quit_after_ms);
}
