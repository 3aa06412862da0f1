/* Whole-machine snapshots (savevm / -loadvm).  Format (docs/internals.md,
 * "Snapshots"), all little-endian:
 *
 *     "TANDEMSS"  u32 format version
 *     sections:   u16 name length, name, u32 section version, u64 data length, data
 *     u32 CRC-32 (zlib) of every byte before it
 *
 * Sections: "machine" (RAM size, virtual time, device list), "cpu" (the
 * canonical CpuState through cpu_state_desc), "dev:NAME" per device with a
 * state table, "ram" and "mem:NAME" per device memory region (video memory)
 * (system/snapshot-ram.c), "disk:NAME" per drive, by reference and content
 * hash (system/snapshot-disk.c).
 *
 * Loading checks the whole file first: checksum, sections, machine
 * description against this machine, and every state section loaded into a
 * scratch copy (post_load is not run there: it acts on the live machine's
 * wiring).  Only then is the live machine changed.  A post_load that still
 * rejects (a file crafted with a valid checksum) rolls the devices back from
 * a copy of their state taken just before. */
#include "system/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "accel/accel.h"
#include "hw/machine.h"
#include "system/snapshot-disk.h"
#include "system/snapshot-ram.h"

#define SNAP_MAGIC "TANDEMSS"
#define SNAP_VERSION 1u
#define SNAP_HEAD 12              /* magic + version */
#define MACHINE_SECTION_VERSION 1u
#define RAM_SECTION_VERSION 1u
#define MAX_NAME 64
#define MAX_SECTIONS (MACHINE_MAX_DEVICES + 8)

static void put16(StateBuf *b, uint16_t v) { statebuf_put(b, &v, 2); }
static void put32(StateBuf *b, uint32_t v) { statebuf_put(b, &v, 4); }
static void put64(StateBuf *b, uint64_t v) { statebuf_put(b, &v, 8); }

static void put_name(StateBuf *b, const char *name)
{
    put16(b, (uint16_t)strlen(name));
    statebuf_put(b, name, strlen(name));
}

static void put_section(StateBuf *f, const char *name, uint32_t version, const StateBuf *data)
{
    put_name(f, name);
    put32(f, version);
    put64(f, data->len);
    statebuf_put(f, data->data, data->len);
}

/* ---- saving ---- */

/* RAM size, virtual time, then every device (stateless ones too: the device
 * set must match) with its state table's version, 0 without one. */
static void build_machine(Machine *m, StateBuf *b)
{
    put64(b, m->mem.ram_size);
    put64(b, clock_ns(&m->clock));
    put32(b, (uint32_t)m->ndevices);
    for (int i = 0; i < m->ndevices; i++) {
        put_name(b, m->devices[i].name);
        put32(b, m->devices[i].state ? m->devices[i].state->version : 0);
    }
}

static void get_cpu(Machine *m, CpuState *cs)
{
    memset(cs, 0, sizeof *cs);
    if (m->accel)
        m->accel_ops->get_state(m->accel, cs);
    else
        cpu_state_power_on(cs);
}

/* "mem:NAME" per device memory region, "disk:NAME" per drive (reading every
 * disk for its hash: -1 with err if one cannot be read). */
static int build_extras(Machine *m, StateBuf *f, StateBuf *s, char *err, size_t errlen)
{
    char name[MAX_NAME + 8];
    for (int i = 0; i < m->nregions; i++) {
        const MachineRegion *r = &m->regions[i];
        snprintf(name, sizeof name, "mem:%s", r->name);
        s->len = 0;
        snap_ram_encode(r->data, r->size, s);
        put_section(f, name, RAM_SECTION_VERSION, s);
    }
    for (int i = 0; i < m->ndisks; i++) {
        snprintf(name, sizeof name, "disk:%s", m->disks[i].name);
        s->len = 0;
        if (snap_disk_encode(&m->disks[i], s, err, errlen) < 0)
            return -1;
        put_section(f, name, SNAP_DISK_VERSION, s);
    }
    return 0;
}

static int build_file(Machine *m, StateBuf *f, char *err, size_t errlen)
{
    StateBuf s = { 0 };
    statebuf_put(f, SNAP_MAGIC, 8);
    put32(f, SNAP_VERSION);
    build_machine(m, &s);
    put_section(f, "machine", MACHINE_SECTION_VERSION, &s);
    CpuState cs;
    get_cpu(m, &cs);
    s.len = 0;
    state_save(&cpu_state_desc, &cs, &s);
    put_section(f, "cpu", cpu_state_desc.version, &s);
    for (int i = 0; i < m->ndevices; i++) {
        Device *d = &m->devices[i];
        if (!d->state)
            continue;
        char name[MAX_NAME + 8];
        snprintf(name, sizeof name, "dev:%s", d->name);
        s.len = 0;
        state_save(d->state, d->opaque, &s);
        put_section(f, name, d->state->version, &s);
    }
    s.len = 0;
    snap_ram_encode(m->mem.ram, m->mem.ram_size, &s);
    put_section(f, "ram", RAM_SECTION_VERSION, &s);
    int r = build_extras(m, f, &s, err, errlen);
    statebuf_free(&s);
    put32(f, (uint32_t)crc32_z(0, f->data, f->len));
    return r;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes a temporary file next to path and renames it over path, so an
 * existing snapshot is only replaced by a complete one. */
static int write_file_atomic(const char *path, const StateBuf *f, char *err, size_t errlen)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    if (!tmp)
        abort();
    snprintf(tmp, pl + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a temporary file: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    fchmod(fd, 0644);
    int r = write_all(fd, f->data, f->len) < 0 || fsync(fd) < 0 ? -1 : 0;
    if (close(fd) < 0)
        r = -1;
    if (r == 0 && rename(tmp, path) < 0)
        r = -1;
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return r;
}

int snapshot_save(Machine *m, const char *path, char *err, size_t errlen)
{
    if (m->in_accel) {
        snprintf(err, errlen, "cannot save while the CPU runs");
        return -1;
    }
    /* Virtual time stands still while the VM is stopped for the save. */
    bool ran = m->clock.running;
    clock_pause(&m->clock);
    StateBuf f = { 0 };
    int r = build_file(m, &f, err, errlen);
    if (r == 0)
        r = write_file_atomic(path, &f, err, errlen);
    statebuf_free(&f);
    if (ran)
        clock_resume(&m->clock);
    return r;
}

/* ---- reading and checking ---- */

typedef struct Section {
    char name[MAX_NAME + 1];
    uint32_t version;
    const uint8_t *data;
    uint64_t len;
} Section;

typedef struct Snap {
    uint8_t *file;
    size_t size;
    Section sec[MAX_SECTIONS];
    int nsec;
    uint64_t clock_ns;
    CpuState cpu;
    SnapRamImage ram;             /* decoded by check_states */
    SnapRamImage region[MACHINE_MAX_REGIONS];   /* m->regions[i]'s "mem:" section */
} Snap;

static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static int read_file(const char *path, Snap *s, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: cannot open: %s", path, fp ? "not a regular file" : strerror(errno));
        if (fp)
            fclose(fp);
        return -1;
    }
    s->size = (size_t)st.st_size;
    s->file = malloc(s->size ? s->size : 1);
    if (!s->file)
        abort();
    size_t got = fread(s->file, 1, s->size, fp);
    fclose(fp);
    if (got != s->size) {
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    return 0;
}

static const Section *find_section(const Snap *s, const char *name)
{
    for (int i = 0; i < s->nsec; i++)
        if (!strcmp(s->sec[i].name, name))
            return &s->sec[i];
    return NULL;
}

static bool known_kind(const char *name)
{
    return !strcmp(name, "machine") || !strcmp(name, "cpu") || !strcmp(name, "ram") ||
           !strncmp(name, "dev:", 4) || !strncmp(name, "mem:", 4) || !strncmp(name, "disk:", 5);
}

/* Header, checksum and the section list. */
static int parse_file(Snap *s, char *err, size_t errlen)
{
    const uint8_t *p = s->file;
    if (s->size < 8 || memcmp(p, SNAP_MAGIC, 8)) {
        snprintf(err, errlen, "not a Tandem snapshot (no TANDEMSS header)");
        return -1;
    }
    if (s->size < SNAP_HEAD + 4) {
        snprintf(err, errlen, "truncated snapshot (%zu bytes)", s->size);
        return -1;
    }
    if (get32(p + 8) != SNAP_VERSION) {
        snprintf(err, errlen, "snapshot format version %u; this Tandem reads version %u",
                 get32(p + 8), SNAP_VERSION);
        return -1;
    }
    size_t end = s->size - 4;
    if ((uint32_t)crc32_z(0, p, end) != get32(p + end)) {
        snprintf(err, errlen, "checksum mismatch: the snapshot is corrupt or truncated");
        return -1;
    }
    for (size_t pos = SNAP_HEAD; pos < end;) {
        if (end - pos < 2 || get16(p + pos) == 0 || get16(p + pos) > MAX_NAME ||
            end - pos - 2 < (size_t)get16(p + pos) + 12u) {
            snprintf(err, errlen, "malformed section header at offset %zu", pos);
            return -1;
        }
        if (s->nsec == MAX_SECTIONS) {
            snprintf(err, errlen, "too many sections");
            return -1;
        }
        Section *sec = &s->sec[s->nsec];
        uint16_t nl = get16(p + pos);
        memcpy(sec->name, p + pos + 2, nl);
        sec->name[nl] = 0;
        pos += 2u + nl;
        sec->version = get32(p + pos);
        sec->len = get64(p + pos + 4);
        pos += 12;
        if (sec->len > end - pos) {
            snprintf(err, errlen, "section %s runs past the end of the file", sec->name);
            return -1;
        }
        sec->data = p + pos;
        pos += sec->len;
        if (strlen(sec->name) != nl || find_section(s, sec->name)) {
            snprintf(err, errlen, "bad or duplicate section name '%.64s'", sec->name);
            return -1;
        }
        if (!known_kind(sec->name)) {
            snprintf(err, errlen, "unknown section '%.64s'", sec->name);
            return -1;
        }
        s->nsec++;
    }
    static const char *const required[] = { "machine", "cpu", "ram" };
    for (int i = 0; i < 3; i++) {
        if (!find_section(s, required[i])) {
            snprintf(err, errlen, "no '%s' section", required[i]);
            return -1;
        }
    }
    return 0;
}

static int check_devices(Machine *m, const uint8_t *p, size_t len, char *err, size_t errlen)
{
    bool matched[MACHINE_MAX_DEVICES] = { false };
    uint32_t n = get32(p);
    size_t pos = 4;
    for (uint32_t i = 0; i < n; i++) {
        if (len - pos < 2 || len - pos - 2 < (size_t)get16(p + pos) + 4u) {
            snprintf(err, errlen, "machine: truncated device list");
            return -1;
        }
        uint16_t nl = get16(p + pos);
        const char *name = (const char *)p + pos + 2;
        pos += 2u + nl + 4u;
        int j = 0;
        for (; j < m->ndevices; j++)
            if (!matched[j] && strlen(m->devices[j].name) == nl && !memcmp(m->devices[j].name, name, nl))
                break;
        if (j == m->ndevices) {
            snprintf(err, errlen, "device set differs: the snapshot has '%.*s', this machine does not",
                     nl, name);
            return -1;
        }
        matched[j] = true;
    }
    for (int j = 0; j < m->ndevices; j++) {
        if (!matched[j]) {
            snprintf(err, errlen, "device set differs: this machine has '%s', the snapshot does not",
                     m->devices[j].name);
            return -1;
        }
    }
    if (pos != len) {
        snprintf(err, errlen, "machine: trailing bytes in the section");
        return -1;
    }
    return 0;
}

static const MachineDisk *find_disk(const Machine *m, const char *name)
{
    for (int i = 0; i < m->ndisks; i++)
        if (!strcmp(m->disks[i].name, name))
            return &m->disks[i];
    return NULL;
}

/* The same drives by slot and kind (checked before the device list, whose
 * "drive" entries would only say that some drive differs). */
static int check_drive_set(Machine *m, const Snap *s, char *err, size_t errlen)
{
    for (int i = 0; i < s->nsec; i++) {
        if (!strncmp(s->sec[i].name, "disk:", 5) && !find_disk(m, s->sec[i].name + 5)) {
            snprintf(err, errlen, "drive set differs: the snapshot has drive '%s', this machine does not",
                     s->sec[i].name + 5);
            return -1;
        }
    }
    for (int i = 0; i < m->ndisks; i++) {
        char name[MAX_NAME + 8];
        snprintf(name, sizeof name, "disk:%s", m->disks[i].name);
        if (!find_section(s, name)) {
            snprintf(err, errlen, "drive set differs: this machine has drive '%s', the snapshot does not",
                     m->disks[i].name);
            return -1;
        }
    }
    return 0;
}

/* Every drive has the content it had: the hashes are the expensive part
 * (every drive is read once), so this runs after every other check. */
static int check_disk_contents(Machine *m, const Snap *s, char *err, size_t errlen)
{
    for (int i = 0; i < m->ndisks; i++) {
        char name[MAX_NAME + 8];
        snprintf(name, sizeof name, "disk:%s", m->disks[i].name);
        const Section *sec = find_section(s, name);
        if (snap_disk_check(&m->disks[i], sec->version, sec->data, sec->len, err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int check_machine(Machine *m, Snap *s, char *err, size_t errlen)
{
    const Section *sec = find_section(s, "machine");
    if (sec->version != MACHINE_SECTION_VERSION || sec->len < 20) {
        snprintf(err, errlen, "machine: bad section (version %u, %llu bytes)", sec->version,
                 (unsigned long long)sec->len);
        return -1;
    }
    uint64_t ram = get64(sec->data);
    if (ram != m->mem.ram_size) {
        snprintf(err, errlen, "the snapshot has %llu KiB of RAM, this machine %llu KiB (-m)",
                 (unsigned long long)(ram >> 10), (unsigned long long)(m->mem.ram_size >> 10));
        return -1;
    }
    s->clock_ns = get64(sec->data + 8);
    if (check_drive_set(m, s, err, errlen) < 0)
        return -1;
    return check_devices(m, sec->data + 16, sec->len - 16, err, errlen);
}

/* The bytes of an instance a state table reaches (its scratch copy's size). */
static size_t desc_extent(const StateDesc *d)
{
    size_t end = 0;
    for (const StateField *f = d->fields; f->name; f++) {
        size_t e = f->offset + (f->kind == SF_TIMER ? sizeof(Timer) : (size_t)f->size * f->count);
        if (e > end)
            end = e;
    }
    return end;
}

/* Loads a device section into a copy of the device's fields: the format and
 * every field are checked without touching the device.  The copy's timers
 * belong to a scratch clock, and post_load (which drives the live machine's
 * wiring: IRQ lines, memory map) does not run. */
static int check_device(const Device *d, const Section *sec, char *err, size_t errlen)
{
    if (sec->version > d->state->version) {
        snprintf(err, errlen, "%s: state version %u is newer than this Tandem's %u", sec->name,
                 sec->version, d->state->version);
        return -1;
    }
    size_t n = desc_extent(d->state);
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        abort();
    memcpy(copy, d->opaque, n);
    Clock scratch = { 0 };
    for (const StateField *f = d->state->fields; f->name; f++)
        if (f->kind == SF_TIMER)
            timer_init((Timer *)(copy + f->offset), &scratch, NULL, NULL);
    StateDesc dry = *d->state;
    dry.post_load = NULL;
    char why[200];
    int r = state_load(&dry, copy, sec->data, sec->len, why, sizeof why);
    if (r < 0)
        snprintf(err, errlen, "section %.64s: %.150s", sec->name, why);
    free(copy);
    return r;
}

/* Does this machine have a device memory region of that name? */
static bool has_region(const Machine *m, const char *name)
{
    for (int i = 0; i < m->nregions; i++)
        if (!strcmp(m->regions[i].name, name))
            return true;
    return false;
}

/* Every device memory region has its "mem:" section (decoded into scratch
 * buffers), and every "mem:" section a region here. */
static int check_regions(Machine *m, Snap *s, char *err, size_t errlen)
{
    for (int i = 0; i < s->nsec; i++) {
        if (!strncmp(s->sec[i].name, "mem:", 4) && !has_region(m, s->sec[i].name + 4)) {
            snprintf(err, errlen, "section %s: no such memory region here", s->sec[i].name);
            return -1;
        }
    }
    for (int i = 0; i < m->nregions; i++) {
        const MachineRegion *r = &m->regions[i];
        char name[MAX_NAME + 8];
        snprintf(name, sizeof name, "mem:%s", r->name);
        const Section *sec = find_section(s, name);
        if (!sec) {
            snprintf(err, errlen, "no section for memory region '%s'", r->name);
            return -1;
        }
        if (sec->version != RAM_SECTION_VERSION) {
            snprintf(err, errlen, "%s: section version %u, this Tandem reads %u", name, sec->version,
                     RAM_SECTION_VERSION);
            return -1;
        }
        if (snap_ram_decode(sec->data, sec->len, r->size, name, r->name, &s->region[i], err,
                            errlen) < 0)
            return -1;
    }
    return 0;
}

static int check_states(Machine *m, Snap *s, char *err, size_t errlen)
{
    const Section *sec = find_section(s, "cpu");
    char why[200];
    if (sec->version > cpu_state_desc.version) {
        snprintf(err, errlen, "cpu: state version %u is newer than this Tandem's %u", sec->version,
                 cpu_state_desc.version);
        return -1;
    }
    memset(&s->cpu, 0, sizeof s->cpu);
    cpu_state_power_on(&s->cpu);
    if (state_load(&cpu_state_desc, &s->cpu, sec->data, sec->len, why, sizeof why) < 0) {
        snprintf(err, errlen, "section cpu: %s", why);
        return -1;
    }
    for (int i = 0; i < m->ndevices; i++) {
        const Device *d = &m->devices[i];
        char name[MAX_NAME + 8];
        snprintf(name, sizeof name, "dev:%s", d->name);
        const Section *ds = find_section(s, name);
        if (d->state && !ds) {
            snprintf(err, errlen, "no section for device '%s'", d->name);
            return -1;
        }
        if (!d->state && ds) {
            snprintf(err, errlen, "section %s: device '%s' has no state here", name, d->name);
            return -1;
        }
        if (ds && check_device(d, ds, err, errlen) < 0)
            return -1;
    }
    for (int i = 0; i < s->nsec; i++) {
        if (!strncmp(s->sec[i].name, "dev:", 4) && !machine_find_device(m, s->sec[i].name + 4)) {
            snprintf(err, errlen, "section %s: no such device here", s->sec[i].name);
            return -1;
        }
    }
    sec = find_section(s, "ram");
    if (sec->version != RAM_SECTION_VERSION) {
        snprintf(err, errlen, "ram: section version %u, this Tandem reads %u", sec->version,
                 RAM_SECTION_VERSION);
        return -1;
    }
    if (snap_ram_decode(sec->data, sec->len, m->mem.ram_size, "ram", "RAM", &s->ram, err,
                        errlen) < 0)
        return -1;
    return check_regions(m, s, err, errlen);
}

/* ---- applying ---- */

static const Section *device_section(const Snap *s, const Device *d)
{
    char name[MAX_NAME + 8];
    snprintf(name, sizeof name, "dev:%s", d->name);
    return find_section(s, name);
}

/* Devices first (in machine order, in the snapshot's time base), then RAM,
 * then the CPU.  Returns -1 after rolling the devices back if a post_load
 * rejects its state. */
static int apply(Machine *m, const Snap *s, char *err, size_t errlen)
{
    uint64_t old_ns = clock_ns(&m->clock);
    StateBuf backup[MACHINE_MAX_DEVICES] = { { 0 } };
    for (int i = 0; i < m->ndevices; i++)
        if (m->devices[i].state)
            state_save(m->devices[i].state, m->devices[i].opaque, &backup[i]);
    clock_set_ns(&m->clock, s->clock_ns);
    int failed = -1;
    char why[200];
    for (int i = 0; i < m->ndevices && failed < 0; i++) {
        const Device *d = &m->devices[i];
        const Section *sec = d->state ? device_section(s, d) : NULL;
        if (sec && state_load(d->state, d->opaque, sec->data, sec->len, why, sizeof why) < 0)
            failed = i;
    }
    if (failed >= 0) {
        clock_set_ns(&m->clock, old_ns);
        char ignore[16];
        for (int i = 0; i <= failed; i++)
            if (m->devices[i].state)
                state_load(m->devices[i].state, m->devices[i].opaque, backup[i].data, backup[i].len,
                           ignore, sizeof ignore);
        snprintf(err, errlen, "section dev:%.64s: %.150s (machine left as it was)", m->devices[failed].name, why);
    } else {
        snap_ram_apply(&s->ram, m->mem.ram, m->mem.ram_size);
        for (int i = 0; i < m->nregions; i++) {
            const MachineRegion *r = &m->regions[i];
            snap_ram_apply(&s->region[i], r->data, r->size);
            if (r->loaded)
                r->loaded(r->opaque);
        }
        if (m->accel)
            m->accel_ops->set_state(m->accel, &s->cpu);
    }
    for (int i = 0; i < m->ndevices; i++)
        statebuf_free(&backup[i]);
    return failed >= 0 ? -1 : 0;
}

int snapshot_load(Machine *m, const char *path, char *err, size_t errlen)
{
    if (m->in_accel) {
        snprintf(err, errlen, "cannot load while the CPU runs");
        return -1;
    }
    Snap *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    char why[256];
    bool ran = m->clock.running;
    clock_pause(&m->clock);
    int r = read_file(path, s, err, errlen);
    if (r == 0) {
        r = parse_file(s, why, sizeof why);
        if (r == 0)
            r = check_machine(m, s, why, sizeof why);
        if (r == 0)
            r = check_states(m, s, why, sizeof why);
        if (r == 0)
            r = check_disk_contents(m, s, why, sizeof why);
        if (r == 0)
            r = apply(m, s, why, sizeof why);
        if (r < 0)
            snprintf(err, errlen, "%s: %s", path, why);
    }
    snap_ram_free(&s->ram);
    for (int i = 0; i < MACHINE_MAX_REGIONS; i++)
        snap_ram_free(&s->region[i]);
    free(s->file);
    free(s);
    if (ran)
        clock_resume(&m->clock);
    return r;
}
