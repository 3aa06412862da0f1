#include "system/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system/log.h"
#include "system/test-hooks.h"

static void usage(void)
{
    printf("usage: tandem [options]\n"
           "  -bios FILE             firmware image mapped below 1 MiB and 4 GiB\n"
           "  -kernel FILE           boot a Linux bzImage or Multiboot kernel directly\n"
           "  -initrd FILE[,FILE]    initial ramdisk(s) (Linux) or modules (Multiboot)\n"
           "  -append CMDLINE        kernel command line\n"
           "  -M pc                  the machine (i440FX PC, the only one)\n"
           "  -m SIZE                guest RAM (default 128M; suffixes K, M, G)\n"
           "  -accel interp|kvm      CPU backend (interp by default without VT-x/AMD-V)\n"
           "  -smp 1                 CPU count (only 1 supported)\n"
           "  -nographic             no window; COM1 on the terminal (C-a x quits)\n"
           "  -display sdl|none      SDL window (default when there is a display; click\n"
           "                         grabs the mouse, Ctrl-Alt-G releases it) or none\n"
           "  -vga std|none          PCI VGA 1234:1111 with Bochs VBE (default std)\n"
           "  -debugcon SPEC         port 0xe9 output (file:PATH, stdio, null)\n"
           "  -chardev file,id=ID,path=PATH   a character device for -device\n"
           "  -device isa-debugcon,iobase=PORT,chardev=ID\n"
           "  -device isa-debug-exit,iobase=0xf4,iosize=4\n"
           "  -serial SPEC           next COM port (COM1..COM4): stdio, pty, file:PATH, null,\n"
           "                         or none (no port); on stdio C-a h lists the escapes\n"
           "  -monitor SPEC          the monitor console: stdio, unix:PATH,server[,nowait],\n"
           "                         none (C-a c on a stdio terminal reaches it too)\n"
           "  -drive file=F[,format=raw|qcow2][,if=ide][,media=disk|cdrom][,index=0-3]\n"
           "         [,readonly=on][,snapshot=on][,bootindex=N]   an IDE drive\n"
           "  -hda/-hdb/-hdc/-hdd FILE  IDE disk 0-3;  -cdrom FILE  IDE CD-ROM (index 2)\n"
           "  -boot [order=]DRIVES[,menu=on|off]  c disk, d CD-ROM, a floppy, n network\n"
           "  -snapshot              writes go to temporary overlays, images stay unchanged\n"
           "  -icount shift=N[,sleep=on|off]  deterministic clock: 2^N ns per instruction\n"
           "  -no-reboot             exit instead of resetting on a triple fault\n"
           "  -S                     start stopped\n"
           "  -loadvm FILE           start from a snapshot (savevm in the monitor)\n"
           "  -d ITEMS               debug log items (-d help lists them)\n"
           "  -D FILE                write the debug log to FILE\n"
           "  -version               print the version\n");
}

bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    if (!strncmp(s, "size=", 5))
        s += 5;
    double v = strtod(s, &end);
    if (end == s || v <= 0)
        return false;
    uint64_t mul = 1ull << 20;
    switch (*end) {
    case 'k': case 'K': mul = 1ull << 10; end++; break;
    case 'm': case 'M': mul = 1ull << 20; end++; break;
    case 'g': case 'G': mul = 1ull << 30; end++; break;
    case 't': case 'T': mul = 1ull << 40; end++; break;
    case 'b': case 'B': mul = 1; end++; break;
    case 0: break;
    default: return false;
    }
    if (*end == 'B' || *end == 'b' || *end == 'i')
        end++;
    if (*end)
        return false;
    *out = (uint64_t)(v * (double)mul);
    return true;
}

bool opt_value(const char *opts, const char *key, char *buf, unsigned len)
{
    size_t kl = strlen(key);
    for (const char *p = opts; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > kl && !strncmp(p, key, kl) && p[kl] == '=') {
            size_t vl = n - kl - 1;
            if (vl >= len)
                vl = len - 1;
            memcpy(buf, p + kl + 1, vl);
            buf[vl] = 0;
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

static int parse_icount(Config *cfg, const char *v)
{
    char buf[32];
    const char *shift = v;
    if (opt_value(v, "shift", buf, sizeof buf))
        shift = buf;
    char *end;
    long n = strtol(shift, &end, 0);
    if (end == shift || (*end && *end != ',') || n < 0 || n > 10) {
        fprintf(stderr, "tandem: -icount: bad shift in '%s' (0..10)\n", v);
        return -1;
    }
    cfg->icount_shift = (int)n;
    if (opt_value(v, "sleep", buf, sizeof buf))
        cfg->icount_sleep = !strcmp(buf, "on");
    return 0;
}

/* -drive SPEC, and -hda..-hdd / -cdrom FILE as the -drive they stand for.
 * Returns 0 when o is none of them, 1 when taken; on error prints one line
 * and sets cfg->ndrives to -1. */
static int add_drive_option(Config *cfg, const char *o, const char *v)
{
    static const char *const legacy[] = { "-hda", "-hdb", "-hdc", "-hdd", "-cdrom" };
    int which = -1;
    for (int k = 0; k < 5; k++)
        if (!strcmp(o, legacy[k]))
            which = k;
    if (which < 0 && strcmp(o, "-drive"))
        return 0;
    if (cfg->ndrives >= MAX_LIST_OPTS) {
        fprintf(stderr, "tandem: too many drives\n");
        cfg->ndrives = -1;
        return 1;
    }
    if (which < 0) {
        cfg->drives[cfg->ndrives++] = v;
        return 1;
    }
    size_t n = strlen(v) + 48;
    char *spec = malloc(n);
    if (!spec)
        abort();
    snprintf(spec, n, "file=%s,index=%d,media=%s", v, which == 4 ? 2 : which,
             which == 4 ? "cdrom" : "disk");
    cfg->drives[cfg->ndrives++] = spec;
    return 1;
}

int options_parse(Config *cfg, int argc, char **argv)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ram_size = 128ull << 20;
    cfg->smp = 1;
    cfg->icount_shift = -1;
    cfg->icount_sleep = true;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (o[0] != '-') {
            fprintf(stderr, "tandem: unexpected argument '%s' (see -h)\n", o);
            return -1;
        }
        if (o[1] == '-')
            o++;
        /* Options without a value */
        if (!strcmp(o, "-h") || !strcmp(o, "-help")) {
            usage();
            return 1;
        }
        if (!strcmp(o, "-version")) {
            printf("tandem 0.1\n");
            return 1;
        }
        if (!strcmp(o, "-nographic")) { cfg->nographic = true; continue; }
        if (!strcmp(o, "-no-reboot")) { cfg->no_reboot = true; continue; }
        if (!strcmp(o, "-S")) { cfg->start_stopped = true; continue; }
        if (!strcmp(o, "-snapshot")) { cfg->snapshot = true; continue; }
        if (!strcmp(o, "-enable-kvm")) { cfg->accel = "kvm"; continue; }
        /* Options with a value */
        static const char *const with_value[] = {
            "-bios", "-m", "-accel", "-smp", "-M", "-machine", "-display", "-vga", "-debugcon",
            "-chardev", "-device", "-serial", "-d", "-D", "-icount", "-kernel", "-initrd",
            "-append", "-monitor", "-drive", "-hda", "-hdb", "-hdc", "-hdd", "-cdrom", "-boot", "-loadvm", "-accel-switch-every", "-savevm-after", "-quit-after", NULL,
        };
        bool known = false;
        for (int k = 0; with_value[k]; k++)
            known |= !strcmp(o, with_value[k]);
        if (!known) {
            fprintf(stderr, "tandem: unknown option '%s' (see -h)\n", argv[i]);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "tandem: option '%s' needs a value (see -h)\n", argv[i]);
            return -1;
        }
        const char *v = argv[++i];
        if (!strcmp(o, "-bios")) {
            cfg->bios = v;
        } else if (!strcmp(o, "-loadvm")) {
            cfg->loadvm = v;
        } else if (!strcmp(o, "-accel-switch-every") || !strcmp(o, "-savevm-after") ||
                   !strcmp(o, "-quit-after")) {
            /* Test hooks (system/test-hooks.c), not in -h. */
            if (test_hooks_parse(cfg, o, v) < 0)
                return -1;
        } else if (add_drive_option(cfg, o, v) != 0) {
            if (cfg->ndrives < 0)
                return -1;
        } else if (!strcmp(o, "-boot")) {
            cfg->boot = v;
        } else if (!strcmp(o, "-kernel")) {
            cfg->kernel = v;
        } else if (!strcmp(o, "-initrd")) {
            cfg->initrd = v;
        } else if (!strcmp(o, "-append")) {
            cfg->append = v;
        } else if (!strcmp(o, "-m")) {
            if (!parse_size(v, &cfg->ram_size) || cfg->ram_size < (1ull << 20)) {
                fprintf(stderr, "tandem: -m: bad memory size '%s'\n", v);
                return -1;
            }
        } else if (!strcmp(o, "-accel")) {
            char buf[32];
            cfg->accel = v;
            if (strchr(v, ',') || strchr(v, '=')) {
                if (opt_value(v, "accel", buf, sizeof buf))
                    cfg->accel = strdup(buf);
                else
                    cfg->accel = strndup(v, strcspn(v, ","));
            }
        } else if (!strcmp(o, "-smp")) {
            cfg->smp = atoi(v);
            if (cfg->smp != 1) {
                fprintf(stderr, "tandem: -smp %s: only one CPU is supported\n", v);
                return -1;
            }
        } else if (!strcmp(o, "-M") || !strcmp(o, "-machine")) {
            size_t n = strcspn(v, ",");
            if (!(n == 2 && !strncmp(v, "pc", 2)) && strncmp(v, "pc-i440fx", 9) && strncmp(v, "type=pc", 7)) {
                fprintf(stderr, "tandem: -M %s: only the 'pc' machine (i440FX) is available\n", v);
                return -1;
            }
        } else if (!strcmp(o, "-display")) {
            cfg->display = v;
        } else if (!strcmp(o, "-vga")) {
            if (strcmp(v, "std") && strcmp(v, "none")) {
                fprintf(stderr, "tandem: -vga %s: only 'std' and 'none' are available\n", v);
                return -1;
            }
            cfg->vga = v;
        } else if (!strcmp(o, "-debugcon")) {
            cfg->debugcon = v;
        } else if (!strcmp(o, "-chardev")) {
            if (cfg->nchardevs == MAX_LIST_OPTS) { fprintf(stderr, "tandem: too many -chardev\n"); return -1; }
            cfg->chardevs[cfg->nchardevs++] = v;
        } else if (!strcmp(o, "-device")) {
            if (cfg->ndevices == MAX_LIST_OPTS) { fprintf(stderr, "tandem: too many -device\n"); return -1; }
            cfg->devices[cfg->ndevices++] = v;
        } else if (!strcmp(o, "-serial")) {
            if (cfg->nserials == 4) { fprintf(stderr, "tandem: at most 4 -serial\n"); return -1; }
            cfg->serials[cfg->nserials++] = v;
        } else if (!strcmp(o, "-monitor")) {
            if (cfg->nmonitors == 2) { fprintf(stderr, "tandem: at most 2 -monitor\n"); return -1; }
            cfg->monitors[cfg->nmonitors++] = v;
        } else if (!strcmp(o, "-d")) {
            if (!strcmp(v, "help")) {
                fputs(log_items_help(), stdout);
                return 1;
            }
            cfg->log_items = v;
            if (log_parse_items(v) < 0)
                return -1;
        } else if (!strcmp(o, "-D")) {
            cfg->log_file = v;
        } else if (!strcmp(o, "-icount")) {
            if (parse_icount(cfg, v) < 0)
                return -1;
        } else {
            fprintf(stderr, "tandem: unknown option '%s' (see -h)\n", argv[i - 1]);
            return -1;
        }
    }
    if (!cfg->kernel && (cfg->initrd || cfg->append)) {
        fprintf(stderr, "tandem: %s only allowed with -kernel\n", cfg->initrd ? "-initrd" : "-append");
        return -1;
    }
    return 0;
}
