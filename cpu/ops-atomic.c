/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_atomic[] = {
    OPS_END,
};
