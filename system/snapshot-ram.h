/* The "ram" section of a snapshot (system/snapshot.c), and "mem:NAME" for
 * device memory (video memory) in the same encoding: the main RAM block in
 * chunks of up to SNAP_CHUNK_PAGES pages, each with a bitmap of its non-zero
 * pages and those pages zlib-compressed; chunks with no non-zero page are left
 * out.  Layout in docs/internals.md ("Snapshots").  Chunks are compressed and
 * decompressed on several threads (the CPU is stopped meanwhile). */
#ifndef SYSTEM_SNAPSHOT_RAM_H
#define SYSTEM_SNAPSHOT_RAM_H

#include <stddef.h>
#include <stdint.h>

#include "hw/state.h"

#define SNAP_PAGE 4096u
#define SNAP_CHUNK_PAGES 256u      /* 1 MiB of RAM per compressed chunk */

/* A decoded "ram" section, ready to be copied into RAM. */
typedef struct SnapRamChunk {
    uint64_t first;                /* first page */
    uint32_t npages;
    uint32_t rawlen, zlen;
    const uint8_t *bitmap, *z;     /* inside the section data */
    uint8_t *raw;                  /* the present pages, decompressed */
} SnapRamChunk;

typedef struct SnapRamImage {
    SnapRamChunk *chunks;
    int n;
} SnapRamImage;

/* Appends the encoding of ram[0..size) to out. */
void snap_ram_encode(const uint8_t *ram, uint64_t size, StateBuf *out);
/* Checks and decompresses an encoding for a RAM block of size bytes (RAM is
 * not touched); 0, or -1 with the reason in err (img is then empty).  Errors
 * name the section (sec: "ram", "mem:vga.vram") and the block (what: "RAM"). */
int snap_ram_decode(const uint8_t *data, size_t len, uint64_t size, const char *sec,
                    const char *what, SnapRamImage *img, char *err, size_t errlen);
/* Writes a decoded image into ram (pages outside every chunk become zero). */
void snap_ram_apply(const SnapRamImage *img, uint8_t *ram, uint64_t size);
void snap_ram_free(SnapRamImage *img);

#endif
