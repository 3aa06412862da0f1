/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_string[] = {
    OPS_END,
};
