/* block/: raw and qcow2 images, backing files, -snapshot overlays, bounds
 * checks, and refusal of truncated or corrupt images.  qcow2 layouts come
 * from QEMU's docs/interop/qcow2.txt; tests/scripts/disk-boot.sh cross-checks
 * Tandem's qcow2 files with qemu-img. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "block/block.h"
#include "tests/unit/test.h"

static char dir[256];

static const char *path(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *p, const void *data, size_t len)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, data, len) == (ssize_t)len);
    close(fd);
}

static uint8_t *read_file(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(*len + 1);
    if (fread(b, 1, *len, f) != *len)
        *len = 0;
    fclose(f);
    return b;
}

static void pattern(uint8_t *b, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)(i * 7 + seed + (i >> 9));
}

#define BASE_SIZE (1u << 20)

static void make_base(void)
{
    uint8_t *b = malloc(BASE_SIZE);
    pattern(b, BASE_SIZE, 1);
    write_file(path("base.raw"), b, BASE_SIZE);
    free(b);
}

static void test_raw(void)
{
    char err[256];
    make_base();
    BlockDev *bs = blk_open(path("base.raw"), NULL, false, false, err, sizeof err);
    CHECK(bs != NULL);
    if (!bs)
        return;
    CHECK(!strcmp(bs->fmt->name, "raw"));
    CHECK_EQ(bs->size, BASE_SIZE);
    uint8_t buf[1024], exp[1024];
    CHECK_EQ(blk_read(bs, 512, buf, 1024), 0);
    uint8_t *all = malloc(BASE_SIZE);
    pattern(all, BASE_SIZE, 1);
    CHECK(!memcmp(buf, all + 512, 1024));
    memset(exp, 0x5a, sizeof exp);
    CHECK_EQ(blk_write(bs, 4096, exp, 512), 0);
    CHECK_EQ(blk_read(bs, 4096, buf, 512), 0);
    CHECK(!memcmp(buf, exp, 512));
    /* Outside the image: refused, nothing moves. */
    CHECK_EQ(blk_read(bs, BASE_SIZE - 512, buf, 1024), -EINVAL);
    CHECK_EQ(blk_write(bs, BASE_SIZE, exp, 1), -EINVAL);
    CHECK_EQ(blk_write(bs, UINT64_MAX - 10, exp, 512), -EINVAL);
    CHECK_EQ(blk_read(bs, BASE_SIZE, buf, 0), 0);
    blk_close(bs);
    size_t len;
    uint8_t *f = read_file(path("base.raw"), &len);
    CHECK_EQ(len, BASE_SIZE);
    /* Probed as raw: the guest cannot forge a qcow2 header; format=raw may. */
    bs = blk_open(path("base.raw"), NULL, false, false, err, sizeof err);
    CHECK(bs && bs->probed_raw);
    CHECK_EQ(blk_write(bs, 0, "QFI\xfb", 4), -EPERM);
    CHECK_EQ(blk_write(bs, 0, "QF", 2), 0);
    CHECK_EQ(blk_write(bs, 2, "I\xfb", 2), -EPERM);
    CHECK_EQ(blk_write(bs, 2, "I!", 2), 0);
    blk_close(bs);
    bs = blk_open(path("base.raw"), "raw", false, false, err, sizeof err);
    CHECK(bs && !bs->probed_raw && blk_write(bs, 0, "QFI\xfb", 4) == 0);
    blk_close(bs);
    /* read-only: writes refused */
    bs = blk_open(path("base.raw"), "raw", true, false, err, sizeof err);
    CHECK(bs && blk_write(bs, 0, exp, 512) == -EROFS);
    blk_close(bs);
    free(f);
    free(all);
}

static BlockDev *new_qcow2(const char *name, uint64_t size, const char *backing, const char *bfmt)
{
    char err[256];
    int fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(qcow2_create_fd(fd, size, backing, bfmt, err, sizeof err), 0);
    close(fd);
    BlockDev *bs = blk_open(path(name), NULL, false, false, err, sizeof err);
    if (!bs)
        fprintf(stderr, "open %s: %s\n", name, err);
    CHECK(bs != NULL);
    return bs;
}

static void test_qcow2_rw(void)
{
    char err[256];
    BlockDev *bs = new_qcow2("a.qcow2", 10 << 20, NULL, NULL);
    if (!bs)
        return;
    CHECK(!strcmp(bs->fmt->name, "qcow2"));
    CHECK_EQ(bs->size, 10 << 20);
    uint8_t *w = malloc(300000), *r = malloc(300000);
    CHECK_EQ(blk_read(bs, 0, r, 300000), 0);
    bool zero = true;
    for (int i = 0; i < 300000; i++)
        zero &= !r[i];
    CHECK(zero);
    /* Unaligned writes across cluster boundaries, then over them again. */
    pattern(w, 300000, 3);
    CHECK_EQ(blk_write(bs, 65536 - 100, w, 300000), 0);
    CHECK_EQ(blk_read(bs, 65536 - 100, r, 300000), 0);
    CHECK(!memcmp(r, w, 300000));
    pattern(w, 1000, 9);
    CHECK_EQ(blk_write(bs, 70000, w, 1000), 0);
    /* The last byte of the disk, and one past it. */
    CHECK_EQ(blk_write(bs, (10 << 20) - 1, w, 1), 0);
    CHECK_EQ(blk_write(bs, 10 << 20, w, 1), -EINVAL);
    blk_close(bs);
    /* Reopened: the same contents. */
    bs = blk_open(path("a.qcow2"), "qcow2", false, false, err, sizeof err);
    CHECK(bs != NULL);
    if (bs) {
        uint8_t x[1000];
        CHECK_EQ(blk_read(bs, 70000, x, 1000), 0);
        CHECK(!memcmp(x, w, 1000));
        CHECK_EQ(blk_read(bs, 65536 - 100, x, 100), 0);
        pattern(w, 300000, 3);
        CHECK(!memcmp(x, w, 100));
        CHECK_EQ(blk_read(bs, (10 << 20) - 1, x, 1), 0);
        pattern(w, 1000, 9);
        CHECK_EQ(x[0], w[0]);
        blk_close(bs);
    }
    free(w);
    free(r);
}

static void test_qcow2_backing(void)
{
    char err[256];
    make_base();
    size_t blen;
    uint8_t *before = read_file(path("base.raw"), &blen);
    BlockDev *bs = new_qcow2("ov.qcow2", BASE_SIZE + 4096, "base.raw", "raw");
    if (!bs)
        return;
    CHECK(bs->backing != NULL);
    uint8_t buf[4096], w[512];
    /* Unwritten: the backing file's data; past its end: zeros. */
    CHECK_EQ(blk_read(bs, 1000, buf, 4096), 0);
    CHECK(!memcmp(buf, before + 1000, 4096));
    CHECK_EQ(blk_read(bs, BASE_SIZE, buf, 4096), 0);
    CHECK_EQ(buf[0] | buf[4095], 0);
    /* A partial-cluster write keeps the rest of the cluster from the backing. */
    memset(w, 0xee, sizeof w);
    CHECK_EQ(blk_write(bs, 65536 + 1024, w, 512), 0);
    CHECK_EQ(blk_read(bs, 65536 + 512, buf, 2048), 0);
    CHECK(!memcmp(buf, before + 65536 + 512, 512));
    CHECK(!memcmp(buf + 512, w, 512));
    CHECK(!memcmp(buf + 1024, before + 65536 + 1536, 1024));
    blk_close(bs);
    size_t alen;
    uint8_t *after = read_file(path("base.raw"), &alen);
    CHECK(alen == blen && !memcmp(before, after, blen));
    free(after);
    /* A missing backing file is named. */
    unlink(path("base.raw"));
    bs = blk_open(path("ov.qcow2"), NULL, false, false, err, sizeof err);
    CHECK(bs == NULL && strstr(err, "backing file"));
    free(before);
    make_base();
}

static int count_dir(const char *d)
{
    DIR *x = opendir(d);
    int n = 0;
    struct dirent *e;
    while (x && (e = readdir(x)))
        n += e->d_name[0] != '.';
    if (x)
        closedir(x);
    return n;
}

static void test_snapshot(void)
{
    char err[256], tmp[300];
    make_base();
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    mkdir(tmp, 0755);
    setenv("TMPDIR", tmp, 1);
    size_t blen;
    uint8_t *before = read_file(path("base.raw"), &blen);
    BlockDev *bs = blk_open(path("base.raw"), NULL, false, true, err, sizeof err);
    CHECK(bs != NULL);
    if (!bs)
        return;
    CHECK_EQ(count_dir(tmp), 0);            /* the overlay is already unlinked */
    CHECK_EQ(bs->size, BASE_SIZE);
    uint8_t w[8192], r[8192];
    memset(w, 0xa5, sizeof w);
    CHECK_EQ(blk_write(bs, 0, w, sizeof w), 0);
    CHECK_EQ(blk_write(bs, BASE_SIZE - 512, w, 512), 0);
    CHECK_EQ(blk_read(bs, 0, r, sizeof r), 0);
    CHECK(!memcmp(r, w, sizeof w));
    CHECK_EQ(blk_read(bs, 8192, r, 512), 0);
    CHECK(!memcmp(r, before + 8192, 512));
    CHECK_EQ(blk_write(bs, BASE_SIZE, w, 512), -EINVAL);
    blk_close(bs);
    size_t alen;
    uint8_t *after = read_file(path("base.raw"), &alen);
    CHECK(alen == blen && !memcmp(before, after, blen));
    free(before);
    free(after);
    unsetenv("TMPDIR");
}

/* Overwrites `len` bytes of a file at off. */
static void poke(const char *p, long off, const void *data, size_t len)
{
    int fd = open(p, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, data, len, off) == (ssize_t)len);
    close(fd);
}

static void expect_refused(const char *what, const char *needle)
{
    char err[256] = "";
    BlockDev *bs = blk_open(path("bad.qcow2"), NULL, false, false, err, sizeof err);
    if (bs || !strstr(err, needle))
        fprintf(stderr, "%s: got '%s'\n", what, err);
    CHECK(bs == NULL);
    CHECK(strstr(err, needle) != NULL);
    CHECK(strchr(err, '\n') == NULL);       /* one line */
    blk_close(bs);
}

static void fresh_bad(void)
{
    BlockDev *bs = new_qcow2("bad.qcow2", 4 << 20, NULL, NULL);
    blk_close(bs);
}

static void test_corrupt(void)
{
    char err[256];
    /* Truncated header */
    write_file(path("bad.qcow2"), "QFI\xfb\0\0\0\3", 8);
    expect_refused("truncated header", "truncated");
    /* L1 table beyond the end of the file */
    fresh_bad();
    uint8_t off[8] = { 0, 0, 0, 0, 0x10, 0, 0, 0 };
    poke(path("bad.qcow2"), 40, off, 8);
    expect_refused("L1 outside", "outside the file");
    /* A file cut short before its L1 table */
    fresh_bad();
    CHECK_EQ(truncate(path("bad.qcow2"), 3 * 65536 + 4), 0);
    expect_refused("cut short", "outside the file");
    /* Bad cluster size, version, dirty and corrupt bits, encryption */
    fresh_bad();
    uint8_t v[4] = { 0, 0, 0, 40 };
    poke(path("bad.qcow2"), 20, v, 4);
    expect_refused("cluster bits", "cluster bits");
    fresh_bad();
    v[3] = 7;
    poke(path("bad.qcow2"), 4, v, 4);
    expect_refused("version", "version 7");
    fresh_bad();
    uint8_t bits[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    poke(path("bad.qcow2"), 72, bits, 8);
    expect_refused("dirty", "dirty");
    fresh_bad();
    bits[7] = 2;
    poke(path("bad.qcow2"), 72, bits, 8);
    expect_refused("corrupt bit", "corrupt");
    fresh_bad();
    bits[7] = 0x40;
    poke(path("bad.qcow2"), 72, bits, 8);
    expect_refused("unknown feature", "incompatible");
    fresh_bad();
    v[3] = 1;
    poke(path("bad.qcow2"), 32, v, 4);
    expect_refused("encrypted", "encrypted");
    /* An L1 table too small for the disk size */
    fresh_bad();
    uint8_t big[8] = { 0, 0, 0, 1, 0, 0, 0, 0 };      /* 4 GiB > 512 MiB per L1 entry */
    poke(path("bad.qcow2"), 24, big, 8);
    expect_refused("L1 too small", "L1 size");
    /* An L2 pointer past the end of the file: reads fail, nothing crashes. */
    fresh_bad();
    uint8_t l1e[8] = { 0x80, 0, 0, 0, 0x40, 0, 0, 0 };
    poke(path("bad.qcow2"), 3 * 65536, l1e, 8);
    BlockDev *bs = blk_open(path("bad.qcow2"), NULL, false, false, err, sizeof err);
    CHECK(bs != NULL);
    if (bs) {
        uint8_t b[512];
        CHECK(blk_read(bs, 0, b, 512) < 0);
        CHECK(blk_write(bs, 0, b, 512) < 0);
        CHECK_EQ(blk_read(bs, 1 << 30, b, 512), -EINVAL);
        blk_close(bs);
    }
    /* Unknown format, missing file */
    bs = blk_open(path("base.raw"), "vmdk", false, false, err, sizeof err);
    CHECK(bs == NULL && strstr(err, "unknown image format"));
    bs = blk_open(path("nonexistent"), NULL, false, false, err, sizeof err);
    CHECK(bs == NULL && strstr(err, "cannot open"));
}

/* Tandem killed at random points while it writes a qcow2 image (a child
 * process writing random clusters, SIGKILLed after some writes): the image must
 * open again and `qemu-img check` must find no corruption (leaked clusters
 * are allowed: that is what the write order trades for safety). */
static void test_crash_safety(void)
{
    if (system("qemu-img --version >/dev/null 2>&1") != 0) {
        printf("test-block: qemu-img missing (qemu-utils): crash test skipped\n");
        return;
    }
    char err[256], cmd[600];
    for (int round = 0; round < 8; round++) {
        BlockDev *bs = new_qcow2("crash.qcow2", 64 << 20, NULL, NULL);
        blk_close(bs);
        /* The child reports each finished write on a pipe; the kill comes
         * after a number of them that grows with the round (not after a
         * time, which on a loaded host could pass before the first write),
         * while the child is inside the next write or between writes. */
        int prog[2];
        CHECK(pipe(prog) == 0);
        pid_t pid = fork();
        if (pid == 0) {
            close(prog[0]);
            bs = blk_open(path("crash.qcow2"), NULL, false, false, err, sizeof err);
            uint8_t buf[70000];
            for (unsigned i = 0; bs; i++) {
                pattern(buf, sizeof buf, i);
                blk_write(bs, (uint64_t)(i * 2654435761u % (60u << 20)), buf, sizeof buf);
                if (write(prog[1], "w", 1) != 1)
                    break;
            }
            _exit(1);
        }
        close(prog[1]);
        char c;
        for (int done = 0; done < 3 + 5 * round && read(prog[0], &c, 1) == 1; done++)
            ;
        usleep((useconds_t)(round * 300));
        kill(pid, SIGKILL);
        close(prog[0]);
        waitpid(pid, NULL, 0);
        struct stat st_img;
        CHECK(stat(path("crash.qcow2"), &st_img) == 0 && st_img.st_size > 5 * 65536);  /* it wrote */
        bs = blk_open(path("crash.qcow2"), NULL, false, false, err, sizeof err);
        CHECK(bs != NULL);
        blk_close(bs);
        snprintf(cmd, sizeof cmd, "qemu-img check -q '%s' >/dev/null 2>&1", path("crash.qcow2"));
        int st = system(cmd);
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        if (code != 0 && code != 3)
            fprintf(stderr, "round %d: qemu-img check status %d\n", round, code);
        if (getenv("TEST_BLOCK_VERBOSE"))
            printf("crash round %d: qemu-img check status %d\n", round, code);
        CHECK(code == 0 || code == 3);      /* clean, or leaks only */
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test-block-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    test_raw();
    test_qcow2_rw();
    test_qcow2_backing();
    test_snapshot();
    test_corrupt();
    test_crash_safety();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return test_main_result("test-block");
}
