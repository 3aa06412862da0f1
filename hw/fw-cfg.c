/* QEMU firmware configuration interface (fw_cfg): I/O ports 0x510/0x511 and
 * the DMA interface at 0x514.  Specification: QEMU docs/specs/fw_cfg.rst;
 * what SeaBIOS reads from it: SeaBIOS docs/Runtime_config.md.  See fw-cfg.h
 * for the guest-visible behaviour, including the choices where the spec
 * leaves room (writes refused, bad accesses ignored). */
#include "hw/fw-cfg.h"

#include <stdlib.h>
#include <string.h>

#include "system/log.h"

#define KEY_INDEX_MASK 0x3fff
#define DMA_DESC_SIZE 16
#define FOUR_GIB (1ull << 32)

static void put_be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}
static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t get_be64(const uint8_t *p) { return (uint64_t)get_be32(p) << 32 | get_be32(p + 4); }
static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The item slot a key addresses, or NULL for an index beyond the table. */
static FwCfgItem *slot(FwCfg *f, uint16_t key)
{
    unsigned idx = key & KEY_INDEX_MASK;
    if (idx >= FW_CFG_MAX_ENTRY)
        return NULL;
    return &f->items[key >> 15][idx];
}

const FwCfgItem *fw_cfg_item(const FwCfg *f, uint16_t key)
{
    const FwCfgItem *it = slot((FwCfg *)f, key);
    return it && it->present ? it : NULL;
}

static void set_item(FwCfg *f, uint16_t key, const void *data, uint32_t len)
{
    FwCfgItem *it = slot(f, key);
    uint8_t *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy)
            abort();
        memcpy(copy, data, len);
    }
    free(it->data);
    it->data = copy;
    it->len = len;
    it->present = true;
}

int fw_cfg_add_bytes(FwCfg *f, uint16_t key, const void *data, uint32_t len)
{
    unsigned idx = key & KEY_INDEX_MASK;
    if ((key & FW_CFG_WRITE_CHANNEL) || idx >= FW_CFG_MAX_ENTRY ||
        (!(key & FW_CFG_ARCH_LOCAL) && (idx == FW_CFG_FILE_DIR || idx >= FW_CFG_FILE_FIRST)))
        return -1;
    set_item(f, key, data, len);
    return 0;
}

int fw_cfg_add_i16(FwCfg *f, uint16_t key, uint16_t v)
{
    uint8_t b[2];
    put_le(b, v, 2);
    return fw_cfg_add_bytes(f, key, b, 2);
}

int fw_cfg_add_i32(FwCfg *f, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    put_le(b, v, 4);
    return fw_cfg_add_bytes(f, key, b, 4);
}

int fw_cfg_add_i64(FwCfg *f, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    put_le(b, v, 8);
    return fw_cfg_add_bytes(f, key, b, 8);
}

static int cmp_file_name(const void *a, const void *b)
{
    const FwCfgFile *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* FW_CFG_FILE_DIR: be32 count, then per file be32 size, be16 key, be16 0,
 * char name[56], sorted by name. */
static void rebuild_dir(FwCfg *f)
{
    const FwCfgFile *sorted[FW_CFG_MAX_FILES];
    for (int i = 0; i < f->nfiles; i++)
        sorted[i] = &f->files[i];
    qsort(sorted, (size_t)f->nfiles, sizeof sorted[0], cmp_file_name);
    uint32_t len = 4 + 64 * (uint32_t)f->nfiles;
    uint8_t *dir = calloc(1, len);
    if (!dir)
        abort();
    put_be32(dir, (uint32_t)f->nfiles);
    for (int i = 0; i < f->nfiles; i++) {
        uint8_t *e = dir + 4 + 64 * i;
        put_be32(e, f->items[0][sorted[i]->key].len);
        put_be16(e + 4, sorted[i]->key);
        memcpy(e + 8, sorted[i]->name, FW_CFG_NAME_LEN);
    }
    set_item(f, FW_CFG_FILE_DIR, dir, len);
    free(dir);
}

int fw_cfg_find_file(const FwCfg *f, const char *name)
{
    for (int i = 0; i < f->nfiles; i++)
        if (!strcmp(f->files[i].name, name))
            return f->files[i].key;
    return -1;
}

int fw_cfg_add_file(FwCfg *f, const char *name, const void *data, uint32_t len)
{
    size_t nl = strlen(name);
    if (nl == 0 || nl >= FW_CFG_NAME_LEN)
        return -1;
    int key = fw_cfg_find_file(f, name);
    if (key < 0) {
        if (f->nfiles >= FW_CFG_MAX_FILES)
            return -1;
        FwCfgFile *e = &f->files[f->nfiles];
        memset(e->name, 0, sizeof e->name);
        memcpy(e->name, name, nl);
        e->key = (uint16_t)(FW_CFG_FILE_FIRST + f->nfiles);
        f->nfiles++;
        key = e->key;
    }
    set_item(f, (uint16_t)key, data, len);
    rebuild_dir(f);
    return key;
}

int fw_cfg_add_e820(FwCfg *f, uint64_t addr, uint64_t len, uint32_t type)
{
    if (f->ne820 >= FW_CFG_MAX_E820)
        return -1;
    f->e820[f->ne820++] = (FwCfgE820){ addr, len, type };
    uint8_t buf[FW_CFG_MAX_E820 * 20];
    for (int i = 0; i < f->ne820; i++) {
        put_le(buf + 20 * i, f->e820[i].addr, 8);
        put_le(buf + 20 * i + 8, f->e820[i].len, 8);
        put_le(buf + 20 * i + 16, f->e820[i].type, 4);
    }
    return fw_cfg_add_file(f, "etc/e820", buf, 20 * (uint32_t)f->ne820) < 0 ? -1 : 0;
}

void fw_cfg_set_bootorder(FwCfg *f, const char *paths)
{
    fw_cfg_add_file(f, "bootorder", paths, paths ? (uint32_t)strlen(paths) : 0);
}

void fw_cfg_set_boot_fail_wait(FwCfg *f, int32_t ms)
{
    uint8_t b[4];
    put_le(b, (uint32_t)ms, 4);
    fw_cfg_add_file(f, "etc/boot-fail-wait", b, 4);
}

void fw_cfg_set_boot_menu(FwCfg *f, bool show)
{
    uint8_t b[2];
    put_le(b, show, 2);
    fw_cfg_add_bytes(f, FW_CFG_BOOT_MENU, b, 2);
    fw_cfg_add_file(f, "etc/show-boot-menu", b, 2);
}

/* ---- guest side ---- */

static void select_key(FwCfg *f, uint16_t key)
{
    f->cur_key = key;
    f->cur_offset = 0;
    if (!fw_cfg_item(f, key))
        log_unimp("fw_cfg: selected key 0x%04x, which has no item (reads give 0)\n", key);
}

/* The number of bytes of the selected item left at the current offset. */
static uint32_t remaining(FwCfg *f, FwCfgItem **out)
{
    FwCfgItem *it = slot(f, f->cur_key);
    *out = it;
    if (!it || !it->present || f->cur_offset >= it->len)
        return 0;
    return it->len - f->cur_offset;
}

static uint8_t data_read(FwCfg *f)
{
    FwCfgItem *it;
    if (!remaining(f, &it))
        return 0;
    return it->data[f->cur_offset++];
}

/* Whether [addr, addr + len) lies inside the guest RAM that the board
 * mapped: [0, ram_below_4g) or [4 GiB, 4 GiB + ram_size - ram_below_4g). */
static bool in_guest_ram(const PhysMem *pm, uint64_t addr, uint64_t len)
{
    if (len == 0)
        return true;
    if (len > UINT64_MAX - addr)
        return false;       /* wraps around the address space */
    uint64_t end = addr + len;
    if (end <= pm->ram_below_4g)
        return true;
    uint64_t high = pm->ram_size - pm->ram_below_4g;
    return addr >= FOUR_GIB && end - FOUR_GIB <= high;
}

static bool dma_read(FwCfg *f, uint64_t addr, uint32_t length)
{
    PhysMem *pm = &f->m->mem;
    if (!in_guest_ram(pm, addr, length)) {
        guest_error("fw_cfg: DMA read of %u bytes to 0x%llx: outside guest RAM, refused\n",
                    length, (unsigned long long)addr);
        return false;
    }
    FwCfgItem *it;
    uint32_t n = remaining(f, &it);
    if (n > length)
        n = length;
    if (n) {
        phys_rw(pm, addr, it->data + f->cur_offset, n, true);
        f->cur_offset += n;
    }
    /* Past the end of the item the data reads as zeros. */
    static const uint8_t zeros[256];
    for (uint32_t done = n; done < length;) {
        uint32_t chunk = length - done < sizeof zeros ? length - done : (uint32_t)sizeof zeros;
        phys_rw(pm, addr + done, (void *)zeros, chunk, true);
        done += chunk;
    }
    return true;
}

static void dma_run(FwCfg *f, uint64_t desc)
{
    PhysMem *pm = &f->m->mem;
    f->dma_addr = 0;
    if (!in_guest_ram(pm, desc, DMA_DESC_SIZE)) {
        guest_error("fw_cfg: DMA descriptor at 0x%llx is outside guest RAM: ignored\n",
                    (unsigned long long)desc);
        return;
    }
    uint8_t d[DMA_DESC_SIZE];
    phys_rw(pm, desc, d, sizeof d, false);
    uint32_t control = get_be32(d), length = get_be32(d + 4);
    uint64_t addr = get_be64(d + 8);
    bool err = control & FW_CFG_DMA_CTL_ERROR;
    if (err)
        guest_error("fw_cfg: DMA control 0x%08x has the error bit set: nothing done\n", control);
    if (control & FW_CFG_DMA_CTL_SELECT)
        select_key(f, (uint16_t)(control >> 16));
    if (!err && length) {
        if (control & FW_CFG_DMA_CTL_READ) {
            err = !dma_read(f, addr, length);
        } else if (control & FW_CFG_DMA_CTL_WRITE) {
            guest_error("fw_cfg: DMA write of %u bytes to key 0x%04x refused: items are read-only\n",
                        length, f->cur_key);
            err = true;
        } else if (control & FW_CFG_DMA_CTL_SKIP) {
            FwCfgItem *it;
            uint32_t n = remaining(f, &it);
            f->cur_offset += n < length ? n : length;
        }
    }
    uint8_t c[4];
    put_be32(c, err ? FW_CFG_DMA_CTL_ERROR : 0);
    phys_rw(pm, desc, c, sizeof c, true);
}

static uint64_t ones(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* 0x510 (offset 0): selector, 16-bit write only.  0x511 (offset 1): data. */
static uint64_t ctl_read(void *opaque, uint64_t off, unsigned size)
{
    FwCfg *f = opaque;
    if (off == 1 && size == 1)
        return data_read(f);
    guest_error("fw_cfg: %u-byte read at port 0x%llx: the selector is write-only\n", size,
                (unsigned long long)(FW_CFG_PORT_SEL + off));
    return ones(size);
}

static void ctl_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    FwCfg *f = opaque;
    if (off == 0 && size == 2) {
        select_key(f, (uint16_t)val);
    } else if (off == 1 && size == 1) {
        guest_error("fw_cfg: data port write 0x%02x ignored (writes only through DMA)\n",
                    (unsigned)(val & 0xff));
    } else {
        guest_error("fw_cfg: %u-byte write 0x%llx at port 0x%llx ignored (selector: 16-bit)\n",
                    size, (unsigned long long)val, (unsigned long long)(FW_CFG_PORT_SEL + off));
    }
}

/* 0x514-0x51b: the big-endian DMA address register. */
static uint64_t dma_port_read(void *opaque, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size && off + i < 8; i++)
        v |= ((FW_CFG_DMA_SIGNATURE >> (8 * (7 - (off + i)))) & 0xff) << (8 * i);
    return v;
}

static void dma_port_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    FwCfg *f = opaque;
    if (size == 4 && off == 0) {
        f->dma_addr = (uint64_t)__builtin_bswap32((uint32_t)val) << 32 | (f->dma_addr & 0xffffffffu);
    } else if (size == 4 && off == 4) {
        dma_run(f, (f->dma_addr & ~0xffffffffull) | __builtin_bswap32((uint32_t)val));
    } else if (size == 8 && off == 0) {
        dma_run(f, __builtin_bswap64(val));
    } else {
        guest_error("fw_cfg: %u-byte write at DMA port 0x%llx ignored (32-bit at 0x514/0x518 only)\n",
                    size, (unsigned long long)(FW_CFG_PORT_DMA + off));
    }
}

static const MemOps ctl_ops = { ctl_read, ctl_write, 1, 2 };
static const MemOps dma_ops = { dma_port_read, dma_port_write, 1, 8 };

void fw_cfg_reset(void *opaque)
{
    FwCfg *f = opaque;
    f->cur_key = FW_CFG_SIGNATURE;
    f->cur_offset = 0;
    f->dma_addr = 0;
}

static void fw_cfg_destroy(void *opaque)
{
    FwCfg *f = opaque;
    for (int a = 0; a < 2; a++)
        for (int i = 0; i < FW_CFG_MAX_ENTRY; i++)
            free(f->items[a][i].data);
    free(f);
}

/* Nothing to check: every read is bounds-checked against the item as it is
 * now, whatever offset was loaded. */
static const StateField fw_cfg_fields[] = {
    STATE_UINT(FwCfg, cur_key),
    STATE_UINT(FwCfg, cur_offset),
    STATE_UINT(FwCfg, dma_addr),
    STATE_END
};

static const StateDesc fw_cfg_state = { "fw_cfg", 1, fw_cfg_fields, NULL };

FwCfg *fw_cfg_create(Machine *m)
{
    FwCfg *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    f->m = m;
    set_item(f, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(f, FW_CFG_ID, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
    rebuild_dir(f);
    io_map(&m->io, FW_CFG_PORT_SEL, 2, &ctl_ops, f, "fw_cfg");
    io_map(&m->io, FW_CFG_PORT_DMA, 8, &dma_ops, f, "fw_cfg-dma");
    fw_cfg_reset(f);
    machine_add_device(m, "fw_cfg", &fw_cfg_state, f, fw_cfg_reset, fw_cfg_destroy);
    return f;
}

FwCfg *fw_cfg_create_pc(Machine *m, const Config *cfg)
{
    FwCfg *f = fw_cfg_create(m);
    const PhysMem *pm = &m->mem;
    uint16_t cpus = cfg->smp > 0 ? (uint16_t)cfg->smp : 1;
    fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, pm->ram_size);
    fw_cfg_add_i16(f, FW_CFG_NOGRAPHIC, cfg->nographic);
    fw_cfg_add_i16(f, FW_CFG_NB_CPUS, cpus);
    fw_cfg_add_i16(f, FW_CFG_MAX_CPUS, cpus);
    fw_cfg_set_boot_menu(f, false);
    /* The memory map as QEMU gives it: RAM below the PCI hole from 0 (SeaBIOS
     * carves out the EBDA, the VGA window and the BIOS areas itself), then
     * the rest above 4 GiB.  Reservations a backend needs (KVM's TSS and
     * identity map) are added with fw_cfg_add_e820(). */
    fw_cfg_add_e820(f, 0, pm->ram_below_4g, E820_RAM);
    if (pm->ram_size > pm->ram_below_4g)
        fw_cfg_add_e820(f, FOUR_GIB, pm->ram_size - pm->ram_below_4g, E820_RAM);
    fw_cfg_set_bootorder(f, NULL);
    fw_cfg_set_boot_fail_wait(f, -1);
    if (cfg->nographic) {
        /* SeaBIOS mirrors its console (sercon) to this UART: COM1. */
        uint8_t port[2];
        put_le(port, 0x3f8, 2);
        fw_cfg_add_file(f, "etc/sercon-port", port, 2);
    }
    return f;
}

void fw_cfg_info(FwCfg *f, FILE *out)
{
    FwCfgItem *it;
    uint32_t left = remaining(f, &it);
    fprintf(out, "selector 0x%04x offset %u (%u bytes left) dma-address 0x%016llx\n", f->cur_key,
            f->cur_offset, left, (unsigned long long)f->dma_addr);
    for (int a = 0; a < 2; a++) {
        for (int i = 0; i < FW_CFG_FILE_FIRST; i++) {
            const FwCfgItem *x = &f->items[a][i];
            if (!x->present)
                continue;
            fprintf(out, "  0x%04x %6u bytes:", (a << 15) | i, x->len);
            for (uint32_t j = 0; j < x->len && j < 16; j++)
                fprintf(out, " %02x", x->data[j]);
            fprintf(out, "%s\n", x->len > 16 ? " ..." : "");
        }
    }
    for (int i = 0; i < f->nfiles; i++)
        fprintf(out, "  0x%04x %6u bytes: %s\n", f->files[i].key,
                f->items[0][f->files[i].key].len, f->files[i].name);
}
