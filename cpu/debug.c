/* Debug registers: data breakpoints (DR0-3 with DR7 read/write conditions,
 * checked on the accesses to watched pages) and instruction breakpoints
 * (checked before each instruction on the single-instruction path). */
#include "cpu/debug.h"

#include "cpu/exec.h"
#include "cpu/paging.h"

static bool bp_enabled(uint64_t dr7, int i) { return (dr7 >> (i * 2)) & 3; }
static unsigned bp_rw(uint64_t dr7, int i) { return (dr7 >> (16 + i * 4)) & 3; }

void debug_check_watch(Cpu *c, uint64_t lin, unsigned size, bool write)
{
    static const unsigned lens[4] = { 1, 2, 8, 4 };
    uint64_t dr7 = c->s.dr[7];
    for (int i = 0; i < 4; i++) {
        if (!bp_enabled(dr7, i))
            continue;
        unsigned rw = bp_rw(dr7, i);
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

void debug_insn_start(Cpu *c)
{
    uint64_t dr7 = c->s.dr[7];
    if (!(c->s.rflags & F_RF) && (dr7 & 0xff)) {
        uint64_t pc = (c->segbase[SEG_CS] + c->s.rip) & c->lin_mask;
        uint32_t hit = 0;
        for (int i = 0; i < 4; i++)
            if (bp_enabled(dr7, i) && bp_rw(dr7, i) == 0 && c->s.dr[i] == pc)
                hit |= DR6_B0 << i;
        if (hit) {
            c->s.dr[6] = (c->s.dr[6] & ~0xfull) | hit;
            cpu_exception(c, EXC_DB, 0);
        }
    }
    if (c->s.rflags & F_RF)
        c->s.rflags &= ~(uint64_t)F_RF;
}

void debug_regs_changed(Cpu *c)
{
    tlb_flush(c, true);
    cpu_update_mode(c);
}
