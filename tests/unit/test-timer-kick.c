/* machine_run() with a fake CPU backend: a timer that a device arms while the
 * backend runs (as the UART does on a THR write) and that is due before the
 * run's deadline must stop the backend, so the timer fires on time; a timer
 * armed from the main loop must not. */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "hw/machine.h"
#include "tests/unit/test.h"

static Machine m;
static uint64_t icount;
static Timer dev_timer, arm_timer;
static int kicks, runs, kicks_before_fire;
static bool kicked;
static uint64_t fired_at, armed_at;
static int arm_in_run;          /* 1: the next run() arms the device timer */

static void *fake_create(Machine *mm, char *err, size_t n) { return &kicked; }
static void fake_destroy(void *a) {}
static void fake_kick(void *a)
{
    kicks++;
    kicked = true;
}

/* One "instruction" per ns; at the 5th, an I/O handler arms a timer 50 ns on. */
static AccelExit fake_run(void *a, uint64_t deadline)
{
    runs++;
    for (int n = 0;; n++) {
        if (kicked) {
            kicked = false;
            return ACCEL_EXIT_REQUEST;
        }
        if (clock_ns(&m.clock) >= deadline)
            return ACCEL_EXIT_DEADLINE;
        if (n == 5 && arm_in_run) {
            arm_in_run = 0;
            armed_at = clock_ns(&m.clock);
            timer_mod(&dev_timer, armed_at + 50);
        }
        icount++;
    }
}

static const AccelOps fake_ops = {
    .name = "fake", .create = fake_create, .destroy = fake_destroy, .run = fake_run,
    .kick = fake_kick,
};

static void noop(void *opaque) {}

static void dev_fired(void *opaque)
{
    fired_at = clock_ns(&m.clock);
    kicks_before_fire = kicks;      /* machine_request_exit() kicks too */
    machine_request_exit(&m, 7);
}

/* From the main loop (a timer callback): arms the device timer, no kick. */
static void arm_from_loop(void *opaque)
{
    int before = kicks;
    armed_at = clock_ns(&m.clock);
    timer_mod(&dev_timer, armed_at + 50);
    CHECK_EQ(kicks, before);
}

static void setup(void)
{
    machine_init(&m);
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    m.accel_ops = &fake_ops;
    m.accel = &kicked;
    timer_init(&dev_timer, &m.clock, dev_fired, NULL);
    timer_init(&arm_timer, &m.clock, arm_from_loop, NULL);
    kicks = runs = 0;
    kicked = false;
    fired_at = armed_at = 0;
}

int main(void)
{
    /* Armed inside run(): the backend is kicked and the timer runs on time,
     * not at the run's deadline (10 ms away). */
    setup();
    arm_in_run = 1;
    CHECK_EQ(machine_run(&m), 7);
    CHECK_EQ(kicks_before_fire, 1);
    CHECK_EQ(armed_at, 5);
    CHECK_EQ(fired_at, 55);
    machine_destroy(&m);

    /* Armed inside run() but behind an earlier timer (which bounds the run
     * already): no kick, and both fire on time. */
    setup();
    arm_in_run = 1;
    Timer early;
    timer_init(&early, &m.clock, noop, NULL);
    timer_mod(&early, 30);
    CHECK_EQ(machine_run(&m), 7);
    CHECK_EQ(kicks_before_fire, 0);
    CHECK_EQ(fired_at, 55);
    machine_destroy(&m);

    /* Armed from the main loop (a timer callback): no kick. */
    setup();
    arm_in_run = 0;
    timer_mod(&arm_timer, 20);
    CHECK_EQ(machine_run(&m), 7);
    CHECK_EQ(kicks_before_fire, 0);
    CHECK_EQ(armed_at, 20);
    CHECK_EQ(fired_at, 70);
    machine_destroy(&m);
    return test_main_result("test-timer-kick");
}
