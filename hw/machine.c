/* Machine container and main loop. */
#include "hw/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>

#include "hw/apic.h"
#include "system/log.h"

void machine_init(Machine *m)
{
    memset(m, 0, sizeof *m);
    phys_init(&m->mem);
    io_init(&m->io);
    m->smp = 1;
}

void machine_destroy(Machine *m)
{
    if (m->accel)
        m->accel_ops->destroy(m->accel);
    m->accel = NULL;
    for (int i = m->ndevices - 1; i >= 0; i--)
        if (m->devices[i].destroy)
            m->devices[i].destroy(m->devices[i].opaque);
    m->ndevices = 0;
    m->nregions = m->ndisks = 0;
    phys_destroy(&m->mem);
}

void machine_add_device(Machine *m, const char *name, const StateDesc *state, void *opaque,
                        void (*reset)(void *), void (*destroy)(void *))
{
    if (m->ndevices >= MACHINE_MAX_DEVICES) {
        fprintf(stderr, "tandem: too many devices (adding %s)\n", name);
        exit(1);
    }
    m->devices[m->ndevices++] = (Device){ name, state, opaque, reset, destroy };
}

void machine_add_region(Machine *m, const char *name, uint8_t *data, uint64_t size,
                        void (*loaded)(void *), void *opaque)
{
    if (m->nregions >= MACHINE_MAX_REGIONS) {
        fprintf(stderr, "tandem: too many memory regions (adding %s)\n", name);
        exit(1);
    }
    m->regions[m->nregions++] = (MachineRegion){ name, data, size, loaded, opaque };
}

Device *machine_find_device(Machine *m, const char *name)
{
    for (int i = 0; i < m->ndevices; i++)
        if (!strcmp(m->devices[i].name, name))
            return &m->devices[i];
    return NULL;
}

void machine_reset(Machine *m)
{
    for (int i = 0; i < m->ndevices; i++)
        if (m->devices[i].reset)
            m->devices[i].reset(m->devices[i].opaque);
    if (m->accel)
        m->accel_ops->reset(m->accel);
    if (m->post_reset)
        m->post_reset(m->post_reset_opaque);
    m->reset_requested = false;
}

void machine_request_exit(Machine *m, int code)
{
    m->exit_code = code;
    m->quit = true;
    if (m->accel)
        m->accel_ops->kick(m->accel);
}

void machine_request_reset(Machine *m)
{
    m->reset_requested = true;
    if (m->accel)
        m->accel_ops->kick(m->accel);
}

void machine_set_intr(Machine *m, bool level)
{
    if (m->lapic)
        lapic_set_lint0(m->lapic, level);
    else
        machine_set_cpu_intr(m, level);
}

void machine_set_cpu_intr(Machine *m, bool level)
{
    m->cpu_intr = level;
    if (m->accel)
        m->accel_ops->set_intr(m->accel, level);
}

int machine_intr_ack(Machine *m)
{
    int v = m->intr_ack ? m->intr_ack(m->intr_opaque) : -1;
    if (v >= 0)
        m->intr_count[v & 0xff]++;
    return v;
}

void machine_watch_fd(Machine *m, int fd, void (*on_readable)(void *), void *opaque)
{
    if (m->nfds >= MACHINE_MAX_FDS) {
        fprintf(stderr, "tandem: too many watched file descriptors\n");
        exit(1);
    }
    m->fds[m->nfds++] = (FdWatch){ fd, on_readable, opaque };
}

void machine_unwatch_fd(Machine *m, int fd)
{
    for (int i = 0; i < m->nfds; i++) {
        if (m->fds[i].fd == fd) {
            m->fds[i] = m->fds[--m->nfds];
            return;
        }
    }
}

void machine_poll_fds(Machine *m, uint64_t timeout_ns)
{
    struct pollfd p[MACHINE_MAX_FDS];
    int n = m->nfds;
    for (int i = 0; i < n; i++)
        p[i] = (struct pollfd){ .fd = m->fds[i].fd, .events = POLLIN };
    int ms = (int)((timeout_ns + 999999) / 1000000);
    if (n <= 0) {   /* (<= tells GCC's sanitizer build poll() gets a sane size) */
        if (timeout_ns) {
            struct timespec ts = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
            nanosleep(&ts, NULL);
        }
        return;
    }
    if (poll(p, (nfds_t)n, ms) <= 0)
        return;
    /* Handlers may unwatch descriptors: look each one up again. */
    for (int i = 0; i < n; i++) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        for (int j = 0; j < m->nfds; j++)
            if (m->fds[j].fd == p[i].fd) {
                m->fds[j].on_readable(m->fds[j].opaque);
                break;
            }
    }
}

static void sleep_until(Machine *m, uint64_t deadline)
{
    uint64_t now = clock_ns(&m->clock);
    uint64_t d = deadline > now ? deadline - now : 0;
    if (d > 10000000)
        d = 10000000;   /* wake up at least every 10 ms */
    machine_poll_fds(m, d);
}

/* A device armed a timer due before every other one.  If the CPU backend is
 * running towards a later deadline, it stops (at the next block boundary,
 * deterministically under -icount) so the timer runs on time. */
static void machine_earlier_deadline(void *opaque)
{
    Machine *m = opaque;
    if (m->in_accel && m->accel)
        m->accel_ops->kick(m->accel);
}

void machine_pause(Machine *m)
{
    if (!m->paused) {
        m->paused = true;
        clock_pause(&m->clock);
        if (m->accel)
            m->accel_ops->kick(m->accel);
    }
}

void machine_resume(Machine *m)
{
    if (m->paused) {
        m->paused = false;
        clock_resume(&m->clock);
    }
}

int machine_run(Machine *m)
{
    m->clock.on_earlier_deadline = machine_earlier_deadline;
    m->clock.on_earlier_deadline_opaque = m;
    for (;;) {
        if (m->quit)
            return m->exit_code;
        if (m->reset_requested) {
            if (m->no_reboot) {
                /* As QEMU: -no-reboot turns every guest reset into an exit. */
                fprintf(stderr, "tandem: guest requested a reset; -no-reboot given, exiting\n");
                return 0;
            }
            machine_reset(m);
        }
        if (m->paused) {
            /* Stopped: only the host side (terminal, monitor) runs. */
            machine_poll_fds(m, 10000000);
            continue;
        }
        if (m->nfds)
            machine_poll_fds(m, 0);
        if (m->paused || m->quit || m->reset_requested)
            continue;   /* the monitor stopped the CPU (its clock is paused) */
        clock_run_timers(&m->clock);
        uint64_t deadline = clock_next_deadline(&m->clock);
        uint64_t now = clock_ns(&m->clock);
        /* Come back at least every 10 ms of virtual time (input, UI). */
        if (deadline > now + 10000000)
            deadline = now + 10000000;
        m->in_accel = true;
        AccelExit e = m->accel_ops->run(m->accel, deadline);
        m->in_accel = false;
        switch (e) {
        case ACCEL_EXIT_HALT:
            if (m->clock.source == CLOCK_SRC_ICOUNT) {
                uint64_t next = clock_next_deadline(&m->clock);
                if (next == UINT64_MAX)
                    next = clock_ns(&m->clock) + 10000000;
                if (m->clock.icount_sleep) {
                    /* Keep virtual time in step with the host while idle. */
                    uint64_t d = next - clock_ns(&m->clock);
                    machine_poll_fds(m, d > 10000000 ? 10000000 : d);
                }
                clock_skip_to(&m->clock, next);
            } else {
                sleep_until(m, clock_next_deadline(&m->clock));
            }
            break;
        case ACCEL_EXIT_SHUTDOWN:
            if (m->no_reboot) {
                fprintf(stderr, "tandem: guest triple-faulted (shutdown); -no-reboot given, exiting\n");
                return 0;
            }
            if (log_enabled(LOG_INT))
                log_printf("machine: triple fault, resetting\n");
            machine_reset(m);
            break;
        case ACCEL_EXIT_DEBUG:
            machine_pause(m);
            if (m->on_debug)
                m->on_debug(m->on_debug_opaque);
            break;
        default:
            break;
        }
    }
}
