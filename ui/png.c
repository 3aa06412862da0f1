/* PNG writer (see png.h).  Written to a temporary file and renamed, so a
 * failed dump never leaves half an image under the user's name. */
#include "ui/png.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A chunk: length, type, data, CRC-32 over type and data. */
static bool put_chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t hdr[8], crc[4];
    put32(hdr, len);
    memcpy(hdr + 4, type, 4);
    uLong c = crc32(0, hdr + 4, 4);
    if (len)
        c = crc32(c, data, len);
    put32(crc, (uint32_t)c);
    return fwrite(hdr, 1, 8, f) == 8 && (!len || fwrite(data, 1, len, f) == len) &&
           fwrite(crc, 1, 4, f) == 4;
}

/* The filtered image: each row a filter-type byte 0 and R, G, B per pixel. */
static uint8_t *raw_rows(const uint32_t *xrgb, int w, int h, int stride, size_t *len)
{
    size_t row = 1 + (size_t)w * 3;
    uint8_t *raw = malloc(row * (size_t)h);
    if (!raw)
        return NULL;
    for (int y = 0; y < h; y++) {
        uint8_t *p = raw + row * (size_t)y;
        *p++ = 0;
        for (int x = 0; x < w; x++) {
            uint32_t v = xrgb[(size_t)y * (size_t)stride + (size_t)x];
            *p++ = (uint8_t)(v >> 16);
            *p++ = (uint8_t)(v >> 8);
            *p++ = (uint8_t)v;
        }
    }
    *len = row * (size_t)h;
    return raw;
}

int png_write(const char *path, const uint32_t *xrgb, int w, int h, int stride, char *err,
              unsigned errlen)
{
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    size_t rawlen;
    uint8_t *raw = w > 0 && h > 0 ? raw_rows(xrgb, w, h, stride, &rawlen) : NULL;
    uLongf zlen = raw ? compressBound(rawlen) : 0;
    uint8_t *z = raw ? malloc(zlen) : NULL;
    if (!z || compress2(z, &zlen, raw, rawlen, 6) != Z_OK) {
        snprintf(err, errlen, "cannot encode a %dx%d image", w, h);
        free(raw);
        free(z);
        return -1;
    }
    free(raw);
    uint8_t ihdr[13];
    put32(ihdr, (uint32_t)w);
    put32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;        /* bit depth */
    ihdr[9] = 2;        /* colour type: RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;   /* deflate, adaptive filters, no interlace */
    size_t tl = strlen(path) + 8;
    char *tmp = malloc(tl);
    snprintf(tmp, tl, "%s.tmp~", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(sig, 1, 8, f) == 8 && put_chunk(f, "IHDR", ihdr, 13) &&
              put_chunk(f, "IDAT", z, (uint32_t)zlen) && put_chunk(f, "IEND", NULL, 0);
    int saved = errno;
    if (f && fclose(f) != 0)
        ok = false;
    free(z);
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(ok ? errno : saved));
        remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
