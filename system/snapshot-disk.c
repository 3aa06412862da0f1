/* Drives in snapshots: by reference and content hash (see snapshot-disk.h).
 *
 * Section data (version 1):
 *     u64 guest-visible size, u64 content hash (blk_content_hash),
 *     u8 flags (bit 0 read-only, bit 1 -snapshot overlay, bit 2 CD-ROM),
 *     u16 format length, format, u16 path length, path (as given).
 * A CD-ROM drive without a disc has size 0, hash 0 and an empty path.
 *
 * Why by reference: images are large and the user keeps them anyway; the
 * hash makes a load into a machine whose image changed (edited, rebuilt, or
 * written by the guest under -snapshot since the save) refuse instead of
 * resuming a guest whose page cache no longer matches its disk.  The path,
 * format and flags are what the drive was; only the kind, the size and the
 * hash must match (a moved or converted image with the same content loads). */
#include "system/snapshot-disk.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "block/block.h"

#define FLAG_READONLY 1u
#define FLAG_SNAPSHOT 2u
#define FLAG_CDROM 4u
#define FIXED_LEN 17u              /* size, hash, flags */
#define MAX_STR 4096u

static void put_str(StateBuf *b, const char *s)
{
    uint16_t n = (uint16_t)strlen(s);
    statebuf_put(b, &n, 2);
    statebuf_put(b, s, n);
}

/* size and hash of what the guest sees on d now */
static int measure(const MachineDisk *d, uint64_t *size, uint64_t *hash, char *err, size_t errlen)
{
    *size = *hash = 0;
    if (!d->blk)
        return 0;
    *size = d->blk->size;
    int r = blk_content_hash(d->blk, hash);
    if (r < 0)
        snprintf(err, errlen, "drive %s: cannot read '%.100s' for its content hash: %s", d->name,
                 d->path, strerror(-r));
    return r < 0 ? -1 : 0;
}

int snap_disk_encode(const MachineDisk *d, StateBuf *out, char *err, size_t errlen)
{
    uint64_t size, hash;
    if (measure(d, &size, &hash, err, errlen) < 0)
        return -1;
    uint8_t flags = (uint8_t)((d->readonly ? FLAG_READONLY : 0) |
                              (d->snapshot ? FLAG_SNAPSHOT : 0) | (d->cdrom ? FLAG_CDROM : 0));
    statebuf_put(out, &size, 8);
    statebuf_put(out, &hash, 8);
    statebuf_put(out, &flags, 1);
    put_str(out, d->format);
    put_str(out, d->path);
    return 0;
}

/* A u16-counted string at *pos, copied (truncated) into buf. */
static bool get_str(const uint8_t *data, size_t len, size_t *pos, char *buf, size_t bufsz)
{
    uint16_t n;
    if (len - *pos < 2)
        return false;
    memcpy(&n, data + *pos, 2);
    if (n > MAX_STR || len - *pos - 2 < n)
        return false;
    snprintf(buf, bufsz, "%.*s", (int)n, (const char *)data + *pos + 2);
    *pos += 2u + n;
    return !memchr(data + *pos - n, 0, n);
}

/* A section's fields, checked for framing only. */
typedef struct DiskRecord {
    uint64_t size, hash;
    uint8_t flags;
    char format[16], path[MAX_STR + 1];
} DiskRecord;

static int parse_record(const MachineDisk *d, uint32_t version, const uint8_t *data, size_t len,
                        DiskRecord *r, char *err, size_t errlen)
{
    size_t pos = FIXED_LEN;
    if (version != SNAP_DISK_VERSION) {
        snprintf(err, errlen, "disk:%s: section version %u, this Tandem reads %u", d->name, version,
                 SNAP_DISK_VERSION);
        return -1;
    }
    if (len < FIXED_LEN || !get_str(data, len, &pos, r->format, sizeof r->format) ||
        !get_str(data, len, &pos, r->path, sizeof r->path) || pos != len) {
        snprintf(err, errlen, "disk:%s: malformed section", d->name);
        return -1;
    }
    memcpy(&r->size, data, 8);
    memcpy(&r->hash, data + 8, 8);
    r->flags = data[16];
    return 0;
}

int snap_disk_check(const MachineDisk *d, uint32_t version, const uint8_t *data, size_t len,
                    char *err, size_t errlen)
{
    DiskRecord r;
    if (parse_record(d, version, data, len, &r, err, errlen) < 0)
        return -1;
    if (!(r.flags & FLAG_CDROM) != !d->cdrom) {
        snprintf(err, errlen, "drive %s: a %s in the snapshot, a %s here", d->name,
                 r.flags & FLAG_CDROM ? "CD-ROM" : "disk", d->cdrom ? "CD-ROM" : "disk");
        return -1;
    }
    if (d->blk && d->blk->size != r.size) {
        snprintf(err, errlen, "drive %s: size changed since the snapshot ('%.100s': %llu bytes, "
                 "was %llu)", d->name, d->path, (unsigned long long)d->blk->size,
                 (unsigned long long)r.size);
        return -1;
    }
    uint64_t now_size, now_hash;
    if (measure(d, &now_size, &now_hash, err, errlen) < 0)
        return -1;
    if (now_size != r.size || now_hash != r.hash) {
        /* the essential first: err may be cut after a long file name */
        char was[160] = "";
        if (strcmp(r.path, d->path))
            snprintf(was, sizeof was, "; saved with '%.100s'", r.size ? r.path : "(no disc)");
        snprintf(err, errlen, "drive %s: content changed since the snapshot (the hash of "
                 "'%.100s' differs%s)", d->name, d->blk ? d->path : "(no disc)", was);
        return -1;
    }
    return 0;
}
