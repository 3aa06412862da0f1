/* Snapshots (system/snapshot.c) on a whole PC board with the interpreter and
 * a raw disk: save -> load -> save gives the same bytes; a load brings back
 * state changed after the save (the VGA's video memory too, then redrawn
 * whole); corrupt, truncated, foreign and mismatched files (wrong magic,
 * version, RAM size, device set, missing/unknown/duplicate sections, bad
 * fields, undecodable RAM or video memory, a device state its post_load
 * rejects, malformed disk sections) are all refused with one line and leave
 * the machine's state hash unchanged.  Disks: a changed image, another drive
 * set, a -snapshot overlay the guest wrote to are refused; an IDE PIO read
 * saved half way resumes in a fresh machine with the rest of the sector.  With a
 * usable /dev/kvm, machine_switch_accel() moves the CPU to KVM and back
 * without changing its state; without, the switch fails and the interpreter
 * stays. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "accel/accel.h"
#include "block/block.h"
#include "hw/machine.h"
#include "hw/pc-board.h"
#include "hw/vga.h"
#include "system/options.h"
#include "system/snapshot.h"
#include "tests/unit/test.h"

static char dir[64];
static char bios_path[96], snap_path[96], out_path[96], disk_path[96];

#define DISK_SIZE (1u << 20)

/* A 1 MiB raw disk whose every byte is known: byte i is i * 13 + i / 512. */
static void write_disk(void)
{
    static uint8_t img[DISK_SIZE];
    for (uint32_t i = 0; i < DISK_SIZE; i++)
        img[i] = (uint8_t)(i * 13 + i / 512);
    FILE *f = fopen(disk_path, "wb");
    fwrite(img, 1, sizeof img, f);
    fclose(f);
}

/* A 64 KiB "BIOS": HLT at the reset vector is all the board needs. */
static void write_bios(void)
{
    static uint8_t rom[65536];
    memset(rom, 0xf4, sizeof rom);
    FILE *f = fopen(bios_path, "wb");
    fwrite(rom, 1, sizeof rom, f);
    fclose(f);
}

/* A machine with mem of RAM and the drive options extra (up to 3 words). */
static void make_machine_with(Machine *m, const char *mem, const char *const *extra)
{
    char *argv[16] = { "tandem", "-bios", bios_path, "-m", (char *)mem, "-serial", "none",
                       "-display", "none" };
    int argc = 9;
    for (int i = 0; extra && i < 3 && extra[i]; i++)
        argv[argc++] = (char *)extra[i];
    Config cfg;
    CHECK_EQ(options_parse(&cfg, argc, argv), 0);
    machine_init(m);
    clock_init(&m->clock, CLOCK_SRC_HOST, 0);
    CHECK_EQ(pc_board_create(m, &cfg), 0);
    char err[256];
    m->accel_ops = &accel_interp_ops;
    m->accel = accel_interp_ops.create(m, err, sizeof err);
    machine_reset(m);
    machine_pause(m);   /* a frozen clock: the TSC and timers do not move */
}

static void make_machine(Machine *m, const char *mem)
{
    const char *const hda[] = { "-hda", disk_path, NULL };
    make_machine_with(m, mem, hda);
}

static Vga *vga_of(Machine *m)
{
    Device *d = machine_find_device(m, "vga");
    CHECK(d != NULL);
    return d ? d->opaque : NULL;
}

/* FNV-style over 4 independent lanes: the 16 MiB of video memory are hashed
 * twice per refused load, and a single multiply chain (or crc32) made that
 * the test's whole run time. */
static uint64_t region_hash(const uint8_t *p, uint64_t size)
{
    uint64_t h[4] = { 1, 2, 3, 4 };
    for (uint64_t i = 0; i + 32 <= size; i += 32) {
        uint64_t w[4];
        memcpy(w, p + i, 32);
        for (int k = 0; k < 4; k++)
            h[k] = (h[k] ^ w[k]) * 0x100000001b3ull;
    }
    return h[0] ^ h[1] * 3 ^ h[2] * 5 ^ h[3] * 7;
}

static uint64_t machine_hash(Machine *m)
{
    CpuState cs;
    m->accel_ops->get_state(m->accel, &cs);
    uint64_t h = state_hash(&cpu_state_desc, &cs);
    for (int i = 0; i < m->ndevices; i++)
        if (m->devices[i].state)
            h = h * 31 + state_hash(m->devices[i].state, m->devices[i].opaque);
    const uint64_t *w = (const uint64_t *)m->mem.ram;
    for (uint64_t i = 0; i < m->mem.ram_size / 8; i++)
        h = (h ^ w[i]) * 0x100000001b3ull;
    for (int r = 0; r < m->nregions; r++)
        h = h * 31 + region_hash(m->regions[r].data, m->regions[r].size);
    return h * 31 + clock_ns(&m->clock);
}

/* Some state everywhere: RAM, the PIC and PIT programmed, CPU registers. */
static void dirty(Machine *m, uint8_t seed)
{
    for (uint64_t a = 0x10000; a < 0x90000; a += 1)
        m->mem.ram[a] = (uint8_t)(a * 7 + seed);
    m->mem.ram[m->mem.ram_size - 1] = seed;
    /* video memory: a text screen's worth, and the last byte */
    Vga *v = vga_of(m);
    for (uint32_t a = 0; a < 0x8000; a++)
        v->vram[a] = (uint8_t)(a * 3 + seed);
    v->vram[VGA_VRAM_SIZE - 1] = seed;
    io_write(&m->io, 0x20, 0x11, 1);
    io_write(&m->io, 0x21, 0x20 + (seed & 0x18), 1);
    io_write(&m->io, 0x21, 0x04, 1);
    io_write(&m->io, 0x21, 0x01, 1);
    io_write(&m->io, 0x21, seed, 1);
    io_write(&m->io, 0x43, 0x34, 1);
    io_write(&m->io, 0x40, seed, 1);
    io_write(&m->io, 0x40, 0x12, 1);
    CpuState cs;
    m->accel_ops->get_state(m->accel, &cs);
    cs.regs[R_EAX] = 0x1234500 + seed;
    cs.regs[R_EDI] = seed;
    cs.dr[0] = 0x4000 + seed;
    cs.fxsave[160] = seed;   /* XMM0 byte 0 */
    cs.nmi_pending = seed & 1;
    m->accel_ops->set_state(m->accel, &cs);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(*len + 1);
    CHECK_EQ(fread(p, 1, *len, f), *len);
    fclose(f);
    return p;
}

static void write_all(const char *path, const uint8_t *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, len, f);
    fclose(f);
}

static int refused;

/* Loading path must fail with one line containing want; nothing changes. */
static void expect_refused(Machine *m, const char *path, const char *want)
{
    uint64_t before = machine_hash(m);
    char err[512] = "";
    int r = snapshot_load(m, path, err, sizeof err);
    CHECK_EQ(r, -1);
    CHECK(err[0] && !strchr(err, '\n'));
    if (want && !strstr(err, want)) {
        fprintf(stderr, "error '%s' does not say '%s'\n", err, want);
        CHECK(0);
    }
    CHECK_EQ(machine_hash(m), before);
    refused++;
}

static void test_round_trip(Machine *m, uint8_t **file, size_t *len)
{
    char err[512];
    dirty(m, 0x5a);
    CHECK_EQ(snapshot_save(m, snap_path, err, sizeof err), 0);
    uint64_t h = machine_hash(m);
    *file = read_all(snap_path, len);
    CHECK(*file && *len > 100);
    CHECK(!memcmp(*file, "TANDEMSS", 8));
    /* load -> save: the same bytes */
    CHECK_EQ(snapshot_load(m, snap_path, err, sizeof err), 0);
    CHECK_EQ(machine_hash(m), h);
    CHECK_EQ(snapshot_save(m, out_path, err, sizeof err), 0);
    size_t len2;
    uint8_t *again = read_all(out_path, &len2);
    CHECK(again && len2 == *len && !memcmp(again, *file, *len));
    free(again);
    /* change everything, load: back to the saved state */
    dirty(m, 0xa3);
    CHECK(machine_hash(m) != h);
    CHECK_EQ(snapshot_load(m, snap_path, err, sizeof err), 0);
    CHECK_EQ(machine_hash(m), h);
    CpuState cs;
    m->accel_ops->get_state(m->accel, &cs);
    CHECK_EQ(cs.regs[R_EAX], 0x1234500 + 0x5a);
    CHECK_EQ(cs.fxsave[160], 0x5a);
    CHECK_EQ(cs.nmi_pending, 0);
    CHECK_EQ(m->mem.ram[0x10001], (uint8_t)(0x10001 * 7 + 0x5a));
    CHECK_EQ(m->mem.ram[m->mem.ram_size - 1], 0x5a);
    Vga *v = vga_of(m);
    CHECK_EQ(v->vram[0x1234], (uint8_t)(0x1234 * 3 + 0x5a));
    CHECK_EQ(v->vram[VGA_VRAM_SIZE - 1], 0x5a);
    /* the load marked the whole screen for redrawing */
    vga_update(v);
    CHECK(!v->full_redraw && !v->dirty[0]);
    CHECK_EQ(snapshot_load(m, snap_path, err, sizeof err), 0);
    CHECK(v->full_redraw);
    CHECK_EQ(v->dirty[0], 0xff);
    CHECK_EQ(v->dirty[sizeof v->dirty - 1], 0xff);
    /* no temporary file left behind */
    DIR *d = opendir(dir);
    int files = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (e->d_name[0] != '.') {
            files++;
            CHECK(!strstr(e->d_name, ".tmp"));
        }
    if (d)
        closedir(d);
    CHECK_EQ(files, 4);   /* bios.bin disk.img a.snap b.snap */
}

/* ---- crafted files: sections re-assembled with a valid checksum ---- */

typedef struct Sec {
    char name[80];
    uint32_t version;
    uint8_t *data;
    uint64_t len;
} Sec;

static int parse(const uint8_t *f, size_t len, Sec *s)
{
    int n = 0;
    for (size_t pos = 12; pos < len - 4; n++) {
        uint16_t nl;
        memcpy(&nl, f + pos, 2);
        memcpy(s[n].name, f + pos + 2, nl);
        s[n].name[nl] = 0;
        pos += 2u + nl;
        memcpy(&s[n].version, f + pos, 4);
        memcpy(&s[n].len, f + pos + 4, 8);
        pos += 12;
        s[n].data = malloc(s[n].len + 64);
        memcpy(s[n].data, f + pos, s[n].len);
        pos += s[n].len;
    }
    return n;
}

static void emit(const char *path, const Sec *s, int n)
{
    size_t cap = 12 + 4;
    for (int i = 0; i < n; i++)
        cap += 14 + strlen(s[i].name) + s[i].len;
    uint8_t *f = malloc(cap), *p = f;
    memcpy(p, "TANDEMSS\1\0\0\0", 12);
    p += 12;
    for (int i = 0; i < n; i++) {
        uint16_t nl = (uint16_t)strlen(s[i].name);
        memcpy(p, &nl, 2);
        memcpy(p + 2, s[i].name, nl);
        p += 2 + nl;
        memcpy(p, &s[i].version, 4);
        memcpy(p + 4, &s[i].len, 8);
        p += 12;
        memcpy(p, s[i].data, s[i].len);
        p += s[i].len;
    }
    uint32_t crc = (uint32_t)crc32(0, f, (uInt)(p - f));
    memcpy(p, &crc, 4);
    write_all(path, f, (size_t)(p - f) + 4);
    free(f);
}

static int find(Sec *s, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(s[i].name, name))
            return i;
    return -1;
}

/* Appends a (name, data) field record to a state section. */
static void add_field(Sec *s, const char *name, const void *data, uint32_t dl)
{
    uint8_t nl = (uint8_t)strlen(name);
    s->data = realloc(s->data, s->len + 5 + nl + dl);
    uint8_t *p = s->data + s->len;
    p[0] = nl;
    memcpy(p + 1, name, nl);
    memcpy(p + 1 + nl, &dl, 4);
    memcpy(p + 5 + nl, data, dl);
    s->len += 5u + nl + dl;
}

/* Video memory and disk sections: missing, damaged, mis-sized, changed. */
/* A chunked memory section (RAM, video memory) damaged two ways, each
 * refused with its message: a compressed byte near the end flipped; the
 * first chunk's page number (at offset 16) set to far, outside the region.
 * The section is restored after each. */
static void damage_chunks(Machine *m, Sec *s, int n, int i, uint32_t far, const char *bad_zlib,
                          const char *outside)
{
    uint8_t keep = s[i].data[s[i].len - 3];
    s[i].data[s[i].len - 3] ^= 0xff;
    emit(out_path, s, n);
    expect_refused(m, out_path, bad_zlib);
    s[i].data[s[i].len - 3] = keep;
    uint32_t first;
    memcpy(&first, s[i].data + 16, 4);
    memcpy(s[i].data + 16, &far, 4);
    emit(out_path, s, n);
    expect_refused(m, out_path, outside);
    memcpy(s[i].data + 16, &first, 4);
}

static void test_crafted_extras(Machine *m, Sec *s, int n)
{
    int vram = find(s, n, "mem:vga.vram"), disk = find(s, n, "disk:ide0-hd0");
    CHECK(vram > 0 && disk > 0);
    if (vram < 0 || disk < 0)
        return;
    /* 16 MiB of video memory, 32 KiB of it a pattern: a few KiB */
    CHECK(s[vram].len < 16384);
    CHECK(memmem(s[disk].data, s[disk].len, disk_path, strlen(disk_path)) != NULL);
    CHECK(memmem(s[disk].data, s[disk].len, "raw", 3) != NULL);
    uint64_t size;
    memcpy(&size, s[disk].data, 8);
    CHECK_EQ(size, DISK_SIZE);

    /* sections missing */
    int miss[] = { vram, disk };
    const char *want[] = { "no section for memory region 'vga.vram'",
                           "drive set differs: this machine has drive 'ide0-hd0', the snapshot does not" };
    for (int i = 0; i < 2; i++) {
        Sec saved = s[miss[i]];
        s[miss[i]] = s[n - 1];
        emit(out_path, s, n - 1);
        expect_refused(m, out_path, want[i]);
        s[n - 1] = s[miss[i]];
        s[miss[i]] = saved;
    }
    /* video memory: damaged compressed bytes, a chunk outside, a newer version */
    damage_chunks(m, s, n, vram, 4096, "mem:vga.vram: chunk at page 3840 does not decompress",
                  "outside vga.vram");
    s[vram].version++;
    emit(out_path, s, n);
    expect_refused(m, out_path, "mem:vga.vram: section version 2");
    s[vram].version--;

    /* disk: truncated, trailing bytes, another size, a CD-ROM, another hash,
     * a newer version */
    uint64_t len0 = s[disk].len;
    s[disk].len = 12;
    emit(out_path, s, n);
    expect_refused(m, out_path, "disk:ide0-hd0: malformed section");
    s[disk].len = len0 - 1;
    emit(out_path, s, n);
    expect_refused(m, out_path, "disk:ide0-hd0: malformed section");
    s[disk].len = len0 + 1;
    emit(out_path, s, n);
    expect_refused(m, out_path, "disk:ide0-hd0: malformed section");
    s[disk].len = len0;
    uint64_t other = size + 512;
    memcpy(s[disk].data, &other, 8);
    emit(out_path, s, n);
    expect_refused(m, out_path, "drive ide0-hd0: size changed since the snapshot");
    memcpy(s[disk].data, &size, 8);
    s[disk].data[16] ^= 4;
    emit(out_path, s, n);
    expect_refused(m, out_path, "drive ide0-hd0: a CD-ROM in the snapshot, a disk here");
    s[disk].data[16] ^= 4;
    s[disk].data[9] ^= 1;
    emit(out_path, s, n);
    expect_refused(m, out_path, "drive ide0-hd0: content changed since the snapshot");
    s[disk].data[9] ^= 1;
    s[disk].version++;
    emit(out_path, s, n);
    expect_refused(m, out_path, "disk:ide0-hd0: section version 2");
    s[disk].version--;
    emit(out_path, s, n);
    char err[512];
    CHECK_EQ(snapshot_load(m, out_path, err, sizeof err), 0);
}

static void test_crafted(Machine *m, const uint8_t *file, size_t len)
{
    Sec s[128];
    int n = parse(file, len, s);
    CHECK(n > 5);
    CHECK_EQ(find(s, n, "machine"), 0);
    int pit = find(s, n, "dev:i8254"), pic = find(s, n, "dev:i8259"), ram = find(s, n, "ram");
    int mach = find(s, n, "machine");
    CHECK(pit > 0 && pic > 0 && ram > 0);
    if (pit < 0 || pic < 0 || ram < 0)
        return;
    /* 4 MiB of RAM, 512 KiB of it a pattern, the rest zero: a few KiB */
    CHECK(s[ram].len < 16384);
    /* unchanged: loads */
    emit(out_path, s, n);
    char err[512];
    CHECK_EQ(snapshot_load(m, out_path, err, sizeof err), 0);

    /* wrong RAM size in the description */
    uint64_t ram_size;
    memcpy(&ram_size, s[mach].data, 8);
    uint64_t other = ram_size * 2;
    memcpy(s[mach].data, &other, 8);
    emit(out_path, s, n);
    expect_refused(m, out_path, "RAM");
    memcpy(s[mach].data, &ram_size, 8);

    /* a device renamed in the description: the device set differs */
    uint8_t *hit = memmem(s[mach].data, s[mach].len, "i8254", 5);
    CHECK(hit != NULL);
    hit[4] = '5';
    emit(out_path, s, n);
    expect_refused(m, out_path, "device set differs");
    hit[4] = '4';

    /* a device section missing */
    Sec saved = s[pit];
    s[pit] = s[n - 1];
    emit(out_path, s, n - 1);
    expect_refused(m, out_path, "no section for device 'i8254'");
    s[n - 1] = s[pit];
    s[pit] = saved;

    /* unknown device, unknown kind, disk section, duplicate */
    const char *extra[] = { "dev:bogus", "frobnicate", "disk:hd0", "dev:i8259", "mem:bogus",
                            "mem:vga.vram", "disk:ide0-hd0" };
    const char *why[] = { "no such device", "unknown section",
                          "drive set differs: the snapshot has drive 'hd0'", "duplicate",
                          "no such memory region", "duplicate", "duplicate" };
    for (int i = 0; i < 7; i++) {
        s[n] = s[pic];
        snprintf(s[n].name, sizeof s[n].name, "%s", extra[i]);
        emit(out_path, s, n + 1);
        expect_refused(m, out_path, why[i]);
    }

    /* a newer device state version than this build knows */
    s[pit].version += 1;
    emit(out_path, s, n);
    expect_refused(m, out_path, "newer");
    s[pit].version -= 1;

    /* an unknown field, and a field of the wrong size, in a device section */
    uint64_t junk = 0;
    uint64_t len0 = s[pic].len;
    add_field(&s[pic], "no_such_field", &junk, 1);
    emit(out_path, s, n);
    expect_refused(m, out_path, "unknown field");
    s[pic].len = len0;
    add_field(&s[pic], "m.irr", &junk, 8);
    emit(out_path, s, n);
    expect_refused(m, out_path, "m.irr");
    s[pic].len = len0;

    /* a state the device's post_load rejects (only seen when applying):
     * the devices are rolled back */
    uint8_t bad = 9;
    add_field(&s[pic], "m.init_state", &bad, 1);
    emit(out_path, s, n);
    expect_refused(m, out_path, "i8259");
    s[pic].len = len0;

    /* RAM: compressed bytes damaged, a chunk out of RAM */
    damage_chunks(m, s, n, ram, 0x7fffffff, "ram", "outside RAM");

    test_crafted_extras(m, s, n);

    /* a section running past the end (length field too big) */
    s[ram].len += 1;
    emit(out_path, s, n);
    expect_refused(m, out_path, NULL);
    s[ram].len -= 1;

    emit(out_path, s, n);
    CHECK_EQ(snapshot_load(m, out_path, err, sizeof err), 0);
    for (int i = 0; i < n; i++)
        free(s[i].data);
}

static void test_damaged(Machine *m, const uint8_t *file, size_t len)
{
    uint8_t *p = malloc(len);
    /* truncated everywhere */
    size_t step = len / 97 + 1;
    for (size_t cut = 0; cut < len; cut += (cut < 16 ? 1 : step)) {
        write_all(out_path, file, cut);
        expect_refused(m, out_path, NULL);
    }
    write_all(out_path, file, len - 1);
    expect_refused(m, out_path, "checksum");
    /* one byte flipped anywhere */
    for (size_t at = 0; at < len; at += step) {
        memcpy(p, file, len);
        p[at] ^= 0x40;
        write_all(out_path, p, len);
        expect_refused(m, out_path, at < 8 ? "not a Tandem snapshot" : NULL);
    }
    /* wrong magic, newer format version, a foreign file, nothing there */
    memcpy(p, file, len);
    memcpy(p, "QEVM\0\0\0\3", 8);
    write_all(out_path, p, len);
    expect_refused(m, out_path, "not a Tandem snapshot");
    memcpy(p, file, len);
    p[8] = 2;
    write_all(out_path, p, len);
    expect_refused(m, out_path, "version 2");
    write_all(out_path, (const uint8_t *)"#!/bin/sh\necho hello\n", 21);
    expect_refused(m, out_path, "not a Tandem snapshot");
    expect_refused(m, "/nonexistent/dir/snap", "cannot open");
    expect_refused(m, dir, "cannot open");
    free(p);
}

/* The same file on a machine with more RAM. */
static void test_other_machine(void)
{
    static Machine m2;
    make_machine(&m2, "8M");
    expect_refused(&m2, snap_path, "4096 KiB of RAM, this machine 8192 KiB");
    machine_destroy(&m2);
}

/* The image changed between save and load: refused, then loads again once
 * the byte is back. */
static void test_disk_changed(Machine *m)
{
    FILE *f = fopen(disk_path, "r+b");
    fseek(f, 70000, SEEK_SET);
    int old = fgetc(f);
    fseek(f, 70000, SEEK_SET);
    fputc(old ^ 1, f);
    fclose(f);
    expect_refused(m, snap_path, "drive ide0-hd0: content changed since the snapshot (the hash of '");
    expect_refused(m, snap_path, "changed since the snapshot");
    f = fopen(disk_path, "r+b");
    fseek(f, 70000, SEEK_SET);
    fputc(old, f);
    fclose(f);
    char err[512];
    CHECK_EQ(snapshot_load(m, snap_path, err, sizeof err), 0);
}

/* Other drive sets: none, the disk in another slot, a CD-ROM; the same
 * image under -snapshot loads until the guest writes to its overlay. */
static void test_other_drives(void)
{
    static Machine m2;
    const char *const none[] = { NULL };
    const char *const hdb[] = { "-hdb", disk_path, NULL };
    const char *const cd[] = { "-cdrom", disk_path, NULL };
    const char *const snap[] = { "-hda", disk_path, "-snapshot" };
    make_machine_with(&m2, "4M", none);
    expect_refused(&m2, snap_path, "drive set differs: the snapshot has drive 'ide0-hd0'");
    machine_destroy(&m2);
    make_machine_with(&m2, "4M", hdb);
    expect_refused(&m2, snap_path, "drive set differs");
    machine_destroy(&m2);
    make_machine_with(&m2, "4M", cd);
    expect_refused(&m2, snap_path, "drive set differs");
    machine_destroy(&m2);
    make_machine_with(&m2, "4M", snap);
    char err[512];
    CHECK_EQ(m2.ndisks, 1);
    CHECK(m2.disks[0].snapshot && !strcmp(m2.disks[0].format, "raw"));
    CHECK_EQ(snapshot_load(&m2, snap_path, err, sizeof err), 0);
    /* the guest writes a sector: the overlay now differs from the image */
    uint8_t sec[512] = { 0x77 };
    CHECK_EQ(blk_write(m2.disks[0].blk, 4096, sec, sizeof sec), 0);
    CHECK_EQ(snapshot_save(&m2, out_path, err, sizeof err), 0);
    machine_destroy(&m2);
    make_machine_with(&m2, "4M", snap);
    expect_refused(&m2, out_path, "drive ide0-hd0: content changed since the snapshot");
    machine_destroy(&m2);
}

/* Drives a PIO READ SECTORS of LBA 3, 2 sectors on the primary master; reads
 * words [from, to) of the data into out. */
static void ide_read_words(Machine *m, uint16_t *out, int from, int to)
{
    for (int i = from; i < to; i++)
        out[i] = (uint16_t)io_read(&m->io, 0x1f0, 2);
}

static void ide_start_read(Machine *m)
{
    io_write(&m->io, 0x1f6, 0xe0, 1);
    io_write(&m->io, 0x1f2, 2, 1);
    io_write(&m->io, 0x1f3, 3, 1);
    io_write(&m->io, 0x1f4, 0, 1);
    io_write(&m->io, 0x1f5, 0, 1);
    io_write(&m->io, 0x1f7, 0x20, 1);
}

/* Saved in the middle of the transfer, loaded into a fresh machine with the
 * same image: the rest of the data comes out there as it would have here. */
static void test_ide_mid_transfer(Machine *m)
{
    static uint16_t here[512], there[512];
    char err[512];
    ide_start_read(m);
    CHECK(io_read(&m->io, 0x1f7, 1) & 0x08);    /* DRQ */
    ide_read_words(m, here, 0, 100);
    CHECK_EQ(snapshot_save(m, out_path, err, sizeof err), 0);
    ide_read_words(m, here, 100, 512);
    static Machine m2;
    make_machine(&m2, "4M");
    CHECK_EQ(snapshot_load(&m2, out_path, err, sizeof err), 0);
    ide_read_words(&m2, there, 100, 512);
    CHECK(!memcmp(here + 100, there + 100, 412 * 2));
    for (int i = 0; i < 1024; i++) {
        uint32_t at = 3 * 512 + (uint32_t)i;
        CHECK_EQ(((uint8_t *)here)[i], (uint8_t)(at * 13 + at / 512));
    }
    CHECK(!(io_read(&m2.io, 0x1f7, 1) & 0x08));  /* done: no more DRQ */
    machine_destroy(&m2);
}

static void test_switch(Machine *m)
{
    char err[256];
    CpuState a, b;
    /* the events a backend could hold: a blocked NMI waiting, an STI
     * shadow, HLT */
    m->accel_ops->get_state(m->accel, &a);
    a.nmi_masked = 1;
    a.nmi_pending = 1;
    a.intr_shadow = SHADOW_STI;
    a.halted = 1;
    m->accel_ops->set_state(m->accel, &a);
    m->accel_ops->get_state(m->accel, &a);
    CHECK_EQ(a.nmi_pending, 1);
    if (machine_switch_accel(m, &accel_kvm_ops, err, sizeof err) < 0) {
        /* no KVM: the interpreter keeps the CPU, unchanged */
        CHECK(m->accel_ops == &accel_interp_ops);
        m->accel_ops->get_state(m->accel, &b);
        CHECK(!memcmp(&a, &b, sizeof a));
        printf("skipped: /dev/kvm not usable (%s)\n", err);
        return;
    }
    CHECK(m->accel_ops == &accel_kvm_ops);
    CHECK_EQ(machine_switch_accel(m, &accel_interp_ops, err, sizeof err), 0);
    CHECK(m->accel_ops == &accel_interp_ops);
    m->accel_ops->get_state(m->accel, &b);
    CHECK_EQ(b.regs[R_EAX], a.regs[R_EAX]);
    CHECK_EQ(b.rip, a.rip);
    CHECK_EQ(b.dr[0], a.dr[0]);
    CHECK_EQ(b.nmi_pending, 1);
    CHECK_EQ(b.nmi_masked, 1);
    CHECK_EQ(b.intr_shadow, SHADOW_STI);
    CHECK_EQ(b.halted, 1);
    CHECK(!memcmp(b.fxsave + 160, a.fxsave + 160, 16));
    b.tsc = a.tsc;                /* (KVM-PVM cannot set the TSC) */
    b.cpuid_version = a.cpuid_version;
    CHECK(!memcmp(&a, &b, sizeof a));
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/tandem-snap-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    snprintf(bios_path, sizeof bios_path, "%s/bios.bin", dir);
    snprintf(snap_path, sizeof snap_path, "%s/a.snap", dir);
    snprintf(out_path, sizeof out_path, "%s/b.snap", dir);
    snprintf(disk_path, sizeof disk_path, "%s/disk.img", dir);
    write_bios();
    write_disk();
    static Machine m;
    make_machine(&m, "4M");
    uint8_t *file = NULL;
    size_t len = 0;
    test_round_trip(&m, &file, &len);
    if (file) {
        test_crafted(&m, file, len);
        test_damaged(&m, file, len);
        test_other_machine();
        test_disk_changed(&m);
        test_other_drives();
        test_ide_mid_transfer(&m);
    }
    test_switch(&m);
    printf("%d refused loads checked\n", refused);
    machine_destroy(&m);
    free(file);
    unlink(bios_path);
    unlink(snap_path);
    unlink(out_path);
    unlink(disk_path);
    rmdir(dir);
    return test_main_result("test-snapshot");
}
