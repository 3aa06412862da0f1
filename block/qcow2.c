/* qcow2 images (QEMU docs/interop/qcow2.txt), versions 2 and 3.
 *
 * Subset: unencrypted clusters of 512 B..2 MiB, zlib-compressed clusters
 * (read; a write moves the cluster to a new uncompressed one and releases the
 * compressed data's refcounts), backing files (any format, opened read-only,
 * name relative to the image's directory), the v3 zero flag, 16-bit
 * refcounts.  Writing needs refcount_order 4 and no
 * internal snapshots (every cluster then has refcount 1 and the COPIED flag);
 * other images open read-only.  Dirty (lazy refcount) and corrupt images and
 * unknown incompatible features are refused.
 *
 * Allocation appends clusters at the end of the file and never frees any.
 * Write order, so that a crash of Tandem at any point leaves at worst leaked
 * clusters (refcount without a reference: `qemu-img check` reports a leak,
 * not corruption), never a reference to a cluster not yet written or counted:
 *   1. the guest data, in a whole new cluster (old contents merged in),
 *   2. its refcount (a new refcount block first, then its table entry),
 *   3. a new L2 table (written whole, then counted), then the L1 entry, or the
 *      entry in the existing L2 table.
 * Tandem's writes reach the host kernel in this order with pwrite(), so an
 * emulator crash cannot reorder them; across a host crash the order holds
 * only up to the guest's last FLUSH (fdatasync). */
#include "block/block.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "system/log.h"

#define QCOW2_MAGIC        0x514649fbu
#define QCOW2_V2_HDR       72
#define QCOW2_V3_HDR       104
#define EXT_BACKING_FMT    0xe2792acau
#define OFFSET_MASK        0x00fffffffffffe00ull
#define OFLAG_COPIED       (1ull << 63)
#define OFLAG_COMPRESSED   (1ull << 62)
#define OFLAG_ZERO         1ull
#define INCOMPAT_DIRTY     1ull
#define INCOMPAT_CORRUPT   2ull
#define L2_CACHE           16
#define MAX_L1_BYTES       (32u << 20)
#define MAX_RT_BYTES       (8u << 20)
#define MAX_SIZE           (1ull << 50)

typedef struct L2Cached {
    uint64_t off;           /* host offset of the table; 0 = empty slot */
    uint64_t *t;            /* entries in host order */
    uint64_t used;          /* LRU tick */
} L2Cached;

typedef struct Qcow2 {
    unsigned version, cluster_bits, l2_bits;
    uint64_t cs;            /* cluster size */
    uint64_t *l1;           /* host order */
    uint32_t l1_size;
    uint64_t l1_off;
    uint64_t *rt;           /* refcount table, host order */
    uint32_t rt_entries;
    uint64_t rt_off;
    uint64_t free_off;      /* next cluster to allocate (end of file) */
    L2Cached l2[L2_CACHE];
    uint64_t tick;
} Qcow2;

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static void corrupt(BlockDev *bs, const char *what, uint64_t v)
{
    log_printf("qcow2: '%s' is corrupt: %s 0x%llx\n", bs->filename, what, (unsigned long long)v);
}

/* ---- L2 tables ---- */

static uint64_t *l2_load(BlockDev *bs, Qcow2 *q, uint64_t off)
{
    L2Cached *victim = &q->l2[0];
    for (int i = 0; i < L2_CACHE; i++) {
        if (q->l2[i].off == off) {
            q->l2[i].used = ++q->tick;
            return q->l2[i].t;
        }
        if (q->l2[i].used < victim->used)
            victim = &q->l2[i];
    }
    if (!victim->t && !(victim->t = malloc(q->cs)))
        abort();
    victim->off = 0;
    if (blk_pread_full(bs->fd, off, victim->t, q->cs) < 0) {
        corrupt(bs, "L2 table beyond the end of the file at", off);
        return NULL;
    }
    for (uint64_t i = 0; i < q->cs / 8; i++)
        victim->t[i] = be64((uint8_t *)&victim->t[i]);
    victim->off = off;
    victim->used = ++q->tick;
    return victim->t;
}

/* The L2 entry of guest cluster `vc` (0 when unallocated), or -EIO. */
static int l2_entry(BlockDev *bs, Qcow2 *q, uint64_t vc, uint64_t *entry)
{
    uint64_t l2off = q->l1[vc >> q->l2_bits] & OFFSET_MASK;
    *entry = 0;
    if (!l2off)
        return 0;
    if (l2off & (q->cs - 1)) {
        corrupt(bs, "unaligned L2 table offset", l2off);
        return -EIO;
    }
    uint64_t *t = l2_load(bs, q, l2off);
    if (!t)
        return -EIO;
    *entry = t[vc & ((1ull << q->l2_bits) - 1)];
    return 0;
}

/* ---- reads ---- */

/* pread where the end of the file reads as zeros (QEMU may leave the tail
 * of the last data cluster unwritten). */
static int pread_zero_tail(int fd, uint64_t off, uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = pread(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0) {
            memset(buf, 0, len);
            return 0;
        }
        buf += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* A compressed L2 entry (qcow2.txt "Compressed Clusters Descriptor"): the
 * host offset in bits 0..x-1 and the number of additional 512-byte sectors
 * in the next cluster_bits - 8 bits, x = 62 - (cluster_bits - 8). */
static void compressed_span(const Qcow2 *q, uint64_t e, uint64_t *host, uint64_t *len)
{
    unsigned x = 62 - (q->cluster_bits - 8);
    *host = e & ((1ull << x) - 1);
    uint64_t sectors = ((e >> x) & ((1ull << (q->cluster_bits - 8)) - 1)) + 1;
    *len = sectors * 512 - (*host & 511);
}

/* Inflates a compressed cluster (raw deflate) and copies [in, in + len). */
static int read_compressed(BlockDev *bs, Qcow2 *q, uint64_t e, uint64_t in, uint8_t *buf, size_t len)
{
    uint64_t host, clen;
    compressed_span(q, e, &host, &clen);
    uint8_t *src = malloc(clen), *dst = malloc(q->cs);
    if (!src || !dst)
        abort();
    /* The compressed data may end before its last sector does, at the end
     * of the file: the tail reads as zeros. */
    int r = pread_zero_tail(bs->fd, host, src, clen);
    z_stream z = { 0 };
    if (r == 0 && inflateInit2(&z, -12) != Z_OK)
        r = -EIO;
    if (r == 0) {
        z.next_in = src;
        z.avail_in = (uInt)clen;
        z.next_out = dst;
        z.avail_out = (uInt)q->cs;
        int zr = inflate(&z, Z_FINISH);
        if ((zr != Z_STREAM_END && zr != Z_BUF_ERROR) || z.avail_out) {
            corrupt(bs, "compressed cluster does not inflate to a cluster at", host);
            r = -EIO;
        }
        inflateEnd(&z);
    }
    if (r == 0)
        memcpy(buf, dst + in, len);
    free(src);
    free(dst);
    return r;
}

/* Reads [off, off + len) inside one guest cluster. */
static int read_in_cluster(BlockDev *bs, Qcow2 *q, uint64_t off, uint8_t *buf, size_t len)
{
    uint64_t e;
    int r = l2_entry(bs, q, off >> q->cluster_bits, &e);
    if (r < 0)
        return r;
    if (e & OFLAG_COMPRESSED)
        return read_compressed(bs, q, e, off & (q->cs - 1), buf, len);
    uint64_t host = e & OFFSET_MASK;
    if ((q->version >= 3 && (e & OFLAG_ZERO)) || (!host && !bs->backing)) {
        memset(buf, 0, len);
        return 0;
    }
    if (!host) {
        uint64_t n = off < bs->backing->size ? bs->backing->size - off : 0;
        if (n > len)
            n = len;
        memset(buf + n, 0, len - n);
        return n ? blk_read(bs->backing, off, buf, n) : 0;
    }
    if (host & (q->cs - 1)) {
        corrupt(bs, "unaligned data cluster offset", host);
        return -EIO;
    }
    return pread_zero_tail(bs->fd, host + (off & (q->cs - 1)), buf, len);
}

/* Splits [off, off + len) at cluster boundaries and hands each piece to fn. */
typedef int (*ClusterFn)(BlockDev *bs, Qcow2 *q, uint64_t off, uint8_t *p, size_t n);

static int per_cluster(BlockDev *bs, uint64_t off, uint8_t *p, size_t len, ClusterFn fn)
{
    Qcow2 *q = bs->opaque;
    while (len) {
        size_t n = q->cs - (off & (q->cs - 1));
        if (n > len)
            n = len;
        int r = fn(bs, q, off, p, n);
        if (r < 0)
            return r;
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

static int qcow2_read(BlockDev *bs, uint64_t off, void *buf, size_t len)
{
    return per_cluster(bs, off, buf, len, read_in_cluster);
}

/* ---- allocation and refcounts ---- */

static uint64_t alloc_cluster(Qcow2 *q)
{
    uint64_t c = q->free_off;
    q->free_off += q->cs;
    return c;
}

/* Lowers the refcount of the cluster at host offset `off` by one (the
 * clusters holding a rewritten compressed cluster). */
static int release_cluster(BlockDev *bs, Qcow2 *q, uint64_t off)
{
    uint64_t per_block = q->cs / 2, idx = off >> q->cluster_bits, ti = idx / per_block;
    uint64_t rb = ti < q->rt_entries ? q->rt[ti] & ~(q->cs - 1) : 0;
    uint8_t v[2];
    if (!rb || blk_pread_full(bs->fd, rb + (idx % per_block) * 2, v, 2) < 0 || !(v[0] | v[1])) {
        corrupt(bs, "no refcount for a cluster in use at", off);
        return -EIO;
    }
    put_be(v, (unsigned)(v[0] << 8 | v[1]) - 1, 2);
    return blk_pwrite_full(bs->fd, rb + (idx % per_block) * 2, v, 2);
}

/* Sets the refcount of the cluster at host offset `off` to 1 (clusters are
 * only ever allocated).  A missing refcount block is allocated, written
 * whole (counting itself when it covers itself) and only then entered in the
 * refcount table. */
static int count_cluster(BlockDev *bs, Qcow2 *q, uint64_t off)
{
    uint64_t per_block = q->cs / 2;
    uint64_t idx = off >> q->cluster_bits;
    uint64_t ti = idx / per_block;
    if (ti >= q->rt_entries) {
        log_printf("qcow2: '%s': refcount table full (growing it is not supported)\n", bs->filename);
        return -ENOSPC;
    }
    uint64_t rb = q->rt[ti] & ~(q->cs - 1);
    uint8_t one[2] = { 0, 1 };
    if (rb)
        return blk_pwrite_full(bs->fd, rb + (idx % per_block) * 2, one, 2);

    rb = alloc_cluster(q);
    uint8_t *block = calloc(1, q->cs);
    if (!block)
        abort();
    memcpy(block + (idx % per_block) * 2, one, 2);
    bool self = (rb >> q->cluster_bits) / per_block == ti;
    if (self)
        memcpy(block + ((rb >> q->cluster_bits) % per_block) * 2, one, 2);
    int r = blk_pwrite_full(bs->fd, rb, block, q->cs);
    free(block);
    if (r == 0 && !self)
        r = count_cluster(bs, q, rb);
    uint8_t ent[8];
    put_be(ent, rb, 8);
    if (r == 0)
        r = blk_pwrite_full(bs->fd, q->rt_off + ti * 8, ent, 8);
    if (r == 0)
        q->rt[ti] = rb;
    return r;
}

/* Points guest cluster vc at host cluster `host` (already written and
 * counted), creating its L2 table if needed. */
static int set_l2_entry(BlockDev *bs, Qcow2 *q, uint64_t vc, uint64_t host)
{
    uint64_t l1i = vc >> q->l2_bits, l2i = vc & ((1ull << q->l2_bits) - 1);
    uint64_t l2off = q->l1[l1i] & OFFSET_MASK;
    uint8_t ent[8];
    put_be(ent, host | OFLAG_COPIED, 8);
    if (l2off) {
        uint64_t *t = l2_load(bs, q, l2off);
        if (!t)
            return -EIO;
        int r = blk_pwrite_full(bs->fd, l2off + l2i * 8, ent, 8);
        if (r == 0)
            t[l2i] = host | OFLAG_COPIED;
        return r;
    }
    l2off = alloc_cluster(q);
    uint8_t *table = calloc(1, q->cs);
    if (!table)
        abort();
    memcpy(table + l2i * 8, ent, 8);
    int r = blk_pwrite_full(bs->fd, l2off, table, q->cs);
    free(table);
    if (r == 0)
        r = count_cluster(bs, q, l2off);
    put_be(ent, l2off | OFLAG_COPIED, 8);
    if (r == 0)
        r = blk_pwrite_full(bs->fd, q->l1_off + l1i * 8, ent, 8);
    if (r == 0)
        q->l1[l1i] = l2off | OFLAG_COPIED;
    return r;
}

static int write_in_cluster(BlockDev *bs, Qcow2 *q, uint64_t off, const uint8_t *buf, size_t len)
{
    uint64_t vc = off >> q->cluster_bits, in = off & (q->cs - 1), e;
    int r = l2_entry(bs, q, vc, &e);
    if (r < 0)
        return r;
    uint64_t host = e & OFFSET_MASK;
    bool zero = q->version >= 3 && (e & OFLAG_ZERO);
    if (host && !zero && !(e & OFLAG_COMPRESSED)) {
        if (!(e & OFLAG_COPIED) || !(q->l1[vc >> q->l2_bits] & OFLAG_COPIED)) {
            corrupt(bs, "shared cluster (no COPIED flag) in an image without snapshots at", host);
            return -EIO;
        }
        return blk_pwrite_full(bs->fd, host + in, buf, len);
    }
    /* Unallocated, zero or compressed: a new cluster with the old contents. */
    uint8_t *c = malloc(q->cs);
    if (!c)
        abort();
    r = len == q->cs ? 0 : read_in_cluster(bs, q, vc << q->cluster_bits, c, q->cs);
    memcpy(c + in, buf, len);
    uint64_t nc = alloc_cluster(q);
    if (r == 0)
        r = blk_pwrite_full(bs->fd, nc, c, q->cs);
    free(c);
    if (r == 0)
        r = count_cluster(bs, q, nc);
    if (r == 0)
        r = set_l2_entry(bs, q, vc, nc);
    if (r == 0 && (e & OFLAG_COMPRESSED)) {
        /* No longer referenced from here: one less on each host cluster the
         * compressed data touches (last, so a crash only leaks them). */
        uint64_t chost, clen;
        compressed_span(q, e, &chost, &clen);
        for (uint64_t hc = chost & ~(q->cs - 1); r == 0 && hc < chost + clen; hc += q->cs)
            r = release_cluster(bs, q, hc);
    }
    return r;
}

static int write_piece(BlockDev *bs, Qcow2 *q, uint64_t off, uint8_t *p, size_t n)
{
    return write_in_cluster(bs, q, off, p, n);   /* p is only read */
}

static int qcow2_write(BlockDev *bs, uint64_t off, const void *buf, size_t len)
{
    return per_cluster(bs, off, (uint8_t *)(uintptr_t)buf, len, write_piece);
}

static int qcow2_flush(BlockDev *bs)
{
    return fdatasync(bs->fd) < 0 ? -errno : 0;
}

static void qcow2_close(BlockDev *bs)
{
    Qcow2 *q = bs->opaque;
    if (!q)
        return;
    for (int i = 0; i < L2_CACHE; i++)
        free(q->l2[i].t);
    free(q->l1);
    free(q->rt);
    free(q);
    bs->opaque = NULL;
}

/* ---- open ---- */

typedef struct Header {
    uint8_t raw[QCOW2_V3_HDR];
    unsigned version, cluster_bits, refcount_order, header_len;
    uint64_t backing_off, size, l1_off, rt_off, incompat, autoclear;
    uint32_t backing_len, crypt, l1_size, rt_clusters, nb_snapshots;
} Header;

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int parse_header(BlockDev *bs, Header *h, uint64_t fsize, char *err, size_t errlen)
{
    const char *f = bs->filename;
    memset(h->raw, 0, sizeof h->raw);
    if (fsize < QCOW2_V2_HDR || blk_pread_full(bs->fd, 0, h->raw, QCOW2_V2_HDR) < 0)
        FAIL("'%s': truncated qcow2 header", f);
    if (be32(h->raw) != QCOW2_MAGIC)
        FAIL("'%s' is not a qcow2 image (bad magic)", f);
    h->version = be32(h->raw + 4);
    if (h->version != 2 && h->version != 3)
        FAIL("'%s': qcow2 version %u is not supported (2 and 3 are)", f, h->version);
    h->backing_off = be64(h->raw + 8);
    h->backing_len = be32(h->raw + 16);
    h->cluster_bits = be32(h->raw + 20);
    h->size = be64(h->raw + 24);
    h->crypt = be32(h->raw + 32);
    h->l1_size = be32(h->raw + 36);
    h->l1_off = be64(h->raw + 40);
    h->rt_off = be64(h->raw + 48);
    h->rt_clusters = be32(h->raw + 56);
    h->nb_snapshots = be32(h->raw + 60);
    h->refcount_order = 4;
    h->header_len = QCOW2_V2_HDR;
    if (h->version == 3) {
        if (fsize < QCOW2_V3_HDR || blk_pread_full(bs->fd, 0, h->raw, QCOW2_V3_HDR) < 0)
            FAIL("'%s': truncated qcow2 header", f);
        h->incompat = be64(h->raw + 72);
        h->autoclear = be64(h->raw + 88);
        h->refcount_order = be32(h->raw + 96);
        h->header_len = be32(h->raw + 100);
        if (h->header_len < QCOW2_V3_HDR || h->header_len % 8)
            FAIL("'%s': corrupt qcow2 header (header length %u)", f, h->header_len);
    }
    if (h->cluster_bits < 9 || h->cluster_bits > 21)
        FAIL("'%s': corrupt qcow2 header (cluster bits %u)", f, h->cluster_bits);
    if (h->crypt)
        FAIL("'%s': encrypted qcow2 images are not supported", f);
    if (h->incompat & INCOMPAT_CORRUPT)
        FAIL("'%s' is marked corrupt: repair it with 'qemu-img check -r all'", f);
    if (h->incompat & INCOMPAT_DIRTY)
        FAIL("'%s' was not closed cleanly (dirty bit): repair it with 'qemu-img check -r all'", f);
    if (h->incompat)
        FAIL("'%s' uses qcow2 features Tandem does not support (incompatible bits 0x%llx)", f,
             (unsigned long long)h->incompat);
    if (h->refcount_order > 6)
        FAIL("'%s': corrupt qcow2 header (refcount order %u)", f, h->refcount_order);
    if (h->size > MAX_SIZE)
        FAIL("'%s': disk size %llu is too large", f, (unsigned long long)h->size);
    if (h->header_len > (1ull << h->cluster_bits))
        FAIL("'%s': corrupt qcow2 header (header length %u)", f, h->header_len);
    if (!bs->readonly && h->nb_snapshots)
        FAIL("'%s' has internal snapshots: Tandem opens it only read-only (readonly=on or -snapshot)", f);
    if (!bs->readonly && h->refcount_order != 4)
        FAIL("'%s' has %u-bit refcounts: Tandem writes only 16-bit ones (use readonly=on or -snapshot)",
             f, 1u << h->refcount_order);
    return 0;
}

/* Reads a big-endian table of n entries at off, checking it lies in the file. */
static uint64_t *read_table(BlockDev *bs, uint64_t off, uint64_t n, uint64_t fsize, uint64_t cs,
                            const char *what, char *err, size_t errlen)
{
    uint64_t *t = calloc(n ? n : 1, 8);
    if (!t)
        abort();
    if (!n)
        return t;
    if (off & (cs - 1) || off > fsize || n * 8 > fsize - off ||
        blk_pread_full(bs->fd, off, t, n * 8) < 0) {
        snprintf(err, errlen, "'%s': %s at 0x%llx lies outside the file (truncated or corrupt image)",
                 bs->filename, what, (unsigned long long)off);
        free(t);
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++)
        t[i] = be64((uint8_t *)&t[i]);
    return t;
}

/* The backing file's name and the format from the header extensions. */
static int read_backing_name(BlockDev *bs, const Header *h, uint64_t cs, char *name, size_t nlen,
                             char *fmt, size_t flen, char *err, size_t errlen)
{
    fmt[0] = 0;
    name[0] = 0;
    if (!h->backing_off)
        return 0;
    if (h->backing_len == 0 || h->backing_len > 1023 || h->backing_len >= nlen ||
        h->backing_off > cs || h->backing_len > cs - h->backing_off ||
        blk_pread_full(bs->fd, h->backing_off, name, h->backing_len) < 0)
        FAIL("'%s': corrupt qcow2 header (backing file name)", bs->filename);
    name[h->backing_len] = 0;
    for (uint64_t off = h->header_len; off + 8 <= cs;) {
        uint8_t eh[8];
        if (blk_pread_full(bs->fd, off, eh, 8) < 0)
            break;
        uint32_t type = be32(eh), len = be32(eh + 4);
        if (type == 0 || len > cs - off - 8)
            break;
        if (type == EXT_BACKING_FMT && len < flen && blk_pread_full(bs->fd, off + 8, fmt, len) == 0)
            fmt[len] = 0;
        off += 8 + ((len + 7ull) & ~7ull);
    }
    return 0;
}

static int open_backing(BlockDev *bs, const char *name, const char *fmt, char *err, size_t errlen)
{
    char path[PATH_MAX + 1024];
    const char *slash = strrchr(bs->filename, '/');
    if (name[0] == '/' || !slash)
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - bs->filename), bs->filename, name);
    char sub[512];
    bs->backing = blk_open(path, fmt[0] ? fmt : NULL, true, false, sub, sizeof sub);
    if (!bs->backing)
        FAIL("backing file of '%s': %s", bs->filename, sub);
    return 0;
}

static int qcow2_open(BlockDev *bs, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(bs->fd, &st) < 0)
        FAIL("cannot stat '%s': %s", bs->filename, strerror(errno));
    uint64_t fsize = (uint64_t)st.st_size;
    Header h;
    if (parse_header(bs, &h, fsize, err, errlen) < 0)
        return -1;
    Qcow2 *q = calloc(1, sizeof *q);
    if (!q)
        abort();
    bs->opaque = q;
    q->version = h.version;
    q->cluster_bits = h.cluster_bits;
    q->cs = 1ull << h.cluster_bits;
    q->l2_bits = h.cluster_bits - 3;
    q->l1_size = h.l1_size;
    q->l1_off = h.l1_off;
    q->rt_off = h.rt_off;
    q->rt_entries = (uint32_t)((uint64_t)h.rt_clusters * q->cs / 8);
    uint64_t span = q->cs << q->l2_bits;            /* guest bytes per L1 entry */
    uint64_t need = (h.size + span - 1) / span;
    char name[1024], fmt[32];
    if ((uint64_t)h.l1_size * 8 > MAX_L1_BYTES || h.l1_size < need)
        snprintf(err, errlen, "'%s': corrupt qcow2 header (L1 size %u for %llu bytes)", bs->filename,
                 h.l1_size, (unsigned long long)h.size);
    else if ((uint64_t)h.rt_clusters * q->cs > MAX_RT_BYTES)
        snprintf(err, errlen, "'%s': corrupt qcow2 header (refcount table of %u clusters)",
                 bs->filename, h.rt_clusters);
    else if ((q->l1 = read_table(bs, h.l1_off, h.l1_size, fsize, q->cs, "the L1 table", err, errlen)) &&
             (q->rt = read_table(bs, h.rt_off, q->rt_entries, fsize, q->cs, "the refcount table", err,
                                 errlen)) &&
             read_backing_name(bs, &h, q->cs, name, sizeof name, fmt, sizeof fmt, err, errlen) == 0 &&
             (!name[0] || open_backing(bs, name, fmt, err, errlen) == 0)) {
        bs->size = h.size;
        q->free_off = (fsize + q->cs - 1) & ~(q->cs - 1);
        if (!bs->readonly && h.autoclear) {
            /* Autoclear features we do not maintain (bitmaps) become invalid. */
            uint8_t zero[8] = { 0 };
            blk_pwrite_full(bs->fd, 88, zero, 8);
        }
        return 0;
    }
    qcow2_close(bs);
    return -1;
}

/* ---- create ---- */

int qcow2_create_fd(int fd, uint64_t size, const char *backing, const char *backing_fmt,
                    char *err, size_t errlen)
{
    const unsigned cb = 16;
    const uint64_t cs = 1ull << cb;
    if (size > MAX_SIZE)
        FAIL("disk size %llu is too large for qcow2", (unsigned long long)size);
    uint64_t span = cs << (cb - 3);
    uint64_t l1_size = (size + span - 1) / span;
    if (!l1_size)
        l1_size = 1;
    uint64_t l1_clusters = (l1_size * 8 + cs - 1) / cs;
    uint64_t nclusters = 3 + l1_clusters;            /* header, refcount table, block, L1 */
    uint8_t *buf = calloc(1, cs);
    if (!buf)
        abort();
    put_be(buf, QCOW2_MAGIC, 4);
    put_be(buf + 4, 3, 4);
    put_be(buf + 20, cb, 4);
    put_be(buf + 24, size, 8);
    put_be(buf + 36, l1_size, 4);
    put_be(buf + 40, 3 * cs, 8);
    put_be(buf + 48, cs, 8);
    put_be(buf + 56, 1, 4);
    put_be(buf + 96, 4, 4);
    put_be(buf + 100, QCOW2_V3_HDR, 4);
    uint64_t off = QCOW2_V3_HDR;
    if (backing_fmt && backing) {
        size_t n = strlen(backing_fmt);
        put_be(buf + off, EXT_BACKING_FMT, 4);
        put_be(buf + off + 4, n, 4);
        memcpy(buf + off + 8, backing_fmt, n);
        off += 8 + ((n + 7) & ~7ull);
    }
    off += 8;                                        /* end of extensions */
    if (backing) {
        size_t n = strlen(backing);
        if (n > 1023 || off + n > cs) {
            free(buf);
            FAIL("backing file name '%s' is too long", backing);
        }
        put_be(buf + 8, off, 8);
        put_be(buf + 16, n, 4);
        memcpy(buf + off, backing, n);
    }
    int r = blk_pwrite_full(fd, 0, buf, cs);
    memset(buf, 0, cs);
    put_be(buf, 2 * cs, 8);                          /* refcount table -> block */
    if (r == 0)
        r = blk_pwrite_full(fd, cs, buf, cs);
    memset(buf, 0, cs);
    for (uint64_t i = 0; i < nclusters; i++)
        put_be(buf + i * 2, 1, 2);
    if (r == 0)
        r = blk_pwrite_full(fd, 2 * cs, buf, cs);
    free(buf);
    if (r == 0 && ftruncate(fd, (off_t)(nclusters * cs)) < 0)
        r = -errno;
    if (r < 0)
        FAIL("cannot write the qcow2 image: %s", strerror(-r));
    return 0;
}

const BlockFormat block_qcow2 = { "qcow2", qcow2_open, qcow2_read, qcow2_write, qcow2_flush,
                                  qcow2_close };
