/* Drives from the command line (see drives.h). */
#include "system/drives.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/block.h"

typedef struct DriveOpts {
    char file[1024], format[16], media[16], iface[16];
    int index, bus, unit, bootindex;
    bool readonly;
    int snapshot;           /* -1: as -snapshot says */
} DriveOpts;

static bool parse_onoff(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = true;
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = false;
        return true;
    }
    return false;
}

static bool parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

/* One key=value of a -drive spec; false for an unknown key or bad value. */
static bool drive_opt(DriveOpts *o, const char *key, const char *v)
{
    bool b;
    if (!strcmp(key, "file"))
        return snprintf(o->file, sizeof o->file, "%s", v) < (int)sizeof o->file;
    if (!strcmp(key, "format"))
        return snprintf(o->format, sizeof o->format, "%s", v) < (int)sizeof o->format;
    if (!strcmp(key, "media"))
        return (!strcmp(v, "disk") || !strcmp(v, "cdrom")) &&
               snprintf(o->media, sizeof o->media, "%s", v) > 0;
    if (!strcmp(key, "if"))
        return snprintf(o->iface, sizeof o->iface, "%s", v) < (int)sizeof o->iface;
    if (!strcmp(key, "index"))
        return parse_int(v, 0, 3, &o->index);
    if (!strcmp(key, "bus"))
        return parse_int(v, 0, 1, &o->bus);
    if (!strcmp(key, "unit"))
        return parse_int(v, 0, 1, &o->unit);
    if (!strcmp(key, "bootindex"))
        return parse_int(v, 0, 1000000, &o->bootindex);
    if (!strcmp(key, "readonly"))
        return parse_onoff(v, &o->readonly);
    if (!strcmp(key, "snapshot")) {
        if (!parse_onoff(v, &b))
            return false;
        o->snapshot = b;
        return true;
    }
    /* Host cache and AIO modes: Tandem always uses synchronous pread/pwrite. */
    return !strcmp(key, "cache") || !strcmp(key, "aio") || !strcmp(key, "id") ||
           !strcmp(key, "discard");
}

static int parse_drive(const char *spec, DriveOpts *o)
{
    memset(o, 0, sizeof *o);
    o->index = o->bus = o->unit = o->bootindex = -1;
    o->snapshot = -1;
    strcpy(o->media, "disk");
    strcpy(o->iface, "ide");
    for (const char *p = spec; *p;) {
        size_t n = strcspn(p, ",");
        char item[1100];
        if (n >= sizeof item) {
            fprintf(stderr, "tandem: -drive %s: option too long\n", spec);
            return -1;
        }
        memcpy(item, p, n);
        item[n] = 0;
        char *eq = strchr(item, '=');
        if (n && (!eq || !drive_opt(o, (*eq = 0, item), eq + 1))) {
            fprintf(stderr, "tandem: -drive %s: bad or unknown option '%.*s'\n", spec, (int)n, p);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (strcmp(o->iface, "ide")) {
        fprintf(stderr, "tandem: -drive %s: only if=ide is available\n", spec);
        return -1;
    }
    if (!o->file[0] && strcmp(o->media, "cdrom")) {
        fprintf(stderr, "tandem: -drive %s: needs file=\n", spec);
        return -1;
    }
    return 0;
}

void drive_boot_path(char *buf, size_t len, int bus, int unit)
{
    snprintf(buf, len, "/pci@i0cf8/ide@1,1/drive@%x/disk@%x", bus, unit);
}

static void close_blk(void *opaque)
{
    blk_close(opaque);
}

/* Records the drive for snapshots (by reference and content hash). */
static void register_disk(Machine *m, int idx, const DriveOpts *o, BlockDev *blk, bool cdrom,
                          bool overlay)
{
    MachineDisk *d = &m->disks[m->ndisks++];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "ide%d-%s%d", idx / 2, cdrom ? "cd" : "hd", idx % 2);
    d->blk = blk;
    snprintf(d->path, sizeof d->path, "%s", o->file);
    const BlockDev *img = overlay && blk && blk->backing ? blk->backing : blk;
    snprintf(d->format, sizeof d->format, "%s", img ? img->fmt->name : "");
    d->readonly = o->readonly || cdrom;
    d->cdrom = cdrom;
    d->snapshot = overlay;
}

typedef struct BootEntry {
    int bootindex;
    char path[64];
} BootEntry;

static int cmp_boot(const void *a, const void *b)
{
    return ((const BootEntry *)a)->bootindex - ((const BootEntry *)b)->bootindex;
}

static char *bootorder_text(BootEntry *e, int n)
{
    if (!n)
        return NULL;
    qsort(e, (size_t)n, sizeof *e, cmp_boot);
    char *s = calloc((size_t)n, sizeof e->path + 1);
    if (!s)
        abort();
    for (int i = 0; i < n; i++) {
        strcat(s, e[i].path);
        strcat(s, "\n");
    }
    return s;
}

int drives_attach(Machine *m, const Config *cfg, PiixIde *ide, char **bootorder)
{
    BootEntry boot[4];
    int nboot = 0;
    bool used[4] = { false };
    *bootorder = NULL;
    for (int i = 0; i < cfg->ndrives; i++) {
        DriveOpts o;
        if (parse_drive(cfg->drives[i], &o) < 0)
            return -1;
        int idx = o.index;
        if (idx < 0 && (o.bus >= 0 || o.unit >= 0))
            idx = (o.bus > 0 ? o.bus : 0) * 2 + (o.unit > 0 ? o.unit : 0);
        for (int k = 0; idx < 0 && k < 4; k++)
            if (!used[k])
                idx = k;
        if (idx < 0 || used[idx]) {
            fprintf(stderr, "tandem: -drive %s: %s\n", cfg->drives[i],
                    idx < 0 ? "no free IDE slot (4 drives at most)" : "that IDE slot is taken");
            return -1;
        }
        used[idx] = true;
        bool cdrom = !strcmp(o.media, "cdrom");
        bool snapshot = o.snapshot >= 0 ? o.snapshot : cfg->snapshot;
        char err[512];
        BlockDev *blk = NULL;
        if (o.file[0]) {
            blk = blk_open(o.file, o.format[0] ? o.format : NULL, o.readonly || cdrom, snapshot,
                           err, sizeof err);
            if (!blk) {
                fprintf(stderr, "tandem: %s\n", err);
                return -1;
            }
            machine_add_device(m, "drive", NULL, blk, NULL, close_blk);
        }
        register_disk(m, idx, &o, blk, cdrom, snapshot && !(o.readonly || cdrom));
        if (ide_attach(&ide->ch[idx / 2], idx % 2, blk, cdrom, err, sizeof err) < 0) {
            fprintf(stderr, "tandem: %s\n", err);
            return -1;
        }
        if (o.bootindex >= 0) {
            boot[nboot].bootindex = o.bootindex;
            drive_boot_path(boot[nboot].path, sizeof boot[nboot].path, idx / 2, idx % 2);
            nboot++;
        }
    }
    *bootorder = bootorder_text(boot, nboot);
    return 0;
}

int boot_parse(const char *spec, char order[4], int *menu)
{
    char buf[32];
    const char *letters = spec;
    *menu = -1;
    order[0] = 0;
    if (strchr(spec, '=')) {
        letters = NULL;
        if (opt_value(spec, "once", buf, sizeof buf)) {
            fprintf(stderr, "tandem: -boot once= is not supported (use order=)\n");
            return -1;
        }
        if (opt_value(spec, "order", buf, sizeof buf))
            letters = buf;
        char mv[8];
        if (opt_value(spec, "menu", mv, sizeof mv)) {
            bool on;
            if (!parse_onoff(mv, &on)) {
                fprintf(stderr, "tandem: -boot %s: menu must be on or off\n", spec);
                return -1;
            }
            *menu = on;
        }
        if (!letters)
            return 0;
    }
    size_t n = strcspn(letters, ",");
    if (n > 3 || strspn(letters, "acdn") < n) {
        fprintf(stderr, "tandem: -boot %s: the order is up to 3 of a (floppy), c (disk), "
                "d (CD-ROM), n (network)\n", spec);
        return -1;
    }
    memcpy(order, letters, n);
    order[n] = 0;
    return 0;
}
