/* See uc-api.h. */
#define _GNU_SOURCE
#include "tests/oracle/uc-api.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

UcApi U;

static void *sym(void *h, const char *name)
{
    void *p = dlsym(h, name);
    if (!p) {
        fprintf(stderr, "oracle: libunicorn has no %s: %s\n", name, dlerror());
        exit(2);
    }
    return p;
}

void uc_api_load(void)
{
    if (U.open)
        return;
    static const char *const names[] = { "libunicorn.so.2", "libunicorn.so" };
    void *h = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !h; i++)
        h = dlmopen(LM_ID_NEWLM, names[i], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "oracle: cannot load libunicorn: %s\n", dlerror());
        exit(2);
    }
    *(void **)&U.open = sym(h, "uc_open");
    *(void **)&U.close = sym(h, "uc_close");
    *(void **)&U.mem_map_ptr = sym(h, "uc_mem_map_ptr");
    *(void **)&U.mmio_map = sym(h, "uc_mmio_map");
    *(void **)&U.hook_add = sym(h, "uc_hook_add");
    *(void **)&U.reg_write = sym(h, "uc_reg_write");
    *(void **)&U.reg_read = sym(h, "uc_reg_read");
    *(void **)&U.reg_read_batch = sym(h, "uc_reg_read_batch");
    *(void **)&U.emu_start = sym(h, "uc_emu_start");
    *(void **)&U.emu_stop = sym(h, "uc_emu_stop");
    *(void **)&U.strerror = sym(h, "uc_strerror");
    *(void **)&U.ctl = sym(h, "uc_ctl");
    *(void **)&U.version = sym(h, "uc_version");
    *(void **)&U.context_alloc = sym(h, "uc_context_alloc");
    *(void **)&U.context_save = sym(h, "uc_context_save");
    *(void **)&U.context_restore = sym(h, "uc_context_restore");
    *(void **)&U.context_free = sym(h, "uc_context_free");
}
