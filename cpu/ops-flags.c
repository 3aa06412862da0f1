/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_flags[] = {
    OPS_END,
};
