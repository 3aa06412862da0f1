/* Hidden command-line hooks for tests and benchmarks of backend switching and
 * snapshots, driven by the virtual clock from the main loop (where the CPU is
 * stopped, as for the monitor's commands):
 *   -accel-switch-every MS   switch interp <-> kvm every MS ms
 *   -savevm-after MS,FILE    savevm FILE once, after MS ms
 *   -quit-after MS           quit (status 0) after MS ms; with -icount
 *                            shift=N,sleep=off that is a fixed instruction
 *                            count: a repeatable workload for profilers
 * Each action prints one line on stderr ("tandem: test-hook: ...") with the
 * host time it took. */
#ifndef SYSTEM_TEST_HOOKS_H
#define SYSTEM_TEST_HOOKS_H

#include "hw/machine.h"
#include "system/options.h"

/* Parses the value of one of the options above into cfg; -1 after a message. */
int test_hooks_parse(Config *cfg, const char *opt, const char *val);
/* Arms the hooks cfg asks for (after -loadvm: the timers use its time base). */
void test_hooks_install(Machine *m, const Config *cfg);

#endif
