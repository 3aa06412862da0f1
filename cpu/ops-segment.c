/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_segment[] = {
    OPS_END,
};
