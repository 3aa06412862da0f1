/* The direct kernel loader's plans (system/loader*.c) from crafted images:
 * Linux bzImage headers (boot.rst), Multiboot 1 a.out kludge and ELF32
 * kernels, the zero page, the e820 map, initrd placement and the errors. */
#include <stdlib.h>
#include <string.h>

#include "system/loader.h"
#include "tests/unit/test.h"

#define MiB (1ull << 20)
#define ROM_BASE 0xfffc0000ull      /* the 256 KiB SeaBIOS image */

static LoaderMem mem_of(uint64_t ram)
{
    uint64_t below = ram < 0xe0000000ull ? ram : 0xe0000000ull;
    return (LoaderMem){ .ram_size = ram, .ram_below_4g = below, .fw_base = below - LOADER_FW_SIZE,
                        .rom_base = ROM_BASE };
}

static const LoaderBlob *blob_at(const BootPlan *p, uint64_t addr)
{
    for (int i = 0; i < p->nblob; i++)
        if (p->blob[i].addr == addr)
            return &p->blob[i];
    return NULL;
}

static const uint8_t *data_at(const BootPlan *p, uint64_t addr)
{
    const LoaderBlob *b = blob_at(p, addr);
    return b ? b->data : NULL;
}

/* --- bzImage --- */

#define SETUP_SIZE 0xa00            /* setup_sects = 4 */
#define PM_SIZE 0x1000

static uint8_t *make_bzimage(size_t *size)
{
    *size = SETUP_SIZE + PM_SIZE;
    uint8_t *k = calloc(1, *size);
    k[0x1f1] = 4;
    st_le(k + 0x1f4, PM_SIZE / 16, 4);      /* syssize */
    st_le(k + 0x1fe, 0xaa55, 2);
    k[0x200] = 0xeb;
    k[0x201] = 0x6a;                        /* the header ends at 0x26c */
    memcpy(k + 0x202, "HdrS", 4);
    st_le(k + 0x206, 0x20f, 2);
    k[0x211] = 0x01;                        /* LOADED_HIGH */
    st_le(k + 0x214, 0x100000, 4);          /* code32_start */
    st_le(k + 0x22c, 0x7fffffff, 4);        /* initrd_addr_max */
    st_le(k + 0x238, 2047, 4);              /* cmdline_size */
    st_le(k + 0x258, 0x1000000, 8);         /* pref_address */
    st_le(k + 0x260, 0x800000, 4);          /* init_size */
    st_le(k + 0x268, 0x5a5a5a5a, 4);        /* last header field: must be copied */
    st_le(k + 0x270, 0xdeadbeef, 4);        /* past the header: must not be */
    for (size_t i = SETUP_SIZE; i < *size; i++)
        k[i] = (uint8_t)(i * 7);
    return k;
}

static int plan_linux(uint8_t *k, size_t size, uint64_t ram, const char *cmdline,
                      LoaderFile *initrd, int ninitrd, BootPlan *p, char *err)
{
    LoaderInput in = { .mem = mem_of(ram), .kernel = { "bz", k, size }, .cmdline = cmdline };
    in.mem.rsdp = 0xe0000;
    for (int i = 0; i < ninitrd; i++)
        in.initrd[i] = initrd[i];
    in.ninitrd = ninitrd;
    err[0] = 0;
    return loader_plan(&in, p, err, 200);
}

static void test_linux_zero_page(void)
{
    size_t size;
    uint8_t *k = make_bzimage(&size);
    uint8_t i1[0x3000], i2[0x1801];
    memset(i1, 1, sizeof i1);
    memset(i2, 2, sizeof i2);
    LoaderFile rd[2] = { { "i1", i1, sizeof i1 }, { "i2", i2, sizeof i2 } };
    BootPlan p;
    char err[200];
    CHECK_EQ(plan_linux(k, size, 128 * MiB, "console=ttyS0 quiet", rd, 2, &p, err), 0);
    const uint8_t *zp = data_at(&p, LOADER_ZERO_PAGE);
    CHECK(zp != NULL);
    if (!zp)
        return;
    CHECK(!memcmp(zp + 0x202, "HdrS", 4));
    CHECK_EQ(ld_le(zp + 0x206, 2), 0x20f);
    CHECK_EQ(ld_le(zp + 0x214, 4), 0x100000);
    CHECK_EQ(ld_le(zp + 0x268, 4), 0x5a5a5a5a);
    CHECK_EQ(ld_le(zp + 0x270, 4), 0);
    CHECK_EQ(ld_le(zp + 0x1f0, 1), 0);
    CHECK_EQ(zp[0x210], 0xff);                      /* type_of_loader */
    CHECK_EQ(zp[0x211], 0x81);                      /* LOADED_HIGH | CAN_USE_HEAP */
    CHECK_EQ(ld_le(zp + 0x224, 2), 0xde00);         /* heap_end_ptr */
    CHECK_EQ(ld_le(zp + 0x228, 4), LOADER_CMDLINE);
    CHECK_EQ(ld_le64(zp + 0x070), 0xe0000);         /* acpi_rsdp_addr */
    CHECK_EQ(ld_le(zp + 0x1e0, 4), 127 * 1024 - 64); /* alt_mem_k */
    CHECK_EQ(p.rsdp_ptr, LOADER_ZERO_PAGE + 0x70);
    CHECK_EQ(p.fw_base, 128 * MiB - LOADER_FW_SIZE);
    CHECK_EQ(p.fw_len, LOADER_FW_SIZE);
    /* initrd: both files, back to back, page-aligned start below the ACPI area */
    uint64_t total = sizeof i1 + sizeof i2;
    uint64_t at = (128 * MiB - LOADER_FW_SIZE - total) & ~0xfffull;
    CHECK_EQ(ld_le(zp + 0x218, 4), at);
    CHECK_EQ(ld_le(zp + 0x21c, 4), total);
    CHECK(data_at(&p, at) == i1);
    CHECK(data_at(&p, at + sizeof i1) == i2);
    /* e820 */
    static const uint64_t want[5][3] = {
        { 0, 0x9fc00, 1 }, { 0x9fc00, 0x60400, 2 }, { MiB, 127 * MiB - LOADER_FW_SIZE, 1 },
        { 128 * MiB - LOADER_FW_SIZE, LOADER_FW_SIZE, 3 }, { ROM_BASE, 0x40000, 2 } };
    CHECK_EQ(zp[0x1e8], 5);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(ld_le64(zp + 0x2d0 + 20 * i), want[i][0]);
        CHECK_EQ(ld_le64(zp + 0x2d0 + 20 * i + 8), want[i][1]);
        CHECK_EQ(ld_le(zp + 0x2d0 + 20 * i + 16, 4), want[i][2]);
    }
    /* the command line, the protected-mode kernel, the entry registers */
    const LoaderBlob *c = blob_at(&p, LOADER_CMDLINE);
    CHECK(c && c->len == 20 && !memcmp(c->data, "console=ttyS0 quiet", 20));
    const LoaderBlob *pm = blob_at(&p, 0x100000);
    CHECK(pm && pm->data == k + SETUP_SIZE && pm->len == PM_SIZE);
    CHECK_EQ(p.eip, 0x100000);
    CHECK_EQ(p.regs[R_ESI], LOADER_ZERO_PAGE);
    CHECK_EQ(p.regs[R_EBX] | p.regs[R_EDI] | p.regs[R_EBP], 0);
    /* the GDT: flat code at 0x10, flat data at 0x18 */
    const uint8_t *gdt = data_at(&p, LOADER_GDT);
    CHECK(gdt && ld_le64(gdt + 0x10) == 0x00cf9b000000ffffull && ld_le64(gdt + 0x18) == 0x00cf93000000ffffull);
    const uint8_t *bda = data_at(&p, LOADER_BDA_EBDA);
    CHECK(bda && ld_le(bda, 2) == 0x9fc0 && ld_le(bda + 5, 2) == 639);
    loader_plan_free(&p);
    free(k);
}

static void test_linux_initrd_max(void)
{
    size_t size;
    uint8_t *k = make_bzimage(&size);
    uint8_t rd[0x2345];
    LoaderFile f = { "rd", rd, sizeof rd };
    BootPlan p;
    char err[200];
    /* 2 GiB of RAM, but the kernel takes initrds only below 0x38000000 */
    st_le(k + 0x22c, 0x37ffffff, 4);
    CHECK_EQ(plan_linux(k, size, 2048 * MiB, "", &f, 1, &p, err), 0);
    const uint8_t *zp = data_at(&p, LOADER_ZERO_PAGE);
    CHECK(zp && ld_le(zp + 0x218, 4) == ((0x38000000 - sizeof rd) & ~0xfffull));
    loader_plan_free(&p);
    /* RAM above 4 GiB shows in the e820 map */
    CHECK_EQ(plan_linux(k, size, 4096 * MiB, "", &f, 1, &p, err), 0);
    zp = data_at(&p, LOADER_ZERO_PAGE);
    CHECK(zp && zp[0x1e8] == 6 && ld_le64(zp + 0x2d0 + 5 * 20) == 1ull << 32 &&
          ld_le64(zp + 0x2d0 + 5 * 20 + 8) == 4096 * MiB - 0xe0000000ull);
    loader_plan_free(&p);
    free(k);
}

/* screen_info (zero page 0x000-0x011): with a VGA the mode-3 text screen
 * loader_apply() leaves (what vgacon needs); without one all zero, so
 * Linux does not look for a VGA console. */
static void test_linux_screen_info(void)
{
    size_t size;
    uint8_t *k = make_bzimage(&size);
    for (int vga = 0; vga < 2; vga++) {
        LoaderInput in = { .mem = mem_of(128 * MiB), .kernel = { "bz", k, size }, .cmdline = "" };
        in.mem.vga_text = vga;
        BootPlan p;
        char err[200];
        CHECK_EQ(loader_plan(&in, &p, err, sizeof err), 0);
        const uint8_t *zp = data_at(&p, LOADER_ZERO_PAGE);
        CHECK(zp != NULL);
        if (!zp)
            continue;
        CHECK_EQ(zp[0x00] | zp[0x01], 0);               /* orig_x, orig_y */
        CHECK_EQ(zp[0x06], vga ? 3 : 0);                /* orig_video_mode */
        CHECK_EQ(zp[0x07], vga ? 80 : 0);               /* orig_video_cols */
        CHECK_EQ(ld_le(zp + 0x0a, 2), vga ? 3u : 0u);   /* orig_video_ega_bx: not 0x10 (CGA) */
        CHECK_EQ(zp[0x0e], vga ? 25 : 0);               /* orig_video_lines */
        CHECK_EQ(zp[0x0f], vga ? 1 : 0);                /* orig_video_isVGA */
        CHECK_EQ(ld_le(zp + 0x10, 2), vga ? 16u : 0u);  /* orig_video_points */
        loader_plan_free(&p);
    }
    free(k);
}

/* One mutation of a good image and the error it must give. */
static void expect_linux_error(const char *what, uint8_t *k, size_t size, uint64_t ram, const char *cmdline,
                               LoaderFile *rd, int nrd, const char *want)
{
    BootPlan p;
    char err[200];
    int r = plan_linux(k, size, ram, cmdline, rd, nrd, &p, err);
    CHECK_EQ(r, -1);
    if (r != -1 || !strstr(err, want))
        fprintf(stderr, "%s: got '%s', want '%s'\n", what, err, want);
    CHECK(strstr(err, want) != NULL);
    CHECK(!strchr(err, '\n'));
    if (!r)
        loader_plan_free(&p);
}

static void test_linux_errors(void)
{
    size_t size;
    uint8_t *k = make_bzimage(&size);
    k[0x1fe] = 0;
    expect_linux_error("boot flag", k, size, 128 * MiB, "", NULL, 0, "boot flag");
    k[0x1fe] = 0x55;
    k[0x204] = 'x';
    expect_linux_error("no HdrS", k, size, 128 * MiB, "", NULL, 0, "not a Linux bzImage");
    k[0x204] = 'r';
    st_le(k + 0x206, 0x201, 2);
    expect_linux_error("old protocol", k, size, 128 * MiB, "", NULL, 0, "2.01 is too old");
    st_le(k + 0x206, 0x20f, 2);
    k[0x211] = 0;
    expect_linux_error("zImage", k, size, 128 * MiB, "", NULL, 0, "zImage");
    k[0x211] = 1;
    expect_linux_error("truncated", k, size - 1, 128 * MiB, "", NULL, 0, "truncated");
    expect_linux_error("tiny file", k, 0x300, 128 * MiB, "", NULL, 0, "truncated");
    expect_linux_error("cut after HdrS", k, 0x206, 128 * MiB, "", NULL, 0, "truncated (518 bytes)");
    expect_linux_error("RAM too small", k, size, 16 * MiB, "", NULL, 0, "needs RAM up to 24 MiB");
    /* cmdline_size 16: 16 characters fit, 17 do not */
    st_le(k + 0x238, 16, 4);
    BootPlan p;
    char err[200];
    CHECK_EQ(plan_linux(k, size, 128 * MiB, "0123456789abcdef", NULL, 0, &p, err), 0);
    loader_plan_free(&p);
    expect_linux_error("cmdline", k, size, 128 * MiB, "0123456789abcdefg", NULL, 0, "command line too long");
    /* 32 MiB of RAM: the decompressor needs up to 24 MiB, 8 MiB less the
     * ACPI area are left */
    size_t big = 8 * MiB + 1;
    uint8_t *rd = calloc(1, big);
    LoaderFile f = { "big", rd, big };
    expect_linux_error("initrd too big", k, size, 32 * MiB, "", &f, 1, "-initrd big: too big");
    f.size = 8 * MiB - LOADER_FW_SIZE;
    CHECK_EQ(plan_linux(k, size, 32 * MiB, "", &f, 1, &p, err), 0);
    CHECK(blob_at(&p, 24 * MiB) != NULL);
    loader_plan_free(&p);
    free(rd);
    free(k);
}

/* --- Multiboot --- */

static void mb_header(uint8_t *h, uint32_t flags)
{
    st_le(h, 0x1badb002, 4);
    st_le(h + 4, flags, 4);
    st_le(h + 8, -(0x1badb002u + flags), 4);
}

static int plan_mb(uint8_t *k, size_t size, LoaderFile *mods, int nmods, BootPlan *p, char *err)
{
    LoaderInput in = { .mem = mem_of(32 * MiB), .kernel = { "kernel.bin", k, size }, .cmdline = "a=1 b" };
    for (int i = 0; i < nmods; i++)
        in.initrd[i] = mods[i];
    in.initrd_arg[0] = nmods ? "mod0 --opt" : NULL;
    in.ninitrd = nmods;
    err[0] = 0;
    return loader_plan(&in, p, err, 200);
}

static void test_multiboot_aout(void)
{
    uint8_t k[0x300] = { 0 };
    mb_header(k + 0x40, 0x10003);
    st_le(k + 0x4c, 0x100040, 4);       /* header_addr */
    st_le(k + 0x50, 0x100000, 4);       /* load_addr */
    st_le(k + 0x54, 0x100200, 4);       /* load_end_addr */
    st_le(k + 0x58, 0x101000, 4);       /* bss_end_addr */
    st_le(k + 0x5c, 0x100080, 4);       /* entry_addr */
    uint8_t mod[100];
    LoaderFile m = { "mod0", mod, sizeof mod };
    BootPlan p;
    char err[200];
    CHECK_EQ(plan_mb(k, sizeof k, &m, 1, &p, err), 0);
    const LoaderBlob *b = blob_at(&p, 0x100000);
    CHECK(b && b->data == k && b->len == 0x200);
    b = blob_at(&p, 0x100200);
    CHECK(b && !b->data && b->len == 0xe00);            /* bss zeroed */
    CHECK_EQ(p.eip, 0x100080);
    CHECK_EQ(p.regs[R_EAX], 0x2badb002);
    CHECK_EQ(p.regs[R_EBX], LOADER_MB_INFO);
    const uint8_t *mbi = data_at(&p, LOADER_MB_INFO);
    CHECK(mbi != NULL);
    if (!mbi)
        return;
#define AT(a) (mbi + ((a) - LOADER_MB_INFO))
    CHECK_EQ(ld_le(mbi, 4), 0x24d);
    CHECK_EQ(ld_le(mbi + 4, 4), 639);
    CHECK_EQ(ld_le(mbi + 8, 4), 31 * 1024 - 64);
    CHECK_EQ(ld_le(mbi + 16, 4), LOADER_CMDLINE);
    const LoaderBlob *c = blob_at(&p, LOADER_CMDLINE);
    CHECK(c && !strcmp((const char *)c->data, "kernel.bin a=1 b"));
    CHECK_EQ(ld_le(mbi + 20, 4), 1);
    const uint8_t *md = AT(ld_le(mbi + 24, 4));
    CHECK_EQ(ld_le(md, 4), 0x101000);                   /* page-aligned after the bss */
    CHECK_EQ(ld_le(md + 4, 4), 0x101000 + sizeof mod);
    CHECK(!strcmp((const char *)AT(ld_le(md + 8, 4)), "mod0 --opt"));
    CHECK(data_at(&p, 0x101000) == mod);
    CHECK_EQ(ld_le(mbi + 44, 4), 5 * 24);               /* mmap */
    const uint8_t *mm = AT(ld_le(mbi + 48, 4));
    CHECK_EQ(ld_le(mm, 4), 20);
    CHECK_EQ(ld_le64(mm + 24 + 4), 0x9fc00);
    CHECK_EQ(ld_le64(mm + 48 + 12), 31 * MiB - LOADER_FW_SIZE);
    CHECK_EQ(ld_le(mm + 72 + 20, 4), 3);                /* ACPI data */
    CHECK_EQ(ld_le(mm + 96 + 20, 4), 2);                /* the BIOS ROM */
    CHECK(!strcmp((const char *)AT(ld_le(mbi + 64, 4)), "Tandem"));
#undef AT
    loader_plan_free(&p);

    /* errors: checksum, unsupported requirement, below 1 MiB, header too far */
    st_le(k + 0x48, ld_le(k + 0x48, 4) + 1, 4);
    CHECK_EQ(plan_mb(k, sizeof k, NULL, 0, &p, err), -1);
    CHECK(strstr(err, "bad checksum") != NULL);
    mb_header(k + 0x40, 0x10008);
    CHECK_EQ(plan_mb(k, sizeof k, NULL, 0, &p, err), -1);
    CHECK(strstr(err, "unsupported") != NULL);
    mb_header(k + 0x40, 0x10003);
    st_le(k + 0x4c, 0x10040, 4);
    st_le(k + 0x50, 0x10000, 4);
    st_le(k + 0x54, 0x10200, 4);
    st_le(k + 0x58, 0, 4);
    CHECK_EQ(plan_mb(k, sizeof k, NULL, 0, &p, err), -1);
    CHECK(strstr(err, "not in RAM") != NULL);
    uint8_t *far = calloc(1, 0x3000);
    mb_header(far + 0x2000, 0x10003);
    CHECK_EQ(plan_mb(far, 0x3000, NULL, 0, &p, err), -1);
    CHECK(strstr(err, "nor a Multiboot kernel") != NULL);
    free(far);
}

static void test_multiboot_elf(void)
{
    uint8_t k[0x400] = { 0 };
    memcpy(k, "\177ELF\1\1\1", 7);
    st_le(k + 16, 2, 2);                /* ET_EXEC */
    st_le(k + 18, 3, 2);                /* EM_386 */
    st_le(k + 24, 0xc0100010, 4);       /* entry: a virtual address */
    st_le(k + 28, 52, 4);               /* phoff */
    st_le(k + 42, 32, 2);
    st_le(k + 44, 2, 2);
    static const uint32_t ph[2][6] = {  /* type, offset, vaddr, paddr, filesz, memsz */
        { 1, 0x100, 0xc0100000, 0x100000, 0x100, 0x100 },
        { 1, 0x200, 0xc0200000, 0x200000, 0x80, 0x3000 } };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 6; j++)
            st_le(k + 52 + 32 * i + 4 * j, ph[i][j], 4);
    mb_header(k + 0x100, 0x3);
    BootPlan p;
    char err[200];
    CHECK_EQ(plan_mb(k, sizeof k, NULL, 0, &p, err), 0);
    CHECK_EQ(p.eip, 0x100010);
    const LoaderBlob *b = blob_at(&p, 0x200000);
    CHECK(b && b->data == k + 0x200 && b->len == 0x80);
    b = blob_at(&p, 0x200080);
    CHECK(b && !b->data && b->len == 0x3000 - 0x80);
    loader_plan_free(&p);
    CHECK_EQ(plan_mb(k, 0x250, NULL, 0, &p, err), -1);  /* segment 1 cut short */
    CHECK(strstr(err, "truncated ELF segment 1") != NULL);
    k[4] = 2;                                            /* ELFCLASS64 */
    CHECK_EQ(plan_mb(k, sizeof k, NULL, 0, &p, err), -1);
    CHECK(strstr(err, "32-bit") != NULL);
}

static void test_flat32_state(void)
{
    CpuState s;
    memset(&s, 0, sizeof s);
    cpu_state_power_on(&s);
    uint32_t regs[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    loader_flat32_state(&s, 0x123456, regs);
    CHECK_EQ(s.rip, 0x123456);
    CHECK_EQ(s.regs[R_ESI], 7);
    CHECK_EQ(s.rflags, 2);
    CHECK_EQ(s.cr0, CR0_PE | CR0_ET);
    CHECK_EQ(s.seg[SEG_CS].sel, 0x10);
    CHECK_EQ(s.seg[SEG_CS].attr, 0xc9b);
    CHECK_EQ(s.seg[SEG_SS].sel, 0x18);
    CHECK_EQ(s.seg[SEG_DS].attr, 0xc93);
    CHECK_EQ(s.seg[SEG_ES].limit, 0xffffffff);
    CHECK_EQ(s.gdt.base, LOADER_GDT);
    CHECK_EQ(s.gdt.limit, 31);
}

int main(void)
{
    test_linux_zero_page();
    test_linux_initrd_max();
    test_linux_screen_info();
    test_linux_errors();
    test_multiboot_aout();
    test_multiboot_elf();
    test_flat32_state();
    return test_main_result("test-loader");
}
