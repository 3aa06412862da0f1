/* The instruction families that make up the decoder's opcode maps.  Adding a
 * family is one line here and one OpReg array in its file. */
#include "cpu/decode.h"

extern const OpReg ops_alu[], ops_mov[], ops_branch[], ops_io[], ops_misc[], ops_far[],
    ops_shift[], ops_muldiv[], ops_bcd[], ops_bit[], ops_string[], ops_cond[], ops_atomic[],
    ops_stack[], ops_system[], ops_segment[], ops_flags[], ops_syscall[], ops_x87[];
extern const OpReg ops_sse_int[], ops_sse_mov[], ops_sse_state[], ops_sse_fp[], ops_sse_cvt[],
    ops_sse_shuf[], ops_sse41_fp[], ops_sse42[];

const OpReg *const op_families[] = {
    ops_alu, ops_mov, ops_branch, ops_io, ops_misc, ops_far,
    ops_shift, ops_muldiv, ops_bcd, ops_bit, ops_string, ops_cond, ops_atomic,
    ops_stack, ops_system, ops_segment, ops_flags, ops_syscall, ops_x87,
    ops_sse_int, ops_sse_mov, ops_sse_state, ops_sse_fp, ops_sse_cvt, ops_sse_shuf, ops_sse41_fp,
    ops_sse42,
    NULL,
};
