/* Declarative state tables.  Every device and the CPU list their state as plain
 * fields; the same table drives snapshot save/load, replay start points, state
 * hashes and the monitor's `info dev` dumps.  Host pointers and derived caches are
 * never listed: post_load rebuilds them. */
#ifndef HW_STATE_H
#define HW_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    SF_UINT,     /* little-endian unsigned integer of size 1, 2, 4 or 8, count elements */
    SF_BOOL,     /* bool array */
    SF_BYTES,    /* opaque bytes (size = total length, count = 1) */
    SF_TIMER,    /* a Timer: its deadline and whether it is active */
} StateKind;

typedef struct StateField {
    const char *name;
    uint32_t offset;
    uint32_t size;     /* bytes per element */
    uint32_t count;    /* elements */
    uint8_t kind;
    uint16_t since;    /* first version of the table that has the field */
} StateField;

typedef struct StateDesc {
    const char *name;
    uint16_t version;
    const StateField *fields;            /* terminated by STATE_END */
    int (*post_load)(void *opaque);      /* rebuild derived state; <0 rejects */
} StateDesc;

#define STATE_UINT(type, f) \
    { #f, offsetof(type, f), sizeof(((type *)0)->f), 1, SF_UINT, 0 }
#define STATE_UINT_ARRAY(type, f) \
    { #f, offsetof(type, f), sizeof(((type *)0)->f[0]), \
      sizeof(((type *)0)->f) / sizeof(((type *)0)->f[0]), SF_UINT, 0 }
#define STATE_BOOL(type, f) { #f, offsetof(type, f), sizeof(bool), 1, SF_BOOL, 0 }
#define STATE_BOOL_ARRAY(type, f) \
    { #f, offsetof(type, f), sizeof(bool), sizeof(((type *)0)->f) / sizeof(bool), SF_BOOL, 0 }
#define STATE_BYTES(type, f) { #f, offsetof(type, f), sizeof(((type *)0)->f), 1, SF_BYTES, 0 }
#define STATE_TIMER(type, f) { #f, offsetof(type, f), 0, 1, SF_TIMER, 0 }
#define STATE_END { NULL, 0, 0, 0, 0, 0 }

/* A growable byte buffer for serialised state. */
typedef struct StateBuf {
    uint8_t *data;
    size_t len, cap;
} StateBuf;

void statebuf_put(StateBuf *b, const void *p, size_t n);
void statebuf_free(StateBuf *b);

/* Appends the fields as (u8 name length, name, u32 data length, data) records. */
void state_save(const StateDesc *d, const void *opaque, StateBuf *out);
/* Loads records produced by state_save of a version <= d->version.  Unknown
 * fields or size mismatches fail with a message in err.  Fields absent from the
 * data keep their current value.  Runs post_load. Returns 0 or -1. */
int state_load(const StateDesc *d, void *opaque, const uint8_t *data, size_t len,
               char *err, size_t errlen);
/* Human-readable dump, one field per line (monitor `info dev`). */
void state_dump(const StateDesc *d, const void *opaque, FILE *f);
/* FNV-1a hash over the serialised state (replay divergence checks). */
uint64_t state_hash(const StateDesc *d, const void *opaque);

#endif
