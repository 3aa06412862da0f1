/* Far control transfers: JMP/CALL far, RETF, IRET, INT n/INT3/INTO. */
#include "cpu/exec.h"
#include "cpu/ops-common.h"
#include "cpu/seg.h"

static INSN(jmp_far)
{
    if (!(cpu->hflags & HF_PE) || (cpu->hflags & HF_VM)) {
        seg_load_real(cpu, SEG_CS, in->imm2);
        cpu->s.rip = in->imm & ip_mask(in->osize);
        return;
    }
    RAISE_UD(cpu);
}

const OpReg ops_far[] = {
    { 0xea, -1, { OPX(jmp_far), OPF_FARPTR | OPF_END | OPF_NO64 } },
    OPS_END,
};
