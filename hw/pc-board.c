/* The PC board: RAM, the firmware ROM at the top of the first MiB and of the
 * 4 GiB space, and the devices, wired in one readable place. */
#include "hw/pc-board.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/i8254-pit.h"
#include "hw/i8259-pic.h"
#include "hw/isa-debug-exit.h"
#include "hw/isa-debugcon.h"
#include "hw/pcspk.h"
#include "system/chardev.h"

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
    b->data = malloc((size_t)size);
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
     * smaller) also appear below 1 MiB, as the ISA BIOS area. */
    phys_add_rom(&m->mem, "bios", (1ull << 32) - b->size, b->size, b->data, 1);
    size_t isa = b->size < (128 << 10) ? b->size : (128 << 10);
    phys_add_rom(&m->mem, "isa-bios", (1 << 20) - isa, isa, b->data + b->size - isa, 1);
    machine_add_device(m, "bios", NULL, b, NULL, bios_destroy);
    return 0;
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

    /* Interrupt controllers and the timer: PIT OUT0 is IRQ0; counter 2's GATE
     * and OUT are on port 0x61. */
    Pic *pic = pic_create(m);
    m->intr_ack = pic_intack;
    m->intr_opaque = pic;
    Pit *pit = pit_create(m);
    irq_connect(&pit->irq0, pic_set_irq, pic, 0);
    pcspk_create(m, pit);

    if (cfg->debugcon) {
        Chardev *c = chardev_open_spec(cfg->debugcon);
        if (!c)
            return -1;
        debugcon_create(m, 0xe9, c);
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
    return 0;
}
