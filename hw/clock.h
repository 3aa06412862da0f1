/* The virtual clock: one time base in nanoseconds for every device, and timers
 * with deadlines.  Devices never read host time: they ask clock_ns(), and the RTC
 * gets its wall-clock base from clock_epoch_ns() so record/replay can log it.
 *
 * Where the time comes from is the clock's source: under the interpreter it can be
 * the instruction count (deterministic), under KVM the host's monotonic clock. */
#ifndef HW_CLOCK_H
#define HW_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Clock Clock;
typedef void (*TimerCb)(void *opaque);

typedef struct Timer {
    Clock *clock;
    TimerCb cb;
    void *opaque;
    uint64_t deadline;        /* ns; valid when active */
    bool active;
    struct Timer *next;
} Timer;

typedef enum {
    CLOCK_SRC_HOST,           /* host monotonic time, paused when the VM is stopped */
    CLOCK_SRC_ICOUNT,         /* instruction count << shift, plus idle skips */
} ClockSource;

struct Clock {
    ClockSource source;
    unsigned icount_shift;    /* ns per instruction = 1 << shift */
    bool icount_sleep;        /* when idle, wait for the deadline in host time */
    /* CLOCK_SRC_HOST: virtual = host_now - host_offset (offset grows while stopped) */
    int64_t host_offset;
    bool running;
    int64_t stopped_at;       /* virtual time frozen while stopped */
    /* CLOCK_SRC_ICOUNT: virtual = icount_base_ns + (*icount - icount_base) << shift */
    const uint64_t *icount;   /* the CPU's retired-instruction counter */
    uint64_t icount_base;
    uint64_t icount_base_ns;
    int64_t epoch_ns;         /* wall-clock time (ns since 1970) at virtual 0 */
    Timer *timers;            /* sorted by deadline */
    /* Called when timer_mod() gives the clock a new earliest deadline: a CPU
     * backend running towards a later one must come back sooner (set by
     * machine_run(); clock_init() clears it). */
    void (*on_earlier_deadline)(void *opaque);
    void *on_earlier_deadline_opaque;
};

void clock_init(Clock *c, ClockSource src, int64_t epoch_ns);
uint64_t clock_ns(Clock *c);
int64_t clock_epoch_ns(Clock *c);
/* Host monotonic time in ns (for the main loop and benchmarks, not devices). */
int64_t host_monotonic_ns(void);
int64_t host_realtime_ns(void);
void clock_set_icount_counter(Clock *c, const uint64_t *icount);
/* ICOUNT source: move virtual time forward to t (the CPU was idle). */
void clock_skip_to(Clock *c, uint64_t t);
/* Makes the virtual time t from now on, either source, running or stopped
 * (snapshot load: the saved timers' deadlines are in the saved time base). */
void clock_set_ns(Clock *c, uint64_t t);
/* Stop/start the flow of virtual time (monitor stop/cont). */
void clock_pause(Clock *c);
void clock_resume(Clock *c);

void timer_init(Timer *t, Clock *c, TimerCb cb, void *opaque);
void timer_mod(Timer *t, uint64_t deadline_ns);
void timer_del(Timer *t);
static inline bool timer_pending(const Timer *t) { return t->active; }
/* Earliest deadline, or UINT64_MAX with no active timer. */
uint64_t clock_next_deadline(Clock *c);
/* Runs every timer whose deadline has passed; returns how many ran. */
int clock_run_timers(Clock *c);

#endif
