/* Hardware task switching.  (Placeholder until the task-switch work lands.) */
#include "cpu/task.h"
#include "system/log.h"

void task_switch(Cpu *c, uint16_t sel, Desc *d, int reason, uint64_t next_rip)
{
    (void)d;
    (void)reason;
    (void)next_rip;
    log_unimp("cpu: task switch to %04x not implemented\n", sel);
    RAISE_GP(c, sel & 0xfffc);
}
