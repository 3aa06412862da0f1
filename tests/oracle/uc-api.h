/* Unicorn, loaded with dlmopen() into a link-map namespace of its own.
 *
 * libunicorn is QEMU inside: it exports thousands of global symbols, and some
 * (cpu_reset, ...) have the same names as Tandem's.  Linked the ordinary way,
 * the executable's definitions would interpose on the library's internal
 * calls (uc_open ends up in Tandem's cpu_reset).  In a separate namespace the
 * library binds only to itself, whatever Tandem names its functions. */
#ifndef TESTS_ORACLE_UC_API_H
#define TESTS_ORACLE_UC_API_H

#include <unicorn/unicorn.h>

typedef struct UcApi {
    uc_err (*open)(uc_arch arch, uc_mode mode, uc_engine **uc);
    uc_err (*close)(uc_engine *uc);
    uc_err (*mem_map_ptr)(uc_engine *uc, uint64_t address, size_t size, uint32_t perms, void *ptr);
    uc_err (*mmio_map)(uc_engine *uc, uint64_t address, size_t size, uc_cb_mmio_read_t read_cb,
                       void *user_data_read, uc_cb_mmio_write_t write_cb, void *user_data_write);
    uc_err (*hook_add)(uc_engine *uc, uc_hook *hh, int type, void *callback, void *user_data,
                       uint64_t begin, uint64_t end, ...);
    uc_err (*reg_write)(uc_engine *uc, int regid, const void *value);
    uc_err (*reg_read)(uc_engine *uc, int regid, void *value);
    uc_err (*reg_read_batch)(uc_engine *uc, int *regs, void **vals, int count);
    uc_err (*emu_start)(uc_engine *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count);
    uc_err (*emu_stop)(uc_engine *uc);
    const char *(*strerror)(uc_err code);
    uc_err (*ctl)(uc_engine *uc, uc_control_type option, ...);
    unsigned int (*version)(unsigned int *major, unsigned int *minor);
    uc_err (*context_alloc)(uc_engine *uc, uc_context **context);
    uc_err (*context_save)(uc_engine *uc, uc_context *context);
    uc_err (*context_restore)(uc_engine *uc, uc_context *context);
    uc_err (*context_free)(uc_context *context);
} UcApi;

extern UcApi U;
/* Loads the library (exits with a message if it cannot). */
void uc_api_load(void);

#endif
