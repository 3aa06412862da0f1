/* ACPI tables (see acpi-tables.h).  Every table goes into one file,
 * etc/acpi/tables, and the RSDP into etc/acpi/rsdp; pointer fields hold
 * offsets into the file they point to, and the loader commands turn them into
 * addresses and fill in the checksums once the files are placed. */
#include "hw/acpi-tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/acpi-aml.h"
#include "hw/fw-cfg.h"
#include "hw/hpet.h"
#include "hw/pci.h"
#include "hw/piix3.h"
#include "hw/piix4-pm.h"

enum { CMD_ALLOCATE = 1, CMD_ADD_POINTER = 2, CMD_ADD_CHECKSUM = 3 };
enum { ZONE_HIGH = 1, ZONE_FSEG = 2 };
#define CMD_SIZE 128
#define FILE_LEN 56
#define HDR_LEN 36

/* ISA IRQs of PIRQA-D in PIC mode: what SeaBIOS programs into the PIIX3's
 * PIRQRC (and acpi_install() does for a direct boot). */
static const uint8_t pirq_isa_irq[4] = { 10, 10, 11, 11 };

typedef struct Build {
    Machine *m;
    Aml tables, rsdp, loader;
} Build;

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void zeros(Aml *a, size_t n)
{
    static const uint8_t z[64];
    while (n) {
        size_t k = n < sizeof z ? n : sizeof z;
        aml_bytes(a, z, k);
        n -= k;
    }
}

static void le(Aml *a, uint64_t v, int n)
{
    uint8_t b[8];
    put_le(b, v, n);
    aml_bytes(a, b, (size_t)n);
}

/* ---- loader commands ---- */

static void cmd_name(uint8_t *p, const char *name)
{
    strncpy((char *)p, name, FILE_LEN - 1);
}

static void cmd_allocate(Build *b, const char *file, uint32_t align, uint8_t zone)
{
    uint8_t c[CMD_SIZE] = { 0 };
    put_le(c, CMD_ALLOCATE, 4);
    cmd_name(c + 4, file);
    put_le(c + 4 + FILE_LEN, align, 4);
    c[4 + FILE_LEN + 4] = zone;
    aml_bytes(&b->loader, c, CMD_SIZE);
}

static void cmd_pointer(Build *b, const char *dest, const char *src, uint32_t off, uint8_t size)
{
    uint8_t c[CMD_SIZE] = { 0 };
    put_le(c, CMD_ADD_POINTER, 4);
    cmd_name(c + 4, dest);
    cmd_name(c + 4 + FILE_LEN, src);
    put_le(c + 4 + 2 * FILE_LEN, off, 4);
    c[4 + 2 * FILE_LEN + 4] = size;
    aml_bytes(&b->loader, c, CMD_SIZE);
}

static void cmd_checksum(Build *b, const char *file, uint32_t result, uint32_t start, uint32_t len)
{
    uint8_t c[CMD_SIZE] = { 0 };
    put_le(c, CMD_ADD_CHECKSUM, 4);
    cmd_name(c + 4, file);
    put_le(c + 4 + FILE_LEN, result, 4);
    put_le(c + 4 + FILE_LEN + 4, start, 4);
    put_le(c + 4 + FILE_LEN + 8, len, 4);
    aml_bytes(&b->loader, c, CMD_SIZE);
}

/* A pointer field in the tables file at off (size bytes) to offset target of
 * the tables file. */
static void table_pointer(Build *b, size_t off, int size, size_t target)
{
    put_le(b->tables.data + off, target, size);
    cmd_pointer(b, ACPI_FILE_TABLES, ACPI_FILE_TABLES, (uint32_t)off, (uint8_t)size);
}

/* ---- table headers ---- */

static size_t table_begin(Build *b, const char *sig, uint8_t rev)
{
    size_t off = b->tables.len;
    aml_bytes(&b->tables, sig, 4);
    le(&b->tables, 0, 4);                       /* length, set by table_end */
    aml_byte(&b->tables, rev);
    aml_byte(&b->tables, 0);                    /* checksum (loader) */
    aml_bytes(&b->tables, "TANDEM", 6);         /* OEM ID */
    aml_bytes(&b->tables, "TANDEMPC", 8);       /* OEM table ID */
    le(&b->tables, 1, 4);                       /* OEM revision */
    aml_bytes(&b->tables, "TNDM", 4);           /* creator ID */
    le(&b->tables, 1, 4);                       /* creator revision */
    return off;
}

static void table_end(Build *b, size_t off)
{
    uint32_t len = (uint32_t)(b->tables.len - off);
    put_le(b->tables.data + off + 4, len, 4);
    cmd_checksum(b, ACPI_FILE_TABLES, (uint32_t)off + 9, (uint32_t)off, len);
}

static void align_tables(Build *b, size_t align)
{
    zeros(&b->tables, (align - b->tables.len % align) % align);
}

/* Generic Address Structure: I/O or memory space. */
static void gas(Aml *a, uint8_t space, uint8_t bits, uint8_t access, uint64_t addr)
{
    aml_byte(a, space);
    aml_byte(a, bits);
    aml_byte(a, 0);
    aml_byte(a, access);
    le(a, addr, 8);
}
#define GAS_MEM 0
#define GAS_IO 1

/* ---- FACS ---- */

static size_t build_facs(Build *b)
{
    size_t off = b->tables.len;   /* 64-byte aligned: the file's start */
    aml_bytes(&b->tables, "FACS", 4);
    le(&b->tables, 64, 4);
    zeros(&b->tables, 24);        /* signature, waking vector, global lock, flags, X vector */
    aml_byte(&b->tables, 1);      /* version (ACPI 2.0+) */
    zeros(&b->tables, 31);
    return off;
}

/* ---- DSDT ---- */

static void dev_simple(Aml *parent, const char *name, const char *hid, int uid, Aml *crs)
{
    Aml d;
    aml_init(&d);
    aml_name(&d, "_HID");
    aml_eisaid(&d, hid);
    if (uid >= 0) {
        aml_name(&d, "_UID");
        aml_int(&d, (uint64_t)uid);
    }
    aml_name(&d, "_CRS");
    aml_res_end(crs);
    aml_buffer_end(&d, crs);
    aml_device_end(parent, name, &d);
}

static void isa_devices(Build *b, Aml *isa)
{
    Aml r;
    aml_init(&r);
    aml_res_io(&r, 0x70, 2);
    aml_res_irq(&r, 1u << 8);
    dev_simple(isa, "RTC", "PNP0B00", -1, &r);

    aml_init(&r);
    aml_res_io(&r, 0x60, 1);
    aml_res_io(&r, 0x64, 1);
    aml_res_irq(&r, 1u << 1);
    dev_simple(isa, "KBD", "PNP0303", -1, &r);

    aml_init(&r);
    aml_res_irq(&r, 1u << 12);
    dev_simple(isa, "MOU", "PNP0F13", -1, &r);

    static const struct { const char *dev, *name; uint16_t base; int irq; } com[2] = {
        { "serial0", "COM1", 0x3f8, 4 }, { "serial1", "COM2", 0x2f8, 3 } };
    for (int i = 0; i < 2; i++) {
        if (!machine_find_device(b->m, com[i].dev))
            continue;
        aml_init(&r);
        aml_res_io(&r, com[i].base, 8);
        aml_res_irq(&r, (uint16_t)(1u << com[i].irq));
        dev_simple(isa, com[i].name, "PNP0501", i + 1, &r);
    }
}

/* One _PRT entry: Package { address (slot << 16 | 0xFFFF), pin, 0, GSI }. */
static void prt_entry(Aml *pkg, int slot, int pin, unsigned gsi)
{
    Aml e;
    aml_init(&e);
    aml_int(&e, (uint64_t)slot << 16 | 0xffff);
    aml_int(&e, (uint64_t)pin);
    aml_int(&e, 0);
    aml_int(&e, gsi);
    aml_package_end(pkg, 4, &e);
}

/* The PCI interrupt routing of slots 1-31 (slot 0 is the host bridge) as a
 * named package: PIRQ n is GSI 16 + n in APIC mode, its ISA IRQ in PIC mode. */
static void prt_package(Aml *dev, const char *name, bool apic)
{
    Aml pkg;
    aml_init(&pkg);
    for (int slot = 1; slot < 32; slot++)
        for (int pin = 0; pin < 4; pin++) {
            int pirq = piix3_pirq_of(slot << 3, pin);
            prt_entry(&pkg, slot, pin, apic ? 16u + (unsigned)pirq : pirq_isa_irq[pirq]);
        }
    aml_name(dev, name);
    aml_package_end(dev, 31 * 4, &pkg);
}

static void pci_root(Build *b, Aml *sb)
{
    Aml d, r, isa, m;
    aml_init(&d);
    aml_name(&d, "_HID");
    aml_eisaid(&d, "PNP0A03");
    aml_name(&d, "_ADR");
    aml_int(&d, 0);
    aml_name(&d, "_UID");
    aml_int(&d, 0);

    /* Bus 0-255, the config ports, all other I/O, the VGA window and the
     * PCI hole from the end of low RAM to the IOAPIC. */
    aml_init(&r);
    aml_res_word_bus(&r, 0, 0xff);
    aml_res_io(&r, 0xcf8, 8);
    aml_res_word_io(&r, 0x0000, 0x0cf7);
    aml_res_word_io(&r, 0x0d00, 0xffff);
    aml_res_dword_mem(&r, 0xa0000, 0xbffff);
    uint64_t low = b->m->mem.ram_below_4g;
    if (low < ACPI_IOAPIC_ADDR)
        aml_res_dword_mem(&r, (uint32_t)low, ACPI_IOAPIC_ADDR - 1);
    aml_res_end(&r);
    aml_name(&d, "_CRS");
    aml_buffer_end(&d, &r);

    /* _PRT: by the interrupt model the OS chose with \_PIC */
    prt_package(&d, "PRTA", true);
    prt_package(&d, "PRTP", false);
    aml_init(&m);
    Aml cond;
    aml_init(&cond);
    aml_name_string(&cond, "\\PICF");
    aml_return(&cond);
    aml_name_string(&cond, "PRTA");
    aml_if_end(&m, &cond);
    aml_return(&m);
    aml_name_string(&m, "PRTP");
    aml_method_end(&d, "_PRT", 0, &m);

    /* The PIIX3 ISA bridge (00:01.0) and its devices */
    aml_init(&isa);
    aml_name(&isa, "_ADR");
    aml_int(&isa, 0x00010000);
    isa_devices(b, &isa);
    aml_device_end(&d, "ISA", &isa);

    aml_device_end(sb, "PCI0", &d);
}

static void build_dsdt_body(Build *b, Aml *a)
{
    /* \PICF: 0 PIC mode, 1 APIC mode, set by the OS through \_PIC. */
    aml_name(a, "PICF");
    aml_int(a, 0);
    Aml m;
    aml_init(&m);
    aml_store_arg(&m, 0, "\\PICF");
    aml_method_end(a, "_PIC", 1, &m);

    /* \_S5: SLP_TYP 0 for PM1a and PM1b, which hw/piix4-pm.c takes as soft-off. */
    Aml s5;
    aml_init(&s5);
    for (int i = 0; i < 4; i++)
        aml_int(&s5, 0);
    aml_name(a, "_S5");
    aml_package_end(a, 4, &s5);

    Aml sb;
    aml_init(&sb);
    pci_root(b, &sb);
    for (int i = 0; i < b->m->smp; i++) {
        char name[8];
        snprintf(name, sizeof name, "C%03X", i & 0xfff);
        Aml cpu;
        aml_init(&cpu);
        aml_name(&cpu, "_HID");
        aml_string(&cpu, "ACPI0007");
        aml_name(&cpu, "_UID");
        aml_int(&cpu, (uint64_t)i);
        aml_device_end(&sb, name, &cpu);
    }
    if (machine_find_device(b->m, "hpet")) {
        Aml r;
        aml_init(&r);
        aml_res_mem32_fixed(&r, ACPI_HPET_ADDR, 0x400, 0);
        dev_simple(&sb, "HPET", "PNP0103", 0, &r);
    }
    aml_scope_end(a, "\\_SB", &sb);
}

static size_t build_dsdt(Build *b)
{
    size_t off = table_begin(b, "DSDT", 1);
    Aml body;
    aml_init(&body);
    build_dsdt_body(b, &body);
    aml_append(&b->tables, &body);
    table_end(b, off);
    return off;
}

/* ---- FADT (revision 3) ---- */

static size_t build_fadt(Build *b, size_t facs, size_t dsdt)
{
    size_t off = table_begin(b, "FACP", 3);
    Aml *t = &b->tables;
    le(t, 0, 4);                        /* 36 FIRMWARE_CTRL */
    le(t, 0, 4);                        /* 40 DSDT */
    aml_byte(t, 0);                     /* 44 reserved */
    aml_byte(t, 0);                     /* 45 preferred PM profile: unspecified */
    le(t, ACPI_SCI_IRQ, 2);             /* 46 SCI_INT */
    le(t, 0xb2, 4);                     /* 48 SMI_CMD: the PIIX4's APMC */
    aml_byte(t, 0xf1);                  /* 52 ACPI_ENABLE */
    aml_byte(t, 0xf0);                  /* 53 ACPI_DISABLE */
    aml_byte(t, 0);                     /* 54 S4BIOS_REQ */
    aml_byte(t, 0);                     /* 55 PSTATE_CNT */
    le(t, ACPI_PM_BASE + PMSTS, 4);     /* 56 PM1a_EVT_BLK */
    le(t, 0, 4);                        /* 60 PM1b_EVT_BLK */
    le(t, ACPI_PM_BASE + PMCNTRL, 4);   /* 64 PM1a_CNT_BLK */
    le(t, 0, 4);                        /* 68 PM1b_CNT_BLK */
    le(t, 0, 4);                        /* 72 PM2_CNT_BLK */
    le(t, ACPI_PM_BASE + PMTMR, 4);     /* 76 PM_TMR_BLK */
    le(t, ACPI_GPE0_BASE, 4);           /* 80 GPE0_BLK */
    le(t, 0, 4);                        /* 84 GPE1_BLK */
    aml_byte(t, 4);                     /* 88 PM1_EVT_LEN */
    aml_byte(t, 2);                     /* 89 PM1_CNT_LEN */
    aml_byte(t, 0);                     /* 90 PM2_CNT_LEN */
    aml_byte(t, 4);                     /* 91 PM_TMR_LEN */
    aml_byte(t, 4);                     /* 92 GPE0_BLK_LEN */
    aml_byte(t, 0);                     /* 93 GPE1_BLK_LEN */
    aml_byte(t, 0);                     /* 94 GPE1_BASE */
    aml_byte(t, 0);                     /* 95 CST_CNT */
    le(t, 0xfff, 2);                    /* 96 P_LVL2_LAT: no C2 */
    le(t, 0xfff, 2);                    /* 98 P_LVL3_LAT: no C3 */
    le(t, 0, 2);                        /* 100 FLUSH_SIZE */
    le(t, 0, 2);                        /* 102 FLUSH_STRIDE */
    aml_byte(t, 0);                     /* 104 DUTY_OFFSET */
    aml_byte(t, 0);                     /* 105 DUTY_WIDTH */
    aml_byte(t, 0);                     /* 106 DAY_ALRM */
    aml_byte(t, 0);                     /* 107 MON_ALRM */
    aml_byte(t, 0x32);                  /* 108 CENTURY: the CMOS byte */
    le(t, 0x0003, 2);                   /* 109 IAPC_BOOT_ARCH: legacy devices, 8042 */
    aml_byte(t, 0);                     /* 111 reserved */
    /* 112 flags: WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON (none as fixed
     * features), FIX_RTC (no RTC wake status), RESET_REG_SUP */
    le(t, 1u << 0 | 1u << 2 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 10, 4);
    gas(t, GAS_IO, 8, 1, 0xcf9);        /* 116 RESET_REG: the PIIX3 reset control */
    aml_byte(t, 0x06);                  /* 128 RESET_VALUE: hard reset */
    zeros(t, 3);                        /* 129 reserved */
    le(t, 0, 8);                        /* 132 X_FIRMWARE_CTRL (FIRMWARE_CTRL is used) */
    le(t, 0, 8);                        /* 140 X_DSDT */
    gas(t, GAS_IO, 32, 0, ACPI_PM_BASE + PMSTS);     /* 148 X_PM1a_EVT_BLK */
    gas(t, 0, 0, 0, 0);                              /* 160 X_PM1b_EVT_BLK */
    gas(t, GAS_IO, 16, 0, ACPI_PM_BASE + PMCNTRL);   /* 172 X_PM1a_CNT_BLK */
    gas(t, 0, 0, 0, 0);                              /* 184 X_PM1b_CNT_BLK */
    gas(t, 0, 0, 0, 0);                              /* 196 X_PM2_CNT_BLK */
    gas(t, GAS_IO, 32, 0, ACPI_PM_BASE + PMTMR);     /* 208 X_PM_TMR_BLK */
    gas(t, GAS_IO, 32, 0, ACPI_GPE0_BASE);           /* 220 X_GPE0_BLK */
    gas(t, 0, 0, 0, 0);                              /* 232 X_GPE1_BLK */
    table_pointer(b, off + 36, 4, facs);
    table_pointer(b, off + 40, 4, dsdt);
    table_pointer(b, off + 140, 8, dsdt);
    table_end(b, off);
    return off;
}

/* ---- MADT ---- */

static void madt_iso(Aml *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    aml_byte(t, 2);                     /* interrupt source override */
    aml_byte(t, 10);
    aml_byte(t, 0);                     /* bus: ISA */
    aml_byte(t, irq);
    le(t, gsi, 4);
    le(t, flags, 2);
}

static size_t build_madt(Build *b)
{
    size_t off = table_begin(b, "APIC", 1);
    Aml *t = &b->tables;
    le(t, ACPI_LAPIC_ADDR, 4);
    le(t, 1, 4);                        /* PCAT_COMPAT: there are 8259s */
    for (int i = 0; i < b->m->smp; i++) {
        aml_byte(t, 0);                 /* processor local APIC */
        aml_byte(t, 8);
        aml_byte(t, (uint8_t)i);        /* ACPI processor UID (the DSDT's _UID) */
        aml_byte(t, (uint8_t)i);        /* APIC ID */
        le(t, 1, 4);                    /* enabled */
    }
    aml_byte(t, 1);                     /* I/O APIC */
    aml_byte(t, 12);
    aml_byte(t, 0);                     /* ID */
    aml_byte(t, 0);
    le(t, ACPI_IOAPIC_ADDR, 4);
    le(t, 0, 4);                        /* GSI base */
    madt_iso(t, 0, 2, 0);               /* the PIT on pin 2, bus-conforming */
    madt_iso(t, ACPI_SCI_IRQ, ACPI_SCI_IRQ, 0x000d);   /* SCI: level (3 << 2), active high (1) */
    aml_byte(t, 4);                     /* local APIC NMI: LINT1 of every CPU */
    aml_byte(t, 6);
    aml_byte(t, 0xff);
    le(t, 0, 2);
    aml_byte(t, 1);
    table_end(b, off);
    return off;
}

/* ---- HPET ---- */

static size_t build_hpet(Build *b)
{
    size_t off = table_begin(b, "HPET", 1);
    Aml *t = &b->tables;
    /* Event timer block ID: GCAP_ID's low half (vendor, legacy capable,
     * 64-bit, comparators - 1, revision). */
    le(t, 0x8086u << 16 | 1u << 15 | 1u << 13 | (HPET_TIMERS - 1u) << 8 | 1u, 4);
    gas(t, GAS_MEM, 64, 0, ACPI_HPET_ADDR);
    aml_byte(t, 0);                     /* HPET number */
    le(t, 100, 2);                      /* minimum periodic tick: 1 us */
    aml_byte(t, 0);                     /* no page protection */
    table_end(b, off);
    return off;
}

/* ---- RSDT, XSDT, RSDP ---- */

static size_t build_sdt(Build *b, const char *sig, int width, const size_t *tabs, int n)
{
    size_t off = table_begin(b, sig, 1);
    for (int i = 0; i < n; i++)
        le(&b->tables, 0, width);
    for (int i = 0; i < n; i++)
        table_pointer(b, off + HDR_LEN + (size_t)(i * width), width, tabs[i]);
    table_end(b, off);
    return off;
}

static void build_rsdp(Build *b, size_t rsdt, size_t xsdt)
{
    Aml *r = &b->rsdp;
    aml_bytes(r, "RSD PTR ", 8);
    aml_byte(r, 0);                     /* 8 checksum of the first 20 bytes */
    aml_bytes(r, "TANDEM", 6);
    aml_byte(r, 2);                     /* 15 revision: ACPI 2.0+ */
    le(r, rsdt, 4);                     /* 16 RSDT */
    le(r, 36, 4);                       /* 20 length */
    le(r, xsdt, 8);                     /* 24 XSDT */
    aml_byte(r, 0);                     /* 32 extended checksum */
    zeros(r, 3);
    cmd_pointer(b, ACPI_FILE_RSDP, ACPI_FILE_TABLES, 16, 4);
    cmd_pointer(b, ACPI_FILE_RSDP, ACPI_FILE_TABLES, 24, 8);
    cmd_checksum(b, ACPI_FILE_RSDP, 8, 0, 20);
    cmd_checksum(b, ACPI_FILE_RSDP, 32, 0, 36);
}

void acpi_build(Machine *m, AcpiTables *out)
{
    Build b = { .m = m };
    aml_init(&b.tables);
    aml_init(&b.rsdp);
    aml_init(&b.loader);
    /* The RSDP in the F segment (where the OS scans), the rest in high memory. */
    cmd_allocate(&b, ACPI_FILE_RSDP, 16, ZONE_FSEG);
    cmd_allocate(&b, ACPI_FILE_TABLES, 64, ZONE_HIGH);

    size_t facs = build_facs(&b);
    size_t dsdt = build_dsdt(&b);
    align_tables(&b, 8);
    size_t tabs[3];
    int n = 0;
    tabs[n++] = build_fadt(&b, facs, dsdt);
    align_tables(&b, 8);
    tabs[n++] = build_madt(&b);
    if (machine_find_device(m, "hpet")) {
        align_tables(&b, 8);
        tabs[n++] = build_hpet(&b);
    }
    align_tables(&b, 8);
    size_t rsdt = build_sdt(&b, "RSDT", 4, tabs, n);
    align_tables(&b, 8);
    size_t xsdt = build_sdt(&b, "XSDT", 8, tabs, n);
    build_rsdp(&b, rsdt, xsdt);

    out->tables = b.tables.data;
    out->tables_len = b.tables.len;
    out->rsdp = b.rsdp.data;
    out->rsdp_len = b.rsdp.len;
    out->loader = b.loader.data;
    out->loader_len = b.loader.len;
}

void acpi_tables_free(AcpiTables *t)
{
    free(t->tables);
    free(t->rsdp);
    free(t->loader);
    memset(t, 0, sizeof *t);
}

/* ---- the loader, as firmware runs it ---- */

typedef struct Placed {
    const char *name;
    const uint8_t *data;
    size_t len;
    size_t off;         /* in mem; SIZE_MAX until allocated */
} Placed;

static Placed *find_placed(Placed *p, int n, const uint8_t *name)
{
    for (int i = 0; i < n; i++)
        if (!strncmp((const char *)name, p[i].name, FILE_LEN) && p[i].off != SIZE_MAX)
            return &p[i];
    return NULL;
}

static bool link_cmd(Placed *files, int nfiles, const uint8_t *c, uint8_t *mem, uint64_t base,
                     size_t cap, size_t *next)
{
    const uint8_t *arg = c + 4;
    switch (get_le(c, 4)) {
    case CMD_ALLOCATE: {
        uint64_t align = get_le(arg + FILE_LEN, 4);
        for (int i = 0; i < nfiles; i++) {
            if (strncmp((const char *)arg, files[i].name, FILE_LEN))
                continue;
            if (!align || (align & (align - 1)))
                return false;
            size_t at = (size_t)(((base + *next + align - 1) & ~(align - 1)) - base);
            if (at > cap || files[i].len > cap - at)
                return false;
            memcpy(mem + at, files[i].data, files[i].len);
            files[i].off = at;
            *next = at + files[i].len;
            return true;
        }
        return false;
    }
    case CMD_ADD_POINTER: {
        Placed *d = find_placed(files, nfiles, arg), *s = find_placed(files, nfiles, arg + FILE_LEN);
        uint32_t off = (uint32_t)get_le(arg + 2 * FILE_LEN, 4);
        int size = arg[2 * FILE_LEN + 4];
        if (!d || !s || (size != 1 && size != 2 && size != 4 && size != 8) || off > d->len ||
            (size_t)size > d->len - off)
            return false;
        uint8_t *p = mem + d->off + off;
        put_le(p, get_le(p, size) + base + s->off, size);
        return true;
    }
    case CMD_ADD_CHECKSUM: {
        Placed *f = find_placed(files, nfiles, arg);
        uint32_t res = (uint32_t)get_le(arg + FILE_LEN, 4);
        uint32_t start = (uint32_t)get_le(arg + FILE_LEN + 4, 4);
        uint32_t len = (uint32_t)get_le(arg + FILE_LEN + 8, 4);
        if (!f || res >= f->len || start > f->len || len > f->len - start)
            return false;
        uint8_t sum = 0;
        for (uint32_t i = 0; i < len; i++)
            sum = (uint8_t)(sum + mem[f->off + start + i]);
        mem[f->off + res] = (uint8_t)(mem[f->off + res] - sum);
        return true;
    }
    default:
        return true;   /* unknown commands are skipped, as SeaBIOS does */
    }
}

uint64_t acpi_link(const AcpiTables *t, uint8_t *mem, uint64_t base, size_t cap)
{
    Placed files[2] = {
        { ACPI_FILE_RSDP, t->rsdp, t->rsdp_len, SIZE_MAX },
        { ACPI_FILE_TABLES, t->tables, t->tables_len, SIZE_MAX },
    };
    size_t next = 0;
    for (size_t i = 0; i + CMD_SIZE <= t->loader_len; i += CMD_SIZE)
        if (!link_cmd(files, 2, t->loader + i, mem, base, cap, &next))
            return 0;
    return files[0].off == SIZE_MAX ? 0 : base + files[0].off;
}

/* ---- consumers ---- */

/* What SeaBIOS does before the OS reads the tables: PM I/O at ACPI_PM_BASE,
 * PIRQA-D to their PIC-mode IRQs. */
static void firmware_setup(Machine *m)
{
    Device *d = machine_find_device(m, "piix4-pm");
    if (d) {
        PciDevice *pm = &((Piix4Pm *)d->opaque)->pci;
        pci_config_write(pm->bus, 0, pm->devfn, PM_PMBA, ACPI_PM_BASE | 1, 4);
        pci_config_write(pm->bus, 0, pm->devfn, PM_PMREGMISC, 1, 1);
    }
    d = machine_find_device(m, "piix3");
    if (d) {
        PciDevice *isa = &((Piix3 *)d->opaque)->isa;
        for (int i = 0; i < 4; i++)
            pci_config_write(isa->bus, 0, isa->devfn, PIIX3_PIRQRC + (unsigned)i, pirq_isa_irq[i], 1);
    }
}

uint64_t acpi_install(Machine *m, uint64_t phys_base, size_t cap)
{
    if ((phys_base & 15) || !cap || !phys_host_ptr(&m->mem, phys_base, cap, true))
        return 0;   /* not RAM */
    uint8_t *mem = calloc(1, cap);
    if (!mem)
        return 0;
    AcpiTables t;
    acpi_build(m, &t);
    uint64_t rsdp = acpi_link(&t, mem, phys_base, cap);
    acpi_tables_free(&t);
    if (rsdp) {
        /* through phys_rw: RAM written from outside the CPU drops decoded code */
        phys_rw(&m->mem, phys_base, mem, cap, true);
        firmware_setup(m);
    }
    free(mem);
    return rsdp;
}

int acpi_fw_cfg_add(Machine *m, FwCfg *f)
{
    AcpiTables t;
    acpi_build(m, &t);
    int r = 0;
    if (fw_cfg_add_file(f, ACPI_FILE_TABLES, t.tables, (uint32_t)t.tables_len) < 0 ||
        fw_cfg_add_file(f, ACPI_FILE_RSDP, t.rsdp, (uint32_t)t.rsdp_len) < 0 ||
        fw_cfg_add_file(f, ACPI_FILE_LOADER, t.loader, (uint32_t)t.loader_len) < 0)
        r = -1;
    acpi_tables_free(&t);
    return r;
}
