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
#define MACHINE_MAX_REGIONS 4
#define MACHINE_MAX_DISKS 4

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

/* Host memory a device owns besides its state table that snapshots save like
 * RAM (section "mem:NAME", zero pages elided, zlib): video memory. */
typedef struct MachineRegion {
    const char *name;
    uint8_t *data;
    uint64_t size;
    void (*loaded)(void *opaque);   /* after a load rewrote data (redraw) */
    void *opaque;
} MachineRegion;

/* A drive from the command line (system/drives.c).  Snapshots save it by
 * reference and content hash (section "disk:NAME"), never its data. */
typedef struct MachineDisk {
    char name[32];                  /* "ide0-hd0", "ide1-cd0": channel, kind, unit */
    struct BlockDev *blk;           /* what the guest reads (the overlay under
                                     * -snapshot); NULL: a CD-ROM without disc */
    char path[1024];                /* the image as given */
    char format[8];                 /* the image's format (the base's under -snapshot) */
    bool readonly, cdrom, snapshot;
} MachineDisk;

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
    MachineRegion regions[MACHINE_MAX_REGIONS];
    int nregions;
    MachineDisk disks[MACHINE_MAX_DISKS];
    int ndisks;

    /* Interrupt controller seen by the CPU: acknowledge returns a vector or -1. */
    int (*intr_ack)(void *opaque);
    void *intr_opaque;
    /* External interrupts acknowledged per vector since start (monitor
     * `info irq`), counted by machine_intr_ack() whatever the controller. */
    uint64_t intr_count[256];
    /* The backend stopped at a debugger breakpoint (ACCEL_EXIT_DEBUG): the
     * machine is paused, then this is called (monitor, gdb stub). */
    void (*on_debug)(void *opaque);
    void *on_debug_opaque;
    /* The CPU's local APIC (hw/apic.c), which owns its INTR pin: the 8259's
     * output (machine_set_intr) goes to the APIC's LINT0, the backends ask
     * it for MSR 0x1b and CR8.  NULL: the 8259 drives INTR directly. */
    struct Lapic *lapic;
    /* The CPU's FERR# output (x87 status word ES) goes here: the board's
     * FERR# -> IRQ 13 logic (hw/fpu-err.c).  NULL: not connected. */
    void (*ferr)(void *opaque, bool level);
    void *ferr_opaque;

    /* Called at the end of machine_reset(), after the devices and the CPU:
     * the direct kernel loader (system/loader.c) loads the kernel again and
     * sets the CPU's entry state, so a guest reboot boots it again. */
    void (*post_reset)(void *opaque);
    void *post_reset_opaque;

    /* Requests from devices and the UI, handled by the main loop. */
    volatile bool quit;
    int exit_code;
    volatile bool reset_requested;
    bool paused;                  /* -S or the monitor's stop: the CPU does not run */
    bool no_reboot;
    bool in_accel;                  /* inside accel_ops->run() */
    bool cpu_intr;                  /* the CPU's INTR pin as last driven (for a new backend) */

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
/* Registers device memory for snapshots (see MachineRegion). */
void machine_add_region(Machine *m, const char *name, uint8_t *data, uint64_t size,
                        void (*loaded)(void *), void *opaque);
/* Resets every device and the CPU (system_reset). */
void machine_reset(Machine *m);
/* Asks the main loop to stop with an exit code (debug-exit device, quit). */
void machine_request_exit(Machine *m, int code);
void machine_request_reset(Machine *m);
/* The 8259's INT output: into the local APIC's LINT0 when there is one,
 * else straight to the CPU's INTR pin. */
void machine_set_intr(Machine *m, bool level);
/* The CPU's INTR pin (driven by the local APIC, or by the 8259 without one). */
void machine_set_cpu_intr(Machine *m, bool level);
/* The INTA cycle as the backends run it: m->intr_ack, counted per vector. */
int machine_intr_ack(Machine *m);
/* Calls on_readable from the main loop whenever fd has input (or hung up). */
void machine_watch_fd(Machine *m, int fd, void (*on_readable)(void *), void *opaque);
void machine_unwatch_fd(Machine *m, int fd);
/* Polls the watched descriptors for up to timeout_ns (0: just check). */
void machine_poll_fds(Machine *m, uint64_t timeout_ns);
/* Stop/continue the CPU and virtual time (-S, monitor stop/cont). */
void machine_pause(Machine *m);
void machine_resume(Machine *m);
/* Moves the CPU to another backend (monitor `accel kvm|interp`): creates the
 * new one, carries the canonical CPU state over and destroys the old one.
 * Call with the CPU stopped (from the main loop, not inside accel run).  If the
 * new backend cannot be created the old one keeps running: -1, reason in err.
 * Implemented in system/accel-switch.c. */
int machine_switch_accel(Machine *m, const AccelOps *to, char *err, size_t errlen);
/* Runs until the guest or the user ends it; returns the process exit code. */
int machine_run(Machine *m);

#endif
