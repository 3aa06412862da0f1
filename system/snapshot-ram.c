/* RAM in snapshots: zero pages elided, the rest zlib-compressed per chunk.
 * The same encoding serves any RAM-like block of bytes a device owns (the
 * VGA's video memory: section "mem:NAME"); "RAM" below means the block.
 *
 * Section data: u64 RAM size, u32 page size, u32 pages per chunk, then chunks
 * in address order, each
 *     u32 first page, u32 pages, u8 bitmap[SNAP_CHUNK_PAGES / 8] (bit = page
 *     present), u32 raw length (the present pages' bytes), u32 compressed
 *     length, a zlib stream of the present pages, concatenated.
 * A page missing from every chunk is zero.  The last page may be short when
 * the RAM size is not a multiple of the page size.
 *
 * zlib is slow next to memory (tens of MB/s at level 1 on random data), so
 * chunks are (de)compressed on up to MAX_WORKERS threads, and a chunk whose
 * first pages do not compress is stored (deflate level 0: still zlib). */
#include "system/snapshot-ram.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK_BYTES (SNAP_PAGE * SNAP_CHUNK_PAGES)
#define BITMAP_BYTES (SNAP_CHUNK_PAGES / 8)
#define CHUNK_HEAD (4 + 4 + BITMAP_BYTES + 4 + 4)
#define MAX_WORKERS 8
#define PROBE_BYTES (16 * 1024)

static bool page_is_zero(const uint8_t *p, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        acc |= v;
        if (acc)
            return false;
    }
    for (; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static uint64_t page_count(uint64_t size)
{
    return (size + SNAP_PAGE - 1) / SNAP_PAGE;
}

static size_t page_len(uint64_t page, uint64_t size)
{
    uint64_t off = page * SNAP_PAGE;
    return size - off < SNAP_PAGE ? (size_t)(size - off) : SNAP_PAGE;
}

static bool bit(const uint8_t *bitmap, uint32_t i)
{
    return bitmap[i / 8] & (1u << (i % 8));
}

static void put32(StateBuf *b, uint32_t v) { statebuf_put(b, &v, 4); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* ---- a parallel for over chunks ---- */

typedef struct Work {
    void (*fn)(void *ctx, int i);
    void *ctx;
    int n;
    int next;                      /* atomic */
} Work;

static void *worker(void *opaque)
{
    Work *w = opaque;
    for (int i; (i = __atomic_fetch_add(&w->next, 1, __ATOMIC_SEQ_CST)) < w->n;)
        w->fn(w->ctx, i);
    return NULL;
}

static void parallel_for(int n, void (*fn)(void *ctx, int i), void *ctx)
{
    Work w = { fn, ctx, n, 0 };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int nt = cpus < 1 ? 1 : cpus > MAX_WORKERS ? MAX_WORKERS : (int)cpus;
    if (nt > n)
        nt = n;
    pthread_t t[MAX_WORKERS];
    int started = 0;
    for (int i = 1; i < nt; i++)
        if (pthread_create(&t[started], NULL, worker, &w) == 0)
            started++;
    worker(&w);   /* this thread works too; alone if no thread started */
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
}

/* ---- encoding ---- */

typedef struct EncChunk {
    uint64_t first;
    uint32_t npages, rawlen;
    uint8_t bitmap[BITMAP_BYTES];
    uint8_t *z;
    uLongf zlen;
} EncChunk;

typedef struct Enc {
    const uint8_t *ram;
    uint64_t size;
    EncChunk *c;
} Enc;

static int level_for(const uint8_t *raw, size_t len)
{
    uint8_t probe[PROBE_BYTES + 64];
    uLongf pl = sizeof probe;
    size_t n = len < PROBE_BYTES ? len : PROBE_BYTES;
    if (compress2(probe, &pl, raw, n, Z_BEST_SPEED) == Z_OK && pl < n - n / 16)
        return Z_BEST_SPEED;
    return Z_NO_COMPRESSION;
}

static void encode_chunk(void *ctx, int i)
{
    Enc *e = ctx;
    EncChunk *c = &e->c[i];
    uint8_t *raw = malloc(CHUNK_BYTES);
    if (!raw)
        abort();
    memset(c->bitmap, 0, BITMAP_BYTES);
    c->rawlen = 0;
    for (uint32_t k = 0; k < c->npages; k++) {
        const uint8_t *p = e->ram + (c->first + k) * SNAP_PAGE;
        size_t l = page_len(c->first + k, e->size);
        if (page_is_zero(p, l))
            continue;
        c->bitmap[k / 8] |= (uint8_t)(1u << (k % 8));
        memcpy(raw + c->rawlen, p, l);
        c->rawlen += (uint32_t)l;
    }
    c->z = NULL;
    if (c->rawlen) {
        c->zlen = compressBound(c->rawlen);
        c->z = malloc(c->zlen);
        if (!c->z || compress2(c->z, &c->zlen, raw, c->rawlen, level_for(raw, c->rawlen)) != Z_OK)
            abort();   /* sized by compressBound: only fails without memory */
    }
    free(raw);
}

void snap_ram_encode(const uint8_t *ram, uint64_t size, StateBuf *out)
{
    uint64_t npages = page_count(size);
    int n = (int)((npages + SNAP_CHUNK_PAGES - 1) / SNAP_CHUNK_PAGES);
    Enc e = { ram, size, calloc((size_t)n + 1, sizeof(EncChunk)) };
    if (!e.c)
        abort();
    for (int i = 0; i < n; i++) {
        e.c[i].first = (uint64_t)i * SNAP_CHUNK_PAGES;
        uint64_t left = npages - e.c[i].first;
        e.c[i].npages = (uint32_t)(left < SNAP_CHUNK_PAGES ? left : SNAP_CHUNK_PAGES);
    }
    parallel_for(n, encode_chunk, &e);
    statebuf_put(out, &size, 8);
    put32(out, SNAP_PAGE);
    put32(out, SNAP_CHUNK_PAGES);
    for (int i = 0; i < n; i++) {
        EncChunk *c = &e.c[i];
        if (!c->rawlen)
            continue;   /* all zero: not stored */
        put32(out, (uint32_t)c->first);
        put32(out, c->npages);
        statebuf_put(out, c->bitmap, BITMAP_BYTES);
        put32(out, c->rawlen);
        put32(out, (uint32_t)c->zlen);
        statebuf_put(out, c->z, c->zlen);
        free(c->z);
    }
    free(e.c);
}

/* ---- decoding ---- */

/* How errors name the block: its section ("ram") and what it is ("RAM"). */
typedef struct Names {
    const char *sec, *what;
} Names;

/* One chunk's header, checked against the RAM size and the previous chunk. */
static int chunk_parse(const uint8_t *data, size_t len, size_t *pos, uint64_t next_page,
                       uint64_t size, SnapRamChunk *c, const Names *nm, char *err, size_t errlen)
{
    if (len - *pos < CHUNK_HEAD) {
        snprintf(err, errlen, "%s: truncated chunk header at offset %zu", nm->sec, *pos);
        return -1;
    }
    const uint8_t *p = data + *pos;
    c->first = get32(p);
    c->npages = get32(p + 4);
    c->bitmap = p + 8;
    c->rawlen = get32(p + 8 + BITMAP_BYTES);
    c->zlen = get32(p + 12 + BITMAP_BYTES);
    c->z = p + CHUNK_HEAD;
    c->raw = NULL;
    if (c->first < next_page || c->npages == 0 || c->npages > SNAP_CHUNK_PAGES ||
        c->first + c->npages > page_count(size)) {
        snprintf(err, errlen, "%s: chunk of %u pages at page %llu out of order or outside %s",
                 nm->sec, c->npages, (unsigned long long)c->first, nm->what);
        return -1;
    }
    size_t want = 0;
    for (uint32_t i = 0; i < SNAP_CHUNK_PAGES; i++) {
        if (bit(c->bitmap, i) && i >= c->npages) {
            snprintf(err, errlen, "%s: chunk at page %llu marks pages beyond its end", nm->sec,
                     (unsigned long long)c->first);
            return -1;
        }
        if (bit(c->bitmap, i))
            want += page_len(c->first + i, size);
    }
    if (c->rawlen != want || want == 0 || c->zlen > len - *pos - CHUNK_HEAD) {
        snprintf(err, errlen, "%s: chunk at page %llu has inconsistent lengths", nm->sec,
                 (unsigned long long)c->first);
        return -1;
    }
    *pos += CHUNK_HEAD + c->zlen;
    return 0;
}

static int ram_header(const uint8_t *data, size_t len, uint64_t size, const Names *nm, char *err,
                      size_t errlen)
{
    uint64_t s;
    if (len < 16) {
        snprintf(err, errlen, "%s: truncated section", nm->sec);
        return -1;
    }
    memcpy(&s, data, 8);
    if (s != size || get32(data + 8) != SNAP_PAGE || get32(data + 12) != SNAP_CHUNK_PAGES) {
        snprintf(err, errlen, "%s: section for %llu bytes in %u-byte pages, expected %llu in %u",
                 nm->sec, (unsigned long long)s, get32(data + 8), (unsigned long long)size,
                 SNAP_PAGE);
        return -1;
    }
    return 0;
}

static void decode_chunk(void *ctx, int i)
{
    SnapRamChunk *c = &((SnapRamImage *)ctx)->chunks[i];
    c->raw = malloc(c->rawlen);
    if (!c->raw)
        abort();
    uLongf out = c->rawlen;
    if (uncompress(c->raw, &out, c->z, c->zlen) != Z_OK || out != c->rawlen) {
        free(c->raw);
        c->raw = NULL;   /* reported by snap_ram_decode */
    }
}

int snap_ram_decode(const uint8_t *data, size_t len, uint64_t size, const char *sec,
                    const char *what, SnapRamImage *img, char *err, size_t errlen)
{
    const Names names = { sec, what }, *nm = &names;
    *img = (SnapRamImage){ 0 };
    if (ram_header(data, len, size, nm, err, errlen) < 0)
        return -1;
    int cap = (int)((page_count(size) + SNAP_CHUNK_PAGES - 1) / SNAP_CHUNK_PAGES);
    img->chunks = calloc((size_t)cap + 1, sizeof *img->chunks);
    if (!img->chunks)
        abort();
    uint64_t next = 0;
    for (size_t pos = 16; pos < len; img->n++) {
        SnapRamChunk *c = &img->chunks[img->n];
        /* chunks are in order and inside RAM: at most cap of them */
        if (img->n == cap || chunk_parse(data, len, &pos, next, size, c, nm, err, errlen) < 0) {
            if (img->n == cap)
                snprintf(err, errlen, "%s: more chunks than %s", nm->sec, nm->what);
            snap_ram_free(img);
            return -1;
        }
        next = c->first + c->npages;
    }
    parallel_for(img->n, decode_chunk, img);
    for (int i = 0; i < img->n; i++) {
        if (!img->chunks[i].raw) {
            snprintf(err, errlen, "%s: chunk at page %llu does not decompress", nm->sec,
                     (unsigned long long)img->chunks[i].first);
            snap_ram_free(img);
            return -1;
        }
    }
    return 0;
}

/* Zeroes pages [first, end), leaving pages that are zero already alone (an
 * untouched page of a fresh guest stays unallocated). */
static void zero_pages(uint8_t *ram, uint64_t first, uint64_t end, uint64_t size)
{
    for (uint64_t pg = first; pg < end; pg++) {
        uint8_t *p = ram + pg * SNAP_PAGE;
        size_t l = page_len(pg, size);
        if (!page_is_zero(p, l))
            memset(p, 0, l);
    }
}

void snap_ram_apply(const SnapRamImage *img, uint8_t *ram, uint64_t size)
{
    uint64_t next = 0;
    for (int i = 0; i < img->n; i++) {
        const SnapRamChunk *c = &img->chunks[i];
        zero_pages(ram, next, c->first, size);
        size_t off = 0;
        for (uint32_t k = 0; k < c->npages; k++) {
            uint64_t pg = c->first + k;
            size_t l = page_len(pg, size);
            if (bit(c->bitmap, k)) {
                memcpy(ram + pg * SNAP_PAGE, c->raw + off, l);
                off += l;
            } else {
                zero_pages(ram, pg, pg + 1, size);
            }
        }
        next = c->first + c->npages;
    }
    zero_pages(ram, next, page_count(size), size);
}

void snap_ram_free(SnapRamImage *img)
{
    for (int i = 0; i < img->n; i++)
        free(img->chunks[i].raw);
    free(img->chunks);
    *img = (SnapRamImage){ 0 };
}
