/* Debug registers: data breakpoints (DR0-3 with DR7 read/write conditions). */
#include "cpu/exec.h"
#include "cpu/paging.h"

void debug_check_watch(Cpu *c, uint64_t lin, unsigned size, bool write)
{
    static const unsigned lens[4] = { 1, 2, 8, 4 };
    uint64_t dr7 = c->s.dr[7];
    for (int i = 0; i < 4; i++) {
        if (!((dr7 >> (i * 2)) & 3))
            continue;
        unsigned rw = (dr7 >> (16 + i * 4)) & 3;
        unsigned len = lens[(dr7 >> (18 + i * 4)) & 3];
        if (rw == 0 || rw == 2 || (rw == 1 && !write))
            continue;   /* execute and I/O breakpoints are checked elsewhere */
        uint64_t a = c->s.dr[i] & ~(uint64_t)(len - 1);
        if (lin < a + len && a < lin + size) {
            c->pending_db |= 1u << i;
            c->slow = 1;
            cpu_stop_after_current(c);
        }
    }
}
