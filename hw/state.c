#include "hw/state.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hw/clock.h"

void statebuf_put(StateBuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *nd = realloc(b->data, cap);
        if (!nd)
            abort();
        b->data = nd;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void statebuf_free(StateBuf *b)
{
    free(b->data);
    *b = (StateBuf){ 0 };
}

static uint32_t field_bytes(const StateField *f)
{
    return f->kind == SF_TIMER ? 9 : f->size * f->count;
}

static void put_field(const StateField *f, const uint8_t *base, StateBuf *out)
{
    uint8_t nl = (uint8_t)strlen(f->name);
    uint32_t dl = field_bytes(f);
    statebuf_put(out, &nl, 1);
    statebuf_put(out, f->name, nl);
    statebuf_put(out, &dl, 4);
    if (f->kind == SF_TIMER) {
        const Timer *t = (const Timer *)(base + f->offset);
        uint8_t active = t->active;
        statebuf_put(out, &t->deadline, 8);
        statebuf_put(out, &active, 1);
    } else {
        statebuf_put(out, base + f->offset, dl);
    }
}

void state_save(const StateDesc *d, const void *opaque, StateBuf *out)
{
    for (const StateField *f = d->fields; f->name; f++)
        put_field(f, opaque, out);
}

static const StateField *find_field(const StateDesc *d, const char *name, size_t nl)
{
    for (const StateField *f = d->fields; f->name; f++)
        if (strlen(f->name) == nl && !memcmp(f->name, name, nl))
            return f;
    return NULL;
}

int state_load(const StateDesc *d, void *opaque, const uint8_t *data, size_t len,
               char *err, size_t errlen)
{
    size_t pos = 0;
    while (pos < len) {
        uint8_t nl = data[pos++];
        uint32_t dl;
        if (pos + nl + 4 > len) {
            snprintf(err, errlen, "%s: truncated state", d->name);
            return -1;
        }
        const char *name = (const char *)data + pos;
        pos += nl;
        memcpy(&dl, data + pos, 4);
        pos += 4;
        if (dl > len - pos) {
            snprintf(err, errlen, "%s: truncated field %.*s", d->name, nl, name);
            return -1;
        }
        const StateField *f = find_field(d, name, nl);
        if (!f) {
            snprintf(err, errlen, "%s: unknown field %.*s", d->name, nl, name);
            return -1;
        }
        if (dl != field_bytes(f)) {
            snprintf(err, errlen, "%s: field %s has %u bytes, expected %u", d->name, f->name,
                     dl, field_bytes(f));
            return -1;
        }
        uint8_t *dst = (uint8_t *)opaque + f->offset;
        if (f->kind == SF_TIMER) {
            Timer *t = (Timer *)dst;
            uint64_t deadline;
            memcpy(&deadline, data + pos, 8);
            if (data[pos + 8])
                timer_mod(t, deadline);
            else
                timer_del(t);
        } else if (f->kind == SF_BOOL) {
            for (uint32_t i = 0; i < f->count; i++)
                ((bool *)dst)[i] = data[pos + i] != 0;
        } else {
            memcpy(dst, data + pos, dl);
        }
        pos += dl;
    }
    if (d->post_load && d->post_load(opaque) < 0) {
        snprintf(err, errlen, "%s: inconsistent state rejected", d->name);
        return -1;
    }
    return 0;
}

static uint64_t get_uint(const uint8_t *p, uint32_t size)
{
    uint64_t v = 0;
    memcpy(&v, p, size);
    return v;
}

void state_dump(const StateDesc *d, const void *opaque, FILE *f)
{
    const uint8_t *base = opaque;
    for (const StateField *fl = d->fields; fl->name; fl++) {
        const uint8_t *p = base + fl->offset;
        fprintf(f, "  %-20s", fl->name);
        switch (fl->kind) {
        case SF_UINT:
            for (uint32_t i = 0; i < fl->count; i++) {
                if (i && i % 8 == 0)
                    fprintf(f, "\n  %-20s", "");
                fprintf(f, " 0x%0*" PRIx64, fl->size * 2, get_uint(p + i * fl->size, fl->size));
            }
            break;
        case SF_BOOL:
            for (uint32_t i = 0; i < fl->count; i++)
                fprintf(f, " %d", ((const bool *)p)[i]);
            break;
        case SF_BYTES:
            for (uint32_t i = 0; i < fl->size && i < 64; i++)
                fprintf(f, "%s%02x", i % 32 ? "" : (i ? "\n                      " : " "), p[i]);
            if (fl->size > 64)
                fprintf(f, " ... (%u bytes)", fl->size);
            break;
        case SF_TIMER: {
            const Timer *t = (const Timer *)p;
            if (t->active)
                fprintf(f, " deadline %" PRIu64 " ns", t->deadline);
            else
                fprintf(f, " inactive");
            break;
        }
        }
        fputc('\n', f);
    }
}

uint64_t state_hash(const StateDesc *d, const void *opaque)
{
    StateBuf b = { 0 };
    state_save(d, opaque, &b);
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < b.len; i++)
        h = (h ^ b.data[i]) * 0x100000001b3ull;
    statebuf_free(&b);
    return h;
}
