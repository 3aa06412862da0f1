/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_bit[] = {
    OPS_END,
};
