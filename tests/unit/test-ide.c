/* PIIX IDE against image files, through the I/O ports and guest RAM, no CPU:
 * ATA IDENTIFY, PIO (single and multiple) and DMA reads and writes with LBA28,
 * LBA48 and CHS, bad sector ranges, short PRD tables and DMA outside RAM, and
 * the ATAPI packet commands.  Values from ATA/ATAPI-7, MMC-3 and the PIIX3
 * datasheet's bus-master description. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block/block.h"
#include "hw/machine.h"
#include "hw/pci.h"
#include "hw/piix-ide.h"
#include "tests/unit/test.h"

#define RAM (16u << 20)
#define DISK_SECTORS 2048u          /* 1 MiB disk */
#define CD_SECTORS 64u
#define BM_BASE 0xc000
#define DEVFN PCI_DEVFN(1, 1)

static Machine m;
static PciBus *bus;
static PiixIde *ide;
static char disk_path[64] = "/tmp/test-ide-disk-XXXXXX", cd_path[64] = "/tmp/test-ide-cd-XXXXXX";
static BlockDev *disk, *cd;

static uint8_t expect_byte(uint64_t off) { return (uint8_t)(off * 13 + (off >> 9) * 7); }

static void make_image(char *p, uint64_t size)
{
    int fd = mkstemp(p);
    uint8_t *b = malloc(size);
    for (uint64_t i = 0; i < size; i++)
        b[i] = expect_byte(i);
    CHECK(write(fd, b, size) == (ssize_t)size);
    close(fd);
    free(b);
}

static void setup(void)
{
    char err[256];
    machine_init(&m);
    CHECK(phys_alloc_ram(&m.mem, RAM, 0xe0000000ull));
    bus = pci_bus_create(&m);
    ide = piix_ide_create(&m, bus, DEVFN, NULL);
    make_image(disk_path, DISK_SECTORS * 512ull);
    make_image(cd_path, CD_SECTORS * 2048ull);
    disk = blk_open(disk_path, "raw", false, false, err, sizeof err);
    cd = blk_open(cd_path, "raw", true, false, err, sizeof err);
    CHECK(disk && cd);
    CHECK_EQ(ide_attach(&ide->ch[0], 0, disk, false, err, sizeof err), 0);
    CHECK_EQ(ide_attach(&ide->ch[1], 0, cd, true, err, sizeof err), 0);
    CHECK(ide_attach(&ide->ch[0], 0, disk, false, err, sizeof err) < 0);
    machine_reset(&m);
    /* BMIBA and the I/O + bus master enables, as the BIOS sets them. */
    pci_config_write(bus, 0, DEVFN, 0x20, BM_BASE | 1, 4);
    pci_config_write(bus, 0, DEVFN, PCI_COMMAND, 0x05, 2);
}

static void outb(uint16_t p, uint8_t v) { io_write(&m.io, p, v, 1); }
static uint8_t inb(uint16_t p) { return (uint8_t)io_read(&m.io, p, 1); }
static uint16_t inw(uint16_t p) { return (uint16_t)io_read(&m.io, p, 2); }
static void outw(uint16_t p, uint16_t v) { io_write(&m.io, p, v, 2); }

/* Task file of channel 0 (0x1f0) or 1 (0x170). */
static uint16_t cmdb(int c) { return c ? 0x170 : 0x1f0; }

static void lba28(int c, uint32_t lba, uint8_t count, uint8_t cmd)
{
    uint16_t p = cmdb(c);
    outb(p + 6, (uint8_t)(0xe0 | (lba >> 24)));
    outb(p + 2, count);
    outb(p + 3, (uint8_t)lba);
    outb(p + 4, (uint8_t)(lba >> 8));
    outb(p + 5, (uint8_t)(lba >> 16));
    outb(p + 7, cmd);
}

static void lba48(uint64_t lba, uint16_t count, uint8_t cmd)
{
    outb(0x1f6, 0x40);
    outb(0x1f2, (uint8_t)(count >> 8));
    outb(0x1f3, (uint8_t)(lba >> 24));
    outb(0x1f4, (uint8_t)(lba >> 32));
    outb(0x1f5, (uint8_t)(lba >> 40));
    outb(0x1f2, (uint8_t)count);
    outb(0x1f3, (uint8_t)lba);
    outb(0x1f4, (uint8_t)(lba >> 8));
    outb(0x1f5, (uint8_t)(lba >> 16));
    outb(0x1f7, cmd);
}

static bool check_sector(const uint8_t *b, uint64_t lba, unsigned secsize)
{
    for (unsigned i = 0; i < secsize; i++)
        if (b[i] != expect_byte(lba * secsize + i))
            return false;
    return true;
}

static void test_identify(void)
{
    uint16_t w[256];
    CHECK_EQ(inb(0x1f7) & 0xc9, 0x40);           /* DRDY, not busy */
    outb(0x1f6, 0xa0);
    outb(0x1f7, 0xec);
    CHECK_EQ(inb(0x3f6), 0x58);                  /* DRDY DSC DRQ */
    CHECK(ide->ch[0].irq.level);
    CHECK_EQ(inb(0x1f7), 0x58);                  /* reading status clears INTRQ */
    CHECK(!ide->ch[0].irq.level);
    for (int i = 0; i < 256; i++)
        w[i] = inw(0x1f0);
    CHECK_EQ(inb(0x1f7), 0x50);
    CHECK_EQ(w[0], 0x0040);
    CHECK_EQ(w[27], ('T' << 8) | 'A');
    CHECK_EQ(w[60] | (uint32_t)w[61] << 16, DISK_SECTORS);
    CHECK_EQ(w[100] | (uint32_t)w[101] << 16, DISK_SECTORS);
    CHECK(w[83] & (1 << 10));                    /* LBA48 */
    CHECK(w[49] & (1 << 8));                     /* DMA */
    /* Nothing more to read: all ones, and no harm. */
    CHECK_EQ(inw(0x1f0), 0xffff);
    /* The absent slave reads 0; a command to it is ignored. */
    outb(0x1f6, 0xb0);
    CHECK_EQ(inb(0x1f7), 0);
    outb(0x1f7, 0xec);
    CHECK_EQ(inb(0x1f7), 0);
    outb(0x1f6, 0xa0);
    /* The CD-ROM aborts IDENTIFY DEVICE and shows the ATAPI signature. */
    outb(0x176, 0xa0);
    outb(0x177, 0xec);
    CHECK_EQ(inb(0x177) & 0x01, 1);
    CHECK_EQ(inb(0x174), 0x14);
    CHECK_EQ(inb(0x175), 0xeb);
    outb(0x177, 0xa1);
    for (int i = 0; i < 256; i++)
        w[i] = inw(0x170);
    CHECK_EQ(w[0], 0x85c0);
}

static void test_pio(void)
{
    uint8_t b[2048];
    /* READ SECTORS, LBA28: two sectors, one DRQ block each. */
    lba28(0, 5, 2, 0x20);
    for (int s = 0; s < 2; s++) {
        CHECK_EQ(inb(0x1f7), 0x58);
        for (int i = 0; i < 256; i++) {
            uint16_t v = inw(0x1f0);
            b[s * 512 + 2 * i] = (uint8_t)v;
            b[s * 512 + 2 * i + 1] = (uint8_t)(v >> 8);
        }
    }
    CHECK_EQ(inb(0x1f7), 0x50);
    CHECK(check_sector(b, 5, 512) && check_sector(b + 512, 6, 512));
    /* READ SECTORS EXT at the last sector, 32-bit data port accesses. */
    lba48(DISK_SECTORS - 1, 1, 0x24);
    CHECK_EQ(inb(0x1f7), 0x58);
    for (int i = 0; i < 128; i++) {
        uint32_t v = (uint32_t)io_read(&m.io, 0x1f0, 4);
        memcpy(b + 4 * i, &v, 4);
    }
    CHECK(check_sector(b, DISK_SECTORS - 1, 512));
    /* CHS: C/H/S 0/1/1 = LBA 63 with the default 16 heads, 63 sectors. */
    outb(0x1f6, 0xa1);
    outb(0x1f2, 1);
    outb(0x1f3, 1);
    outb(0x1f4, 0);
    outb(0x1f5, 0);
    outb(0x1f7, 0x20);
    for (int i = 0; i < 256; i++) {
        uint16_t v = inw(0x1f0);
        b[2 * i] = (uint8_t)v;
        b[2 * i + 1] = (uint8_t)(v >> 8);
    }
    CHECK(check_sector(b, 63, 512));
    /* WRITE SECTORS EXT of one sector, then a read back from the file. */
    lba48(7, 1, 0x34);
    CHECK_EQ(inb(0x1f7), 0x58);
    for (int i = 0; i < 256; i++)
        outw(0x1f0, (uint16_t)(0xbe00 + i));
    CHECK_EQ(inb(0x1f7), 0x50);
    CHECK(ide->ch[0].irq.level == 0);
    CHECK_EQ(blk_read(disk, 7 * 512, b, 512), 0);
    CHECK_EQ(b[0] | b[1] << 8, 0xbe00);
    CHECK_EQ(b[510] | b[511] << 8, 0xbeff);
    /* READ MULTIPLE without SET MULTIPLE: aborted; then with 4 sectors per block. */
    lba28(0, 0, 8, 0xc4);
    CHECK_EQ(inb(0x1f7) & 0x09, 0x01);
    CHECK_EQ(inb(0x1f1), 0x04);
    outb(0x1f2, 4);
    outb(0x1f7, 0xc6);
    CHECK_EQ(inb(0x1f7), 0x50);
    lba28(0, 100, 8, 0xc4);
    int drq_blocks = 0;
    for (int s = 0; s < 8; s++) {
        if (s % 4 == 0)
            drq_blocks += inb(0x1f7) == 0x58;
        for (int i = 0; i < 256; i++)
            inw(0x1f0);
    }
    CHECK_EQ(drq_blocks, 2);
    CHECK_EQ(inb(0x1f7), 0x50);
    /* FLUSH CACHE, READ NATIVE MAX ADDRESS EXT */
    outb(0x1f7, 0xe7);
    CHECK_EQ(inb(0x1f7), 0x50);
    outb(0x1f6, 0x40);
    outb(0x1f7, 0x27);
    CHECK_EQ(inb(0x1f3) | inb(0x1f4) << 8, DISK_SECTORS - 1);
}

static void test_bad_lba(void)
{
    /* One sector past the end, LBA28 and LBA48, and a 48-bit LBA far away:
     * IDNF, no DRQ, nothing transferred. */
    lba28(0, DISK_SECTORS - 1, 2, 0x20);
    CHECK_EQ(inb(0x1f7), 0x51);
    CHECK_EQ(inb(0x1f1), 0x14);
    CHECK_EQ(inw(0x1f0), 0xffff);
    lba48(0xffffffffffffull, 1, 0x34);
    CHECK_EQ(inb(0x1f7), 0x51);
    outw(0x1f0, 0x1234);                    /* dropped */
    lba48(DISK_SECTORS, 0, 0x25);           /* count 0 = 65536 */
    CHECK_EQ(inb(0x1f7), 0x51);
    /* CHS outside the geometry */
    outb(0x1f6, 0xaf);
    outb(0x1f2, 1);
    outb(0x1f3, 64);
    outb(0x1f7, 0x20);
    CHECK_EQ(inb(0x1f7), 0x51);
    /* an unknown command */
    outb(0x1f7, 0x99);
    CHECK_EQ(inb(0x1f7), 0x51);
    CHECK_EQ(inb(0x1f1), 0x04);
}

#define PRD_TABLE 0x1000u

static void prd(int i, uint32_t addr, uint32_t count, bool eot)
{
    phys_write(&m.mem, PRD_TABLE + 8 * i, addr, 4);
    phys_write(&m.mem, PRD_TABLE + 8 * i + 4, (count & 0xffff) | (eot ? 0x80000000u : 0), 4);
}

static void bm_start(int c, bool to_mem)
{
    io_write(&m.io, BM_BASE + 8 * c + 4, PRD_TABLE, 4);
    outb(BM_BASE + 8 * c + 2, 0x06);        /* clear error and interrupt */
    outb(BM_BASE + 8 * c, to_mem ? 0x09 : 0x01);
}

static void test_dma(void)
{
    uint8_t *ram = m.mem.ram;
    /* READ DMA of 3 sectors through two PRDs (1 KiB + 512 B), the command first. */
    memset(ram + 0x20000, 0, 0x2000);
    prd(0, 0x20000, 1024, false);
    prd(1, 0x21000, 512, true);
    lba28(0, 10, 3, 0xc8);
    CHECK_EQ(inb(0x3f6) & 0x08, 0x08);       /* waiting for the bus master */
    bm_start(0, true);
    CHECK_EQ(inb(BM_BASE + 2) & 0x07, 0x04); /* interrupt, not active, no error */
    CHECK_EQ(inb(0x3f6), 0x50);
    CHECK(ide->ch[0].irq.level);
    CHECK(check_sector(ram + 0x20000, 10, 512) && check_sector(ram + 0x20200, 11, 512));
    CHECK(check_sector(ram + 0x21000, 12, 512));
    CHECK_EQ(ram[0x20400], 0);
    outb(BM_BASE, 0);
    inb(0x1f7);
    /* WRITE DMA EXT, the bus master started first. */
    for (int i = 0; i < 1024; i++)
        ram[0x30000 + i] = (uint8_t)(i ^ 0x5a);
    prd(0, 0x30000, 1024, true);
    bm_start(0, false);
    lba48(20, 2, 0x35);
    CHECK_EQ(inb(0x3f6), 0x50);
    uint8_t b[1024];
    CHECK_EQ(blk_read(disk, 20 * 512, b, 1024), 0);
    CHECK(!memcmp(b, ram + 0x30000, 1024));
    outb(BM_BASE, 0);
    /* A PRD table shorter than the transfer: BM error, command aborted, the
     * bytes after the PRD's buffer untouched. */
    memset(ram + 0x40000, 0xcc, 0x1000);
    prd(0, 0x40000, 512, true);
    lba28(0, 0, 2, 0xc8);
    bm_start(0, true);
    CHECK_EQ(inb(BM_BASE + 2) & 0x07, 0x06);
    CHECK_EQ(inb(0x1f7) & 0x09, 0x01);
    CHECK(check_sector(ram + 0x40000, 0, 512));
    CHECK_EQ(ram[0x40200], 0xcc);
    outb(BM_BASE, 0);
    /* A buffer that runs off the end of RAM: stopped at the last RAM page. */
    prd(0, RAM - 512, 0, true);             /* 64 KiB from 512 B below the top */
    lba28(0, 0, 128, 0xc8);
    bm_start(0, true);
    CHECK_EQ(inb(BM_BASE + 2) & 0x07, 0x06);
    CHECK_EQ(inb(0x1f7) & 0x09, 0x01);
    CHECK(check_sector(ram + RAM - 512, 0, 512));
    outb(BM_BASE, 0);
    /* A buffer in the VGA hole / above 4 GiB / a PRD table outside RAM. */
    prd(0, 0xfffff000u, 4096, true);
    lba28(0, 0, 8, 0xc8);
    bm_start(0, true);
    CHECK_EQ(inb(BM_BASE + 2) & 0x07, 0x06);
    outb(BM_BASE, 0);
    io_write(&m.io, BM_BASE + 4, 0xfffffff0u, 4);
    lba28(0, 0, 1, 0xca);
    outb(BM_BASE + 2, 0x06);
    outb(BM_BASE, 0x01);
    CHECK_EQ(inb(BM_BASE + 2) & 0x07, 0x06);
    CHECK_EQ(inb(0x1f7) & 0x09, 0x01);
    outb(BM_BASE, 0);
    /* Bus mastering disabled in PCICMD: the command waits, nothing moves. */
    pci_config_write(bus, 0, DEVFN, PCI_COMMAND, 0x01, 2);
    memset(ram + 0x50000, 0, 512);
    prd(0, 0x50000, 512, true);
    lba28(0, 1, 1, 0xc8);
    bm_start(0, true);
    CHECK_EQ(ram[0x50000], 0);
    CHECK_EQ(inb(0x3f6) & 0x08, 0x08);
    pci_config_write(bus, 0, DEVFN, PCI_COMMAND, 0x05, 2);
    outb(BM_BASE, 0);
    outb(BM_BASE, 0x09);
    CHECK(check_sector(ram + 0x50000, 1, 512));
    outb(BM_BASE, 0);
}

/* Sends a 12-byte packet to the CD-ROM (secondary master); limit = byte count. */
static void packet(const uint8_t *p, uint16_t limit, bool dma)
{
    outb(0x176, 0xa0);
    outb(0x171, dma);
    outb(0x174, (uint8_t)limit);
    outb(0x175, (uint8_t)(limit >> 8));
    outb(0x177, 0xa0);
    CHECK_EQ(inb(0x177) & 0x08, 0x08);
    CHECK_EQ(inb(0x172) & 3, 1);            /* CoD: the packet */
    for (int i = 0; i < 6; i++)
        outw(0x170, (uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
}

/* Reads the PIO data-in phase into b; returns the byte count. */
static uint32_t data_in(uint8_t *b, uint32_t max)
{
    uint32_t n = 0;
    while ((inb(0x177) & 0x08) && n < max) {
        CHECK_EQ(inb(0x172) & 3, 2);        /* IO, data */
        uint32_t piece = inb(0x174) | (uint32_t)inb(0x175) << 8;
        for (uint32_t i = 0; i < piece; i += 2) {
            uint16_t v = inw(0x170);
            b[n + i] = (uint8_t)v;
            b[n + i + 1] = (uint8_t)(v >> 8);
        }
        n += piece;
    }
    return n;
}

static void test_atapi(void)
{
    static uint8_t b[16384];
    uint8_t p[12] = { 0 };
    /* TEST UNIT READY */
    packet(p, 0, false);
    CHECK_EQ(inb(0x177), 0x50);
    CHECK_EQ(inb(0x172) & 3, 3);            /* status phase */
    /* READ CAPACITY */
    p[0] = 0x25;
    packet(p, 8, false);
    CHECK_EQ(data_in(b, sizeof b), 8);
    CHECK_EQ((uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3], CD_SECTORS - 1);
    CHECK_EQ(b[6] << 8 | b[7], 2048);
    CHECK_EQ(inb(0x177) & 0x09, 0);
    /* READ (10) of 3 sectors at 2 with a 2000-byte limit: pieces of 2000. */
    memset(p, 0, 12);
    p[0] = 0x28;
    p[5] = 2;
    p[8] = 3;
    packet(p, 2000, false);
    CHECK_EQ(inb(0x174) | inb(0x175) << 8, 2000);
    CHECK_EQ(data_in(b, sizeof b), 3 * 2048);
    CHECK(check_sector(b, 2, 2048) && check_sector(b + 2048, 3, 2048) && check_sector(b + 4096, 4, 2048));
    CHECK_EQ(inb(0x177), 0x50);
    /* READ (10) beyond the disc: CHECK CONDITION, ILLEGAL REQUEST / LBA out of range. */
    p[5] = CD_SECTORS - 1;
    p[8] = 2;
    packet(p, 2048, false);
    CHECK_EQ(inb(0x177) & 0x09, 0x01);
    CHECK_EQ(inb(0x171) >> 4, 5);
    memset(p, 0, 12);
    p[0] = 0x03;
    p[4] = 18;
    packet(p, 18, false);
    CHECK_EQ(data_in(b, sizeof b), 18);
    CHECK_EQ(b[2] & 0x0f, 5);
    CHECK_EQ(b[12], 0x21);
    /* INQUIRY: a CD/DVD device */
    memset(p, 0, 12);
    p[0] = 0x12;
    p[4] = 36;
    packet(p, 36, false);
    CHECK_EQ(data_in(b, sizeof b), 36);
    CHECK_EQ(b[0], 5);
    CHECK_EQ(b[1], 0x80);
    /* READ TOC: one data track, lead-out at the end */
    memset(p, 0, 12);
    p[0] = 0x43;
    p[8] = 20;
    packet(p, 20, false);
    CHECK_EQ(data_in(b, sizeof b), 20);
    CHECK_EQ(b[2], 1);
    CHECK_EQ(b[14], 0xaa);
    CHECK_EQ(b[19], CD_SECTORS);
    /* An unknown command: ILLEGAL REQUEST, invalid opcode */
    memset(p, 0, 12);
    p[0] = 0xff;
    packet(p, 0, false);
    CHECK_EQ(inb(0x177) & 0x01, 1);
    /* READ (12) by DMA: 2 sectors into RAM, the bus master started before
     * the packet (which still goes through the data port). */
    uint8_t *ram = m.mem.ram;
    prd(0, 0x60000, 4096, true);
    memset(p, 0, 12);
    p[0] = 0xa8;
    p[5] = 7;
    p[9] = 2;
    bm_start(1, true);
    CHECK_EQ(inb(BM_BASE + 10) & 0x07, 0x01);
    packet(p, 0, true);
    CHECK_EQ(inb(BM_BASE + 10) & 0x07, 0x04);
    CHECK_EQ(inb(0x177), 0x50);
    CHECK(check_sector(ram + 0x60000, 7, 2048) && check_sector(ram + 0x60800, 8, 2048));
    outb(BM_BASE + 8, 0);
}

static void test_reset(void)
{
    /* SRST: signatures back, the transfer gone. */
    lba28(0, 0, 1, 0x20);
    outb(0x3f6, 0x04);
    CHECK_EQ(inb(0x3f6) & 0x80, 0x80);
    outb(0x3f6, 0x00);
    CHECK_EQ(inb(0x1f7), 0x50);
    CHECK_EQ(inb(0x1f1), 0x01);
    CHECK_EQ(inw(0x1f0), 0xffff);
    /* nIEN masks INTRQ */
    outb(0x3f6, 0x02);
    outb(0x1f7, 0xe7);
    CHECK(!ide->ch[0].irq.level);
    outb(0x3f6, 0x00);
    CHECK(ide->ch[0].irq.level);
    inb(0x1f7);
}

int main(void)
{
    setup();
    test_identify();
    test_pio();
    test_bad_lba();
    test_dma();
    test_atapi();
    test_reset();
    machine_destroy(&m);
    blk_close(disk);
    blk_close(cd);
    unlink(disk_path);
    unlink(cd_path);
    return test_main_result("test-ide");
}
