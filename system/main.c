/* tandem: the PC emulator's entry point. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "hw/machine.h"
#include "hw/pc-board.h"
#include "monitor/monitor.h"
#include "system/loader.h"
#include "system/log.h"
#include "system/options.h"
#include "system/snapshot.h"
#include "system/test-hooks.h"
#include "ui/display.h"

int main(int argc, char **argv)
{
    Config cfg;
    int r = options_parse(&cfg, argc, argv);
    if (r)
        return r > 0 ? 0 : 1;
    if (cfg.log_file && log_set_file(cfg.log_file) < 0) {
        fprintf(stderr, "tandem: cannot open log file '%s': %s\n", cfg.log_file, strerror(errno));
        return 1;
    }
    /* The backend: -accel/-enable-kvm, else KVM where the host has VT-x/AMD-V and
     * /dev/kvm opens, else the interpreter. */
    const AccelOps *ops;
    char why[256];
    bool auto_kvm = false;
    if (cfg.accel) {
        ops = accel_find(cfg.accel);
        if (!ops) {
            fprintf(stderr, "tandem: unknown accelerator '%s' (interp, kvm)\n", cfg.accel);
            return 1;
        }
        snprintf(why, sizeof why, "requested");
    } else if (cfg.icount_shift >= 0) {
        ops = &accel_interp_ops;
        snprintf(why, sizeof why, "-icount needs the interpreter");
    } else {
        auto_kvm = accel_kvm_available(why, sizeof why);
        ops = auto_kvm ? &accel_kvm_ops : &accel_interp_ops;
    }
    if (ops == &accel_kvm_ops && cfg.icount_shift >= 0) {
        fprintf(stderr, "tandem: -icount needs -accel interp: under KVM the guest runs on the host clock\n");
        return 1;
    }

    static Machine m;
    machine_init(&m);
    m.no_reboot = cfg.no_reboot;
    if (cfg.icount_shift >= 0) {
        clock_init(&m.clock, CLOCK_SRC_ICOUNT, host_realtime_ns());
        m.clock.icount_shift = (unsigned)cfg.icount_shift;
        m.clock.icount_sleep = cfg.icount_sleep;
    } else {
        clock_init(&m.clock, CLOCK_SRC_HOST, host_realtime_ns());
    }
    if (pc_board_create(&m, &cfg) < 0)
        return 1;
    /* -kernel: every file is checked here, before the CPU exists. */
    if (loader_setup(&m, &cfg) < 0)
        return 1;
    char err[256] = "";
    m.accel_ops = ops;
    m.accel = ops->create(&m, err, sizeof err);
    if (!m.accel && auto_kvm) {
        snprintf(why, sizeof why, "KVM failed: %s", err);
        ops = m.accel_ops = &accel_interp_ops;
        m.accel = ops->create(&m, err, sizeof err);
    }
    if (!m.accel) {
        fprintf(stderr, "tandem: cannot start accelerator %s: %s\n", ops->name, err);
        return 1;
    }
    fprintf(stderr, "tandem: accelerator: %s (%s)\n", ops->name, why);
    /* The monitor: behind C-a c on a serial terminal, and -monitor. */
    Monitor *mon = monitor_create(&m);
    for (int i = 0; i < cfg.nmonitors; i++)
        if (monitor_open(mon, cfg.monitors[i]) < 0)
            return 1;
    /* The window (-display sdl, or by default when there is a display). */
    if (display_init(&m, cfg.display, cfg.nographic) < 0)
        return 1;
    machine_reset(&m);
    if (cfg.loadvm && snapshot_load(&m, cfg.loadvm, err, sizeof err) < 0) {
        fprintf(stderr, "tandem: -loadvm: %s\n", err);
        machine_destroy(&m);
        return 1;
    }
    test_hooks_install(&m, &cfg);
    if (cfg.start_stopped) {
        /* QEMU's -S: the CPU waits for the monitor's 'cont'. */
        machine_pause(&m);
        fprintf(stderr, "tandem: -S: the CPU is stopped until 'cont' in the monitor\n");
    }
    int code = machine_run(&m);
    monitor_destroy(mon);
    log_flush();
    machine_destroy(&m);
    return code;
}
