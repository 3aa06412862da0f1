/* Device tests run on an icount clock whose count the test owns (*now, one
 * count = 1 ns): test_clock_advance() moves it to ns, firing every timer at
 * its own deadline on the way, as the main loop would. */
#ifndef TESTS_UNIT_TEST_CLOCK_H
#define TESTS_UNIT_TEST_CLOCK_H

#include <stdint.h>

#include "hw/clock.h"

static inline void test_clock_advance(Clock *clock, uint64_t *now, uint64_t ns)
{
    for (;;) {
        uint64_t d = clock_next_deadline(clock);
        if (d > ns)
            break;
        if (d > *now)
            *now = d;
        clock_run_timers(clock);
    }
    if (ns > *now)
        *now = ns;
    clock_run_timers(clock);
}

#endif
