/* Disk images: a BlockDev is an open image of some format (raw, qcow2) that
 * devices read and write by byte offset in the guest-visible disk.
 *
 * Every access is checked against the disk's size here, before a format sees
 * it: a device (and so a guest) cannot make Tandem read or write outside the
 * image, whatever offset it computes.  I/O is synchronous (pread/pwrite on the
 * caller's thread): the guest's vCPU waits for the host disk.
 *
 * Formats: "raw" (the file is the disk) and "qcow2" (QEMU's copy-on-write
 * format, version 2 and 3: see block/qcow2.c for the subset).  Without a
 * format the file is probed (qcow2 magic, else raw).  A snapshot opens the
 * image read-only under a temporary qcow2 overlay that is deleted at close
 * (-snapshot): the user's image is never written. */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct BlockDev BlockDev;

typedef struct BlockFormat {
    const char *name;
    /* Reads the metadata of the file open on bs->fd and sets bs->size.
     * Returns 0, or -1 with one line in err (no trailing newline). */
    int (*open)(BlockDev *bs, char *err, size_t errlen);
    /* Byte ranges already checked against bs->size; 0 or -errno. */
    int (*read)(BlockDev *bs, uint64_t off, void *buf, size_t len);
    int (*write)(BlockDev *bs, uint64_t off, const void *buf, size_t len);
    int (*flush)(BlockDev *bs);
    void (*close)(BlockDev *bs);
} BlockFormat;

struct BlockDev {
    const BlockFormat *fmt;
    char *filename;
    int fd;
    bool readonly;
    uint64_t size;          /* guest-visible bytes */
    void *opaque;           /* the format's state */
    BlockDev *backing;      /* qcow2 backing file, opened read-only */
    bool probed_raw;        /* raw by probing: the guest may not make it look like qcow2 */
};

extern const BlockFormat block_raw, block_qcow2;

/* Opens path as `format` ("raw", "qcow2" or NULL to probe).  snapshot: open
 * the image read-only and put a temporary overlay over it.  Returns NULL
 * with one line naming the problem in err. */
BlockDev *blk_open(const char *path, const char *format, bool readonly, bool snapshot,
                   char *err, size_t errlen);
void blk_close(BlockDev *bs);
/* 0, -EINVAL for a range outside the disk, -EROFS, or the I/O error.  On a
 * raw image whose format was probed, a write that would put the qcow2 magic
 * in the first bytes is refused (-EPERM): the next probe would otherwise
 * take the guest's header, and its backing file name, for real (QEMU's
 * CVE-2008-2004). */
int blk_read(BlockDev *bs, uint64_t off, void *buf, size_t len);
int blk_write(BlockDev *bs, uint64_t off, const void *buf, size_t len);
int blk_flush(BlockDev *bs);

/* Creates a qcow2 version 3 image (64 KiB clusters, 16-bit refcounts) of
 * `size` bytes on the empty file fd, with an optional backing file (name as
 * stored in the header, format or NULL).  0 or -1 with err. */
int qcow2_create_fd(int fd, uint64_t size, const char *backing, const char *backing_fmt,
                    char *err, size_t errlen);

/* A 64-bit hash of the disk as the guest sees it: every byte read through
 * blk_read (so a qcow2 image or a -snapshot overlay hashes its merged view,
 * not its file).  Not cryptographic: it notices an image changed between a
 * savevm and a loadvm (block/content-hash.c).  0 or the read's -errno. */
int blk_content_hash(BlockDev *bs, uint64_t *hash);

/* pread/pwrite of the whole range (retries short transfers and EINTR):
 * 0, -errno, or -EIO when a read hits the end of the file. */
int blk_pread_full(int fd, uint64_t off, void *buf, size_t len);
int blk_pwrite_full(int fd, uint64_t off, const void *buf, size_t len);

#endif
