/* The PC board: RAM, the firmware ROM at the top of the first MiB and of the
 * 4 GiB space, and the devices, wired in one readable place. */
#include "hw/pc-board.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/acpi-tables.h"
#include "hw/apic.h"
#include "hw/fw-cfg.h"
#include "hw/hpet.h"
#include "hw/i8042-kbc.h"
#include "hw/i8254-pit.h"
#include "hw/i440fx.h"
#include "hw/i8259-pic.h"
#include "hw/ioapic.h"
#include "hw/isa-debug-exit.h"
#include "hw/isa-debugcon.h"
#include "hw/mc146818-rtc.h"
#include "hw/ns16550-uart.h"
#include "hw/pci.h"
#include "hw/pci-vga.h"
#include "hw/pcspk.h"
#include "hw/piix3.h"
#include "hw/piix4-pm.h"
#include "hw/port92.h"
#include "hw/fpu-err.h"
#include "hw/ps2-kbd.h"
#include "hw/ps2-mouse.h"
#include "system/chardev.h"
#include "system/drives.h"

#define PCI_HOLE_START 0xe0000000ull   /* RAM above this goes above 4 GiB */
#define DEFAULT_BIOS "/usr/share/seabios/bios-256k.bin"

typedef struct BiosRom {
    uint8_t *data;
    size_t size;
} BiosRom;

static void bios_destroy(void *opaque)
{
    BiosRom *b = opaque;
    free(b->data);
    free(b);
}

static int load_bios(Machine *m, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "tandem: cannot open BIOS '%s': %s\n", path, strerror(errno));
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size <= 0 || size % 4096 || size > (16 << 20)) {
        fprintf(stderr, "tandem: BIOS '%s' has size %ld: must be a non-zero multiple of 4 KiB up to 16 MiB\n",
                path, size);
        fclose(f);
        return -1;
    }
    BiosRom *b = calloc(1, sizeof *b);
    b->data = aligned_alloc(4096, (size_t)size);   /* page-aligned: a KVM memory slot */
    b->size = (size_t)size;
    if (!b->data || fread(b->data, 1, b->size, f) != b->size) {
        fprintf(stderr, "tandem: cannot read BIOS '%s'\n", path);
        fclose(f);
        free(b->data);
        free(b);
        return -1;
    }
    fclose(f);
    /* The whole image ends at 4 GiB; its last 128 KiB (or all of it, if
     * smaller) also appear below 1 MiB, as the ISA BIOS area: what the
     * i440FX's PAM shows where a segment is not shadowed in DRAM. */
    phys_add_rom(&m->mem, "bios", (1ull << 32) - b->size, b->size, b->data, 1);
    size_t isa = b->size < (128 << 10) ? b->size : (128 << 10);
    phys_add_rom(&m->mem, "isa-bios", (1 << 20) - isa, isa, b->data + b->size - isa, 1);
    machine_add_device(m, "bios", NULL, b, NULL, bios_destroy);
    return 0;
}

/* The ISA IRQ lines: each goes to the 8259 input of its number and to the
 * IOAPIC pin of the same number, except IRQ0 (the PIT or the HPET's timer 0),
 * which is on pin 2 as on most PC boards (the MADT has the override). */
typedef struct IsaIrqs {
    Pic *pic;
    Ioapic *ioapic;
} IsaIrqs;

static void isa_irq_set(void *opaque, int n, int level)
{
    IsaIrqs *isa = opaque;
    pic_set_irq(isa->pic, n, level);
    ioapic_set_irq(isa->ioapic, n == 0 ? 2 : n, level);
}

static Chardev *find_chardev(Chardev **chrs, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (chrs[i] && !strcmp(chrs[i]->id, id))
            return chrs[i];
    return NULL;
}

static bool parse_u16(const char *s, uint16_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (end == s || *end || v > 0xffff)
        return false;
    *out = (uint16_t)v;
    return true;
}

static int create_device(Machine *m, const char *spec, Chardev **chrs, int nchr)
{
    char buf[64];
    size_t nl = strcspn(spec, ",");
    if (nl == 12 && !strncmp(spec, "isa-debugcon", nl)) {
        uint16_t port = 0xe9;
        if (opt_value(spec, "iobase", buf, sizeof buf) && !parse_u16(buf, &port)) {
            fprintf(stderr, "tandem: -device %s: bad iobase\n", spec);
            return -1;
        }
        if (!opt_value(spec, "chardev", buf, sizeof buf)) {
            fprintf(stderr, "tandem: -device %s: needs chardev=ID\n", spec);
            return -1;
        }
        Chardev *c = find_chardev(chrs, nchr, buf);
        if (!c) {
            fprintf(stderr, "tandem: -device %s: no -chardev with id '%s'\n", spec, buf);
            return -1;
        }
        /* The debugcon owns the chardev from now on. */
        for (int i = 0; i < nchr; i++)
            if (chrs[i] == c)
                chrs[i] = NULL;
        debugcon_create(m, port, c);
        return 0;
    }
    if (nl == 14 && !strncmp(spec, "isa-debug-exit", nl)) {
        uint16_t base = 0x501, size = 2;
        if (opt_value(spec, "iobase", buf, sizeof buf) && !parse_u16(buf, &base)) {
            fprintf(stderr, "tandem: -device %s: bad iobase\n", spec);
            return -1;
        }
        if (opt_value(spec, "iosize", buf, sizeof buf) && (!parse_u16(buf, &size) || !size || size > 8)) {
            fprintf(stderr, "tandem: -device %s: bad iosize\n", spec);
            return -1;
        }
        debug_exit_create(m, base, size);
        return 0;
    }
    fprintf(stderr, "tandem: -device '%.*s' is not a known device (isa-debugcon, isa-debug-exit)\n",
            (int)nl, spec);
    return -1;
}

/* SeaBIOS boot device codes (CMOS 0x3d/0x38 nibbles). */
static int boot_code(char c)
{
    switch (c) {
    case 'a': return 1;     /* floppy */
    case 'c': return 2;     /* first hard disk */
    case 'd': return 3;     /* CD-ROM */
    case 'n': return 4;     /* network (BEV) */
    default: return -1;
    }
}

int pc_cmos_init(Rtc *rtc, uint64_t ram_size, uint64_t ram_below_4g, int ncpus,
                 const char *boot_order)
{
    int boot[3] = { 0, 0, 0 };
    size_t nboot = strlen(boot_order);
    if (nboot > 3 || ncpus < 1 || ncpus > 256 || ram_below_4g > ram_size)
        return -1;
    for (size_t i = 0; i < nboot; i++)
        if ((boot[i] = boot_code(boot_order[i])) < 0)
            return -1;

    rtc_set_cmos(rtc, 0x0e, 0x00);      /* diagnostic status: power and checksum good */
    rtc_set_cmos(rtc, 0x0f, 0x00);      /* shutdown status: normal POST */
    rtc_set_cmos(rtc, 0x10, 0x00);      /* floppy drive types: none */
    rtc_set_cmos(rtc, 0x12, 0x00);      /* hard disk types: none (disks are found by probing) */
    /* Equipment byte: bit 0 floppy drives, bit 1 math coprocessor (none
     * until the x87 is in CPUID), bits 4-5 video 00 = EGA/VGA. */
    rtc_set_cmos(rtc, 0x14, 0x00);
    rtc_set_cmos(rtc, 0x15, 640 & 0xff);  /* base memory in KiB */
    rtc_set_cmos(rtc, 0x16, 640 >> 8);
    /* Extended memory from 1 MiB in KiB (AT: 0x17/0x18, POST copy 0x30/0x31). */
    uint64_t ext = ram_below_4g > (1 << 20) ? (ram_below_4g - (1 << 20)) >> 10 : 0;
    if (ext > 0xffff)
        ext = 0xffff;
    rtc_set_cmos(rtc, 0x17, (uint8_t)ext);
    rtc_set_cmos(rtc, 0x18, (uint8_t)(ext >> 8));
    rtc_set_cmos(rtc, 0x30, (uint8_t)ext);
    rtc_set_cmos(rtc, 0x31, (uint8_t)(ext >> 8));
    /* RAM above 16 MiB up to the PCI hole, in 64 KiB units. */
    uint64_t above16 = ram_below_4g > (16 << 20) ? (ram_below_4g - (16 << 20)) >> 16 : 0;
    if (above16 > 0xffff)
        above16 = 0xffff;
    rtc_set_cmos(rtc, 0x34, (uint8_t)above16);
    rtc_set_cmos(rtc, 0x35, (uint8_t)(above16 >> 8));
    /* RAM above 4 GiB in 64 KiB units (24 bits). */
    uint64_t above4g = (ram_size - ram_below_4g) >> 16;
    if (above4g > 0xffffff)
        above4g = 0xffffff;
    rtc_set_cmos(rtc, 0x5b, (uint8_t)above4g);
    rtc_set_cmos(rtc, 0x5c, (uint8_t)(above4g >> 8));
    rtc_set_cmos(rtc, 0x5d, (uint8_t)(above4g >> 16));
    rtc_set_cmos(rtc, 0x5f, (uint8_t)(ncpus - 1));
    rtc_set_cmos(rtc, 0x32, 0x20);      /* century, BCD */
    /* Boot order (SeaBIOS): first device in 0x3d bits 0-3, second in 0x3d
     * bits 4-7, third in 0x38 bits 4-7; 0x38 bit 0 = 0: check the floppy
     * boot signature. */
    rtc_set_cmos(rtc, 0x3d, (uint8_t)(boot[0] | boot[1] << 4));
    rtc_set_cmos(rtc, 0x38, (uint8_t)(boot[2] << 4));
    /* IBM PC/AT checksum: the 16-bit sum of 0x10-0x2d, high byte at 0x2e. */
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2d; i++)
        sum += rtc_get_cmos(rtc, i);
    rtc_set_cmos(rtc, 0x2e, (uint8_t)(sum >> 8));
    rtc_set_cmos(rtc, 0x2f, (uint8_t)sum);
    return 0;
}

int pc_board_create(Machine *m, const Config *cfg)
{
    m->ram_size = cfg->ram_size;
    if (!phys_alloc_ram(&m->mem, cfg->ram_size, PCI_HOLE_START)) {
        fprintf(stderr, "tandem: cannot allocate %llu MiB of guest RAM\n",
                (unsigned long long)(cfg->ram_size >> 20));
        return -1;
    }
    if (load_bios(m, cfg->bios ? cfg->bios : DEFAULT_BIOS) < 0)
        return -1;

    /* Interrupt controllers: the 8259 pair, whose INT reaches the CPU through
     * the local APIC's LINT0 (virtual wire), and the IOAPIC; ISA IRQs go to
     * both (isa_irq_set).  The timers: PIT OUT0 and the RTC pass through the
     * HPET, whose legacy replacement route can take IRQ0 and IRQ8 over;
     * counter 2's GATE and OUT are on port 0x61. */
    Pic *pic = pic_create(m);
    m->intr_ack = pic_intack;
    m->intr_opaque = pic;
    Lapic *lapic = lapic_create(m, 0);
    lapic_attach(lapic);
    IsaIrqs *isa = calloc(1, sizeof *isa);
    isa->pic = pic;
    isa->ioapic = ioapic_create(m, lapic);
    machine_add_device(m, "isa-irqs", NULL, isa, NULL, free);
    Hpet *hpet = hpet_create(m);
    irq_connect(&hpet->irq0, isa_irq_set, isa, 0);
    irq_connect(&hpet->irq8, isa_irq_set, isa, 8);
    hpet->gsi = ioapic_set_irq;
    hpet->gsi_opaque = isa->ioapic;
    Pit *pit = pit_create(m);
    irq_connect(&pit->irq0, hpet_pit_in, hpet, 0);
    pcspk_create(m, pit);

    /* x87 errors as IRQ 13 for CR0.NE = 0 software (FERR# latch, port 0xF0). */
    irq_connect(&fpu_err_create(m)->irq13, isa_irq_set, isa, 13);

    /* The 8042 keyboard controller (0x60/0x64) with the PS/2 keyboard on IRQ 1
     * and the mouse on IRQ 12; its A20 gate is ORed with port 0x92's. */
    Port92 *port92 = port92_create(m);
    Kbc *kbc = kbc_create(m, ps2_kbd_create(m), ps2_mouse_create(m));
    irq_connect(&kbc->irq1, isa_irq_set, isa, 1);
    irq_connect(&kbc->irq12, isa_irq_set, isa, 12);
    irq_connect(&kbc->a20, port92_set_a20gate, port92, 0);

    /* PCI bus 0: the i440FX host bridge (00:00.0; its PAM registers shadow the
     * BIOS ROM below 1 MiB, so it comes after load_bios), the PIIX3 (00:01.0
     * ISA bridge routing PIRQA-D into the PIC, 00:01.1 IDE, 0xCF9 reset) and
     * the PIIX4 PM function (00:01.3: ACPI, PM timer, SCI on IRQ 9). */
    PciBus *pci = pci_bus_create(m);
    i440fx_create(m, pci);
    Piix3 *piix3 = piix3_create(m, pci, 1, pic);
    piix3->isa_out = isa_irq_set;
    piix3->isa_out_opaque = isa;
    for (int i = 0; i < 4; i++)     /* PIRQA-D: IOAPIC pins 16-19 (the DSDT's _PRT) */
        irq_connect(&piix3->pirq[i], ioapic_set_irq, isa->ioapic, 16 + i);
    Piix4Pm *pm = piix4_pm_create(m, pci, 1);
    irq_connect(&pm->irq9, piix3_set_isa_irq, piix3, 9);
    /* 00:02.0: the VGA (1234:1111) with the VGA BIOS in its ROM BAR, which
     * SeaBIOS finds and runs during POST. */
    if ((!cfg->vga || strcmp(cfg->vga, "none")) &&
        !pci_vga_create(m, pci, 2, PCI_VGA_DEFAULT_ROM))
        return -1;

    /* IDE: the primary channel's INTRQ on IRQ 14, the secondary's on 15; the
     * drives of -drive/-hda/-cdrom; the boot order from -boot (CMOS) and
     * bootindex= (fw_cfg "bootorder"). */
    for (int c = 0; c < 2; c++)
        irq_connect(&piix3->ide->ch[c].irq, isa_irq_set, isa, 14 + c);
    char *bootorder = NULL, boot_order[4] = PC_DEFAULT_BOOT_ORDER;
    int boot_menu = -1;
    if (drives_attach(m, cfg, piix3->ide, &bootorder) < 0 ||
        (cfg->boot && boot_parse(cfg->boot, boot_order, &boot_menu) < 0))
        return -1;

    /* RTC and CMOS RAM at 0x70/0x71 on IRQ 8, filled for the BIOS. */
    Rtc *rtc = rtc_create(m);
    irq_connect(&rtc->irq, hpet_rtc_in, hpet, 8);
    if (pc_cmos_init(rtc, m->mem.ram_size, m->mem.ram_below_4g, cfg->smp > 0 ? cfg->smp : 1,
                     boot_order) < 0) {
        fprintf(stderr, "tandem: cannot describe this machine in CMOS\n");
        return -1;
    }

    /* fw_cfg (0x510/0x511, DMA 0x514): RAM layout, CPUs, etc/e820 and the
     * SeaBIOS settings (etc/sercon-port with -nographic). */
    FwCfg *fw_cfg = fw_cfg_create_pc(m, cfg);
    if (bootorder)
        fw_cfg_set_bootorder(fw_cfg, bootorder);
    free(bootorder);
    if (boot_menu >= 0)
        fw_cfg_set_boot_menu(fw_cfg, boot_menu);

    /* COM1-COM4: 16550A UARTs per -serial (default: COM1, on the terminal
     * under -nographic).  COM1/COM3 share IRQ4 and COM2/COM4 IRQ3, each
     * port's driver onto the line gated by its MCR OUT2. */
    static const struct { uint16_t base; int irq; } com[4] = {
        { 0x3f8, 4 }, { 0x2f8, 3 }, { 0x3e8, 4 }, { 0x2e8, 3 } };
    const char *serial[4];
    IrqOr *com_irq[2] = { 0 };      /* IRQ3, IRQ4 */
    int nserial = chardev_serial_specs(cfg, serial);
    for (int i = 0; i < nserial; i++) {
        char label[24];
        snprintf(label, sizeof label, "serial%d", i);
        Chardev *c = chardev_open_spec_label(serial[i], label);
        Uart *u = c ? uart_create(m, com[i].base, label, c) : NULL;
        if (!u)
            return -1;
        IrqOr **line = &com_irq[com[i].irq - 3];
        if (!*line) {
            *line = calloc(1, sizeof **line);
            irq_connect(&(*line)->out, isa_irq_set, isa, com[i].irq);
            machine_add_device(m, com[i].irq == 3 ? "irq3-wire" : "irq4-wire", NULL, *line, NULL, free);
        }
        irq_connect(&u->irq, irq_or_input, *line, i);
    }

    if (cfg->debugcon) {
        Chardev *c = chardev_open_spec(cfg->debugcon);
        if (!c)
            return -1;
        /* -debugcon captures port 0xe9 (QEMU's and Bochs' debug port) and
         * 0x402 (where Debian's SeaBIOS writes its debug log). */
        DebugCon *d = debugcon_create(m, 0xe9, c);
        debugcon_map(m, d, 0x402);
    }
    Chardev *chrs[MAX_LIST_OPTS] = { 0 };
    for (int i = 0; i < cfg->nchardevs; i++)
        if (!(chrs[i] = chardev_open_opts(cfg->chardevs[i])))
            return -1;
    for (int i = 0; i < cfg->ndevices; i++)
        if (create_device(m, cfg->devices[i], chrs, cfg->nchardevs) < 0)
            return -1;
    for (int i = 0; i < cfg->nchardevs; i++)
        chardev_close(chrs[i]);

    /* ACPI tables for SeaBIOS, built from the board as it now stands. */
    if (acpi_fw_cfg_add(m, fw_cfg) < 0) {
        fprintf(stderr, "tandem: cannot add the ACPI tables to fw_cfg\n");
        return -1;
    }
    return 0;
}
