#include "hw/clock.h"

#include <time.h>

int64_t host_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t host_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void clock_init(Clock *c, ClockSource src, int64_t epoch_ns)
{
    *c = (Clock){ 0 };
    c->source = src;
    c->epoch_ns = epoch_ns;
    c->host_offset = host_monotonic_ns();
    c->running = true;
}

void clock_set_icount_counter(Clock *c, const uint64_t *icount)
{
    uint64_t now = c->icount ? clock_ns(c) : c->icount_base_ns;
    c->icount = icount;
    c->icount_base = icount ? *icount : 0;
    c->icount_base_ns = now;
}

uint64_t clock_ns(Clock *c)
{
    if (c->source == CLOCK_SRC_ICOUNT) {
        if (!c->icount)
            return c->icount_base_ns;
        return c->icount_base_ns + ((*c->icount - c->icount_base) << c->icount_shift);
    }
    if (!c->running)
        return (uint64_t)c->stopped_at;
    return (uint64_t)(host_monotonic_ns() - c->host_offset);
}

int64_t clock_epoch_ns(Clock *c)
{
    return c->epoch_ns;
}

void clock_skip_to(Clock *c, uint64_t t)
{
    if (c->source != CLOCK_SRC_ICOUNT)
        return;
    uint64_t now = clock_ns(c);
    if (t > now)
        c->icount_base_ns += t - now;
}

void clock_set_ns(Clock *c, uint64_t t)
{
    if (c->source == CLOCK_SRC_ICOUNT) {
        c->icount_base = c->icount ? *c->icount : 0;
        c->icount_base_ns = t;
    } else if (c->running) {
        c->host_offset = host_monotonic_ns() - (int64_t)t;
    } else {
        c->stopped_at = (int64_t)t;
    }
}

void clock_pause(Clock *c)
{
    if (!c->running || c->source != CLOCK_SRC_HOST)
        return;
    c->stopped_at = (int64_t)clock_ns(c);
    c->running = false;
}

void clock_resume(Clock *c)
{
    if (c->running || c->source != CLOCK_SRC_HOST)
        return;
    c->host_offset = host_monotonic_ns() - c->stopped_at;
    c->running = true;
}

void timer_init(Timer *t, Clock *c, TimerCb cb, void *opaque)
{
    *t = (Timer){ .clock = c, .cb = cb, .opaque = opaque };
}

void timer_del(Timer *t)
{
    if (!t->active)
        return;
    for (Timer **pp = &t->clock->timers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->active = false;
    t->next = NULL;
}

void timer_mod(Timer *t, uint64_t deadline_ns)
{
    timer_del(t);
    t->deadline = deadline_ns;
    t->active = true;
    Timer **pp = &t->clock->timers;
    while (*pp && (*pp)->deadline <= deadline_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    if (t->clock->timers == t && t->clock->on_earlier_deadline)
        t->clock->on_earlier_deadline(t->clock->on_earlier_deadline_opaque);
}

uint64_t clock_next_deadline(Clock *c)
{
    return c->timers ? c->timers->deadline : UINT64_MAX;
}

int clock_run_timers(Clock *c)
{
    int ran = 0;
    uint64_t now = clock_ns(c);
    while (c->timers && c->timers->deadline <= now) {
        Timer *t = c->timers;
        c->timers = t->next;
        t->active = false;
        t->next = NULL;
        t->cb(t->opaque);
        ran++;
    }
    return ran;
}
