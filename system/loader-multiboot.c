/* Multiboot 1 (the Multiboot Specification 0.6.96): the header in the first
 * 8 KiB, the image as ELF32 program headers or by the a.out kludge's
 * addresses, the -initrd files as modules after the kernel, and the
 * information structure (memory sizes, memory map, command line, modules,
 * boot loader name) at LOADER_MB_INFO. */
#include <stdio.h>
#include <string.h>

#include "system/loader.h"

#define MB_MAGIC        0x1badb002u
#define MB_BOOT_MAGIC   0x2badb002u
#define MB_SEARCH       8192

/* Header flags: bits 0-15 are requirements a loader must meet or refuse. */
enum {
    MBH_ALIGN_MODS = 1 << 0, MBH_MEMINFO = 1 << 1, MBH_VIDEO = 1 << 2,
    MBH_AOUT_KLUDGE = 1 << 16,
    MBH_SUPPORTED = MBH_ALIGN_MODS | MBH_MEMINFO | MBH_VIDEO,
};
/* Information structure flags and offsets. */
enum {
    MBI_MEM = 1 << 0, MBI_CMDLINE = 1 << 2, MBI_MODS = 1 << 3, MBI_MMAP = 1 << 6,
    MBI_LOADER_NAME = 1 << 9,
    MBI_O_FLAGS = 0, MBI_O_MEM_LOWER = 4, MBI_O_MEM_UPPER = 8, MBI_O_CMDLINE = 16,
    MBI_O_MODS_COUNT = 20, MBI_O_MODS_ADDR = 24, MBI_O_MMAP_LENGTH = 44, MBI_O_MMAP_ADDR = 48,
    MBI_O_LOADER_NAME = 64, MBI_SIZE = 88,
};

#define LOADER_NAME "Tandem"

/* What the image planners tell the rest: where the kernel ends (modules
 * go after it) and the physical entry point. */
typedef struct MbImage {
    uint64_t kernel_end;
    uint32_t entry;
} MbImage;

static int find_header(const LoaderFile *k, uint32_t *off, char *err, size_t errlen)
{
    size_t lim = k->size < MB_SEARCH ? k->size : MB_SEARCH;
    for (uint32_t o = 0; o + 12 <= lim; o += 4) {
        const uint8_t *h = k->data + o;
        if (ld_le(h, 4) != MB_MAGIC)
            continue;
        if ((uint32_t)(ld_le(h, 4) + ld_le(h + 4, 4) + ld_le(h + 8, 4))) {
            snprintf(err, errlen, "-kernel %s: Multiboot header at 0x%x has a bad checksum", k->path, o);
            return -1;
        }
        *off = o;
        return 1;
    }
    return 0;
}

static int load_range(BootPlan *p, const LoaderInput *in, uint64_t addr, uint64_t memsz,
                      const uint8_t *data, uint64_t filesz, char *err, size_t errlen)
{
    if (!loader_high_ok(&in->mem, addr, memsz) || filesz > memsz) {
        snprintf(err, errlen, "-kernel %s: loads at 0x%llx-0x%llx: not in RAM from 1 MiB (-m?)",
                 in->kernel.path, (unsigned long long)addr, (unsigned long long)(addr + memsz));
        return -1;
    }
    if (filesz && plan_ref(p, addr, data, filesz, err, errlen) < 0)
        return -1;
    if (memsz > filesz && plan_zero(p, addr + filesz, memsz - filesz, err, errlen) < 0)
        return -1;
    return 0;
}

/* The a.out kludge: the header's own addresses place the file. */
static int plan_aout(const LoaderInput *in, BootPlan *p, uint32_t hoff, MbImage *img, char *err, size_t errlen)
{
    const LoaderFile *k = &in->kernel;
    if (hoff + 32 > k->size) {
        snprintf(err, errlen, "-kernel %s: truncated Multiboot header", k->path);
        return -1;
    }
    const uint8_t *h = k->data + hoff;
    uint32_t header_addr = ld_le(h + 12, 4), load = ld_le(h + 16, 4);
    uint32_t load_end = ld_le(h + 20, 4), bss_end = ld_le(h + 24, 4);
    img->entry = ld_le(h + 28, 4);
    if (load > header_addr || header_addr - load > hoff) {
        snprintf(err, errlen, "-kernel %s: Multiboot load_addr 0x%x does not fit header_addr 0x%x",
                 k->path, load, header_addr);
        return -1;
    }
    uint64_t foff = hoff - (header_addr - load);
    uint64_t len = load_end ? (uint64_t)load_end - load : k->size - foff;
    if (load_end && load_end < load) {
        snprintf(err, errlen, "-kernel %s: Multiboot load_end_addr below load_addr", k->path);
        return -1;
    }
    if (foff + len > k->size) {
        snprintf(err, errlen, "-kernel %s: truncated (%zu bytes, the Multiboot header says %llu)",
                 k->path, k->size, (unsigned long long)(foff + len));
        return -1;
    }
    uint64_t end = bss_end > load + len ? bss_end : load + len;
    img->kernel_end = end;
    return load_range(p, in, load, end - load, k->data + foff, len, err, errlen);
}

/* ELF32 executables: every PT_LOAD at its physical address; the entry
 * point, a virtual address, translated through the segment holding it. */
static int plan_elf(const LoaderInput *in, BootPlan *p, MbImage *img, char *err, size_t errlen)
{
    const LoaderFile *k = &in->kernel;
    const uint8_t *e = k->data;
    if (k->size < 52 || memcmp(e, "\177ELF", 4)) {
        snprintf(err, errlen, "-kernel %s: Multiboot kernel is not ELF and has no a.out kludge", k->path);
        return -1;
    }
    if (e[4] != 1 || e[5] != 1 || ld_le(e + 18, 2) != 3) {
        snprintf(err, errlen, "-kernel %s: Multiboot ELF must be 32-bit little-endian i386", k->path);
        return -1;
    }
    uint32_t phoff = ld_le(e + 28, 4), phentsize = ld_le(e + 42, 2), phnum = ld_le(e + 44, 2);
    if (phentsize < 32 || (uint64_t)phoff + (uint64_t)phentsize * phnum > k->size) {
        snprintf(err, errlen, "-kernel %s: truncated ELF program headers", k->path);
        return -1;
    }
    img->entry = ld_le(e + 24, 4);
    img->kernel_end = 0;
    uint32_t entry = img->entry;
    int nload = 0;
    for (uint32_t i = 0; i < phnum; i++) {
        const uint8_t *ph = e + phoff + i * phentsize;
        if (ld_le(ph, 4) != 1)      /* PT_LOAD */
            continue;
        uint32_t off = ld_le(ph + 4, 4), vaddr = ld_le(ph + 8, 4), paddr = ld_le(ph + 12, 4);
        uint32_t filesz = ld_le(ph + 16, 4), memsz = ld_le(ph + 20, 4);
        if ((uint64_t)off + filesz > k->size) {
            snprintf(err, errlen, "-kernel %s: truncated ELF segment %u", k->path, i);
            return -1;
        }
        if (load_range(p, in, paddr, memsz, e + off, filesz, err, errlen) < 0)
            return -1;
        if (entry >= vaddr && entry - vaddr < memsz)
            img->entry = entry - vaddr + paddr;
        if ((uint64_t)paddr + memsz > img->kernel_end)
            img->kernel_end = (uint64_t)paddr + memsz;
        nload++;
    }
    if (!nload) {
        snprintf(err, errlen, "-kernel %s: ELF has nothing to load", k->path);
        return -1;
    }
    return 0;
}

/* Appends a NUL-terminated string to the info area; returns its address. */
static uint32_t info_str(uint8_t *area, uint32_t *used, const char *s)
{
    size_t n = strlen(s) + 1;
    if (*used + n > LOADER_MB_INFO_MAX)
        return 0;
    memcpy(area + *used, s, n);
    uint32_t addr = LOADER_MB_INFO + *used;
    *used += (uint32_t)n;
    return addr;
}

/* Modules page-aligned after the kernel; their list in the info area. */
static int plan_modules(const LoaderInput *in, BootPlan *p, uint8_t *area, uint32_t *used,
                        uint64_t kernel_end, char *err, size_t errlen)
{
    uint32_t list = *used;
    *used += 16 * (uint32_t)in->ninitrd;
    uint64_t addr = (kernel_end + 0xfff) & ~0xfffull;
    for (int i = 0; i < in->ninitrd; i++) {
        const LoaderFile *f = &in->initrd[i];
        if (!loader_high_ok(&in->mem, addr, f->size)) {
            snprintf(err, errlen, "-initrd %s: module does not fit in RAM after the kernel (-m?)", f->path);
            return -1;
        }
        uint32_t str = info_str(area, used, in->initrd_arg[i] ? in->initrd_arg[i] : f->path);
        if (!str) {
            snprintf(err, errlen, "-initrd: module names too long");
            return -1;
        }
        uint8_t *m = area + list + 16 * i;
        st_le(m, addr, 4);
        st_le(m + 4, addr + f->size, 4);
        st_le(m + 8, str, 4);
        if (plan_ref(p, addr, f->data, f->size, err, errlen) < 0)
            return -1;
        addr = (addr + f->size + 0xfff) & ~0xfffull;
    }
    st_le(area + MBI_O_MODS_COUNT, (uint32_t)in->ninitrd, 4);
    st_le(area + MBI_O_MODS_ADDR, LOADER_MB_INFO + list, 4);
    return 0;
}

/* mmap entries (size 20 + the size field) and mem_lower/mem_upper: the
 * RAM below the EBDA and the RAM from 1 MiB up to the first hole. */
static void plan_mmap(const LoaderMem *mem, uint8_t *area, uint32_t *used)
{
    E820Entry e[LOADER_E820_MAX];
    int n = loader_e820(mem, e);
    uint32_t start = *used;
    for (int i = 0; i < n; i++, *used += 24) {
        st_le(area + *used, 20, 4);
        st_le(area + *used + 4, e[i].addr, 8);
        st_le(area + *used + 12, e[i].len, 8);
        st_le(area + *used + 20, e[i].type, 4);
        if (e[i].type == LOADER_E820_RAM && e[i].addr == 0)
            st_le(area + MBI_O_MEM_LOWER, e[i].len >> 10, 4);
        if (e[i].type == LOADER_E820_RAM && e[i].addr == LOADER_HIGH)
            st_le(area + MBI_O_MEM_UPPER, e[i].len >> 10, 4);
    }
    st_le(area + MBI_O_MMAP_LENGTH, *used - start, 4);
    st_le(area + MBI_O_MMAP_ADDR, LOADER_MB_INFO + start, 4);
}

/* "KERNEL ARGS", as GRUB and QEMU pass it. */
static int plan_cmdline(const LoaderInput *in, BootPlan *p, char *err, size_t errlen)
{
    size_t kl = strlen(in->kernel.path), al = strlen(in->cmdline);
    if (kl + 1 + al + 1 > LOADER_CMDLINE_MAX) {
        snprintf(err, errlen, "-append: command line too long (%zu bytes, at most %d)", al,
                 LOADER_CMDLINE_MAX - 2 - (int)kl);
        return -1;
    }
    uint8_t *c = plan_alloc(p, LOADER_CMDLINE, kl + 1 + al + 1, err, errlen);
    if (!c)
        return -1;
    memcpy(c, in->kernel.path, kl);
    c[kl] = al ? ' ' : 0;
    memcpy(c + kl + 1, in->cmdline, al);
    return 0;
}

int loader_multiboot_plan(const LoaderInput *in, BootPlan *p, char *err, size_t errlen)
{
    const LoaderFile *k = &in->kernel;
    uint32_t hoff;
    int r = find_header(k, &hoff, err, errlen);
    if (r <= 0)
        return r;
    uint32_t flags = ld_le(k->data + hoff + 4, 4);
    if (flags & 0xffff & ~MBH_SUPPORTED) {
        snprintf(err, errlen, "-kernel %s: Multiboot header requires unsupported features (flags 0x%x)",
                 k->path, flags);
        return -1;
    }
    MbImage img;
    r = flags & MBH_AOUT_KLUDGE ? plan_aout(in, p, hoff, &img, err, errlen)
                                : plan_elf(in, p, &img, err, errlen);
    if (r < 0)
        return -1;
    uint8_t *area = plan_alloc(p, LOADER_MB_INFO, LOADER_MB_INFO_MAX, err, errlen);
    if (!area)
        return -1;
    uint32_t used = MBI_SIZE;
    plan_mmap(&in->mem, area, &used);
    if (plan_modules(in, p, area, &used, img.kernel_end, err, errlen) < 0 ||
        plan_cmdline(in, p, err, errlen) < 0)
        return -1;
    st_le(area + MBI_O_CMDLINE, LOADER_CMDLINE, 4);
    st_le(area + MBI_O_LOADER_NAME, info_str(area, &used, LOADER_NAME), 4);
    /* Video mode information (MBH_VIDEO) is not given: no MBI_VBE flag. */
    st_le(area + MBI_O_FLAGS, MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME, 4);
    p->multiboot = true;
    p->eip = img.entry;
    memset(p->regs, 0, sizeof p->regs);
    p->regs[R_EAX] = MB_BOOT_MAGIC;
    p->regs[R_EBX] = LOADER_MB_INFO;
    p->regs[R_ESP] = LOADER_STACK_TOP;
    return 1;
}
