/* (being written) */
#include "cpu/ops-common.h"

const OpReg ops_muldiv[] = {
    OPS_END,
};
