/* The CPU backend interface.  Both backends (the interpreter and KVM) run the
 * same Machine; switching backends = stop, get_state, set_state on the other. */
#ifndef ACCEL_ACCEL_H
#define ACCEL_ACCEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu-state.h"

typedef struct Machine Machine;

typedef enum {
    ACCEL_EXIT_DEADLINE,   /* virtual time reached the deadline */
    ACCEL_EXIT_HALT,       /* the CPU halted with nothing to deliver */
    ACCEL_EXIT_REQUEST,    /* accel_kick(), a device or the monitor asked to stop */
    ACCEL_EXIT_SHUTDOWN,   /* triple fault */
    ACCEL_EXIT_DEBUG,      /* breakpoint or single step finished */
} AccelExit;

typedef struct AccelOps {
    const char *name;
    /* Creates the backend for m; on failure returns NULL with a reason in err. */
    void *(*create)(Machine *m, char *err, size_t errlen);
    void (*destroy)(void *a);
    void (*reset)(void *a);
    /* Runs the CPU until virtual time deadline_ns or an exit. */
    AccelExit (*run)(void *a, uint64_t deadline_ns);
    void (*get_state)(void *a, CpuState *s);
    void (*set_state)(void *a, const CpuState *s);
    /* The interrupt controller's output: INTR pin level, and NMI. */
    void (*set_intr)(void *a, bool level);
    void (*nmi)(void *a);
    /* Makes run() return soon (thread-safe). */
    void (*kick)(void *a);
    /* Linear to physical for the monitor/gdb, with the current paging mode. */
    bool (*virt_to_phys)(void *a, uint64_t lin, uint64_t *phys);
    /* Retired instructions (interp) or 0 when unknown. */
    uint64_t (*icount)(void *a);
    /* Debugger (monitor, gdb): instruction breakpoints at linear addresses
     * (the whole set; KVM takes at most 4, as hardware breakpoints) and
     * single-stepping.  run() returns ACCEL_EXIT_DEBUG before executing an
     * instruction at a breakpoint, and with step after each instruction.
     * Returns 0, or -1 when the backend cannot do it. */
    int (*set_debug)(void *a, const uint64_t *lin, int n, bool step);
} AccelOps;

extern const AccelOps accel_interp_ops;
extern const AccelOps accel_kvm_ops;
const AccelOps *accel_find(const char *name);
/* Whether KVM should be the default here: VT-x/AMD-V in the host's CPU flags and
 * /dev/kvm opens.  why gets the reason either way (for the startup line). */
bool accel_kvm_available(char *why, size_t len);

#endif
