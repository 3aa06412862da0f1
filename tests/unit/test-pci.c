/* The PCI platform through its ports, no CPU: configuration mechanism #1 at
 * 0xCF8/0xCFC, the i440FX (PAM, SMRAM), the PIIX3 (PIRQ routing into the PIC,
 * IDE function, 0xCF9 reset), the PIIX4 PM function (PM timer, SCI, S5,
 * SMBus, APM, GPE0), BAR sizing and mapping with a test function, snapshots,
 * and the I/O-space window rules (io_map_unclaimed / io_unmap_owner). */
#include <stdlib.h>
#include <string.h>

#include "hw/i440fx.h"
#include "hw/i8259-pic.h"
#include "hw/machine.h"
#include "hw/pci.h"
#include "hw/piix3.h"
#include "hw/piix4-pm.h"
#include "tests/unit/test.h"

#define RAM_SIZE (32u << 20)

static Machine m;
static bool have_machine;
static uint64_t icount;
static Pic *pic;
static PciBus *bus;
static I440fx *nb;
static Piix3 *sb;
static Piix4Pm *pm;
static uint8_t *bios;
static size_t bios_size;
static int map_changes;

static void outb(uint16_t port, uint8_t v) { io_write(&m.io, port, v, 1); }
static void outw(uint16_t port, uint16_t v) { io_write(&m.io, port, v, 2); }
static void outl(uint16_t port, uint32_t v) { io_write(&m.io, port, v, 4); }
static uint8_t inb(uint16_t port) { return (uint8_t)io_read(&m.io, port, 1); }
static uint16_t inw(uint16_t port) { return (uint16_t)io_read(&m.io, port, 2); }
static uint32_t inl(uint16_t port) { return io_read(&m.io, port, 4); }

/* Whether port decodes to the handler called name (false when unassigned). */
static bool owner_is(uint16_t port, const char *name)
{
    const char *o = io_owner(&m.io, port);
    return o && !strcmp(o, name);
}

static uint32_t bdf(int dev, int fn) { return (uint32_t)(dev << 11 | fn << 8); }

/* Configuration access as a BIOS does it: CONFADD, then the data port at the
 * register's byte offset. */
static uint32_t cfg_read(uint32_t f, unsigned reg, unsigned size)
{
    outl(0xcf8, 0x80000000u | f | (reg & 0xfc));
    return io_read(&m.io, (uint16_t)(0xcfc + (reg & 3)), size);
}

static void cfg_write(uint32_t f, unsigned reg, uint32_t v, unsigned size)
{
    outl(0xcf8, 0x80000000u | f | (reg & 0xfc));
    io_write(&m.io, (uint16_t)(0xcfc + (reg & 3)), v, size);
}

#define NB bdf(0, 0)
#define ISA bdf(1, 0)
#define IDE bdf(1, 1)
#define PM bdf(1, 3)

static uint8_t read_slave_irr(void) { outb(0xa0, 0x0a); return inb(0xa0); }
static uint8_t read_master_irr(void) { outb(0x20, 0x0a); return inb(0x20); }

static void listener(void *opaque) { map_changes++; }

static void set_time_ns(uint64_t ns)
{
    icount = ns;    /* shift 0: one instruction per ns */
    clock_run_timers(&m.clock);
}

/* A board like pc-board.c's: RAM, a BIOS image of `size` bytes at the top of
 * 4 GiB and its last 128 KiB below 1 MiB, the PIC, and the PCI functions. */
static void setup_bios(size_t size)
{
    if (have_machine)
        machine_destroy(&m);
    machine_init(&m);
    have_machine = true;
    clock_init(&m.clock, CLOCK_SRC_ICOUNT, 0);
    icount = 0;
    clock_set_icount_counter(&m.clock, &icount);
    CHECK(phys_alloc_ram(&m.mem, RAM_SIZE, 0xe0000000));
    free(bios);
    bios_size = size;
    bios = malloc(size);
    for (size_t i = 0; i < size; i++)
        bios[i] = (uint8_t)(i * 7 + (i >> 8) + 1);
    phys_add_rom(&m.mem, "bios", (1ull << 32) - size, size, bios, 1);
    size_t isa = size < (128 << 10) ? size : (128 << 10);
    phys_add_rom(&m.mem, "isa-bios", (1 << 20) - isa, isa, bios + size - isa, 1);
    /* RAM below 1 MiB gets its own pattern, to tell it from the ROM. */
    for (uint32_t a = 0xa0000; a < 0x100000; a++)
        m.mem.ram[a] = (uint8_t)(a ^ 0x5a);
    pic = pic_create(&m);
    m.intr_ack = pic_intack;
    m.intr_opaque = pic;
    bus = pci_bus_create(&m);
    nb = i440fx_create(&m, bus);
    sb = piix3_create(&m, bus, 1, pic);
    pm = piix4_pm_create(&m, bus, 1);
    irq_connect(&pm->irq9, piix3_set_isa_irq, sb, 9);
    phys_add_listener(&m.mem, listener, NULL);
    machine_reset(&m);
    map_changes = 0;
}

static void setup(void) { setup_bios(128 << 10); }

/* The byte of the BIOS image that appears at physical address a below 1 MiB. */
static uint8_t rom_at(uint32_t a)
{
    return bios[bios_size - (0x100000 - a)];
}

static uint8_t ram_at(uint32_t a) { return m.mem.ram[a]; }

/* ---- a test function: memory, 64-bit, I/O and ROM BARs, INTx ---- */

typedef struct TestDev {
    PciDevice pci;
    uint8_t regs[256];
    uint8_t fb[4096];
    uint8_t rom[2048];
} TestDev;

static uint64_t td_read(void *opaque, uint64_t off, unsigned size)
{
    TestDev *t = opaque;
    return pci_get(t->regs, (unsigned)(off & 0xff), size);
}

static void td_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    TestDev *t = opaque;
    pci_set(t->regs, (unsigned)(off & 0xff), (uint32_t)val, size);
}

static const MemOps td_ops = { td_read, td_write, 1, 4 };

static TestDev *testdev_create(int slot, int pin, bool pci23)
{
    TestDev *t = calloc(1, sizeof *t);
    pci_device_init(&t->pci, bus, PCI_DEVFN(slot, 0), "testdev", 0x1234, 0x5678, 0x01, 0xff0000, 0);
    const PciReg regs[] = {
        { PCI_COMMAND, 2, 0, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER |
                             (pci23 ? PCI_CMD_INTX_DISABLE : 0), 0 },
        { PCI_STATUS, 2, 0x0200, 0, 0xf900 },
        { PCI_INTERRUPT_LINE, 1, 0, 0xff, 0 },
        { PCI_INTERRUPT_PIN, 1, (uint32_t)pin, 0, 0 },
    };
    pci_init_regs(&t->pci, regs, 4);
    pci_register_bar_mem(&t->pci, 0, 256, false, false, &td_ops, t, NULL, "td-mmio");
    pci_register_bar_io(&t->pci, 1, 32, &td_ops, t, "td-io");
    pci_register_bar_mem(&t->pci, 2, 4096, true, true, NULL, NULL, t->fb, "td-fb");
    pci_register_rom(&t->pci, sizeof t->rom, t->rom, "td-rom");
    pci_device_realize(&t->pci);
    pci_device_reset(&t->pci);
    for (int i = 0; i < 256; i++)
        t->regs[i] = (uint8_t)(0xa0 + i);
    memset(t->fb, 0x11, sizeof t->fb);
    memset(t->rom, 0x55, sizeof t->rom);
    t->rom[0] = 0x55;
    t->rom[1] = 0xaa;
    return t;
}

/* ---- tests ---- */

static void test_ids(void)
{
    setup();
    CHECK_EQ(cfg_read(NB, 0, 4), 0x12378086);
    CHECK_EQ(cfg_read(NB, 8, 4), 0x06000002);       /* host bridge, rev 02 */
    CHECK_EQ(cfg_read(NB, PCI_HEADER_TYPE, 1), 0x00);
    CHECK_EQ(cfg_read(ISA, 0, 4), 0x70008086);
    CHECK_EQ(cfg_read(ISA, 8, 4) >> 8, 0x060100);   /* ISA bridge */
    CHECK_EQ(cfg_read(ISA, PCI_HEADER_TYPE, 1), 0x80); /* multifunction */
    CHECK_EQ(cfg_read(IDE, 0, 4), 0x70108086);
    CHECK_EQ(cfg_read(IDE, 8, 4) >> 8, 0x010180);   /* IDE, legacy, bus master */
    CHECK_EQ(cfg_read(IDE, PCI_INTERRUPT_PIN, 1), 0);
    CHECK_EQ(cfg_read(PM, 0, 4), 0x71138086);
    CHECK_EQ(cfg_read(PM, 8, 4), 0x06800003);
    CHECK_EQ(cfg_read(PM, PCI_INTERRUPT_PIN, 1), 1);
    /* Reset values of the commands and statuses. */
    CHECK_EQ(cfg_read(NB, PCI_COMMAND, 4), 0x02800006);
    CHECK_EQ(cfg_read(ISA, PCI_COMMAND, 4), 0x02800007);
    CHECK_EQ(cfg_read(IDE, PCI_COMMAND, 4), 0x02800000);
    CHECK_EQ(cfg_read(PM, PCI_COMMAND, 4), 0x02800000);
    /* Absent functions and buses: master abort, all ones. */
    CHECK_EQ(cfg_read(bdf(1, 2), 0, 4), 0xffffffff);
    CHECK_EQ(cfg_read(bdf(2, 0), 0, 2), 0xffff);
    CHECK_EQ(cfg_read(bdf(31, 7), 0x3c, 1), 0xff);
    CHECK_EQ(cfg_read(bdf(0, 1), 0, 4), 0xffffffff);
    outl(0xcf8, 0x80010000);                    /* bus 1, 00.0 */
    CHECK_EQ(inl(0xcfc), 0xffffffff);
    cfg_write(bdf(2, 0), 0x04, 0xffffffff, 4);  /* dropped */
    CHECK_EQ(cfg_read(bdf(2, 0), 0x04, 4), 0xffffffff);
    /* Enumeration the SeaBIOS way: 4 functions on bus 0. */
    int found = 0;
    for (int dev = 0; dev < 32; dev++)
        for (int fn = 0; fn < 8; fn++) {
            if (cfg_read(bdf(dev, fn), 0, 2) != 0xffff)
                found++;
            if (fn == 0 && !(cfg_read(bdf(dev, 0), PCI_HEADER_TYPE, 1) & 0x80))
                break;
        }
    CHECK_EQ(found, 4);
}

static void test_config_mechanism(void)
{
    setup();
    CHECK_EQ(inl(0xcf8), 0);
    outl(0xcf8, 0xffffffff);
    CHECK_EQ(inl(0xcf8), 0x80fffffc);           /* 30:24 and 1:0 read 0 */
    outl(0xcf8, 0x80000000);
    CHECK_EQ(inl(0xcf8), 0x80000000);           /* SeaBIOS's PCI probe */
    /* Byte, word and dword data accesses at every offset. */
    outl(0xcf8, 0x80000000);
    CHECK_EQ(inb(0xcfc), 0x86);
    CHECK_EQ(inb(0xcfd), 0x80);
    CHECK_EQ(inb(0xcfe), 0x37);
    CHECK_EQ(inb(0xcff), 0x12);
    CHECK_EQ(inw(0xcfc), 0x8086);
    CHECK_EQ(inw(0xcfd), 0x3780);
    CHECK_EQ(inw(0xcfe), 0x1237);
    CHECK_EQ(inl(0xcfc), 0x12378086);
    /* A word write at 0xCFE of register 0x5C writes PAM5 and PAM6. */
    outl(0xcf8, 0x8000005c);
    outw(0xcfe, 0x3311);
    CHECK_EQ(cfg_read(NB, 0x5c, 4), 0x33110000);
    /* A byte at 0xCFD of register 0x58 is PAM0; DRAMT at 0x58 stays. */
    outl(0xcf8, 0x80000058);
    outb(0xcfd, 0xff);
    CHECK_EQ(cfg_read(NB, 0x58, 4), 0x00003010);
    /* A dword at 0xCFD is split; its last byte falls outside CONFDATA. */
    outl(0xcf8, 0x80000000);
    CHECK_EQ(io_read(&m.io, 0xcfd, 2), 0x3780);
    CHECK_EQ(io_read(&m.io, 0xcfd, 4), 0xff123780);
    /* Enable bit clear: ordinary I/O, nobody answers. */
    outl(0xcf8, 0x00000000);
    CHECK_EQ(inl(0xcfc), 0xffffffff);
    outl(0xcfc, 0);
    outl(0xcf8, 0x80000000);
    CHECK_EQ(inl(0xcfc), 0x12378086);
    /* Only dword accesses reach CONFADD. */
    outl(0xcf8, 0x80000800);
    outb(0xcf8, 0x00);
    outw(0xcfa, 0x0000);
    CHECK_EQ(inl(0xcf8), 0x80000800);
    CHECK_EQ(inb(0xcf8), 0xff);
    CHECK_EQ(inw(0xcfa), 0xffff);
    /* CONFADD is reset with the machine. */
    machine_reset(&m);
    CHECK_EQ(inl(0xcf8), 0);
}

static void test_write_masks(void)
{
    setup();
    /* IDs, class and header are read-only. */
    cfg_write(NB, 0, 0, 4);
    cfg_write(NB, 8, 0xffffffff, 4);
    cfg_write(ISA, PCI_HEADER_TYPE, 0, 1);
    CHECK_EQ(cfg_read(NB, 0, 4), 0x12378086);
    CHECK_EQ(cfg_read(NB, 8, 4), 0x06000002);
    CHECK_EQ(cfg_read(ISA, PCI_HEADER_TYPE, 1), 0x80);
    /* Commands: only the implemented enables move. */
    cfg_write(NB, PCI_COMMAND, 0xffff, 2);
    CHECK_EQ(cfg_read(NB, PCI_COMMAND, 2), 0x0146);
    cfg_write(NB, PCI_COMMAND, 0, 2);
    CHECK_EQ(cfg_read(NB, PCI_COMMAND, 2), 0x0006);  /* MAE, BME hardwired */
    cfg_write(ISA, PCI_COMMAND, 0, 2);
    CHECK_EQ(cfg_read(ISA, PCI_COMMAND, 2), 0x0007);
    cfg_write(IDE, PCI_COMMAND, 0xffff, 2);
    CHECK_EQ(cfg_read(IDE, PCI_COMMAND, 2), 0x0005);
    cfg_write(PM, PCI_COMMAND, 0xffff, 2);
    CHECK_EQ(cfg_read(PM, PCI_COMMAND, 2), 0x0001);
    /* Status: error bits are write-1-to-clear, the rest read-only. */
    nb->pci.config[PCI_STATUS + 1] |= 0x30;            /* the bridge saw aborts */
    cfg_write(NB, PCI_STATUS, 0x0000, 2);
    CHECK_EQ(cfg_read(NB, PCI_STATUS, 2), 0x3280);
    cfg_write(NB, PCI_STATUS, 0x1000, 2);
    CHECK_EQ(cfg_read(NB, PCI_STATUS, 2), 0x2280);
    cfg_write(NB, PCI_COMMAND, 0xffff0000, 4);      /* dword write: status cleared too */
    CHECK_EQ(cfg_read(NB, PCI_COMMAND, 4), 0x02800006);
    /* Device-specific registers. */
    cfg_write(NB, PCI_LATENCY_TIMER, 0xff, 1);
    CHECK_EQ(cfg_read(NB, PCI_LATENCY_TIMER, 1), 0xf8);
    cfg_write(NB, I440FX_PAM0, 0xff, 1);
    CHECK_EQ(cfg_read(NB, I440FX_PAM0, 1), 0x30);
    cfg_write(NB, 0x58, 0xffffffff, 4);
    CHECK_EQ(cfg_read(NB, 0x58, 4), 0x333330ff);    /* DRAMT, PAM0-PAM2 */
    cfg_write(NB, 0x5c, 0xffffffff, 4);
    CHECK_EQ(cfg_read(NB, 0x5c, 4), 0x33333333);    /* PAM3-PAM6 */
    CHECK_EQ(cfg_read(NB, 0x60, 4), 0x02020202);     /* DRB defaults */
    CHECK_EQ(cfg_read(NB, I440FX_SMRAM, 1), 0x02);
    cfg_write(NB, 0x40, 0xffffffff, 4);             /* reserved: read-only 0 */
    CHECK_EQ(cfg_read(NB, 0x40, 4), 0);
    CHECK_EQ(cfg_read(ISA, 0x60, 4), 0x80808080);    /* PIRQRC: not routed */
    cfg_write(ISA, 0x60, 0xffffffff, 4);
    CHECK_EQ(cfg_read(ISA, 0x60, 4), 0x8f8f8f8f);
    CHECK_EQ(cfg_read(ISA, 0x4c, 1), 0x4d);          /* IORT */
    CHECK_EQ(cfg_read(ISA, 0x4e, 2), 0x0003);        /* XBCS */
    CHECK_EQ(cfg_read(ISA, 0x69, 1), 0x02);          /* TOM */
    cfg_write(ISA, 0x69, 0xff, 1);
    CHECK_EQ(cfg_read(ISA, 0x69, 1), 0xfe);
    cfg_write(IDE, 0x40, 0xffffffff, 4);            /* IDETIM: 11:10 reserved */
    CHECK_EQ(cfg_read(IDE, 0x40, 4), 0xf3fff3ff);
    cfg_write(IDE, 0x40, 0x80008000, 4);            /* SeaBIOS: decode enable */
    CHECK_EQ(cfg_read(IDE, 0x40, 4), 0x80008000);
    cfg_write(IDE, PCI_INTERRUPT_LINE, 0xff, 1);     /* no interrupt registers */
    CHECK_EQ(cfg_read(IDE, PCI_INTERRUPT_LINE, 1), 0);
    CHECK_EQ(cfg_read(PM, 0x40, 4), 0x00000001);     /* PMBA */
    cfg_write(PM, 0x40, 0xffffffff, 4);
    CHECK_EQ(cfg_read(PM, 0x40, 4), 0x0000ffc1);
    cfg_write(PM, 0x90, 0xffffffff, 4);
    CHECK_EQ(cfg_read(PM, 0x90, 4), 0x0000fff1);
    cfg_write(PM, PCI_INTERRUPT_LINE, 9, 1);
    CHECK_EQ(cfg_read(PM, PCI_INTERRUPT_LINE, 1), 9);
    cfg_write(PM, PCI_INTERRUPT_PIN, 4, 1);
    CHECK_EQ(cfg_read(PM, PCI_INTERRUPT_PIN, 1), 1);
    CHECK_EQ(cfg_read(PM, PM_DEVACTB, 4), PM_DEVACTB_APMC_EN);
    cfg_write(PM, PM_PMREGMISC, 0xff, 1);
    CHECK_EQ(cfg_read(PM, PM_PMREGMISC, 1), 0x01);
    /* Everything back at reset. */
    machine_reset(&m);
    CHECK_EQ(cfg_read(NB, 0x58, 4), 0x00000010);
    CHECK_EQ(cfg_read(NB, 0x5c, 4), 0);
    CHECK_EQ(cfg_read(ISA, 0x60, 4), 0x80808080);
    CHECK_EQ(cfg_read(PM, 0x40, 4), 0x00000001);
    CHECK_EQ(cfg_read(IDE, PCI_COMMAND, 2), 0);
}

static void test_bar_sizing_and_io_mapping(void)
{
    setup();
    /* BMIBA, BAR4 of the IDE function: 16 bytes of I/O. */
    CHECK_EQ(cfg_read(IDE, 0x20, 4), 0x00000001);
    cfg_write(IDE, 0x20, 0xffffffff, 4);
    uint32_t v = cfg_read(IDE, 0x20, 4);
    CHECK_EQ(v, 0xfffffff1);
    CHECK_EQ((~(v & ~3u)) + 1, 16);                 /* SeaBIOS's arithmetic */
    for (int bar = 0; bar < 6; bar++)
        if (bar != 4) {
            cfg_write(IDE, 0x10 + 4 * bar, 0xffffffff, 4);
            CHECK_EQ(cfg_read(IDE, 0x10 + 4 * bar, 4), 0);
        }
    cfg_write(IDE, 0x30, 0xfffff800, 4);            /* no expansion ROM */
    CHECK_EQ(cfg_read(IDE, 0x30, 4), 0);
    for (int bar = 0; bar < 6; bar++) {
        cfg_write(NB, 0x10 + 4 * bar, 0xffffffff, 4);
        CHECK_EQ(cfg_read(NB, 0x10 + 4 * bar, 4), 0);
    }
    /* Programmed but not enabled: nothing decodes. */
    cfg_write(IDE, 0x20, 0xc000, 4);
    CHECK_EQ(cfg_read(IDE, 0x20, 4), 0xc001);
    CHECK(io_owner(&m.io, 0xc000) == NULL);
    cfg_write(IDE, PCI_COMMAND, PCI_CMD_IO, 2);
    CHECK(owner_is(0xc000, "piix3-ide-bm"));
    CHECK(io_owner(&m.io, 0xc00f) != NULL);
    CHECK(io_owner(&m.io, 0xc010) == NULL);
    CHECK(io_owner(&m.io, 0xbfff) == NULL);
    /* Moved while enabled: the old ports are free again. */
    cfg_write(IDE, 0x20, 0xd010, 4);
    CHECK(io_owner(&m.io, 0xc000) == NULL);
    CHECK(io_owner(&m.io, 0xd010) != NULL && io_owner(&m.io, 0xd01f) != NULL);
    CHECK(io_owner(&m.io, 0xd020) == NULL);
    /* Sizing while enabled goes above 64 KiB: nothing mapped, nothing lost. */
    cfg_write(IDE, 0x20, 0xffffffff, 4);
    CHECK(io_owner(&m.io, 0xd010) == NULL);
    CHECK(io_owner(&m.io, 0xfff0) == NULL);
    cfg_write(IDE, 0x20, 0xd010, 4);
    CHECK(io_owner(&m.io, 0xd010) != NULL);
    /* Command I/O enable off: unmapped. */
    cfg_write(IDE, PCI_COMMAND, 0, 2);
    CHECK(io_owner(&m.io, 0xd010) == NULL);
    CHECK_EQ(inb(0xd010), 0xff);
    /* A BAR over a fixed device's ports takes none of them, and moving it
     * away leaves them with their owner. */
    cfg_write(IDE, 0x20, 0x20, 4);
    cfg_write(IDE, PCI_COMMAND, PCI_CMD_IO, 2);
    CHECK(owner_is(0x20, "i8259-master"));
    CHECK(owner_is(0x22, "piix3-ide-bm"));
    cfg_write(IDE, 0x20, 0xc000, 4);
    CHECK(owner_is(0x20, "i8259-master"));
    CHECK(owner_is(0x21, "i8259-master"));
    CHECK(io_owner(&m.io, 0x22) == NULL);
    /* Two windows on the same ports: the first keeps them; when it moves
     * away the other gets them back. */
    cfg_write(PM, PM_PMBA, 0xc000, 4);
    cfg_write(PM, PM_PMREGMISC, 1, 1);
    CHECK(owner_is(0xc000, "piix3-ide-bm"));
    CHECK(owner_is(0xc010, "piix4-pm"));
    cfg_write(IDE, 0x20, 0xe000, 4);
    CHECK(owner_is(0xc000, "piix4-pm"));
    CHECK(owner_is(0xe000, "piix3-ide-bm"));
    /* Taking ports back at the same base reuses the window's handler slot. */
    int slots = m.io.n;
    for (int i = 0; i < 10; i++) {
        cfg_write(IDE, 0x20, 0xc000, 4);
        cfg_write(IDE, 0x20, 0xe000, 4);
    }
    CHECK(m.io.n <= slots + 1);
    CHECK(owner_is(0xc000, "piix4-pm") && owner_is(0xc03f, "piix4-pm"));
    /* A window that would cross 64 KiB decodes nothing. */
    PciIoRange r;
    pci_io_range_init(bus, &r, 64, &td_ops, NULL, "edge");
    pci_io_range_set(bus, &r, true, 0xffe0);
    CHECK(!r.mapped);
    CHECK(io_owner(&m.io, 0xfff0) == NULL);
    pci_io_range_set(bus, &r, true, 0xffc0);
    CHECK(r.mapped && owner_is(0xffff, "edge"));
    pci_io_range_set(bus, &r, true, 0xfffffff0u);
    CHECK(!r.mapped && io_owner(&m.io, 0xfff0) == NULL);
    bus->nio_ranges--;                          /* r goes out of scope */
    /* The bus master registers (hw/piix-ide.c) decode there: BMICX is 0. */
    CHECK_EQ(inb(0xe000), 0x00);
    /* A guest moving a window forever does not run out of I/O handlers. */
    for (int i = 0; i < 2000; i++)
        cfg_write(IDE, 0x20, 0x1000 + (uint32_t)(i & 0xff) * 0x10, 4);
    CHECK(io_owner(&m.io, 0x1000 + 0xcf * 0x10) != NULL);
    CHECK(m.io.n <= IO_MAX_HANDLERS);
    CHECK(owner_is(0x20, "i8259-master"));
    /* Reset: BAR and enables back to 0, nothing mapped. */
    machine_reset(&m);
    CHECK_EQ(cfg_read(IDE, 0x20, 4), 1);
    CHECK(io_owner(&m.io, 0x1000 + 0xcf * 0x10) == NULL);
    CHECK(io_owner(&m.io, 0xc000) == NULL);
}

static void test_memory_bars(void)
{
    setup();
    TestDev *t = testdev_create(3, 1, false);
    uint32_t f = bdf(3, 0);
    CHECK_EQ(cfg_read(f, 0, 4), 0x56781234);
    /* Sizing: 256-byte 32-bit BAR0, 32-byte I/O BAR1, 4 KiB 64-bit
     * prefetchable BAR2/3, 2 KiB ROM. */
    cfg_write(f, 0x10, 0xffffffff, 4);
    CHECK_EQ(cfg_read(f, 0x10, 4), 0xffffff00);
    cfg_write(f, 0x14, 0xffffffff, 4);
    CHECK_EQ(cfg_read(f, 0x14, 4), 0xffffffe1);
    cfg_write(f, 0x18, 0xffffffff, 4);
    cfg_write(f, 0x1c, 0xffffffff, 4);
    CHECK_EQ(cfg_read(f, 0x18, 4), 0xfffff00c);
    CHECK_EQ(cfg_read(f, 0x1c, 4), 0xffffffff);
    cfg_write(f, 0x30, 0xffffffff, 4);
    CHECK_EQ(cfg_read(f, 0x30, 4), 0xfffff801);
    /* Program them; nothing decodes before the command register says so. */
    cfg_write(f, 0x10, 0xfebf0000, 4);
    cfg_write(f, 0x14, 0xc100, 4);
    cfg_write(f, 0x18, 0x00000000, 4);
    cfg_write(f, 0x1c, 0x00000001, 4);      /* 0x1_0000_0000: above 4 GiB */
    cfg_write(f, 0x30, 0xfebe0000, 4);      /* ROM disabled (bit 0 clear) */
    CHECK_EQ(phys_read(&m.mem, 0xfebf0004, 4), 0xffffffff);
    CHECK_EQ(phys_read(&m.mem, 0x100000000ull, 1), 0xff);
    CHECK(io_owner(&m.io, 0xc100) == NULL);
    cfg_write(f, PCI_COMMAND, PCI_CMD_MEMORY, 2);
    CHECK_EQ(phys_read(&m.mem, 0xfebf0004, 4), 0xa7a6a5a4);
    phys_write(&m.mem, 0xfebf0010, 0x12345678, 4);
    CHECK_EQ(t->regs[0x10], 0x78);
    CHECK_EQ(phys_read(&m.mem, 0xfebf0100, 4), 0xffffffff);   /* past the BAR */
    CHECK_EQ(phys_read(&m.mem, 0x100000000ull, 1), 0x11);
    phys_write(&m.mem, 0x100000010ull, 0x77, 1);
    CHECK_EQ(t->fb[0x10], 0x77);
    CHECK_EQ(phys_read(&m.mem, 0xfebe0000, 2), 0xffff);       /* ROM still off */
    CHECK(io_owner(&m.io, 0xc100) == NULL);                   /* I/O still off */
    cfg_write(f, 0x30, 0xfebe0001, 4);
    CHECK_EQ(phys_read(&m.mem, 0xfebe0000, 2), 0xaa55);
    phys_write(&m.mem, 0xfebe0000, 0, 2);                     /* read-only */
    CHECK_EQ(phys_read(&m.mem, 0xfebe0000, 2), 0xaa55);
    cfg_write(f, PCI_COMMAND, PCI_CMD_MEMORY | PCI_CMD_IO, 2);
    CHECK_EQ(inl(0xc104), 0xa7a6a5a4);
    outb(0xc11f, 0x99);
    CHECK_EQ(t->regs[0x1f], 0x99);
    /* Moving BAR0: the old address is unassigned again. */
    int before = map_changes;
    cfg_write(f, 0x10, 0xfebf1000, 4);
    CHECK(map_changes > before);
    CHECK_EQ(phys_read(&m.mem, 0xfebf0004, 4), 0xffffffff);
    CHECK_EQ(phys_read(&m.mem, 0xfebf1004, 4), 0xa7a6a5a4);
    /* A BAR over RAM does not hide the RAM (the bridge decodes DRAM first). */
    cfg_write(f, 0x10, 0x00100000, 4);
    m.mem.ram[0x100004] = 0x42;
    CHECK_EQ(phys_read(&m.mem, 0x100004, 1), 0x42);
    /* Memory enable off: every memory window goes. */
    cfg_write(f, PCI_COMMAND, PCI_CMD_IO, 2);
    CHECK_EQ(phys_read(&m.mem, 0x100000000ull, 1), 0xff);
    CHECK_EQ(phys_read(&m.mem, 0xfebe0000, 2), 0xffff);
    CHECK_EQ(inl(0xc104), 0xa7a6a5a4);
    /* pci_info lists functions and BARs. */
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    pci_info(bus, fp);
    fclose(fp);
    CHECK(strstr(text, "00:00.0 8086:1237 class 060000") != NULL);
    CHECK(strstr(text, "00:01.3 8086:7113 class 068000") != NULL);
    CHECK(strstr(text, "00:03.0 1234:5678") != NULL);
    CHECK(strstr(text, "BAR1 io 0xc100 size 32") != NULL);
    CHECK(strstr(text, "BAR2 mem 0x100000000 size 0x1000 (off)") != NULL);
    free(text);
    /* Reset unmaps everything. */
    cfg_write(f, PCI_COMMAND, 3, 2);
    pci_device_reset(&t->pci);
    CHECK_EQ(cfg_read(f, 0x10, 4), 0);
    CHECK(io_owner(&m.io, 0xc100) == NULL);
    CHECK_EQ(phys_read(&m.mem, 0x100000000ull, 1), 0xff);
    machine_destroy(&m);
    have_machine = false;
    free(t);
}

/* PAM attribute `mode` for the F segment. */
static void set_pam_f(int mode) { cfg_write(NB, I440FX_PAM0, (uint32_t)mode << 4, 1); }

static void test_pam_f_segment(void)
{
    setup();
    const uint32_t a = 0xf1234, top = 0xffff0;
    /* Reset (RE=0 WE=0): reads from the ROM, writes dropped. */
    CHECK_EQ(phys_read(&m.mem, a, 1), rom_at(a));
    CHECK_EQ(phys_read(&m.mem, top, 4), pci_get(bios, (unsigned)(bios_size - 16), 4));
    CHECK(rom_at(a) != ram_at(a));
    uint8_t ram_before = ram_at(a);
    phys_write(&m.mem, a, 0xee, 1);
    CHECK_EQ(ram_at(a), ram_before);
    CHECK_EQ(phys_read(&m.mem, a, 1), rom_at(a));
    /* Write-only: reads from the ROM, writes into DRAM (the shadowing copy). */
    set_pam_f(PAM_WO);
    CHECK_EQ(i440fx_pam_mode(nb, 0), PAM_WO);
    CHECK_EQ(phys_read(&m.mem, a, 1), rom_at(a));
    phys_write(&m.mem, a, 0xee, 1);
    CHECK_EQ(ram_at(a), 0xee);
    CHECK_EQ(phys_read(&m.mem, a, 1), rom_at(a));
    for (uint32_t p = 0xf0000; p < 0x100000; p += 4)
        phys_write(&m.mem, p, phys_read(&m.mem, p, 4), 4);
    CHECK(!memcmp(m.mem.ram + 0xf0000, bios + bios_size - 0x10000, 0x10000));
    /* Read-only: reads from DRAM, writes dropped. */
    m.mem.ram[a] = 0x3c;
    set_pam_f(PAM_RO);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0x3c);
    phys_write(&m.mem, a, 0x4d, 1);
    CHECK_EQ(ram_at(a), 0x3c);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0x3c);
    CHECK(phys_host_ptr(&m.mem, 0xf0000, 4096, false) == m.mem.ram + 0xf0000);
    CHECK(phys_host_ptr(&m.mem, 0xf0000, 4096, true) == NULL);
    /* Read/write: DRAM both ways, directly mapped. */
    set_pam_f(PAM_RW);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0x3c);
    phys_write(&m.mem, a, 0x4d, 1);
    CHECK_EQ(ram_at(a), 0x4d);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0x4d);
    CHECK(phys_host_ptr(&m.mem, 0xf0000, 4096, true) == m.mem.ram + 0xf0000);
    /* The top-of-4-GiB ROM is never shadowed. */
    phys_write(&m.mem, top, 0, 4);
    CHECK_EQ(phys_read(&m.mem, 0xfffffff0, 4), pci_get(bios, (unsigned)(bios_size - 16), 4));
    CHECK_EQ(phys_read(&m.mem, top, 4), 0);
    /* Back to ROM: the DRAM keeps its contents underneath. */
    int before = map_changes;
    set_pam_f(PAM_PCI);
    CHECK(map_changes > before);               /* the CPU's TLB gets flushed */
    CHECK_EQ(phys_read(&m.mem, a, 1), rom_at(a));
    CHECK_EQ(ram_at(a), 0x4d);
    /* Reserved PAM0 bits change nothing. */
    cfg_write(NB, I440FX_PAM0, 0x0f, 1);
    CHECK_EQ(phys_read(&m.mem, a, 1), rom_at(a));
    /* The segment's neighbours are not affected by PAM0. */
    set_pam_f(PAM_RW);
    CHECK_EQ(phys_read(&m.mem, 0xeffff, 1), rom_at(0xeffff));
    CHECK_EQ(phys_read(&m.mem, 0x100000, 1), ram_at(0x100000));
    /* A machine reset goes back to the ROM. */
    machine_reset(&m);
    CHECK_EQ(phys_read(&m.mem, a, 1), rom_at(a));
}

static void test_pam_pieces(void)
{
    setup();
    /* PAM1 low nibble: 0xC0000-0xC3FFF (no ROM below: PCI reads all ones). */
    CHECK_EQ(phys_read(&m.mem, 0xc0000, 4), 0xffffffff);
    phys_write(&m.mem, 0xc0000, 0x12345678, 4);
    CHECK_EQ(ram_at(0xc0000), (uint8_t)(0xc0000 ^ 0x5a));
    cfg_write(NB, 0x5a, 0x03, 1);                   /* C0000 RW, C4000 off */
    CHECK_EQ(phys_read(&m.mem, 0xc3fff, 1), ram_at(0xc3fff));
    CHECK_EQ(phys_read(&m.mem, 0xc4000, 1), 0xff);
    phys_write(&m.mem, 0xc0000, 0x12345678, 4);
    CHECK_EQ(phys_read(&m.mem, 0xc0000, 4), 0x12345678);
    /* Read-only piece: DRAM reads, writes dropped. */
    cfg_write(NB, 0x5a, 0x01, 1);
    phys_write(&m.mem, 0xc0000, 0, 4);
    CHECK_EQ(phys_read(&m.mem, 0xc0000, 4), 0x12345678);
    /* Write-only piece without ROM: reads all ones, writes reach DRAM. */
    cfg_write(NB, 0x5a, 0x02, 1);
    phys_write(&m.mem, 0xc0000, 0xcafe, 2);
    CHECK_EQ(phys_read(&m.mem, 0xc0000, 2), 0xffff);
    CHECK_EQ(pci_get(m.mem.ram, 0xc0000, 2), 0xcafe);
    /* A high nibble: PAM4 bits 5:4 are 0xDC000-0xDFFFF. */
    cfg_write(NB, 0x5d, 0x30, 1);
    CHECK_EQ(phys_read(&m.mem, 0xd8000, 1), 0xff);
    CHECK_EQ(phys_read(&m.mem, 0xdc000, 1), ram_at(0xdc000));
    CHECK_EQ(phys_read(&m.mem, 0xdffff, 1), ram_at(0xdffff));
    CHECK_EQ(i440fx_pam_mode(nb, 8), PAM_RW);
    CHECK_EQ(i440fx_pam_mode(nb, 7), PAM_PCI);
    /* An E piece over the ROM (PAM5 high nibble: 0xE4000-0xE7FFF). */
    const uint32_t e = 0xe4100;
    CHECK_EQ(phys_read(&m.mem, e, 1), rom_at(e));
    cfg_write(NB, 0x5e, 0x20, 1);                   /* write-only */
    phys_write(&m.mem, e, 0x99, 1);
    CHECK_EQ(ram_at(e), 0x99);
    CHECK_EQ(phys_read(&m.mem, e, 1), rom_at(e));
    CHECK_EQ(phys_read(&m.mem, 0xe0100, 1), rom_at(0xe0100));   /* E0000: still ROM */
    cfg_write(NB, 0x5e, 0x10, 1);                   /* read-only */
    CHECK_EQ(phys_read(&m.mem, e, 1), 0x99);
    cfg_write(NB, 0x5e, 0x30, 1);                   /* read/write */
    phys_write(&m.mem, e, 0x98, 1);
    CHECK_EQ(phys_read(&m.mem, e, 1), 0x98);
    CHECK_EQ(phys_read(&m.mem, 0xe7fff, 1), ram_at(0xe7fff));
    CHECK_EQ(phys_read(&m.mem, 0xe8000, 1), rom_at(0xe8000));
    /* SeaBIOS's make_bios_writable: 0x33 everywhere, F segment 0x30. */
    cfg_write(NB, 0x58, 0x33333000 | cfg_read(NB, 0x58, 1), 4);
    cfg_write(NB, 0x5c, 0x33333333, 4);
    for (int p = 0; p < I440FX_NPIECES; p++)
        CHECK_EQ(i440fx_pam_mode(nb, p), PAM_RW);
    CHECK_EQ(cfg_read(NB, 0x58, 1), 0x10);          /* DRAMT untouched */
    CHECK_EQ(phys_read(&m.mem, 0xc8000, 1), ram_at(0xc8000));
    CHECK_EQ(phys_read(&m.mem, 0xfffff, 1), ram_at(0xfffff));
    /* A 64 KiB BIOS (the guest test images) covers only the F segment: the
     * E segment reads all ones with PAM off. */
    setup_bios(64 << 10);
    CHECK_EQ(phys_read(&m.mem, 0xe0000, 1), 0xff);
    CHECK_EQ(phys_read(&m.mem, 0xf0000, 1), rom_at(0xf0000));
    set_pam_f(PAM_RW);
    CHECK_EQ(phys_read(&m.mem, 0xf0000, 1), ram_at(0xf0000));
    cfg_write(NB, 0x5e, 0x33, 1);
    CHECK_EQ(phys_read(&m.mem, 0xe0000, 1), ram_at(0xe0000));
}

static void test_smram(void)
{
    setup();
    const uint32_t a = 0xa8000;
    /* Closed: the range goes to PCI (no VGA: all ones), RAM untouched. */
    CHECK_EQ(phys_read(&m.mem, a, 4), 0xffffffff);
    uint8_t before = ram_at(a);
    phys_write(&m.mem, a, 0x11, 1);
    CHECK_EQ(ram_at(a), before);
    /* D_OPEN without G_SMRAME does nothing. */
    cfg_write(NB, I440FX_SMRAM, SMRAM_D_OPEN | SMRAM_C_BASE_SEG, 1);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0xff);
    /* Open (SeaBIOS writes 0x4A): DRAM both ways. */
    cfg_write(NB, I440FX_SMRAM, 0x4a, 1);
    CHECK_EQ(cfg_read(NB, I440FX_SMRAM, 1), 0x4a);
    CHECK_EQ(phys_read(&m.mem, a, 1), before);
    phys_write(&m.mem, a, 0x11, 1);
    CHECK_EQ(ram_at(a), 0x11);
    CHECK_EQ(phys_read(&m.mem, 0xbffff, 1), ram_at(0xbffff));
    CHECK_EQ(phys_read(&m.mem, 0x9ffff, 1), ram_at(0x9ffff));
    CHECK_EQ(phys_read(&m.mem, 0xc0000, 1), 0xff);
    /* Closed again (SeaBIOS: 0x0A). */
    cfg_write(NB, I440FX_SMRAM, 0x0a, 1);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0xff);
    /* The base segment field is read-only. */
    cfg_write(NB, I440FX_SMRAM, 0x07, 1);
    CHECK_EQ(cfg_read(NB, I440FX_SMRAM, 1), 0x02);
    /* Locking closes SMRAM and freezes D_OPEN, D_LCK and G_SMRAME. */
    cfg_write(NB, I440FX_SMRAM, 0x4a, 1);
    cfg_write(NB, I440FX_SMRAM, 0x5a, 1);
    CHECK_EQ(cfg_read(NB, I440FX_SMRAM, 1), 0x1a);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0xff);
    cfg_write(NB, I440FX_SMRAM, 0x4a, 1);
    CHECK_EQ(cfg_read(NB, I440FX_SMRAM, 1), 0x1a);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0xff);
    cfg_write(NB, I440FX_SMRAM, 0x3a, 1);           /* D_CLS stays writable */
    CHECK_EQ(cfg_read(NB, I440FX_SMRAM, 1), 0x3a);
    /* Only a reset unlocks. */
    machine_reset(&m);
    CHECK_EQ(cfg_read(NB, I440FX_SMRAM, 1), 0x02);
    cfg_write(NB, I440FX_SMRAM, 0x4a, 1);
    CHECK_EQ(phys_read(&m.mem, a, 1), 0x11);
}

static void init_pic_level(uint8_t elcr1, uint8_t elcr2)
{
    outb(0x20, 0x11); outb(0x21, 0x08); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0xa0, 0x11); outb(0xa1, 0x70); outb(0xa1, 0x02); outb(0xa1, 0x01);
    outb(0x4d0, elcr1);
    outb(0x4d1, elcr2);
}

static void test_pirq_routing(void)
{
    setup();
    init_pic_level(0x00, 0x0e);                     /* IRQ 9, 10, 11 level */
    /* Device 3: INTA# -> PIRQC, INTB# -> PIRQD (the PC's swizzle). */
    CHECK_EQ(piix3_pirq_of(PCI_DEVFN(3, 0), 0), 2);
    CHECK_EQ(piix3_pirq_of(PCI_DEVFN(3, 0), 1), 3);
    CHECK_EQ(piix3_pirq_of(PCI_DEVFN(1, 3), 0), 0);
    CHECK_EQ(piix3_pirq_of(PCI_DEVFN(2, 0), 3), 0);
    TestDev *t = testdev_create(3, 1, false);       /* INTA# */
    TestDev *u = testdev_create(4, 4, true);        /* INTD# -> PIRQC too */
    /* Not routed at reset: nothing reaches the PIC. */
    pci_set_irq(&t->pci, 1);
    CHECK_EQ(read_slave_irr(), 0);
    CHECK_EQ(read_master_irr(), 0);
    /* PIRQC -> IRQ 11 (what SeaBIOS programs: 10, 10, 11, 11). */
    cfg_write(ISA, 0x60, 0x0b0b0a0a, 4);
    CHECK_EQ(read_slave_irr(), 0x08);
    pci_set_irq(&t->pci, 0);
    CHECK_EQ(read_slave_irr(), 0x00);               /* level: the request goes */
    pci_set_irq(&t->pci, 1);
    CHECK_EQ(read_slave_irr(), 0x08);
    /* Shared: the line stays high while either function asserts it. */
    pci_set_irq(&u->pci, 1);
    pci_set_irq(&t->pci, 0);
    CHECK_EQ(read_slave_irr(), 0x08);
    pci_set_irq(&u->pci, 0);
    CHECK_EQ(read_slave_irr(), 0x00);
    /* Rerouting while asserted moves the request. */
    pci_set_irq(&t->pci, 1);
    cfg_write(ISA, 0x62, 0x05, 1);                  /* PIRQC -> IRQ 5 */
    CHECK_EQ(read_slave_irr(), 0x00);
    CHECK_EQ(read_master_irr() & 0x20, 0x20);
    cfg_write(ISA, 0x62, 0x85, 1);                  /* routing disabled */
    CHECK_EQ(read_master_irr() & 0x20, 0);
    /* Reserved IRQ values route nowhere. */
    cfg_write(ISA, 0x62, 0x02, 1);
    CHECK_EQ(read_master_irr() & 0x05, 0);
    cfg_write(ISA, 0x62, 0x0d, 1);
    CHECK_EQ(read_slave_irr() & 0x20, 0);
    cfg_write(ISA, 0x62, 0x08, 1);
    CHECK_EQ(read_slave_irr() & 0x01, 0);
    /* PCI 2.3 Interrupt Disable on the function that has it. */
    cfg_write(ISA, 0x62, 0x0b, 1);
    pci_set_irq(&t->pci, 0);
    pci_set_irq(&u->pci, 1);
    CHECK_EQ(read_slave_irr(), 0x08);
    CHECK_EQ(cfg_read(bdf(4, 0), PCI_STATUS, 2) & PCI_STS_INTX, PCI_STS_INTX);
    cfg_write(bdf(4, 0), PCI_COMMAND, PCI_CMD_INTX_DISABLE, 2);
    CHECK_EQ(read_slave_irr(), 0x00);
    CHECK_EQ(cfg_read(bdf(4, 0), PCI_STATUS, 2) & PCI_STS_INTX, PCI_STS_INTX);
    cfg_write(bdf(4, 0), PCI_COMMAND, 0, 2);
    CHECK_EQ(read_slave_irr(), 0x08);
    cfg_write(bdf(3, 0), PCI_COMMAND, PCI_CMD_INTX_DISABLE, 2);   /* 2.1: read-only */
    CHECK_EQ(cfg_read(bdf(3, 0), PCI_COMMAND, 2), 0);
    pci_set_irq(&u->pci, 0);
    CHECK_EQ(cfg_read(bdf(4, 0), PCI_STATUS, 2) & PCI_STS_INTX, 0);
    /* A PIRQ on IRQ 9 shares it with the SCI. */
    cfg_write(ISA, 0x62, 0x09, 1);
    pci_set_irq(&t->pci, 1);
    piix3_set_isa_irq(sb, 9, 1);
    CHECK_EQ(read_slave_irr(), 0x02);
    pci_set_irq(&t->pci, 0);
    CHECK_EQ(read_slave_irr(), 0x02);
    piix3_set_isa_irq(sb, 9, 0);
    CHECK_EQ(read_slave_irr(), 0x00);
    /* The routed level interrupt is delivered and re-requested after EOI
     * while the line stays high. */
    cfg_write(ISA, 0x62, 0x0b, 1);
    outb(0xa1, 0x00);
    outb(0x21, 0x00);
    pci_set_irq(&t->pci, 1);
    CHECK_EQ(pic->chip[0].int_out, 1);
    CHECK_EQ(m.intr_ack(m.intr_opaque), 0x73);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    CHECK_EQ(pic->chip[0].int_out, 1);
    pci_set_irq(&t->pci, 0);
    CHECK_EQ(pic->chip[0].int_out, 0);
    /* Reset: routing off, PIC inputs dropped. */
    pci_set_irq(&t->pci, 1);
    machine_reset(&m);
    init_pic_level(0x00, 0x0e);
    CHECK_EQ(read_slave_irr(), 0x00);
    CHECK_EQ(t->pci.irq_level, 1);      /* not a machine device here: still asserting */
    free(t);
    free(u);
}

/* PM I/O at 0xB000 and SMBus at 0xB100, as SeaBIOS programs them. */
static void enable_pm(void)
{
    cfg_write(PM, PCI_INTERRUPT_LINE, 9, 1);
    cfg_write(PM, PM_PMBA, 0xb000 | 1, 4);
    cfg_write(PM, PM_PMREGMISC, 0x01, 1);
    cfg_write(PM, PM_SMBBA, 0xb100 | 1, 4);
    cfg_write(PM, PM_SMBHSTCFG, 0x09, 1);
}

static uint32_t expected_ticks(uint64_t ns)
{
    return (uint32_t)(((unsigned __int128)ns * 3579545 / 1000000000) & 0xffffff);
}

static void test_pm_timer(void)
{
    setup();
    /* Not decoded until PMREGMISC.PMIOSE. */
    cfg_write(PM, PM_PMBA, 0xb001, 4);
    CHECK_EQ(inl(0xb008), 0xffffffff);
    cfg_write(PM, PM_PMREGMISC, 1, 1);
    CHECK_EQ(inl(0xb008), 0);
    /* 3.579545 MHz of virtual time, 24 bits. */
    set_time_ns(1000000000);
    CHECK_EQ(inl(0xb008), 3579545);
    set_time_ns(1000000000 + 279);                  /* one tick is 279.365 ns */
    CHECK_EQ(inl(0xb008), 3579545);
    set_time_ns(1000000000 + 280);
    CHECK_EQ(inl(0xb008), 3579546);
    for (uint64_t t = 12345; t < 20000000000ull; t = t * 3 + 7777) {
        set_time_ns(t);
        CHECK_EQ(inl(0xb008), expected_ticks(t));
    }
    set_time_ns(4800000000ull);                     /* past 2^24 ticks: wrapped */
    CHECK_EQ(inl(0xb008), expected_ticks(4800000000ull));
    CHECK(inl(0xb008) < 0x1000000);
    CHECK_EQ(inw(0xb00a), expected_ticks(4800000000ull) >> 16);   /* bits 31:24 read 0 */
    outl(0xb008, 0);                                /* read-only */
    CHECK_EQ(inl(0xb008), expected_ticks(4800000000ull));
    /* Moving PMBA moves the block. */
    cfg_write(PM, PM_PMBA, 0x6001, 4);
    CHECK_EQ(inl(0xb008), 0xffffffff);
    CHECK_EQ(inl(0x6008), expected_ticks(4800000000ull));
    cfg_write(PM, PM_PMREGMISC, 0, 1);
    CHECK_EQ(inl(0x6008), 0xffffffff);
}

static void test_pm_overflow_sci(void)
{
    setup();
    enable_pm();
    init_pic_level(0x00, 0x02);                     /* IRQ 9 level */
    /* Bit 23 changes every 2^23 ticks = 2.3435 s. */
    const uint64_t period = 2343484438ull;          /* ns of 2^23 ticks, rounded up */
    set_time_ns(period - 1000);
    CHECK_EQ(inw(0xb000) & PM_TMROF, 0);
    set_time_ns(period + 10);
    CHECK_EQ(inw(0xb000) & PM_TMROF, PM_TMROF);     /* status without the enable */
    CHECK_EQ(read_slave_irr(), 0);
    outw(0xb000, PM_TMROF);                         /* write 1 to clear */
    CHECK_EQ(inw(0xb000) & PM_TMROF, 0);
    outw(0xb000, 0);
    /* Enabled, but SCI_EN = 0 (SMI mode): no SCI. */
    outw(0xb002, PM_TMROF);
    CHECK_EQ(inw(0xb002), PM_TMROF);
    CHECK(timer_pending(&pm->tmr_timer));
    set_time_ns(2 * period + 10);
    CHECK_EQ(pm->pmio[PMSTS] & PM_TMROF, PM_TMROF); /* the timer set it */
    CHECK_EQ(read_slave_irr(), 0);
    /* SCI_EN: the pending status raises IRQ 9 at once. */
    outw(0xb004, PM_SCI_EN);
    CHECK_EQ(read_slave_irr(), 0x02);
    outw(0xb000, PM_TMROF);
    CHECK_EQ(read_slave_irr(), 0x00);
    /* The next change of bit 23 raises it from the timer, on time. */
    set_time_ns(3 * period - 2000);
    CHECK_EQ(read_slave_irr(), 0x00);
    set_time_ns(3 * period + 10);
    CHECK_EQ(read_slave_irr(), 0x02);
    /* The enable off drops the SCI, the status stays. */
    outw(0xb002, 0);
    CHECK_EQ(read_slave_irr(), 0x00);
    CHECK_EQ(inw(0xb000) & PM_TMROF, PM_TMROF);
    CHECK(!timer_pending(&pm->tmr_timer));
    outw(0xb000, 0xffff);
    CHECK_EQ(inw(0xb000), 0);
    /* GBL_STS through GLBCTL.BIOS_RLS, with GBL_EN. */
    outw(0xb002, PM_GBL);
    outl(0xb028, PM_GLBCTL_BIOS_RLS);
    CHECK_EQ(inw(0xb000), PM_GBL);
    CHECK_EQ(inl(0xb028) & PM_GLBCTL_BIOS_RLS, 0);  /* write-only */
    CHECK_EQ(read_slave_irr(), 0x02);
    outw(0xb000, PM_GBL);
    CHECK_EQ(read_slave_irr(), 0x00);
    /* PMCNTRL read-back: SCI_EN, SUS_TYP; GBL_RLS and SUS_EN read 0. */
    outw(0xb004, 0x1c05);
    CHECK_EQ(inw(0xb004), 0x1c01);
    CHECK_EQ(pm->pmio[0x18] & 1, 1);                /* GBL_RLS set BIOS_STS */
    /* Reset: everything off. */
    machine_reset(&m);
    CHECK_EQ(pm->pmio[PMCNTRL], 0);
    CHECK_EQ(pm->irq_level, 0);
    CHECK(!timer_pending(&pm->tmr_timer));
}

static void test_pm_sleep(void)
{
    setup();
    enable_pm();
    /* S3 (SLP_TYP 1 in the PC's DSDT) is not implemented: nothing happens. */
    outw(0xb004, 1 << 10 | PM_SUS_EN | PM_SCI_EN);
    CHECK(!m.quit);
    CHECK_EQ(inw(0xb004), 1 << 10 | PM_SCI_EN);
    /* SUS_TYP without SUS_EN: nothing. */
    outw(0xb004, PM_SCI_EN);
    CHECK(!m.quit);
    /* S5: SLP_TYP 0 with SLP_EN powers off. */
    m.exit_code = 77;
    outw(0xb004, PM_SUS_EN | PM_SCI_EN);
    CHECK(m.quit);
    CHECK_EQ(m.exit_code, 0);
    m.quit = false;
    /* A byte write of the high half does it too. */
    outb(0xb005, PM_SUS_EN >> 8);
    CHECK(m.quit);
    m.quit = false;
}

static void test_reset_control(void)
{
    setup();
    CHECK_EQ(inb(0xcf9), 0x00);
    outb(0xcf9, PIIX3_RC_SRST);                     /* hard reset selected */
    CHECK(!m.reset_requested);
    CHECK_EQ(inb(0xcf9), PIIX3_RC_SRST);
    outb(0xcf9, PIIX3_RC_SRST | PIIX3_RC_RCPU);     /* RCPU 0 -> 1: reset */
    CHECK(m.reset_requested);
    CHECK_EQ(inb(0xcf9), 0x06);
    m.reset_requested = false;
    outb(0xcf9, 0x06);                              /* no transition: nothing */
    CHECK(!m.reset_requested);
    outb(0xcf9, 0xff);                              /* reserved bits read 0 */
    CHECK_EQ(inb(0xcf9), 0x06);
    machine_reset(&m);
    CHECK_EQ(inb(0xcf9), 0x00);
    /* Soft reset (SRST = 0) is a reset too. */
    outb(0xcf9, PIIX3_RC_RCPU);
    CHECK(m.reset_requested);
    machine_reset(&m);
    /* A dword at 0xCF8 is CONFADD, not the RC register. */
    outl(0xcf8, 0x00000600);
    CHECK(!m.reset_requested);
    CHECK_EQ(inb(0xcf9), 0x00);
    /* A word at 0xCF8 reaches RC through its 0xCF9 byte. */
    outw(0xcf8, 0x0600);
    CHECK(m.reset_requested);
}

static void test_smbus_apm_gpe(void)
{
    setup();
    init_pic_level(0x00, 0x02);
    /* SMBus: needs PCICMD.IOSE and SMB_HST_EN. */
    cfg_write(PM, PM_SMBBA, 0xb101, 4);
    cfg_write(PM, PM_SMBHSTCFG, 0x09, 1);
    CHECK_EQ(inb(0xb100), 0xff);
    cfg_write(PM, PCI_COMMAND, PCI_CMD_IO, 2);
    CHECK_EQ(inb(0xb100), 0x00);
    outb(0xb104, 0xa1);                             /* read from 0x50 (an SPD EEPROM) */
    outb(0xb102, 0x48);                             /* byte data, START */
    CHECK_EQ(inb(0xb100) & 0x05, 0x04);             /* DEV_ERR, not busy */
    CHECK_EQ(inb(0xb102) & 0x40, 0);                /* START reads 0 */
    CHECK_EQ(read_slave_irr(), 0);                  /* INTEREN off */
    outb(0xb100, 0x04);
    CHECK_EQ(inb(0xb100), 0);
    outb(0xb102, 0x49);                             /* with INTEREN */
    CHECK_EQ(read_slave_irr(), 0x02);
    outb(0xb100, 0x1e);
    CHECK_EQ(read_slave_irr(), 0x00);
    cfg_write(PM, PM_SMBHSTCFG, 0x00, 1);
    CHECK_EQ(inb(0xb100), 0xff);
    /* APM: 0xF1/0xF0 stand for the SMI handler that switches ACPI mode. */
    enable_pm();
    outb(0xb3, 0x5a);
    CHECK_EQ(inb(0xb3), 0x5a);
    outb(0xb2, 0xf1);
    CHECK_EQ(inb(0xb2), 0xf1);
    CHECK_EQ(inw(0xb004) & PM_SCI_EN, PM_SCI_EN);
    outb(0xb2, 0xf0);
    CHECK_EQ(inw(0xb004) & PM_SCI_EN, 0);
    outb(0xb2, 0x00);
    /* GPE0 at 0xAFE0: status R/WC, enable R/W, no sources. */
    CHECK_EQ(inl(0xafe0), 0);
    outw(0xafe2, 0xffff);
    CHECK_EQ(inw(0xafe2), 0xffff);
    outw(0xafe0, 0xffff);
    CHECK_EQ(inw(0xafe0), 0);
    outb(0xb2, 0xf1);
    pm->gpe0[0] = 0x02;                             /* an event (none wired yet) */
    outw(0xafe0, 0);
    CHECK_EQ(read_slave_irr(), 0x02);
    outw(0xafe0, 0x0002);
    CHECK_EQ(read_slave_irr(), 0x00);
    machine_reset(&m);
    CHECK_EQ(inw(0xafe2), 0);
}

static void test_snapshot(void)
{
    setup();
    enable_pm();
    set_pam_f(PAM_RW);
    cfg_write(NB, I440FX_SMRAM, 0x4a, 1);
    cfg_write(IDE, 0x20, 0xc001, 4);
    cfg_write(IDE, PCI_COMMAND, PCI_CMD_IO, 2);
    cfg_write(ISA, 0x60, 0x0b0b0a0a, 4);
    outl(0xcf8, 0x80000858);
    static const char *const names[] = { "pci-host", "i440fx", "piix3", "piix3-ide", "piix4-pm" };
    StateBuf b[5] = { { 0 } };
    uint64_t h[5];
    for (int i = 0; i < 5; i++) {
        Device *d = machine_find_device(&m, names[i]);
        CHECK(d != NULL);
        state_save(d->state, d->opaque, &b[i]);
        h[i] = state_hash(d->state, d->opaque);
    }
    machine_reset(&m);
    CHECK_EQ(phys_read(&m.mem, 0xf0000, 1), rom_at(0xf0000));
    CHECK(io_owner(&m.io, 0xc000) == NULL);
    for (int i = 0; i < 5; i++) {
        Device *d = machine_find_device(&m, names[i]);
        char err[128];
        CHECK_EQ(state_load(d->state, d->opaque, b[i].data, b[i].len, err, sizeof err), 0);
        CHECK_EQ(state_hash(d->state, d->opaque), h[i]);
        statebuf_free(&b[i]);
    }
    CHECK_EQ(inl(0xcf8), 0x80000858);
    CHECK_EQ(phys_read(&m.mem, 0xf0000, 1), ram_at(0xf0000));
    CHECK_EQ(phys_read(&m.mem, 0xa0000, 1), ram_at(0xa0000));
    CHECK(owner_is(0xc000, "piix3-ide-bm"));
    CHECK(owner_is(0xb008, "piix4-pm"));
    CHECK_EQ(cfg_read(ISA, 0x60, 4), 0x0b0b0a0a);
    /* A snapshot that changes read-only bits (the device IDs) is refused. */
    Device *d = machine_find_device(&m, "i440fx");
    StateBuf bad = { 0 };
    nb->pci.config[0] = 0x11;
    state_save(d->state, d->opaque, &bad);
    nb->pci.config[0] = 0x86;
    char err[128];
    CHECK(state_load(d->state, d->opaque, bad.data, bad.len, err, sizeof err) < 0);
    statebuf_free(&bad);
    nb->pci.config[0] = 0x86;
}

int main(void)
{
    test_ids();
    test_config_mechanism();
    test_write_masks();
    test_bar_sizing_and_io_mapping();
    test_memory_bars();
    test_pam_f_segment();
    test_pam_pieces();
    test_smram();
    test_pirq_routing();
    test_pm_timer();
    test_pm_overflow_sci();
    test_pm_sleep();
    test_reset_control();
    test_smbus_apm_gpe();
    test_snapshot();
    if (have_machine)
        machine_destroy(&m);
    free(bios);
    return test_main_result("test-pci");
}
