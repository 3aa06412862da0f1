/* The ACPI tables of a board built from a command line: linked by the loader
 * commands (as SeaBIOS does) and installed for a direct boot; every table's
 * checksum and length, the RSDP v2 fields, the FADT's blocks against the
 * PIIX4 PM device (the PM timer runs there, SLP_TYP 0 powers off), the MADT
 * entries, and the DSDT walked term by term with the names it must hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel/accel.h"
#include "hw/acpi-aml.h"
#include "hw/acpi-tables.h"
#include "hw/apic.h"
#include "hw/ioapic.h"
#include "hw/piix4-pm.h"
#include "hw/fw-cfg.h"
#include "hw/machine.h"
#include "hw/pc-board.h"
#include "system/options.h"
#include "tests/unit/test.h"

static char bios_path[64];

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

static void make_machine(Machine *m, const char *smp)
{
    char *argv[] = { "tandem", "-bios", bios_path, "-m", "128", "-smp", (char *)smp,
                     "-display", "none", NULL };
    Config cfg;
    CHECK_EQ(options_parse(&cfg, 9, argv), 0);
    machine_init(m);
    clock_init(&m->clock, CLOCK_SRC_HOST, 0);
    m->smp = cfg.smp > 0 ? cfg.smp : 1;
    CHECK_EQ(pc_board_create(m, &cfg), 0);
    machine_reset(m);
}

/* A linked image at guest-physical `base`: tables by address. */
typedef struct Image {
    uint8_t *mem;
    uint64_t base;
    size_t cap;
} Image;

static const uint8_t *at(const Image *im, uint64_t addr, size_t len)
{
    if (addr < im->base || addr - im->base > im->cap || len > im->cap - (addr - im->base))
        return NULL;
    return im->mem + (addr - im->base);
}

/* A table at addr with a good checksum and length; NULL otherwise. */
static const uint8_t *table(const Image *im, uint64_t addr, const char *sig)
{
    const uint8_t *t = at(im, addr, 36);
    CHECK(t != NULL);
    if (!t)
        return NULL;
    uint32_t len = (uint32_t)le(t + 4, 4);
    CHECK(!memcmp(t, sig, 4));
    CHECK(at(im, addr, len) != NULL);
    CHECK_EQ(sum(t, len), 0);
    return t;
}

/* ---- a minimal AML walker over the DSDT's term lists ---- */

static size_t pkg_len(const uint8_t *p, size_t *nbytes)
{
    int n = p[0] >> 6;
    size_t v = n ? (p[0] & 0x0f) : (p[0] & 0x3f);
    for (int i = 0; i < n; i++)
        v |= (size_t)p[1 + i] << (4 + 8 * i);
    *nbytes = (size_t)n + 1;
    return v;
}

static size_t name_len(const uint8_t *p)
{
    size_t i = 0;
    while (p[i] == '\\' || p[i] == '^')
        i++;
    if (p[i] == 0)
        return i + 1;
    if (p[i] == 0x2e)
        return i + 1 + 8;
    if (p[i] == 0x2f)
        return i + 2 + 4 * (size_t)p[i + 1];
    return i + 4;
}

static size_t data_len(const uint8_t *p);

/* Length of a Package/Buffer/If/Method/Scope/Device: opcode(s) + PkgLength. */
static size_t container_len(const uint8_t *p, int nop)
{
    size_t nb;
    return (size_t)nop + pkg_len(p + nop, &nb);
}

static size_t data_len(const uint8_t *p)
{
    switch (p[0]) {
    case 0x00: case 0x01: case 0xff: return 1;
    case 0x0a: return 2;
    case 0x0b: return 3;
    case 0x0c: return 5;
    case 0x0e: return 9;
    case 0x0d: return 2 + strlen((const char *)p + 1);
    case 0x11: case 0x12: return container_len(p, 1);
    default: return 0;   /* not a data object */
    }
}

static int found_s5, found_pci0, found_prt, found_hpet, found_pic, terms;

/* Walks a TermList; checks that every term ends inside it. */
static bool walk(const uint8_t *p, size_t len, const char *scope)
{
    size_t i = 0;
    while (i < len) {
        const uint8_t *t = p + i;
        size_t n = 0, nb;
        terms++;
        if (t[0] == 0x08) {                      /* Name */
            size_t nl = name_len(t + 1);
            size_t dl = data_len(t + 1 + nl);
            if (!dl)
                return false;
            if (!memcmp(t + 1, "_S5_", 4) && t[1 + nl] == 0x12) {
                const uint8_t *pk = t + 1 + nl;
                size_t h = 1 + (pkg_len(pk + 1, &nb), nb);
                found_s5 = pk[h] == 4 && pk[h + 1] == 0x00 && pk[h + 2] == 0x00;
            }
            if (!memcmp(t + 1, "_HID", 4) && !strcmp(scope, "PCI0") &&
                !memcmp(t + 1 + nl, "\x0c\x41\xd0\x0a\x03", 5))
                found_pci0 = 1;
            if (!memcmp(t + 1, "_HID", 4) && !strcmp(scope, "HPET") &&
                !memcmp(t + 1 + nl, "\x0c\x41\xd0\x01\x03", 5))
                found_hpet = 1;
            n = 1 + nl + dl;
        } else if (t[0] == 0x10 || t[0] == 0x14 || (t[0] == 0x5b && t[1] == 0x82)) {
            int nop = t[0] == 0x5b ? 2 : 1;
            size_t body = pkg_len(t + nop, &nb);
            const uint8_t *name = t + nop + nb;
            size_t nl = name_len(name);
            char seg[5] = { 0 };
            memcpy(seg, name + nl - 4, 4);
            if (t[0] == 0x14) {                  /* Method: not walked */
                found_prt |= !memcmp(seg, "_PRT", 4);
                found_pic |= !memcmp(seg, "_PIC", 4);
            } else if (!walk(name + nl, body - nb - nl, seg)) {
                return false;
            }
            n = (size_t)nop + body;
        } else {
            return false;
        }
        if (n > len - i)
            return false;
        i += n;
    }
    return i == len;
}

/* ---- the checks ---- */

static void check_image(Machine *m, const Image *im, uint64_t rsdp_addr, int ncpus)
{
    const uint8_t *r = at(im, rsdp_addr, 36);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK(!memcmp(r, "RSD PTR ", 8));
    CHECK_EQ(sum(r, 20), 0);
    CHECK_EQ(sum(r, 36), 0);
    CHECK_EQ(r[15], 2);
    CHECK_EQ(le(r + 20, 4), 36);
    const uint8_t *rsdt = table(im, le(r + 16, 4), "RSDT");
    const uint8_t *xsdt = table(im, le(r + 24, 8), "XSDT");
    if (!rsdt || !xsdt)
        return;
    int n = (int)(le(rsdt + 4, 4) - 36) / 4;
    CHECK_EQ(n, 3);
    CHECK_EQ((le(xsdt + 4, 4) - 36) / 8, (uint64_t)n);
    const uint8_t *fadt = NULL, *madt = NULL, *hpet = NULL;
    for (int i = 0; i < n; i++) {
        uint64_t a = le(rsdt + 36 + 4 * i, 4);
        CHECK_EQ(le(xsdt + 36 + 8 * i, 8), a);
        const uint8_t *t = at(im, a, 36);
        if (!t)
            continue;
        if (!memcmp(t, "FACP", 4))
            fadt = table(im, a, "FACP");
        else if (!memcmp(t, "APIC", 4))
            madt = table(im, a, "APIC");
        else if (!memcmp(t, "HPET", 4))
            hpet = table(im, a, "HPET");
    }
    CHECK(fadt && madt && hpet);
    if (!fadt || !madt || !hpet)
        return;

    /* FADT revision 3 */
    CHECK_EQ(fadt[8], 3);
    CHECK_EQ(le(fadt + 4, 4), 244);
    CHECK_EQ(le(fadt + 46, 2), 9);
    CHECK_EQ(le(fadt + 56, 4), ACPI_PM_BASE);
    CHECK_EQ(le(fadt + 64, 4), ACPI_PM_BASE + 4);
    CHECK_EQ(le(fadt + 76, 4), ACPI_PM_BASE + 8);
    CHECK_EQ(le(fadt + 148 + 4, 8), ACPI_PM_BASE);         /* X_PM1a_EVT_BLK */
    CHECK_EQ(le(fadt + 208 + 4, 8), ACPI_PM_BASE + 8);     /* X_PM_TMR_BLK */
    CHECK_EQ(le(fadt + 116 + 4, 8), 0xcf9);                /* RESET_REG */
    CHECK_EQ(fadt[128], 6);
    CHECK(le(fadt + 112, 4) & (1u << 10));                 /* RESET_REG_SUP */
    const uint8_t *facs = at(im, le(fadt + 36, 4), 64);
    CHECK(facs && !memcmp(facs, "FACS", 4) && le(facs + 4, 4) == 64);
    CHECK_EQ(le(fadt + 36, 4) % 64, 0);
    CHECK_EQ(le(fadt + 140, 8), le(fadt + 40, 4));
    const uint8_t *dsdt = table(im, le(fadt + 40, 4), "DSDT");

    /* MADT */
    CHECK_EQ(le(madt + 36, 4), 0xfee00000u);
    int cpus = 0, ioapics = 0, iso0 = 0, iso9 = 0, nmi = 0;
    uint32_t mlen = (uint32_t)le(madt + 4, 4);
    for (uint32_t o = 44; o + 2 <= mlen && madt[o + 1]; o += madt[o + 1]) {
        const uint8_t *e = madt + o;
        if (e[0] == 0 && e[1] == 8)
            cpus += (e[3] == cpus) && le(e + 4, 4) == 1;
        if (e[0] == 1 && e[1] == 12)
            ioapics += le(e + 4, 4) == 0xfec00000u && le(e + 8, 4) == 0;
        if (e[0] == 2 && e[1] == 10 && e[3] == 0)
            iso0 += le(e + 4, 4) == 2;
        if (e[0] == 2 && e[1] == 10 && e[3] == 9)
            iso9 += le(e + 4, 4) == 9 && le(e + 8, 2) == 0x000d;
        if (e[0] == 4 && e[1] == 6)
            nmi += e[5] == 1;
    }
    CHECK_EQ(cpus, ncpus);
    CHECK_EQ(ioapics, 1);
    CHECK_EQ(iso0, 1);
    CHECK_EQ(iso9, 1);
    CHECK_EQ(nmi, 1);

    /* HPET */
    CHECK_EQ(le(hpet + 36, 4) & 0xffff, 0xa201u);
    CHECK_EQ(le(hpet + 44, 8), 0xfed00000u);

    /* DSDT */
    if (dsdt) {
        found_s5 = found_pci0 = found_prt = found_hpet = found_pic = terms = 0;
        CHECK(walk(dsdt + 36, le(dsdt + 4, 4) - 36, ""));
        CHECK(found_s5);
        CHECK(found_pci0);
        CHECK(found_prt);
        CHECK(found_pic);
        CHECK(found_hpet);
        CHECK(terms > 20);
    }
    (void)m;
}

static void test_loader_link(void)
{
    Machine m;
    make_machine(&m, "1");
    m.smp = 2;   /* the command line takes one CPU today; the tables follow m->smp */
    AcpiTables t;
    acpi_build(&m, &t);
    CHECK_EQ(t.loader_len % 128, 0);
    CHECK(t.loader_len >= 128 * 4);
    /* the loader's first commands allocate the two files */
    CHECK_EQ(le(t.loader, 4), 1);
    CHECK(!strcmp((const char *)t.loader + 4, ACPI_FILE_RSDP));
    CHECK_EQ(t.loader[4 + 56 + 4], 2);           /* F segment */
    Image im = { calloc(1, 65536), 0x7ff0000, 65536 };
    uint64_t rsdp = acpi_link(&t, im.mem, im.base, im.cap);
    CHECK(rsdp >= im.base && rsdp % 16 == 0);
    check_image(&m, &im, rsdp, 2);
    /* too small a space: refused, no RSDP */
    CHECK_EQ(acpi_link(&t, im.mem, im.base, 256), 0);
    /* a corrupt loader command (pointer past the file) is refused */
    uint8_t *bad = malloc(t.loader_len);
    memcpy(bad, t.loader, t.loader_len);
    for (size_t i = 0; i < t.loader_len; i += 128)
        if (le(bad + i, 4) == 2) {
            bad[i + 4 + 112] = 0xff;
            bad[i + 4 + 113] = 0xff;
            break;
        }
    AcpiTables tb = t;
    tb.loader = bad;
    CHECK_EQ(acpi_link(&tb, im.mem, im.base, im.cap), 0);
    free(bad);
    free(im.mem);

    /* SeaBIOS's view: the same three files in fw_cfg */
    Device *d = machine_find_device(&m, "fw_cfg");
    CHECK(d != NULL);
    if (d) {
        FwCfg *f = d->opaque;
        int k = fw_cfg_find_file(f, ACPI_FILE_TABLES);
        CHECK(k >= 0);
        m.smp = 1;   /* as the board was built */
        AcpiTables t1;
        acpi_build(&m, &t1);
        const FwCfgItem *it = k >= 0 ? fw_cfg_item(f, (uint16_t)k) : NULL;
        CHECK(it && it->len == t1.tables_len && !memcmp(it->data, t1.tables, t1.tables_len));
        acpi_tables_free(&t1);
        CHECK(fw_cfg_find_file(f, ACPI_FILE_RSDP) >= 0);
        CHECK(fw_cfg_find_file(f, ACPI_FILE_LOADER) >= 0);
    }
    acpi_tables_free(&t);
    machine_destroy(&m);
}

static void test_direct_install(void)
{
    Machine m;
    make_machine(&m, "1");
    uint64_t base = m.mem.ram_below_4g - 0x20000;
    uint64_t rsdp = acpi_install(&m, base, 0x20000);
    CHECK(rsdp >= base && rsdp < base + 0x20000);
    Image im = { phys_host_ptr(&m.mem, base, 0x20000, false), base, 0x20000 };
    check_image(&m, &im, rsdp, 1);
    CHECK_EQ(acpi_install(&m, 0xfff00000ull, 0x1000), 0);   /* not RAM */
    CHECK_EQ(acpi_install(&m, base + 4, 0x1000), 0);        /* misaligned */

    /* The SCI reaches IOAPIC pin 9 as the MADT's override says (level,
     * active high): GBL_STS raised by BIOS_RLS with GBL_EN and SCI_EN. */
    Lapic *lapic = m.lapic;
    phys_write(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_SVR, 0x1ff, 4);
    phys_write(&m.mem, IOAPIC_BASE, 0x10 + 2 * 9, 4);
    phys_write(&m.mem, IOAPIC_BASE + 0x10, 0x49 | 1u << 15, 4);
    io_write(&m.io, ACPI_PM_BASE + 2, 1u << 5, 2);          /* PMEN.GBL_EN */
    io_write(&m.io, ACPI_PM_BASE + 4, 1, 2);                /* PMCNTRL.SCI_EN */
    Device *pmdev = machine_find_device(&m, "piix4-pm");
    CHECK(pmdev != NULL);
    PciDevice *pmpci = &((Piix4Pm *)pmdev->opaque)->pci;
    CHECK_EQ(pci_config_read(pmpci->bus, 0, pmpci->devfn, PM_PMBA, 4), ACPI_PM_BASE | 1);
    io_write(&m.io, ACPI_PM_BASE + 0x28, 2, 4);             /* GLBCTL.BIOS_RLS */
    CHECK_EQ(lapic_intack(lapic), 0x49);
    CHECK_EQ(lapic_reg_read(lapic, LAPIC_TMR + 0x20) >> 9 & 1, 1);   /* level */
    phys_write(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_EOI, 0, 4);
    CHECK_EQ(lapic_intack(lapic), 0x49);                    /* still asserted: again */
    io_write(&m.io, ACPI_PM_BASE, 1u << 5, 2);              /* clear GBL_STS */
    phys_write(&m.mem, LAPIC_BASE_DEFAULT + LAPIC_EOI, 0, 4);
    CHECK_EQ(lapic->intr_out, 0);
    phys_write(&m.mem, IOAPIC_BASE, 0x10 + 2 * 9, 4);
    CHECK_EQ(phys_read(&m.mem, IOAPIC_BASE + 0x10, 4) & (1u << 14), 0);   /* remote IRR */

    /* The PM block is where the FADT says: the timer runs, and SLP_TYP 0 with
     * SLP_EN is soft-off. */
    uint32_t t0 = io_read(&m.io, ACPI_PM_BASE + 8, 4);
    usleep(2000);
    uint32_t t1 = io_read(&m.io, ACPI_PM_BASE + 8, 4);
    CHECK(t0 != 0xffffffffu && ((t1 - t0) & 0xffffff) > 0);
    CHECK(!m.quit);
    io_write(&m.io, ACPI_PM_BASE + 4, 0 << 10 | 1u << 13, 2);
    CHECK(m.quit);
    CHECK_EQ(m.exit_code, 0);
    machine_destroy(&m);
}

static void test_aml_encoding(void)
{
    uint8_t b[4];
    CHECK_EQ(aml_pkg_length(b, 0x3e), 1);
    CHECK_EQ(b[0], 0x3f);
    CHECK_EQ(aml_pkg_length(b, 0x3f), 2);        /* 0x41 with its two bytes */
    CHECK_EQ(b[0], 0x41);
    CHECK_EQ(b[1], 0x04);
    CHECK_EQ(aml_pkg_length(b, 0x1000), 3);
    Aml a;
    aml_init(&a);
    aml_eisaid(&a, "PNP0A03");
    CHECK(a.len == 5 && !memcmp(a.data, "\x0c\x41\xd0\x0a\x03", 5));
    aml_free(&a);
    aml_name_string(&a, "\\_SB.PCI0");
    CHECK(a.len == 10 && !memcmp(a.data, "\\\x2e_SB_PCI0", 10));
    aml_free(&a);
    aml_int(&a, 0x1234);
    CHECK(a.len == 3 && a.data[0] == 0x0b);
    aml_free(&a);
}

int main(void)
{
    snprintf(bios_path, sizeof bios_path, "/tmp/test-acpi-bios-%d.bin", (int)getpid());
    static uint8_t rom[65536];
    memset(rom, 0xf4, sizeof rom);
    FILE *f = fopen(bios_path, "wb");
    fwrite(rom, 1, sizeof rom, f);
    fclose(f);
    test_aml_encoding();
    test_loader_link();
    test_direct_install();
    unlink(bios_path);
    return test_main_result("test-acpi");
}
