/* Run-time backend switching (monitor `accel kvm|interp`).
 *
 * The guest must not notice: everything a backend holds is either in the
 * canonical CpuState (registers, MSRs, FPU/SSE, TSC, halted, interrupt shadow,
 * NMI masking and a pending NMI; both backends settle injected events before
 * returning from run()) or is device state that never leaves our models (the
 * PIC/APIC, the LAPIC timer, the clock).  The one thing outside both is the
 * level of the CPU's INTR pin, which the machine remembers (cpu_intr) and
 * drives into the new backend.  Virtual time stands still during the switch,
 * as in any stop of the VM. */
#include <stdbool.h>
#include <stdio.h>

#include "accel/accel.h"
#include "hw/machine.h"

int machine_switch_accel(Machine *m, const AccelOps *to, char *err, size_t errlen)
{
    if (m->in_accel) {
        snprintf(err, errlen, "cannot switch backends while the CPU runs");
        return -1;
    }
    if (!m->accel) {
        snprintf(err, errlen, "no CPU backend to switch from");
        return -1;
    }
    if (to == m->accel_ops)
        return 0;
    bool ran = m->clock.running;
    clock_pause(&m->clock);
    /* Create first: if the new backend cannot start, the old one goes on. */
    void *na = to->create(m, err, errlen);
    if (!na) {
        if (ran)
            clock_resume(&m->clock);
        return -1;
    }
    CpuState s;
    m->accel_ops->get_state(m->accel, &s);
    m->accel_ops->destroy(m->accel);
    m->accel_ops = to;
    m->accel = na;
    to->set_state(na, &s);
    to->set_intr(na, m->cpu_intr);
    if (ran)
        clock_resume(&m->clock);
    return 0;
}
