/* fw_cfg through its ports and the DMA interface against a PhysMem with RAM,
 * no CPU.  Expected values come from QEMU docs/specs/fw_cfg.rst and SeaBIOS
 * docs/Runtime_config.md. */
#include <stdlib.h>
#include <string.h>

#include "hw/fw-cfg.h"
#include "hw/machine.h"
#include "tests/unit/test.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define HOLE 0xe0000000ull      /* pc-board.c's PCI_HOLE_START */

static Machine m;
static FwCfg *fw;
static bool have_machine;

/* An MMIO region that counts accesses: DMA must never reach it. */
static int spy_accesses;
static uint64_t spy_read(void *o, uint64_t off, unsigned size) { spy_accesses++; return 0; }
static void spy_write(void *o, uint64_t off, uint64_t v, unsigned size) { spy_accesses++; }
static const MemOps spy_ops = { spy_read, spy_write, 1, 8 };

static void setup_cfg(uint64_t ram, const Config *cfg)
{
    if (have_machine)
        machine_destroy(&m);
    machine_init(&m);
    have_machine = true;
    if (!phys_alloc_ram(&m.mem, ram, HOLE)) {
        fprintf(stderr, "cannot allocate RAM\n");
        exit(1);
    }
    /* Right after RAM below 4 GiB and at the top of the 4 GiB space. */
    phys_add_mmio(&m.mem, "spy", m.mem.ram_below_4g, 64 * 1024, &spy_ops, NULL, 0);
    phys_add_mmio(&m.mem, "spy-top", 0xffff0000ull, 64 * 1024, &spy_ops, NULL, 0);
    spy_accesses = 0;
    fw = fw_cfg_create_pc(&m, cfg);
    machine_reset(&m);
}

static void setup(uint64_t ram, bool nographic)
{
    Config cfg = { 0 };
    cfg.ram_size = ram;
    cfg.smp = 1;
    cfg.nographic = nographic;
    setup_cfg(ram, &cfg);
}

static void sel(uint16_t key) { io_write(&m.io, FW_CFG_PORT_SEL, key, 2); }
static uint8_t inb_data(void) { return (uint8_t)io_read(&m.io, FW_CFG_PORT_DATA, 1); }
static void read_port(uint16_t key, void *buf, uint32_t n)
{
    sel(key);
    for (uint32_t i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = inb_data();
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* RAM by guest-physical address (below 4 GiB or above). */
static uint8_t *ram_at(uint64_t a)
{
    if (a < m.mem.ram_below_4g)
        return m.mem.ram + a;
    return m.mem.ram + m.mem.ram_below_4g + (a - (1ull << 32));
}

static void put_desc(uint64_t at, uint32_t control, uint32_t length, uint64_t addr)
{
    uint8_t d[16];
    for (int i = 0; i < 4; i++) {
        d[i] = (uint8_t)(control >> (24 - 8 * i));
        d[4 + i] = (uint8_t)(length >> (24 - 8 * i));
    }
    for (int i = 0; i < 8; i++)
        d[8 + i] = (uint8_t)(addr >> (56 - 8 * i));
    memcpy(ram_at(at), d, 16);
}

/* Writes a 32-bit half of the DMA address register as a guest's outl of the
 * big-endian value would. */
static void dma_high(uint32_t v) { io_write(&m.io, FW_CFG_PORT_DMA, __builtin_bswap32(v), 4); }
static void dma_low(uint32_t v) { io_write(&m.io, FW_CFG_PORT_DMA + 4, __builtin_bswap32(v), 4); }

#define DESC 0x1000ull

/* One DMA operation with the descriptor at desc; returns the control word
 * the device left. */
static uint32_t dma_at(uint64_t desc, uint32_t control, uint32_t length, uint64_t addr)
{
    put_desc(desc, control, length, addr);
    if (desc >> 32)
        dma_high((uint32_t)(desc >> 32));
    dma_low((uint32_t)desc);
    return be32(ram_at(desc));
}

static uint32_t dma(uint32_t control, uint32_t length, uint64_t addr)
{
    return dma_at(DESC, control, length, addr);
}

static uint32_t sel_read(uint16_t key) { return (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ; }

/* Looks a file up in the directory read through the data port. */
static bool dir_lookup(const char *name, uint16_t *key, uint32_t *size)
{
    uint8_t hdr[4], e[64];
    read_port(FW_CFG_FILE_DIR, hdr, 4);
    uint32_t n = be32(hdr);
    for (uint32_t i = 0; i < n; i++) {
        for (int j = 0; j < 64; j++)
            e[j] = inb_data();
        if (!strncmp((char *)e + 8, name, 56)) {
            *key = be16(e + 4);
            *size = be32(e);
            return true;
        }
    }
    return false;
}

/* Reads file `name` through the ports into buf (up to max); returns its size
 * or -1 if it is not in the directory. */
static long read_file(const char *name, void *buf, uint32_t max)
{
    uint16_t key;
    uint32_t size;
    if (!dir_lookup(name, &key, &size))
        return -1;
    read_port(key, buf, size < max ? size : max);
    return size;
}

/* The length of the item behind key, or -1 when there is none. */
static long item_len(uint16_t key)
{
    const FwCfgItem *it = fw_cfg_item(fw, key);
    return it ? (long)it->len : -1;
}

static void test_signature_and_id(void)
{
    setup(128 * MiB, false);
    char sig[5] = { 0 };
    read_port(FW_CFG_SIGNATURE, sig, 4);
    CHECK(!strcmp(sig, "QEMU"));
    CHECK_EQ(inb_data(), 0);          /* past the end */
    uint8_t id[4];
    read_port(FW_CFG_ID, id, 4);
    CHECK_EQ(le(id, 4), 3);           /* traditional + DMA */
    CHECK_EQ(inb_data(), 0);
    /* After reset the signature is selected. */
    sel(FW_CFG_ID);
    machine_reset(&m);
    CHECK_EQ(inb_data(), 'Q');
    /* The DMA address register reads "QEMU CFG" (big-endian register). */
    CHECK_EQ(io_read(&m.io, FW_CFG_PORT_DMA, 4), 0x554d4551);      /* "QEMU" */
    CHECK_EQ(io_read(&m.io, FW_CFG_PORT_DMA + 4, 4), 0x47464320);  /* " CFG" */
    CHECK_EQ(io_read(&m.io, FW_CFG_PORT_DMA + 7, 1), 'G');
    CHECK_EQ(io_read(&m.io, FW_CFG_PORT_DMA + 2, 2), 0x554d);
}

static void test_selector(void)
{
    setup(128 * MiB, false);
    sel(FW_CFG_SIGNATURE);
    CHECK_EQ(inb_data(), 'Q');
    CHECK_EQ(inb_data(), 'E');
    sel(FW_CFG_SIGNATURE);            /* reselecting rewinds */
    CHECK_EQ(inb_data(), 'Q');
    sel(FW_CFG_ID);
    CHECK_EQ(inb_data(), 3);
    /* Bit 14 (the old write channel) selects the same item. */
    sel(FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
    CHECK_EQ(inb_data(), 'Q');
    /* Keys with no item, beyond the table, arch-specific ones: zeros. */
    sel(0x0d);
    CHECK_EQ(inb_data(), 0);
    sel(0x3fff);
    CHECK_EQ(inb_data(), 0);
    sel(0x8000);
    CHECK_EQ(inb_data(), 0);
    sel(0x8000 | FW_CFG_ID);          /* not the generic ID */
    CHECK_EQ(inb_data(), 0);
    /* Reading past the end keeps giving 0; reselecting gives the data again. */
    sel(FW_CFG_SIGNATURE);
    for (int i = 0; i < 4; i++)
        inb_data();
    for (int i = 0; i < 100; i++)
        CHECK_EQ(inb_data(), 0);
    sel(FW_CFG_SIGNATURE);
    CHECK_EQ(inb_data(), 'Q');
    /* Data port writes are ignored: content and offset unchanged. */
    io_write(&m.io, FW_CFG_PORT_DATA, 0x55, 1);
    CHECK_EQ(inb_data(), 'E');
    /* An 8-bit write to the selector port is not a selector write. */
    io_write(&m.io, FW_CFG_PORT_SEL, FW_CFG_ID, 1);
    CHECK_EQ(inb_data(), 'M');
    CHECK_EQ(fw->cur_key, FW_CFG_SIGNATURE);
    /* The selector is write-only: reads float. */
    CHECK_EQ(io_read(&m.io, FW_CFG_PORT_SEL, 2), 0xffff);
    CHECK_EQ(inb_data(), 'U');
    /* The ports around it are not fw_cfg's. */
    CHECK(io_owner(&m.io, 0x512) == NULL);
    CHECK(io_owner(&m.io, 0x513) == NULL);
    CHECK(io_owner(&m.io, 0x51c) == NULL);
}

static void test_items(void)
{
    uint8_t b[64];
    setup(128 * MiB, true);
    read_port(FW_CFG_RAM_SIZE, b, 9);
    CHECK_EQ(le(b, 8), 128 * MiB);
    CHECK_EQ(b[8], 0);                /* 8 bytes only */
    read_port(FW_CFG_NB_CPUS, b, 3);
    CHECK_EQ(le(b, 2), 1);
    CHECK_EQ(b[2], 0);
    read_port(FW_CFG_MAX_CPUS, b, 2);
    CHECK_EQ(le(b, 2), 1);
    read_port(FW_CFG_NOGRAPHIC, b, 2);
    CHECK_EQ(le(b, 2), 1);
    read_port(FW_CFG_BOOT_MENU, b, 2);
    CHECK_EQ(le(b, 2), 0);
    CHECK_EQ(item_len(FW_CFG_BOOT_MENU), 2);
    CHECK_EQ(item_len(FW_CFG_RAM_SIZE), 8);

    /* etc/e820: one RAM entry [0, 128 MiB). */
    memset(b, 0xaa, sizeof b);
    CHECK_EQ(read_file("etc/e820", b, sizeof b), 20);
    CHECK_EQ(le(b, 8), 0);
    CHECK_EQ(le(b + 8, 8), 128 * MiB);
    CHECK_EQ(le(b + 16, 4), E820_RAM);
    /* etc/sercon-port: COM1 with -nographic. */
    CHECK_EQ(read_file("etc/sercon-port", b, sizeof b), 2);
    CHECK_EQ(le(b, 2), 0x3f8);
    CHECK_EQ(read_file("etc/boot-fail-wait", b, sizeof b), 4);
    CHECK_EQ(le(b, 4), 0xffffffff);
    CHECK_EQ(read_file("etc/show-boot-menu", b, sizeof b), 2);
    CHECK_EQ(le(b, 2), 0);
    CHECK_EQ(read_file("bootorder", b, sizeof b), 0);
    CHECK_EQ(read_file("etc/table-loader", b, sizeof b), -1);

    /* Setters. */
    fw_cfg_set_boot_fail_wait(fw, 5000);
    CHECK_EQ(read_file("etc/boot-fail-wait", b, sizeof b), 4);
    CHECK_EQ(le(b, 4), 5000);
    fw_cfg_set_boot_menu(fw, true);
    CHECK_EQ(read_file("etc/show-boot-menu", b, sizeof b), 2);
    CHECK_EQ(le(b, 2), 1);
    read_port(FW_CFG_BOOT_MENU, b, 2);
    CHECK_EQ(le(b, 2), 1);
    const char *order = "/pci@i0cf8/*@1,1/drive@0/disk@0\nHALT\n";
    fw_cfg_set_bootorder(fw, order);
    memset(b, 0, sizeof b);
    CHECK_EQ(read_file("bootorder", b, sizeof b), strlen(order));
    CHECK(!memcmp(b, order, strlen(order)));

    /* Without -nographic: no sercon-port, NOGRAPHIC 0. */
    setup(128 * MiB, false);
    CHECK_EQ(read_file("etc/sercon-port", b, sizeof b), -1);
    read_port(FW_CFG_NOGRAPHIC, b, 2);
    CHECK_EQ(le(b, 2), 0);

    /* 4 GiB: RAM up to the PCI hole, the rest above 4 GiB. */
    setup(4 * GiB, false);
    read_port(FW_CFG_RAM_SIZE, b, 8);
    CHECK_EQ(le(b, 8), 4 * GiB);
    CHECK_EQ(read_file("etc/e820", b, sizeof b), 40);
    CHECK_EQ(le(b, 8), 0);
    CHECK_EQ(le(b + 8, 8), HOLE);
    CHECK_EQ(le(b + 16, 4), E820_RAM);
    CHECK_EQ(le(b + 20, 8), 1ull << 32);
    CHECK_EQ(le(b + 28, 8), 4 * GiB - HOLE);
    CHECK_EQ(le(b + 36, 4), E820_RAM);
    /* Exactly the hole: nothing above 4 GiB. */
    setup(HOLE, false);
    CHECK_EQ(read_file("etc/e820", b, sizeof b), 20);
    CHECK_EQ(le(b + 8, 8), HOLE);
    /* A reservation added by a backend follows the RAM entries. */
    CHECK_EQ(fw_cfg_add_e820(fw, 0xfeffc000, 0x4000, E820_RESERVED), 0);
    CHECK_EQ(read_file("etc/e820", b, sizeof b), 40);
    CHECK_EQ(le(b + 20, 8), 0xfeffc000);
    CHECK_EQ(le(b + 28, 8), 0x4000);
    CHECK_EQ(le(b + 36, 4), E820_RESERVED);

    /* Two CPUs. */
    Config cfg = { .ram_size = 64 * MiB, .smp = 2 };
    setup_cfg(64 * MiB, &cfg);
    read_port(FW_CFG_NB_CPUS, b, 2);
    CHECK_EQ(le(b, 2), 2);
    read_port(FW_CFG_MAX_CPUS, b, 2);
    CHECK_EQ(le(b, 2), 2);
    CHECK_EQ(read_file("etc/e820", b, sizeof b), 20);
    CHECK_EQ(le(b + 8, 8), 64 * MiB);
}

static void test_file_dir(void)
{
    setup(128 * MiB, true);
    /* Added out of order; the directory must be sorted by name. */
    CHECK(fw_cfg_add_file(fw, "zz/last", "Z", 1) >= FW_CFG_FILE_FIRST);
    int ka = fw_cfg_add_file(fw, "aa/first", "hello", 5);
    CHECK(ka >= FW_CFG_FILE_FIRST);
    CHECK(fw_cfg_add_file(fw, "etc/f", NULL, 0) >= 0);
    char longname[60];
    memset(longname, 'x', sizeof longname);
    longname[55] = 0;                 /* 55 characters + NUL: fits */
    CHECK(fw_cfg_add_file(fw, longname, "L", 1) >= 0);
    longname[55] = 'x';
    longname[56] = 0;                 /* 56 characters: too long */
    CHECK_EQ(fw_cfg_add_file(fw, longname, "L", 1), -1);
    CHECK_EQ(fw_cfg_add_file(fw, "", "L", 1), -1);
    /* Replacing keeps the key and updates the size. */
    CHECK_EQ(fw_cfg_add_file(fw, "aa/first", "hi!", 3), ka);
    /* Numbered items cannot be files or the directory. */
    CHECK_EQ(fw_cfg_add_bytes(fw, FW_CFG_FILE_DIR, "x", 1), -1);
    CHECK_EQ(fw_cfg_add_bytes(fw, FW_CFG_FILE_FIRST, "x", 1), -1);
    CHECK_EQ(fw_cfg_add_bytes(fw, FW_CFG_WRITE_CHANNEL | 2, "x", 1), -1);
    CHECK_EQ(fw_cfg_add_bytes(fw, FW_CFG_ARCH_LOCAL | 3, "x", 1), 0);

    static uint8_t dir[4 + 64 * FW_CFG_MAX_FILES + 1];
    read_port(FW_CFG_FILE_DIR, dir, 4);
    uint32_t n = be32(dir);
    CHECK_EQ(n, fw->nfiles);
    if (n > FW_CFG_MAX_FILES)
        return;
    CHECK_EQ(item_len(FW_CFG_FILE_DIR), 4 + 64 * n);
    read_port(FW_CFG_FILE_DIR, dir, 4 + 64 * n + 1);
    CHECK_EQ(dir[4 + 64 * n], 0);     /* nothing after the last entry */
    bool seen_a = false, seen_e820 = false;
    uint16_t keys_seen[FW_CFG_MAX_FILES] = { 0 };
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = dir + 4 + 64 * i;
        const char *name = (const char *)e + 8;
        uint32_t size = be32(e);
        uint16_t key = be16(e + 4);
        CHECK_EQ(be16(e + 6), 0);     /* reserved */
        CHECK(memchr(name, 0, 56) != NULL);
        size_t nl = strnlen(name, 56);
        for (size_t j = nl; j < 56; j++)
            CHECK_EQ(name[j], 0);     /* NUL-padded */
        if (i > 0)
            CHECK(strncmp((const char *)e - 64 + 8, name, 56) < 0);
        CHECK(key >= FW_CFG_FILE_FIRST && key < FW_CFG_MAX_ENTRY);
        for (uint32_t j = 0; j < i; j++)
            CHECK(keys_seen[j] != key);
        keys_seen[i] = key;
        CHECK_EQ(size, item_len(key));
        CHECK_EQ(fw_cfg_find_file(fw, name), key);
        if (!strcmp(name, "aa/first")) {
            seen_a = true;
            CHECK_EQ(i, 0);
            CHECK_EQ(size, 3);
            char buf[4] = { 0 };
            read_port(key, buf, 4);
            CHECK(!memcmp(buf, "hi!", 4));
        }
        if (!strcmp(name, "etc/e820"))
            seen_e820 = true;
        if (i == n - 1)
            CHECK(!strcmp(name, "zz/last"));
    }
    CHECK(seen_a && seen_e820);

    /* The directory fills up at FW_CFG_MAX_FILES. */
    char name[16];
    int added = 0;
    for (int i = 0; i < FW_CFG_MAX_FILES + 4; i++) {
        snprintf(name, sizeof name, "opt/f%02d", i);
        if (fw_cfg_add_file(fw, name, name, 7) >= 0)
            added++;
    }
    CHECK_EQ(fw->nfiles, FW_CFG_MAX_FILES);
    CHECK_EQ(added, FW_CFG_MAX_FILES - (int)n);
    read_port(FW_CFG_FILE_DIR, dir, 4);
    CHECK_EQ(be32(dir), FW_CFG_MAX_FILES);
    /* The last file key is readable. */
    int last = fw_cfg_find_file(fw, "opt/f00");
    CHECK(last >= 0);
    uint16_t k;
    uint32_t sz;
    CHECK(dir_lookup("opt/f00", &k, &sz));
    CHECK_EQ(k, last);
    CHECK_EQ(sz, 7);
}

static void test_dma_basic(void)
{
    setup(128 * MiB, true);
    uint8_t *buf = ram_at(0x20000);
    /* Signature with select + read. */
    memset(buf, 0xee, 16);
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 4, 0x20000), 0);
    CHECK(!memcmp(buf, "QEMU", 4));
    CHECK_EQ(buf[4], 0xee);           /* nothing beyond length */
    CHECK_EQ(fw->dma_addr, 0);        /* the register is 0 after an operation */
    /* Crossing the end: the rest is zeros, bytes after length untouched. */
    memset(buf, 0xee, 16);
    CHECK_EQ(dma(sel_read(FW_CFG_ID), 10, 0x20000), 0);
    CHECK_EQ(le(buf, 4), 3);
    for (int i = 4; i < 10; i++)
        CHECK_EQ(buf[i], 0);
    CHECK_EQ(buf[10], 0xee);
    CHECK_EQ(inb_data(), 0);          /* the offset stays at the end */
    /* A read continues from the port offset; no select. */
    sel(FW_CFG_SIGNATURE);
    CHECK_EQ(inb_data(), 'Q');
    memset(buf, 0xee, 16);
    CHECK_EQ(dma(FW_CFG_DMA_CTL_READ, 2, 0x20000), 0);
    CHECK(!memcmp(buf, "EM", 2));
    CHECK_EQ(inb_data(), 'U');        /* and the port continues after it */
    /* Skip crossing the end, then reads are zeros. */
    CHECK_EQ(dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 3, 0), 0);
    CHECK_EQ(inb_data(), 'U');
    CHECK_EQ(dma(FW_CFG_DMA_CTL_SKIP, 100, 0), 0);
    CHECK_EQ(inb_data(), 0);
    /* Skips never wrap the offset back into the item. */
    CHECK_EQ(dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 0xffffffff, 0), 0);
    CHECK_EQ(dma(FW_CFG_DMA_CTL_SKIP, 2, 0), 0);
    CHECK_EQ(inb_data(), 0);
    /* Select only (no read/skip, length ignored) and skip then read. */
    CHECK_EQ(dma(FW_CFG_FILE_DIR << 16 | FW_CFG_DMA_CTL_SELECT, 1000, 0x20000), 0);
    CHECK_EQ(fw->cur_key, FW_CFG_FILE_DIR);
    CHECK_EQ(fw->cur_offset, 0);
    CHECK_EQ(dma(FW_CFG_DMA_CTL_SKIP, 4, 0), 0);
    uint8_t first[64];
    for (int i = 0; i < 64; i++)
        first[i] = inb_data();
    sel(FW_CFG_FILE_DIR);
    CHECK_EQ(dma(FW_CFG_DMA_CTL_SKIP, 4, 0), 0);
    memset(buf, 0, 64);
    CHECK_EQ(dma(FW_CFG_DMA_CTL_READ, 64, 0x20000), 0);
    CHECK(!memcmp(buf, first, 64));
    /* The whole directory through DMA equals the port view. */
    uint32_t dlen = item_len(FW_CFG_FILE_DIR);
    uint8_t *pv = malloc(dlen);
    read_port(FW_CFG_FILE_DIR, pv, dlen);
    memset(buf, 0xee, dlen + 1);
    CHECK_EQ(dma(sel_read(FW_CFG_FILE_DIR), dlen, 0x20000), 0);
    CHECK(!memcmp(buf, pv, dlen));
    CHECK_EQ(buf[dlen], 0xee);
    free(pv);
    /* A page-crossing read of etc/e820 into the last bytes of RAM. */
    int ke = fw_cfg_find_file(fw, "etc/e820");
    uint64_t end = 128 * MiB - 20;
    CHECK_EQ(dma(sel_read((uint16_t)ke), 20, end), 0);
    CHECK_EQ(le(ram_at(end + 8), 8), 128 * MiB);
    /* Length 0 read: nothing, success, even with a bogus address. */
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 0, ~0ull), 0);
    CHECK_EQ(inb_data(), 'Q');
    /* Writes are refused (error bit), the item is unchanged. */
    memcpy(buf, "XXXX", 4);
    CHECK_EQ(dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, 0x20000),
             FW_CFG_DMA_CTL_ERROR);
    sel(FW_CFG_SIGNATURE);
    CHECK_EQ(inb_data(), 'Q');
    /* Read wins over write and skip. */
    memset(buf, 0, 4);
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE) | FW_CFG_DMA_CTL_WRITE | FW_CFG_DMA_CTL_SKIP, 4, 0x20000), 0);
    CHECK(!memcmp(buf, "QEMU", 4));
    /* Skip wins when there is no read or write. */
    CHECK_EQ(dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 2, 0x20000), 0);
    CHECK_EQ(inb_data(), 'M');
    /* An error bit given in the control word: nothing done, error reported. */
    memset(buf, 0xee, 4);
    CHECK_EQ(dma(FW_CFG_DMA_CTL_ERROR | FW_CFG_DMA_CTL_READ, 2, 0x20000), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(buf[0], 0xee);
    CHECK_EQ(inb_data(), 'U');
    /* Length and address fields are left as they were; only control changes. */
    put_desc(DESC, sel_read(FW_CFG_ID), 4, 0x20000);
    dma_low(DESC);
    CHECK_EQ(be32(ram_at(DESC)), 0);
    CHECK_EQ(be32(ram_at(DESC + 4)), 4);
    CHECK_EQ(be32(ram_at(DESC + 12)), 0x20000);
    CHECK_EQ(spy_accesses, 0);
}

static void test_dma_bounds(void)
{
    setup(128 * MiB, true);
    uint8_t *top = ram_at(128 * MiB - 16);
    memset(top, 0x5a, 16);
    /* Destination straddling the end of RAM: refused, nothing written, the
     * offset does not move. */
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 4, 128 * MiB - 2), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(top[14], 0x5a);
    CHECK_EQ(top[15], 0x5a);
    CHECK_EQ(inb_data(), 'Q');
    /* Entirely beyond RAM (the spy MMIO is there), in the PCI hole, at the
     * BIOS, above 4 GiB without RAM there. */
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 4, 128 * MiB), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 4, 0xffff0000ull), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 4, 1ull << 32), FW_CFG_DMA_CTL_ERROR);
    /* Zero-fill past an item's end must be checked too. */
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 0x10000, 128 * MiB - 16), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(top[0], 0x5a);
    /* Lengths that wrap the 64-bit address space. */
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 0x20, 0xfffffffffffffff0ull), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 0xffffffff, 0x1000), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(dma(sel_read(FW_CFG_SIGNATURE), 0xffffffff, 0xffffffff00000002ull), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(spy_accesses, 0);
    /* A descriptor straddling or beyond the end of RAM: ignored, nothing
     * written anywhere. */
    put_desc(128 * MiB - 16, sel_read(FW_CFG_SIGNATURE), 4, 0x20000);
    uint8_t before[16];
    memcpy(before, top, 16);
    memset(ram_at(0x20000), 0, 4);
    dma_low(128 * MiB - 8);
    CHECK(!memcmp(top, before, 16));
    CHECK_EQ(ram_at(0x20000)[0], 0);
    CHECK_EQ(fw->dma_addr, 0);
    dma_low(128 * MiB);
    dma_low(0xfffffff8);
    dma_high(0xffffffff);
    dma_low(0xfffffff8);
    CHECK_EQ(fw->dma_addr, 0);
    CHECK_EQ(spy_accesses, 0);
    CHECK_EQ(ram_at(0x20000)[0], 0);
    /* The descriptor at the very end of RAM is fine. */
    CHECK_EQ(dma_at(128 * MiB - 16, sel_read(FW_CFG_SIGNATURE), 4, 0x20000), 0);
    CHECK(!memcmp(ram_at(0x20000), "QEMU", 4));
}

static void test_dma_register(void)
{
    setup(128 * MiB, false);
    /* A high-half write alone does nothing. */
    put_desc(DESC, sel_read(FW_CFG_SIGNATURE), 4, 0x20000);
    dma_high(0);
    CHECK_EQ(be32(ram_at(DESC)), sel_read(FW_CFG_SIGNATURE));
    /* Byte and 16-bit writes do not trigger either. */
    io_write(&m.io, FW_CFG_PORT_DMA + 7, 0x00, 1);
    io_write(&m.io, FW_CFG_PORT_DMA + 6, 0x1000, 2);
    CHECK_EQ(be32(ram_at(DESC)), sel_read(FW_CFG_SIGNATURE));
    /* Low half triggers. */
    dma_low(DESC);
    CHECK_EQ(be32(ram_at(DESC)), 0);
    CHECK(!memcmp(ram_at(0x20000), "QEMU", 4));
    /* With 128 MiB a high half of 1 points above 4 GiB, outside RAM:
     * nothing happens, and the register is cleared afterwards so a
     * low-only write then works. */
    memset(ram_at(0x20000), 0, 4);
    put_desc(DESC, sel_read(FW_CFG_SIGNATURE), 4, 0x20000);
    dma_high(1);
    CHECK_EQ(fw->dma_addr, 1ull << 32);
    dma_low(DESC);
    CHECK_EQ(be32(ram_at(DESC)), sel_read(FW_CFG_SIGNATURE));
    CHECK_EQ(ram_at(0x20000)[0], 0);
    dma_low(DESC);
    CHECK_EQ(be32(ram_at(DESC)), 0);
    CHECK(!memcmp(ram_at(0x20000), "QEMU", 4));
    /* Reset clears a pending high half. */
    dma_high(1);
    machine_reset(&m);
    CHECK_EQ(fw->dma_addr, 0);

    /* With 4 GiB of RAM, descriptor and buffer above 4 GiB. */
    setup(4 * GiB, false);
    uint64_t hd = (1ull << 32) + 0x3000, hb = (1ull << 32) + 0x10000;
    put_desc(hd, sel_read(FW_CFG_SIGNATURE), 4, hb);
    dma_high(1);
    dma_low(0x3000);
    CHECK_EQ(be32(ram_at(hd)), 0);
    CHECK(!memcmp(ram_at(hb), "QEMU", 4));
    /* The last byte above 4 GiB is RAM, the next one is not. */
    uint64_t top = (1ull << 32) + (4 * GiB - HOLE);
    CHECK_EQ(dma_at(hd, sel_read(FW_CFG_SIGNATURE), 4, top - 4), 0);
    CHECK(!memcmp(ram_at(top - 4), "QEMU", 4));
    CHECK_EQ(dma_at(hd, sel_read(FW_CFG_SIGNATURE), 4, top - 3), FW_CFG_DMA_CTL_ERROR);
    /* The PCI hole below 4 GiB is not RAM. */
    CHECK_EQ(dma_at(hd, sel_read(FW_CFG_SIGNATURE), 4, HOLE - 2), FW_CFG_DMA_CTL_ERROR);
    CHECK_EQ(dma_at(hd, sel_read(FW_CFG_SIGNATURE), 4, HOLE - 4), 0);
    CHECK_EQ(spy_accesses, 0);
}

static void test_dma_8byte(void)
{
    setup(128 * MiB, false);
    put_desc(DESC, sel_read(FW_CFG_ID), 4, 0x20000);
    memset(ram_at(0x20000), 0, 4);
    /* The handler behind port 0x514 accepts one 8-byte big-endian write. */
    const IoHandler *h = &m.io.h[m.io.map[FW_CFG_PORT_DMA] - 1];
    h->ops->write(h->opaque, 0, __builtin_bswap64(DESC), 8);
    CHECK_EQ(be32(ram_at(DESC)), 0);
    CHECK_EQ(le(ram_at(0x20000), 4), 3);
}

static void test_state(void)
{
    setup(128 * MiB, false);
    sel(FW_CFG_SIGNATURE);
    inb_data();
    inb_data();
    dma_high(0x12);
    StateBuf sb = { 0 };
    const Device *d = machine_find_device(&m, "fw_cfg");
    CHECK(d != NULL);
    state_save(d->state, d->opaque, &sb);
    sel(FW_CFG_ID);
    machine_reset(&m);
    char err[128];
    CHECK_EQ(state_load(d->state, d->opaque, sb.data, sb.len, err, sizeof err), 0);
    CHECK_EQ(fw->cur_key, FW_CFG_SIGNATURE);
    CHECK_EQ(fw->dma_addr, 0x12ull << 32);
    CHECK_EQ(inb_data(), 'M');
    /* A loaded offset beyond the item is harmless: reads give 0. */
    fw->cur_offset = 0xfffffff0u;
    CHECK_EQ(inb_data(), 0);
    dma_high(0);
    CHECK_EQ(dma(FW_CFG_DMA_CTL_READ, 4, 0x20000), 0);
    CHECK_EQ(le(ram_at(0x20000), 4), 0);
    statebuf_free(&sb);
    FILE *devnull = fopen("/dev/null", "w");
    fw_cfg_info(fw, devnull);
    fclose(devnull);
}

int main(void)
{
    test_signature_and_id();
    test_selector();
    test_items();
    test_file_dir();
    test_dma_basic();
    test_dma_bounds();
    test_dma_register();
    test_dma_8byte();
    test_state();
    if (have_machine)
        machine_destroy(&m);
    return test_main_result("test-fwcfg");
}
