/* Opening images, format probing, -snapshot overlays and the bounds checks
 * every access passes (see block.h). */
#include "block/block.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "system/log.h"

int blk_pread_full(int fd, uint64_t off, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;        /* the file ends inside the range */
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int blk_pwrite_full(int fd, uint64_t off, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static const BlockFormat *const formats[] = { &block_raw, &block_qcow2 };

static const BlockFormat *find_format(const char *name)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcmp(formats[i]->name, name))
            return formats[i];
    return NULL;
}

static const BlockFormat *probe(int fd)
{
    uint8_t magic[4];
    if (blk_pread_full(fd, 0, magic, 4) == 0 && !memcmp(magic, "QFI\xfb", 4))
        return &block_qcow2;
    return &block_raw;
}

static BlockDev *open_file(const char *path, const char *format, bool readonly, char *err,
                           size_t errlen)
{
    const BlockFormat *fmt = format ? find_format(format) : NULL;
    if (format && !fmt) {
        snprintf(err, errlen, "'%s': unknown image format '%s' (raw, qcow2)", path, format);
        return NULL;
    }
    int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open disk image '%s': %s", path, strerror(errno));
        return NULL;
    }
    BlockDev *bs = calloc(1, sizeof *bs);
    if (!bs)
        abort();
    bs->fmt = fmt ? fmt : probe(fd);
    bs->probed_raw = !fmt && bs->fmt == &block_raw;
    bs->filename = strdup(path);
    bs->fd = fd;
    bs->readonly = readonly;
    if (bs->fmt->open(bs, err, errlen) < 0) {
        close(fd);
        free(bs->filename);
        free(bs);
        return NULL;
    }
    return bs;
}

/* -snapshot: a qcow2 overlay in $TMPDIR, unlinked at once (only the open
 * descriptor keeps it), whose backing file is the user's image read-only. */
static BlockDev *open_snapshot(const char *path, const char *format, char *err, size_t errlen)
{
    BlockDev *base = open_file(path, format, true, err, errlen);
    if (!base)
        return NULL;
    const char *fmtname = base->fmt->name;
    uint64_t size = base->size;
    blk_close(base);
    char abs[PATH_MAX];
    if (!realpath(path, abs)) {
        snprintf(err, errlen, "cannot resolve '%s': %s", path, strerror(errno));
        return NULL;
    }
    const char *dir = getenv("TMPDIR");
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/tandem-snapshot-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "-snapshot: cannot create a temporary overlay in %s: %s",
                 dir && *dir ? dir : "/tmp", strerror(errno));
        return NULL;
    }
    BlockDev *bs = NULL;
    if (qcow2_create_fd(fd, size, abs, fmtname, err, errlen) == 0) {
        bs = calloc(1, sizeof *bs);
        if (!bs)
            abort();
        bs->fmt = &block_qcow2;
        bs->filename = strdup(tmp);
        bs->fd = fd;
        if (block_qcow2.open(bs, err, errlen) < 0) {
            free(bs->filename);
            free(bs);
            bs = NULL;
        }
    }
    unlink(tmp);
    if (!bs)
        close(fd);
    return bs;
}

BlockDev *blk_open(const char *path, const char *format, bool readonly, bool snapshot,
                   char *err, size_t errlen)
{
    if (snapshot && !readonly)
        return open_snapshot(path, format, err, errlen);
    return open_file(path, format, readonly, err, errlen);
}

void blk_close(BlockDev *bs)
{
    if (!bs)
        return;
    if (bs->fmt->close)
        bs->fmt->close(bs);
    blk_close(bs->backing);
    close(bs->fd);
    free(bs->filename);
    free(bs);
}

static bool in_bounds(const BlockDev *bs, uint64_t off, size_t len)
{
    return off <= bs->size && len <= bs->size - off;
}

int blk_read(BlockDev *bs, uint64_t off, void *buf, size_t len)
{
    if (!in_bounds(bs, off, len))
        return -EINVAL;
    return len ? bs->fmt->read(bs, off, buf, len) : 0;
}

/* Would writing [off, off + len) make the image start with the qcow2 magic? */
static bool forges_magic(BlockDev *bs, uint64_t off, const uint8_t *buf, size_t len)
{
    uint8_t head[4];
    if (off >= 4 || bs->size < 4 || blk_pread_full(bs->fd, 0, head, 4) < 0)
        return false;
    for (size_t i = 0; i < len && off + i < 4; i++)
        head[off + i] = buf[i];
    return !memcmp(head, "QFI\xfb", 4);
}

int blk_write(BlockDev *bs, uint64_t off, const void *buf, size_t len)
{
    if (!in_bounds(bs, off, len))
        return -EINVAL;
    if (bs->readonly)
        return -EROFS;
    if (bs->probed_raw && forges_magic(bs, off, buf, len)) {
        log_printf("block: '%s': refused a guest write of a qcow2 header to an image "
                   "probed as raw (give format=raw to allow it)\n", bs->filename);
        return -EPERM;
    }
    return len ? bs->fmt->write(bs, off, buf, len) : 0;
}

int blk_flush(BlockDev *bs)
{
    if (bs->readonly || !bs->fmt->flush)
        return 0;
    return bs->fmt->flush(bs);
}
