/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_shift[] = {
    OPS_END,
};
