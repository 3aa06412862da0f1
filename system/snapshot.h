/* Whole-machine snapshots: CPU state, every device's state table, RAM and
 * device memory such as VRAM (zlib-compressed, zero pages elided), and each
 * drive by reference and content hash, in one checksummed file.  The format
 * is described in docs/internals.md ("Snapshots").
 *
 * Both calls expect the CPU to be stopped (called from the main loop or
 * before it starts).  A snapshot taken under either backend loads under
 * either. */
#ifndef SYSTEM_SNAPSHOT_H
#define SYSTEM_SNAPSHOT_H

#include <stddef.h>

typedef struct Machine Machine;

/* Writes the machine to path (through a temporary file renamed into place).
 * Returns 0, or -1 with a one-line reason in err. */
int snapshot_save(Machine *m, const char *path, char *err, size_t errlen);

/* Replaces the machine's state with the snapshot in path.  The whole file is
 * checked (checksum, RAM size, drive and device sets, every section loaded
 * into scratch copies, every drive's content hash) before the live machine is
 * touched: on -1 (reason in err) the running guest is unchanged. */
int snapshot_load(Machine *m, const char *path, char *err, size_t errlen);

#endif
