/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_system[] = {
    OPS_END,
};
