/* Direct kernel boot: reading the files, the memory map, the boot plan and
 * putting it into the machine after every reset (see loader.h). */
#include "system/loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hw/acpi-tables.h"
#include "hw/memory.h"
#include "hw/pci-vga.h"

/* Files larger than this are not kernels or initrds we could place. */
#define LOADER_FILE_MAX (2ull << 30)

int loader_read_file(const char *path, LoaderFile *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        fclose(fp);
        return -1;
    }
    if ((uint64_t)st.st_size > LOADER_FILE_MAX) {
        snprintf(err, errlen, "too big (%llu MiB)", (unsigned long long)(st.st_size >> 20));
        fclose(fp);
        return -1;
    }
    f->size = (size_t)st.st_size;
    f->data = malloc(f->size ? f->size : 1);
    if (!f->data || fread(f->data, 1, f->size, fp) != f->size) {
        snprintf(err, errlen, "cannot read: %s", ferror(fp) ? strerror(errno) : "short read");
        free(f->data);
        f->data = NULL;
        fclose(fp);
        return -1;
    }
    fclose(fp);
    return 0;
}

static int e820_add(E820Entry *out, int n, uint64_t addr, uint64_t end, uint32_t type)
{
    if (end > addr && n < LOADER_E820_MAX)
        out[n++] = (E820Entry){ addr, end - addr, type };
    return n;
}

int loader_e820(const LoaderMem *mem, E820Entry *out)
{
    uint64_t low_end = mem->ram_below_4g < LOADER_EBDA ? mem->ram_below_4g : LOADER_EBDA;
    int n = 0;
    n = e820_add(out, n, 0, low_end, LOADER_E820_RAM);
    /* EBDA, VGA window, option ROMs and the BIOS: reserved up to 1 MiB. */
    n = e820_add(out, n, LOADER_EBDA, LOADER_HIGH, LOADER_E820_RESERVED);
    n = e820_add(out, n, LOADER_HIGH, mem->fw_base, LOADER_E820_RAM);
    n = e820_add(out, n, mem->fw_base, mem->ram_below_4g, LOADER_E820_ACPI);
    if (mem->rom_base)
        n = e820_add(out, n, mem->rom_base, 1ull << 32, LOADER_E820_RESERVED);
    if (mem->ram_size > mem->ram_below_4g)
        n = e820_add(out, n, 1ull << 32, (1ull << 32) + mem->ram_size - mem->ram_below_4g,
                     LOADER_E820_RAM);
    return n;
}

bool loader_high_ok(const LoaderMem *mem, uint64_t addr, uint64_t len)
{
    return addr >= LOADER_HIGH && addr <= mem->fw_base && len <= mem->fw_base - addr;
}

/* --- the plan --- */

static LoaderBlob *plan_next(BootPlan *p, char *err, size_t errlen)
{
    if (p->nblob >= LOADER_MAX_BLOBS) {
        snprintf(err, errlen, "too many pieces to load (at most %d)", LOADER_MAX_BLOBS);
        return NULL;
    }
    return &p->blob[p->nblob++];
}

int plan_ref(BootPlan *p, uint64_t addr, const uint8_t *data, uint64_t len, char *err, size_t errlen)
{
    LoaderBlob *b = plan_next(p, err, errlen);
    if (!b)
        return -1;
    *b = (LoaderBlob){ addr, len, data, false };
    return 0;
}

uint8_t *plan_alloc(BootPlan *p, uint64_t addr, uint64_t len, char *err, size_t errlen)
{
    uint8_t *buf = calloc(1, len ? len : 1);
    LoaderBlob *b = buf ? plan_next(p, err, errlen) : NULL;
    if (!b) {
        if (!buf)
            snprintf(err, errlen, "out of memory");
        free(buf);
        return NULL;
    }
    *b = (LoaderBlob){ addr, len, buf, true };
    return buf;
}

int plan_zero(BootPlan *p, uint64_t addr, uint64_t len, char *err, size_t errlen)
{
    return plan_ref(p, addr, NULL, len, err, errlen);
}

void loader_plan_free(BootPlan *p)
{
    for (int i = 0; i < p->nblob; i++)
        if (p->blob[i].owned)
            free((void *)p->blob[i].data);
    p->nblob = 0;
}

/* The GDT (flat code 0x10, flat data 0x18, both with the accessed bit set so
 * the CPU never writes them) and the BDA words the kernel reads to find the
 * EBDA (reserve_bios_regions, the MP table scan). */
static int plan_low_memory(BootPlan *p, char *err, size_t errlen)
{
    static const uint64_t gdt[4] = { 0, 0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull };
    uint8_t *g = plan_alloc(p, LOADER_GDT, sizeof gdt, err, errlen);
    uint8_t *bda = g ? plan_alloc(p, LOADER_BDA_EBDA, LOADER_BDA_BASEMEM + 2 - LOADER_BDA_EBDA,
                                  err, errlen) : NULL;
    if (!bda)
        return -1;
    for (int i = 0; i < 4; i++)
        st_le(g + 8 * i, gdt[i], 8);
    st_le(bda, LOADER_EBDA >> 4, 2);
    st_le(bda + LOADER_BDA_BASEMEM - LOADER_BDA_EBDA, LOADER_EBDA >> 10, 2);
    return 0;
}

int loader_plan(const LoaderInput *in, BootPlan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    const uint8_t *k = in->kernel.data;
    bool linux_hdr = in->kernel.size >= 0x206 && !memcmp(k + 0x202, "HdrS", 4);
    int r;
    if (linux_hdr) {
        r = loader_linux_plan(in, p, err, errlen);
    } else {
        r = loader_multiboot_plan(in, p, err, errlen);
        if (r == 0) {
            snprintf(err, errlen, "-kernel %s: not a Linux bzImage (no HdrS header) nor a Multiboot"
                     " kernel (no header in the first 8 KiB)", in->kernel.path);
            r = -1;
        }
    }
    if (r >= 0)
        r = plan_low_memory(p, err, errlen);
    p->fw_base = in->mem.fw_base;
    p->fw_len = in->mem.ram_below_4g - in->mem.fw_base;
    if (r < 0) {
        loader_plan_free(p);
        return -1;
    }
    return 0;
}

/* --- into the machine --- */

void loader_flat32_state(CpuState *s, uint32_t eip, const uint32_t regs[8])
{
    for (int i = 0; i < 8; i++)
        s->regs[i] = regs[i];
    for (int i = 8; i < 16; i++)
        s->regs[i] = 0;
    s->rip = eip;
    s->rflags = 0x2;
    for (int i = 0; i < SEG_COUNT; i++) {
        bool code = i == SEG_CS;
        s->seg[i] = (SegCache){
            .base = 0, .limit = 0xffffffff,
            .sel = code ? LOADER_BOOT_CS : LOADER_BOOT_DS,
            .attr = (code ? 0x9b : 0x93) | SA_DB | SA_G,
        };
    }
    s->gdt = (DescTable){ LOADER_GDT, 4 * 8 - 1 };
    s->idt = (DescTable){ 0, 0x3ff };
    s->cr0 = CR0_PE | CR0_ET;
    s->cr2 = s->cr3 = s->cr4 = 0;
    s->efer = 0;
    s->halted = 0;
    s->intr_shadow = 0;
}

void loader_apply(Machine *m, const BootPlan *p)
{
    static const uint8_t zeros[4096];
    for (int i = 0; i < p->nblob; i++) {
        const LoaderBlob *b = &p->blob[i];
        if (b->data) {
            phys_rw(&m->mem, b->addr, (void *)b->data, b->len, true);
            continue;
        }
        for (uint64_t off = 0; off < b->len; off += sizeof zeros) {
            uint64_t n = b->len - off < sizeof zeros ? b->len - off : sizeof zeros;
            phys_rw(&m->mem, b->addr + off, (void *)zeros, n, true);
        }
    }
    if (p->fw_len) {
        uint64_t rsdp = acpi_install(m, p->fw_base, p->fw_len);
        if (!rsdp)
            fprintf(stderr, "tandem: the ACPI tables do not fit in %llu KiB: booting without them\n",
                    (unsigned long long)(p->fw_len >> 10));
        if (p->rsdp_ptr)
            phys_write(&m->mem, p->rsdp_ptr, rsdp, 8);
    }
    pci_vga_post(m);        /* no firmware ran: the VGA as its BIOS leaves it */
    CpuState s;
    m->accel_ops->get_state(m->accel, &s);
    loader_flat32_state(&s, p->eip, p->regs);
    m->accel_ops->set_state(m->accel, &s);
}

/* --- setup from the command line --- */

typedef struct Loader {
    Machine *m;
    LoaderInput in;
    BootPlan plan;
    char *initrd_list;      /* copy of -initrd, cut at the commas */
} Loader;

static void loader_post_reset(void *opaque)
{
    Loader *l = opaque;
    loader_apply(l->m, &l->plan);
}

static void loader_destroy(void *opaque)
{
    Loader *l = opaque;
    loader_plan_free(&l->plan);
    free(l->in.kernel.data);
    for (int i = 0; i < l->in.ninitrd; i++) {
        free(l->in.initrd[i].data);
        free((char *)l->in.initrd_arg[i]);
    }
    free(l->initrd_list);
    free(l);
}

/* The machine's RAM layout, with the ACPI tables' area at the top of the
 * RAM below 4 GiB (their address, rsdp, is only known after each reset). */
static void loader_mem_of(Machine *m, LoaderMem *mem)
{
    memset(mem, 0, sizeof *mem);
    mem->ram_size = m->mem.ram_size;
    mem->ram_below_4g = m->mem.ram_below_4g;
    /* (no room for tables in a machine too small to boot a kernel anyway) */
    mem->fw_base = m->mem.ram_below_4g - (m->mem.ram_below_4g >= 2 * LOADER_HIGH ? LOADER_FW_SIZE : 0);
    for (int i = 0; i < m->mem.nregions; i++) {
        const MemRegion *r = &m->mem.regions[i];
        if (r->kind == REGION_ROM && r->base >= LOADER_HIGH && r->base < (1ull << 32) &&
            (!mem->rom_base || r->base < mem->rom_base))
            mem->rom_base = r->base;
    }
    mem->vga_text = machine_find_device(m, "pci-vga") != NULL;
}

/* -initrd "a,b": each file; for Multiboot "file args" gives the module string. */
static int read_initrds(Loader *l, const char *list)
{
    char err[200];
    l->initrd_list = strdup(list);
    for (char *save = NULL, *item = strtok_r(l->initrd_list, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        if (l->in.ninitrd == LOADER_MAX_INITRD) {
            fprintf(stderr, "tandem: -initrd: more than %d files\n", LOADER_MAX_INITRD);
            return -1;
        }
        int i = l->in.ninitrd;
        l->in.initrd_arg[i] = strdup(item);
        item[strcspn(item, " ")] = 0;
        if (loader_read_file(item, &l->in.initrd[i], err, sizeof err) < 0) {
            fprintf(stderr, "tandem: -initrd %s: %s\n", item, err);
            free((char *)l->in.initrd_arg[i]);
            return -1;
        }
        l->in.ninitrd++;
    }
    if (!l->in.ninitrd) {
        fprintf(stderr, "tandem: -initrd '%s': no file named\n", list);
        return -1;
    }
    return 0;
}

int loader_setup(Machine *m, const Config *cfg)
{
    if (!cfg->kernel)
        return 0;
    char err[256];
    Loader *l = calloc(1, sizeof *l);
    l->m = m;
    loader_mem_of(m, &l->in.mem);
    l->in.cmdline = cfg->append ? cfg->append : "";
    if (loader_read_file(cfg->kernel, &l->in.kernel, err, sizeof err) < 0) {
        fprintf(stderr, "tandem: -kernel %s: %s\n", cfg->kernel, err);
        loader_destroy(l);
        return -1;
    }
    if (cfg->initrd && read_initrds(l, cfg->initrd) < 0) {
        loader_destroy(l);
        return -1;
    }
    if (loader_plan(&l->in, &l->plan, err, sizeof err) < 0) {
        fprintf(stderr, "tandem: %s\n", err);
        loader_destroy(l);
        return -1;
    }
    m->post_reset = loader_post_reset;
    m->post_reset_opaque = l;
    machine_add_device(m, "loader", NULL, l, NULL, loader_destroy);
    return 0;
}
