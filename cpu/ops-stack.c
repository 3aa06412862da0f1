/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_stack[] = {
    OPS_END,
};
