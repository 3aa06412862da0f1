/* Snapshots (system/snapshot.c) on a whole PC board with the interpreter:
 * save -> load -> save gives the same bytes; a load brings back state changed
 * after the save; corrupt, truncated, foreign and mismatched files (wrong
 * magic, version, RAM size, device set, missing/unknown/duplicate sections,
 * bad fields, undecodable RAM, a device state its post_load rejects) are all
 * refused with one line and leave the machine's state hash unchanged.  With a
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
#include "hw/machine.h"
#include "hw/pc-board.h"
#include "system/options.h"
#include "system/snapshot.h"
#include "tests/unit/test.h"

static char dir[64];
static char bios_path[96], snap_path[96], out_path[96];

/* A 64 KiB "BIOS": HLT at the reset vector is all the board needs. */
static void write_bios(void)
{
    static uint8_t rom[65536];
    memset(rom, 0xf4, sizeof rom);
    FILE *f = fopen(bios_path, "wb");
    fwrite(rom, 1, sizeof rom, f);
    fclose(f);
}

static void make_machine(Machine *m, const char *mem)
{
    char *argv[] = { "tandem", "-bios", bios_path, "-m", (char *)mem, "-serial", "none",
                     "-display", "none", NULL };
    Config cfg;
    CHECK_EQ(options_parse(&cfg, 9, argv), 0);
    machine_init(m);
    clock_init(&m->clock, CLOCK_SRC_HOST, 0);
    CHECK_EQ(pc_board_create(m, &cfg), 0);
    char err[256];
    m->accel_ops = &accel_interp_ops;
    m->accel = accel_interp_ops.create(m, err, sizeof err);
    machine_reset(m);
    machine_pause(m);   /* a frozen clock: the TSC and timers do not move */
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
    return h * 31 + clock_ns(&m->clock);
}

/* Some state everywhere: RAM, the PIC and PIT programmed, CPU registers. */
static void dirty(Machine *m, uint8_t seed)
{
    for (uint64_t a = 0x10000; a < 0x90000; a += 1)
        m->mem.ram[a] = (uint8_t)(a * 7 + seed);
    m->mem.ram[m->mem.ram_size - 1] = seed;
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
    CHECK_EQ(files, 3);   /* bios.bin a.snap b.snap */
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
    const char *extra[] = { "dev:bogus", "frobnicate", "disk:hd0", "dev:i8259" };
    const char *why[] = { "no such device", "unknown section", "not supported", "duplicate" };
    for (int i = 0; i < 4; i++) {
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
    uint8_t keep = s[ram].data[s[ram].len - 3];
    s[ram].data[s[ram].len - 3] ^= 0xff;
    emit(out_path, s, n);
    expect_refused(m, out_path, "ram");
    s[ram].data[s[ram].len - 3] = keep;
    uint32_t first, far = 0x7fffffff;
    memcpy(&first, s[ram].data + 16, 4);
    memcpy(s[ram].data + 16, &far, 4);
    emit(out_path, s, n);
    expect_refused(m, out_path, "outside RAM");
    memcpy(s[ram].data + 16, &first, 4);

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
    write_bios();
    static Machine m;
    make_machine(&m, "4M");
    uint8_t *file = NULL;
    size_t len = 0;
    test_round_trip(&m, &file, &len);
    if (file) {
        test_crafted(&m, file, len);
        test_damaged(&m, file, len);
        test_other_machine();
    }
    test_switch(&m);
    printf("%d refused loads checked\n", refused);
    machine_destroy(&m);
    free(file);
    unlink(bios_path);
    unlink(snap_path);
    unlink(out_path);
    rmdir(dir);
    return test_main_result("test-snapshot");
}
