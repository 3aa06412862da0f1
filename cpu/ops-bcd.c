/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_bcd[] = {
    OPS_END,
};
