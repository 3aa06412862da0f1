/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_cond[] = {
    OPS_END,
};
