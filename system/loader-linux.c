/* Linux x86 boot protocol (Documentation/arch/x86/boot.rst), 32-bit entry:
 * the protected-mode kernel at 1 MiB, the zero page (struct boot_params)
 * with the setup header copied from the image and the loader's fields
 * filled in, the e820 map, the command line, the initrd as high as the
 * kernel allows.  The real-mode setup code is not run (nor loaded). */
#include <stdio.h>
#include <string.h>

#include "system/loader.h"

/* Offsets in the image's first sector = in the zero page. */
enum {
    SI_ORIG_X = 0x000,          /* struct screen_info at 0x000: cursor column, */
    SI_ORIG_Y = 0x001,          /*   row, */
    SI_VIDEO_MODE = 0x006,      /*   BIOS video mode, */
    SI_VIDEO_COLS = 0x007,      /*   text columns, */
    SI_VIDEO_EGA_BX = 0x00a,    /*   INT 10h AH=12h BL=10h's BX (BL 0x10: no EGA/VGA), */
    SI_VIDEO_LINES = 0x00e,     /*   text rows, */
    SI_VIDEO_IS_VGA = 0x00f,    /*   1: VGA, */
    SI_VIDEO_POINTS = 0x010,    /*   character height (u16) */
    BP_ACPI_RSDP = 0x070,       /* acpi_rsdp_addr (u64), read by 4.20+ kernels */
    BP_ALT_MEM_K = 0x1e0,
    BP_E820_ENTRIES = 0x1e8,
    HDR_START = 0x1f1,          /* the setup header: from here ... */
    HDR_SETUP_SECTS = 0x1f1,
    HDR_SYSSIZE = 0x1f4,
    HDR_BOOT_FLAG = 0x1fe,
    HDR_JUMP = 0x200,           /* ... to 0x202 + the jump's byte at 0x201 */
    HDR_MAGIC = 0x202,
    HDR_VERSION = 0x206,
    HDR_TYPE_OF_LOADER = 0x210,
    HDR_LOADFLAGS = 0x211,
    HDR_CODE32_START = 0x214,
    HDR_RAMDISK_IMAGE = 0x218,
    HDR_RAMDISK_SIZE = 0x21c,
    HDR_HEAP_END_PTR = 0x224,
    HDR_CMD_LINE_PTR = 0x228,
    HDR_INITRD_ADDR_MAX = 0x22c,
    HDR_CMDLINE_SIZE = 0x238,
    HDR_PREF_ADDRESS = 0x258,
    HDR_INIT_SIZE = 0x260,
    BP_E820_TABLE = 0x2d0,      /* 128 entries of 20 bytes */
    BP_SIZE = 0x1000,
};

enum { LOADED_HIGH = 0x01, CAN_USE_HEAP = 0x80 };

/* The end of the setup heap, relative to the real-mode code, as boot.rst's
 * example loader sets it (the field is only used by the real-mode entry). */
#define SETUP_HEAP_END 0xe000

static uint32_t hdr(const LoaderFile *k, unsigned off, int n)
{
    return ld_le(k->data + off, n);
}

/* Checks the header; fills the size of the real-mode part. */
static int check_header(const LoaderFile *k, uint32_t *setup_size, char *err, size_t errlen)
{
    /* Every header field read below lies in the first two sectors, which
     * even the smallest setup (setup_sects = 1) has. */
    if (k->size < 0x400) {
        snprintf(err, errlen, "-kernel %s: truncated (%zu bytes)", k->path, k->size);
        return -1;
    }
    uint32_t version = hdr(k, HDR_VERSION, 2);
    if (hdr(k, HDR_BOOT_FLAG, 2) != 0xaa55) {
        snprintf(err, errlen, "-kernel %s: no 0xAA55 boot flag: not a Linux bzImage", k->path);
        return -1;
    }
    if (version < 0x202) {
        snprintf(err, errlen, "-kernel %s: boot protocol %u.%02u is too old (2.02 or later needed)",
                 k->path, version >> 8, version & 0xff);
        return -1;
    }
    if (!(hdr(k, HDR_LOADFLAGS, 1) & LOADED_HIGH)) {
        snprintf(err, errlen, "-kernel %s: a zImage (loads below 1 MiB): only bzImage is supported",
                 k->path);
        return -1;
    }
    uint32_t sects = hdr(k, HDR_SETUP_SECTS, 1);
    *setup_size = ((sects ? sects : 4) + 1) * 512;
    uint64_t need = (uint64_t)*setup_size + (version >= 0x204 ? (uint64_t)hdr(k, HDR_SYSSIZE, 4) * 16 : 1);
    if (k->size < need || *setup_size < HDR_JUMP + 2 + hdr(k, HDR_JUMP + 1, 1)) {
        snprintf(err, errlen, "-kernel %s: truncated (%zu bytes, the header says %llu)", k->path,
                 k->size, (unsigned long long)need);
        return -1;
    }
    return 0;
}

/* The command line at LOADER_CMDLINE, NUL-terminated. */
static int place_cmdline(const LoaderInput *in, BootPlan *p, uint32_t version, char *err, size_t errlen)
{
    size_t max = version >= 0x206 ? hdr(&in->kernel, HDR_CMDLINE_SIZE, 4) : 255;
    if (max > LOADER_CMDLINE_MAX - 1)
        max = LOADER_CMDLINE_MAX - 1;
    size_t len = strlen(in->cmdline);
    if (len > max) {
        snprintf(err, errlen, "-append: command line too long (%zu bytes, the kernel takes %zu)", len, max);
        return -1;
    }
    uint8_t *c = plan_alloc(p, LOADER_CMDLINE, len + 1, err, errlen);
    if (!c)
        return -1;
    memcpy(c, in->cmdline, len);
    return 0;
}

/* The initrd files back to back, page-aligned, as high as possible below
 * min(initrd_addr_max, the firmware area) and above the kernel. */
static int place_initrd(const LoaderInput *in, BootPlan *p, uint8_t *zp, uint32_t version,
                        uint64_t kernel_end, char *err, size_t errlen)
{
    uint64_t total = 0;
    for (int i = 0; i < in->ninitrd; i++)
        total += in->initrd[i].size;
    if (!in->ninitrd)
        return 0;
    uint64_t top = version >= 0x203 ? (uint64_t)hdr(&in->kernel, HDR_INITRD_ADDR_MAX, 4) + 1 : 0x38000000;
    if (top > in->mem.fw_base)
        top = in->mem.fw_base;
    uint64_t addr = top > total ? (top - total) & ~0xfffull : 0;
    if (top < total || addr < kernel_end) {
        snprintf(err, errlen, "-initrd %s: too big (%llu bytes; %llu fit between the kernel and 0x%llx)",
                 in->initrd[0].path, (unsigned long long)total,
                 (unsigned long long)(top > kernel_end ? top - kernel_end : 0), (unsigned long long)top);
        return -1;
    }
    st_le(zp + HDR_RAMDISK_IMAGE, addr, 4);
    st_le(zp + HDR_RAMDISK_SIZE, total, 4);
    for (int i = 0; i < in->ninitrd; i++) {
        if (plan_ref(p, addr, in->initrd[i].data, in->initrd[i].size, err, errlen) < 0)
            return -1;
        addr += in->initrd[i].size;
    }
    return 0;
}

/* screen_info as the real-mode setup code (arch/x86/boot/video*.c) would
 * find the VGA its BIOS left in mode 3 (hw/vga-post.c): vgacon and the
 * decompressor's messages use it.  Without a VGA it stays zero, and Linux
 * has no VGA console. */
static void fill_screen_info(const LoaderMem *mem, uint8_t *zp)
{
    if (!mem->vga_text)
        return;
    zp[SI_ORIG_X] = 0;
    zp[SI_ORIG_Y] = 0;
    zp[SI_VIDEO_MODE] = 3;
    zp[SI_VIDEO_COLS] = 80;
    st_le(zp + SI_VIDEO_EGA_BX, 0x0003, 2);  /* BH 0: colour, BL 3: 256 KiB */
    zp[SI_VIDEO_LINES] = 25;
    zp[SI_VIDEO_IS_VGA] = 1;
    st_le(zp + SI_VIDEO_POINTS, 16, 2);
}

static void fill_e820(const LoaderMem *mem, uint8_t *zp)
{
    E820Entry e[LOADER_E820_MAX];
    int n = loader_e820(mem, e);
    for (int i = 0; i < n; i++) {
        uint8_t *d = zp + BP_E820_TABLE + 20 * i;
        st_le(d, e[i].addr, 8);
        st_le(d + 8, e[i].len, 8);
        st_le(d + 16, e[i].type, 4);
    }
    zp[BP_E820_ENTRIES] = (uint8_t)n;
}

int loader_linux_plan(const LoaderInput *in, BootPlan *p, char *err, size_t errlen)
{
    const LoaderFile *k = &in->kernel;
    uint32_t setup_size;
    if (check_header(k, &setup_size, err, errlen) < 0)
        return -1;
    uint32_t version = hdr(k, HDR_VERSION, 2);
    uint64_t kernel_size = k->size - setup_size;
    /* The decompressor works in [pref_address, + init_size) (2.10+); for
     * relocatable kernels that is the address it moves itself to. */
    uint64_t need = LOADER_HIGH + kernel_size;
    if (version >= 0x20a) {
        uint64_t work = ld_le64(k->data + HDR_PREF_ADDRESS) + hdr(k, HDR_INIT_SIZE, 4);
        if (work > need)
            need = work;
    }
    if (!loader_high_ok(&in->mem, LOADER_HIGH, need - LOADER_HIGH)) {
        snprintf(err, errlen, "-kernel %s: needs RAM up to %llu MiB (-m is too small)", k->path,
                 (unsigned long long)((need + (1 << 20) - 1) >> 20));
        return -1;
    }

    uint8_t *zp = plan_alloc(p, LOADER_ZERO_PAGE, BP_SIZE, err, errlen);
    if (!zp)
        return -1;
    unsigned hdr_end = HDR_JUMP + 2 + hdr(k, HDR_JUMP + 1, 1);
    memcpy(zp + HDR_START, k->data + HDR_START, hdr_end - HDR_START);
    zp[HDR_TYPE_OF_LOADER] = 0xff;          /* undefined boot loader */
    zp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
    st_le(zp + HDR_HEAP_END_PTR, SETUP_HEAP_END - 0x200, 2);
    st_le(zp + HDR_CMD_LINE_PTR, LOADER_CMDLINE, 4);
    st_le(zp + BP_ALT_MEM_K, (in->mem.fw_base - LOADER_HIGH) >> 10, 4);
    st_le(zp + BP_ACPI_RSDP, in->mem.rsdp, 8);
    p->rsdp_ptr = LOADER_ZERO_PAGE + BP_ACPI_RSDP;
    fill_e820(&in->mem, zp);
    fill_screen_info(&in->mem, zp);

    if (place_cmdline(in, p, version, err, errlen) < 0 ||
        place_initrd(in, p, zp, version, need, err, errlen) < 0 ||
        plan_ref(p, LOADER_HIGH, k->data + setup_size, kernel_size, err, errlen) < 0)
        return -1;
    /* boot.rst, 32-bit boot protocol: ESI = boot_params, EBP = EDI = EBX = 0. */
    p->eip = hdr(k, HDR_CODE32_START, 4);
    memset(p->regs, 0, sizeof p->regs);
    p->regs[R_ESI] = LOADER_ZERO_PAGE;
    p->regs[R_ESP] = LOADER_STACK_TOP;
    return 0;
}
