/* Raw images: the file is the disk, byte for byte. */
#include "block/block.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int raw_open(BlockDev *bs, char *err, size_t errlen)
{
    off_t end = lseek(bs->fd, 0, SEEK_END);     /* block devices too */
    if (end < 0) {
        snprintf(err, errlen, "cannot size disk image '%s': %s", bs->filename, strerror(errno));
        return -1;
    }
    bs->size = (uint64_t)end;
    return 0;
}

static int raw_read(BlockDev *bs, uint64_t off, void *buf, size_t len)
{
    return blk_pread_full(bs->fd, off, buf, len);
}

static int raw_write(BlockDev *bs, uint64_t off, const void *buf, size_t len)
{
    return blk_pwrite_full(bs->fd, off, buf, len);
}

static int raw_flush(BlockDev *bs)
{
    return fdatasync(bs->fd) < 0 ? -errno : 0;
}

const BlockFormat block_raw = { "raw", raw_open, raw_read, raw_write, raw_flush, NULL };
