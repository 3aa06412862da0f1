/* A machine: the address spaces, the clock, the devices and the CPU backend
 * that runs it.  The board (pc-board.c) creates and wires the devices. */
#ifndef HW_MACHINE_H
#define HW_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/accel.h"
#include "hw/clock.h"
#include "hw/ioport.h"
#include "hw/memory.h"
#include "hw/state.h"

#define MACHINE_MAX_DEVICES 64
#define MACHINE_MAX_FDS 16

/* A host file descriptor the main loop polls (character backends, sockets). */
typedef struct FdWatch {
    int fd;
    void (*on_readable)(void *opaque);
    void *opaque;
} FdWatch;

typedef struct Device {
    const char *name;
    const StateDesc *state;     /* may be NULL for stateless devices */
    void *opaque;
    void (*reset)(void *opaque);
    void (*destroy)(void *opaque);
} Device;

struct Machine {
    PhysMem mem;
    IoSpace io;
    Clock clock;
    const AccelOps *accel_ops;
    void *accel;
    Device devices[MACHINE_MAX_DEVICES];
    int ndevices;
    FdWatch fds[MACHINE_MAX_FDS];
    int nfds;

    /* Interrupt controller seen by the CPU: acknowledge returns a vector or -1. */
    int (*intr_ack)(void *opaque);
    void *intr_opaque;

    /* Requests from devices and the UI, handled by the main loop. */
    volatile bool quit;
    int exit_code;
    volatile bool reset_requested;
    bool paused;                  /* -S or the monitor's stop: the CPU does not run */
    bool no_reboot;
    bool in_accel;                  /* inside accel_ops->run() */

    /* Configuration */
    uint64_t ram_size;
    int smp;
    bool icount_sleep;
};

void machine_init(Machine *m);
void machine_destroy(Machine *m);
/* Registers a device for reset, snapshots and the monitor. */
void machine_add_device(Machine *m, const char *name, const StateDesc *state, void *opaque,
                        void (*reset)(void *), void (*destroy)(void *));
Device *machine_find_device(Machine *m, const char *name);
/* Resets every device and the CPU (system_reset). */
void machine_reset(Machine *m);
/* Asks the main loop to stop with an exit code (debug-exit device, quit). */
void machine_request_exit(Machine *m, int code);
void machine_request_reset(Machine *m);
/* The interrupt controller's INTR output into the CPU backend. */
void machine_set_intr(Machine *m, bool level);
/* Calls on_readable from the main loop whenever fd has input (or hung up). */
void machine_watch_fd(Machine *m, int fd, void (*on_readable)(void *), void *opaque);
void machine_unwatch_fd(Machine *m, int fd);
/* Polls the watched descriptors for up to timeout_ns (0: just check). */
void machine_poll_fds(Machine *m, uint64_t timeout_ns);
/* Stop/continue the CPU and virtual time (-S, monitor stop/cont). */
void machine_pause(Machine *m);
void machine_resume(Machine *m);
/* Runs until the guest or the user ends it; returns the process exit code. */
int machine_run(Machine *m);

#endif
