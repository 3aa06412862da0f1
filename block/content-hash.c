/* The content hash snapshots keep of every disk (see block.h).
 *
 * Why this hash: it has to read the whole guest-visible disk at every savevm
 * and loadvm, so it must run at memory speed; it only has to notice accidental
 * change (the user edited, rebuilt or swapped an image), not resist forgery.
 * Four independent multiply-rotate lanes over 32-byte stripes (the structure
 * of xxHash64's main loop, written here from its description, not
 * bit-compatible) keep the multiplier busy without a dependency chain; the
 * length and a final avalanche make sizes and tail bytes count.  CRC-32 would
 * do for change detection too but is 32 bits and slower without the CLMUL
 * path zlib may not have. */
#include "block/block.h"

#include <stdlib.h>
#include <string.h>

#define HASH_CHUNK (1u << 20)      /* bytes read per blk_read */
#define K1 0x9e3779b97f4a7c15ull
#define K2 0xc2b2ae3d27d4eb4full
#define K3 0x165667b19e3779f9ull

typedef struct Hash {
    uint64_t lane[4];
    uint64_t len;
} Hash;

static uint64_t rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t step(uint64_t acc, uint64_t word)
{
    return rotl(acc + word * K2, 31) * K1;
}

/* len is a multiple of 32 except for the last call. */
static void hash_bytes(Hash *h, const uint8_t *p, size_t len)
{
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        uint64_t w[4];
        memcpy(w, p + i, 32);
        for (int k = 0; k < 4; k++)
            h->lane[k] = step(h->lane[k], w[k]);
    }
    if (i < len) {                 /* the tail, zero-padded (the length tells) */
        uint64_t w[4] = { 0 };
        memcpy(w, p + i, len - i);
        for (int k = 0; k < 4; k++)
            h->lane[k] = step(h->lane[k], w[k]);
    }
    h->len += len;
}

static uint64_t hash_final(const Hash *h)
{
    uint64_t x = rotl(h->lane[0], 1) + rotl(h->lane[1], 7) + rotl(h->lane[2], 12) +
                 rotl(h->lane[3], 18);
    x ^= h->len * K3;
    x ^= x >> 33;
    x *= K2;
    x ^= x >> 29;
    x *= K3;
    return x ^ (x >> 32);
}

int blk_content_hash(BlockDev *bs, uint64_t *hash)
{
    Hash h = { { K1 + K2, K2, 0, 0 - K1 }, 0 };
    uint8_t *buf = malloc(HASH_CHUNK);
    if (!buf)
        abort();
    int r = 0;
    for (uint64_t off = 0; off < bs->size && r == 0; off += HASH_CHUNK) {
        size_t n = bs->size - off < HASH_CHUNK ? (size_t)(bs->size - off) : HASH_CHUNK;
        r = blk_read(bs, off, buf, n);
        if (r == 0)
            hash_bytes(&h, buf, n);
    }
    free(buf);
    *hash = hash_final(&h);
    return r;
}
