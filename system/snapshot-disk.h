/* The "disk:NAME" sections of a snapshot (system/snapshot.c): each drive by
 * reference (the image's path as given, its format, size, read-only and
 * -snapshot flags) and a content hash of what the guest sees on it, never its
 * data.  Layout in docs/internals.md ("Snapshots"). */
#ifndef SYSTEM_SNAPSHOT_DISK_H
#define SYSTEM_SNAPSHOT_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "hw/machine.h"

#define SNAP_DISK_VERSION 1u

/* Appends the section data for d (reads the whole disk for the hash).
 * 0, or -1 with one line in err when the image cannot be read. */
int snap_disk_encode(const MachineDisk *d, StateBuf *out, char *err, size_t errlen);
/* Checks a section against drive d of this machine: well formed, the same
 * kind (disk or CD-ROM) and size, and the same content hash now.  0, or -1
 * with one line in err naming the drive. */
int snap_disk_check(const MachineDisk *d, uint32_t version, const uint8_t *data, size_t len,
                    char *err, size_t errlen);

#endif
